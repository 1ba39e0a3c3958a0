"""Sound-alike typos of the documents' names, on a hand-built list of names and documents."""

import re

from bot.qa.glossary import english_word
from bot.qa.typos import Homophones, Misspellings, sound

DOCUMENTS = "虹桥国际中央商务区。北虹桥片区以会展经济为特色。重点发展北斗导航。乔木。"
FIXER = Homophones(["虹桥", "北虹桥片区", "会展", "北斗导航", "乔木", "Hongqiao"], DOCUMENTS)


def test_a_one_character_homophone_of_a_name_becomes_the_name() -> None:
    assert FIXER.fix("虹乔商务区的产业规划") == "虹桥商务区的产业规划"
    assert FIXER.fix("虹侨CBD在哪") == "虹桥CBD在哪"
    assert FIXER.fix("北虹乔片区汇展经济") == "北虹桥片区会展经济"  # the longest name first, then the next


def test_real_words_and_other_differences_are_left_alone() -> None:
    assert FIXER.fix("北虹桥片区以会展经济为特色") == "北虹桥片区以会展经济为特色"  # written in the documents
    assert FIXER.fix("北斗导行") == "北斗导行"  # 行 does not sound like 航
    assert FIXER.fix("轰敲") == "轰敲"  # sounds like 虹桥 only without tones' help, and differs in two characters
    assert FIXER.fix("What about Hongqiao?") == "What about Hongqiao?"


def test_any_word_of_the_documents_or_the_glossary_is_a_target_but_real_words_stay() -> None:
    """The names are the documents' words and the glossary's (生产总值 is read as GDP though the documents write
    GDP): 通之 is 通知 and 生产总植 is 生产总值. A word of the segmenter's dictionary is a real word, not a typo, though
    it sounds like a name: 甲级 (grade A offices) is never 家级, nor 中兴 中型."""
    fixer = Homophones(["通知", "生产总值", "家级", "中型"], "通知。国家级。中型。")
    assert fixer.fix("通之文号") == "通知文号"
    assert fixer.fix("地区生产总植") == "地区生产总值"
    assert fixer.fix("甲级写字楼") == "甲级写字楼" and fixer.fix("中兴") == "中兴"
    assert sound("虹桥") == sound("虹乔") == ("hong", "qiao")


def test_the_edge_of_a_real_word_is_no_typo() -> None:
    # 环包 sounds like 环保, but its 包 begins 包括, which the documents write: "核心环包括" is not "核心环保括".
    fixer = Homophones(["环保"], "节能环保。规划包括三部分。")
    assert fixer.fix("核心环包括哪些地块") == "核心环包括哪些地块"
    assert fixer.fix("环包产业") == "环保产业"  # no word across the edge: a typo


def test_a_span_that_cuts_a_word_of_the_question_is_no_typo() -> None:
    # 上有 sounds like 上游 (a word the documents write), but in "政策上有没有" its 有 begins 有没有.
    fixer = Homophones(["上游"], "产业链上游。")
    assert fixer.fix("政策上有没有扶持") == "政策上有没有扶持"


def test_a_typo_the_segmenter_glues_to_a_word_of_place_is_fixed() -> None:
    """ "综保区的事规化里咋说的": the segmenter reads 规化里 as one word; 规化 is the typo of 规划 all the same, with 里
    after it. A real word that only sounds like a name stays."""
    fixer = Homophones(["规划"], "规划。")
    assert fixer.fix("综保区的事规化里咋说的") == "综保区的事规划里咋说的"
    assert fixer.fix("规化里关于人才有哪些举措") == "规划里关于人才有哪些举措"
    # …or glued in front of it ("了解下规化里": 下 + 规化)
    assert fixer.fix("想了解下规化里的规模目标") == "想了解下规划里的规模目标"


def test_a_rare_variant_of_a_much_commoner_name_is_a_typo() -> None:
    """人材 is a dictionary word (50), but 人才 is a hundred times commoner: written for it. 甲级 (209) is a word of its
    own beside the rarer 家级."""
    from bot.qa.text import add_words

    add_words(["人才"])  # taught to the segmenter as the documents' word: its dictionary count still decides
    assert Homophones(["人才"], "人才。").fix("外籍高端人材有没有快速通道") == "外籍高端人才有没有快速通道"
    assert Homophones(["家级"], "国家级。").fix("甲级写字楼") == "甲级写字楼"


def test_english_typos_become_the_word_the_documents_or_a_figure_question_use() -> None:
    """One edit from a word the documents' English writes (componants, expansoin: a swap) or a word asking for a
    figure (ammount). A British spelling (metre, programme), a word the documents write, a name the dictionary lacks
    (pinduoduo) and a short form (intl, govts) are left as typed; of several near words, the commonest."""
    docs = {"components", "expansion", "metro", "area", "era", "pinduoduo", "subsidy"}
    cue = re.compile(r"amount|number")
    fixer = Misspellings(lambda w: w in docs, english_word, cue)
    assert fixer.fix("Which EV componants, and what expansoin?") == "Which EV components, and what expansion?"
    assert fixer.fix("the subsidey ammount") == "the subsidy amount"
    kept = "rent per square metre, the programme, Pinduoduo, intl govts, aera"
    assert fixer.fix(kept) == kept
    assert Misspellings(lambda w: w in {"plant", "plans"}, english_word, cue).fix("plann") == "plans"  # 71k vs 47k


def test_a_contraction_of_a_name_is_spelt_out() -> None:
    """航司 keeps 航空公司's first and last characters and drops the middle: the name it stands for. A word of its own
    (平米, common in the segmenter's dictionary) is never rewritten, nor a word two names fit, nor one the documents
    write."""
    from bot.qa.typos import Contractions

    docs = "航空公司和航空企业入驻。引进人才在落户方面。面积151.4平方千米。产业集群与产业生态集群。"
    c = Contractions(["航空公司", "引进人才", "平方千米", "产业集群", "产业生态集群", "航空企业"], docs)
    assert c.fix("有哪些航司？引才政策呢") == "有哪些航空公司？引进人才政策呢"
    assert c.fix("多少平米") == "多少平米"
    assert c.name_for("产业群") is None  # two names fit
    assert c.name_for("航空") is None  # the documents write it


def test_a_word_of_grammar_after_a_typo_is_no_edge_of_a_real_word() -> None:
    """ "规化的基本原泽有哪几条": 化的 sits side by side in the documents ("…化的…"), but 的 is a word of grammar glued
    on, not the rest of a word; 原泽 is glued to 有 as 规化 to 里. Both typos are fixed; a real word's edge still
    stops a fix (中以 sounds like 中医, but 以临 begins 以临空…)."""
    fixer = Homophones(["规划", "原则", "中医"], "规划。数字化的发展。基本原则。以临空枢纽经济为特色。")
    assert fixer.fix("虹桥产业规化的基本原泽有哪几条") == "虹桥产业规划的基本原则有哪几条"
    assert fixer.fix("规划中以临空枢纽经济为特色的是哪个片区") == "规划中以临空枢纽经济为特色的是哪个片区"
