"""Sound-alike typos of the documents' names, on a hand-built list of names and documents."""

from bot.qa.typos import Homophones, sound

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


def test_names_the_documents_do_not_use_are_not_targets() -> None:
    fixer = Homophones(["虹桥", "租金"], "虹桥")
    assert fixer.names == {"虹桥"}
    assert sound("虹桥") == sound("虹乔") == ("hong", "qiao")


def test_the_edge_of_a_real_word_is_no_typo() -> None:
    # 环包 sounds like 环保, but its 包 begins 包括, which the documents write: "核心环包括" is not "核心环保括".
    fixer = Homophones(["环保"], "节能环保。规划包括三部分。")
    assert fixer.fix("核心环包括哪些地块") == "核心环包括哪些地块"
    assert fixer.fix("环包产业") == "环保产业"  # no word across the edge: a typo
