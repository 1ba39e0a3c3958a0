"""The bilingual glossary: variants, English phrase matching, labels."""

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.qa.glossary import load_glossary
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(CORPUS / "glossary.yaml")


def test_every_term_and_related_word_is_in_the_corpus(glossary) -> None:
    import re

    text = "".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt"))
    flat = re.sub(r"\s+", "", text).replace("**", "")
    missing = [w for t in glossary.terms for w in (t.zh, *t.related) if re.sub(r"\s+", "", w) not in flat]
    assert missing == []
    assert len(glossary.terms) > 300


def test_variants_fix_typos_and_colloquial_forms(glossary) -> None:
    assert glossary.normalize("虹乔商务区") == "虹桥商务区"
    assert glossary.normalize("Where is Hongqaio?") == "Where is Hongqiao?"
    assert glossary.normalize("any O2O retail?") == "any 020 retail?"
    assert glossary.normalize("o2o") == "020"


def test_english_phrases_longest_first_with_plurals(glossary) -> None:
    matches = glossary.match_english("Which zone focuses on new energy vehicles?")
    zh = {m.term.zh for m in matches}
    assert {"片区", "汽车新势力"} <= zh
    assert any(m.text == "new energy vehicles" for m in matches)
    assert {m.term.zh for m in glossary.match_english("Any support for EVs and hospitals?")} >= {"汽车新势力"}


def test_a_misspelt_word_still_completes_a_phrase(glossary) -> None:
    found = {m.term.zh for m in glossary.match_english("where is autonomus driving concentrated?")}
    assert "自动驾驶" in found
    assert glossary.match_english("it is concentrated, supporting it") == []  # ordinary words stay ordinary
    assert all(m.term.zh != "教育" for m in glossary.match_english("tax reductions"))  # not "education"
    # a cluster (集聚区, 产业集群) is no zone
    assert all(m.term.zh != "片区" for m in glossary.match_english("is a dedicated cluster planned?"))
    # trying to pull in (attract) a kind of company
    assert "引进" in {m.term.zh for m in glossary.match_english("what expo organisers are they trying to pull in?")}
    # "go after" pursues; it is no "since" (以来)
    assert all(m.term.zh != "以来" for m in glossary.match_english("What kinds of companies are they after?"))


def test_a_real_english_word_is_not_read_as_a_typo_of_a_glossary_word(glossary) -> None:
    # "director" is one letter from the glossary's "directory" (the key enterprise list), "contact" from "contract"
    assert "重点企业名录库" not in {m.term.zh for m in glossary.match_english("who is the current director?")}
    assert not [m for m in glossary.match_english("who should we contact?") if m.text == "contact"]
    assert {m.term.zh for m in glossary.match_english("any plans on the metavers?")} == {"元宇宙"}  # a typo still is


def test_chinese_aliases_map_to_document_words(glossary) -> None:
    zh = {m.term.zh for m in glossary.match_chinese("东虹桥那边呢？")}
    assert "东虹桥片区" in zh


def test_labels_for_section_headings(glossary) -> None:
    assert glossary.label("北虹桥片区") == "North Hongqiao Zone"
    assert glossary.label("（二）四区：产业功能片区")
    assert glossary.label("not a term") is None


def test_key_terms_leave_out_everyday_words_and_headings(glossary) -> None:
    terms = [t.zh for t in glossary.terms_in("细分领域：北斗导航\n发展重点：重点发展北斗导航运营服务，支持企业")]
    assert "北斗导航" in terms and "细分领域" not in terms and "企业" not in terms


def test_missing_and_broken_glossary(tmp_path: Path) -> None:
    assert load_glossary(tmp_path / "none.yaml").terms == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("terms: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_glossary(bad)


def test_a_document_named_in_english_is_the_document_as_in_chinese(glossary) -> None:
    """ "In the catalogue, …" names the Key Industry Catalogue (a document term), as "目录里…" does; an everyday
    reading of the word must not take the span first."""
    for question in ["In the catalogue, what's listed under digital RMB?", "目录里数字人民币列了什么？"]:
        kinds = {m.term.kind for m in glossary.match_english(question) + glossary.match_chinese(question)}
        assert "document" in kinds, question


def test_everyday_english_abbreviations_are_written_out(glossary) -> None:
    assert (
        glossary.normalize("any intl schools? how many digital cos?")
        == "any international schools? how many digital companies?"
    )
    assert glossary.normalize("Discos and cosmetics") == "Discos and cosmetics"
    # a hyphenated word whose closed form is a glossary word is that word ("off-shore trading": offshore trade)
    assert glossary.normalize("off-shore trading") == "offshore trading"
    assert glossary.normalize("non-state firms") == "non-state firms"
    # a comparative of a glossary phrase reads as the phrase: "the longer-term goal for 2035" is the long-term goal
    assert "总体目标" in {m.term.zh for m in glossary.match_english(glossary.normalize("the longer-term goal"))}


def test_everyday_names_of_the_documents_things(glossary) -> None:
    """An exchange as investors say it, a print line as the notice's 印发, a year-on-year rise as staff say it."""

    def labels(text: str) -> set[str]:
        return {m.term.zh for m in glossary.match_english(text) + glossary.match_chinese(text)}

    assert "交易中心" in labels("Which exchange-type platforms will be set up?")
    assert "印发" in labels("which office handled its printing and distribution?")
    assert "同比增长" in labels("比上一年涨了多少？")
    assert "生命科创发展轴" in labels("About the southbound development axis: what is it called?")
    assert {"三轴", "生命科创发展轴"} <= labels("三条发展轴里往南那条叫啥？")
    assert "专项资金" in labels("Is there dedicated funding for life-science companies?")
    assert "沪虹商管〔2022〕76号" in labels("Who issued this notice, and what's its doc no.?")
    assert "北斗导航" in labels("We're a Beidou/GNSS positioning company.")
    assert "发展定位" not in labels("We're a Beidou/GNSS positioning company.")
    assert "基地" in labels("Which zone fits us, and what base is there?")
    assert "链接全球的产业金融" in labels("规划里产业金融重点发展哪些业务？")
    assert "面积" not in labels("how many km long is it?") and "面积" in labels("How big is it in km2?")
    assert "指导思想" in labels("What's the big-picture thinking of the plan?")
    assert {"打响虹桥整体品牌", "活动"} <= labels("How will Hongqiao promote itself - any big events?")
    # 科技服务 is the everyday short form of the statistics' 科学研究和技术服务 ("tech-services share vs the city")
    assert "科学研究和技术服务" in glossary.family("科技服务")
    assert "发展基础" in labels("Are there already big new-energy players?") and "发展基础" in labels(
        "已经有哪些企业？"
    )
    assert "年均增幅" in labels("税收每年增长多少？") and "年均增幅" not in labels("一般每年几月份开？")


def test_a_headings_name_names_the_thing_it_heads(glossary) -> None:
    """北向“创新新势力发展轴” is a heading (a section) holding the axis's own name: a sentence opening with it names an
    axis. A name merely containing another word (虹桥国际中央商务区 holds 商务区) names no more than itself."""
    assert "axis" in glossary.kinds_named("北向“创新新势力发展轴”。由长宁临空经济示范区为起点。")
    assert "place" not in glossary.kinds_named("优化虹桥国际中央商务区内道路贯通建设。")


def test_a_counted_name_spelled_out_is_the_name(glossary) -> None:
    """ "四个“高”分别是哪些产业" asks about 四高, "五个新" about 五新; a count of something the glossary does not name
    (三个“突出”) is left as written."""
    assert glossary.normalize("那四个“高”分别对应哪几个产业？五个新是啥") == "那四高分别对应哪几个产业？五新是啥"
    assert glossary.normalize("三个“突出”是什么") == "三个“突出”是什么"


def test_relations_go_both_ways_on_hand_built_terms() -> None:
    from bot.qa.glossary import Glossary, Term

    terms = [Term(zh="甲", en="a", related=("乙",)), Term(zh="乙", en="b"), Term(zh="丙", en="c", related=("乙",))]
    g = Glossary(terms=terms)
    assert g.relations("甲") == ("乙",)
    assert g.relations("乙") == ("甲", "丙")
    assert g.relations("丁") == ()


def test_a_possessive_names_its_owner_on_hand_built_terms() -> None:
    from bot.qa.glossary import Glossary, Term

    g = Glossary(terms=[Term(zh="拼多多", en="Pinduoduo", kind="org"), Term(zh="片区", en="zone", aliases=("where",))])
    assert [m.term.zh for m in g.match_english("What are Pinduoduo's plans?")] == ["拼多多"]
    assert [m.text for m in g.match_english("Pinduoduo’s plans")] == ["Pinduoduo’s"]
    # a contraction reads as its full form ("where's" = "where is"); a short word keeps its "'s" ("it's")
    assert [m.term.zh for m in g.match_english("Where's the base?")] == ["片区"]
    assert g.match_english("it's") == []


def test_a_noun_in_is_has_its_plural_in_es_and_the_common_misspelling() -> None:
    from bot.qa.glossary import plural_forms

    assert plural_forms("axis") == {"axis", "axes", "axises"}
    assert plural_forms("company") == {"company", "companies"}


def test_players_are_companies(glossary) -> None:
    assert "企业" in {m.term.zh for m in glossary.match_english("Does it name any existing players?")}
    assert "三轴" in {m.term.zh for m in glossary.match_english("Name the growth axises running through it.")}


def test_a_one_character_everyday_word_is_a_word_of_its_own_on_hand_built_terms() -> None:
    from bot.qa.glossary import Glossary, Term

    g = Glossary(terms=[Term(zh="沿", en="along", kind="general"), Term(zh="氢能", en="hydrogen", zh_aliases=("氢",))])
    assert [m.term.zh for m in g.match_chinese("沿线串了哪些平台")] == []  # 沿 inside 沿线
    assert [m.term.zh for m in g.match_chinese("沿G50高速延伸")] == ["沿"]
    # a one-character name of a thing is one inside its compounds too
    assert [m.term.zh for m in g.match_chinese("打通氢燃料电池汽车产业链")] == ["氢能"]


def test_a_common_phrase_is_no_name_of_the_recipients(glossary) -> None:
    # "aimed at" is how any question asks what something is for, not who received the notice
    assert "各有关单位" not in {m.term.zh for m in glossary.match_english("which verticals are the services aimed at")}
    assert "各有关单位" in {m.term.zh for m in glossary.match_english("Who was the notice addressed to?")}


def test_document_speak_names_the_notice_and_its_date(glossary) -> None:
    assert "通知" in {m.term.zh for m in glossary.match_chinese("那份发文是哪个部门出的")}
    assert "印发" in {m.term.zh for m in glossary.match_chinese("落款是哪天")}


def test_a_verb_form_names_what_its_base_form_names_for_a_document_action_on_hand_built_terms() -> None:
    from bot.qa.glossary import Glossary, Term

    g = Glossary(
        terms=[
            Term(zh="抄送", en="cc", kind="document", aliases=("copy", "copied to")),
            Term(zh="基地", en="base", kind="platform", aliases=("bases",)),
        ]
    )
    assert [m.term.zh for m in g.match_english("Which bodies were copied on it?")] == ["抄送"]
    assert [m.term.zh for m in g.match_english("who got cc'd on the notice")] == ["抄送"]
    assert [m.term.zh for m in g.match_english("catalogue-based incentives")] == []  # "based" is no base


def test_two_modifiers_joined_by_and_share_the_head_of_a_phrase_on_hand_built_terms() -> None:
    from bot.qa.glossary import Glossary, Term

    g = Glossary(
        terms=[
            Term(zh="北虹桥片区", en="North Hongqiao", aliases=("north hongqiao",)),
            Term(zh="南虹桥片区", en="South Hongqiao", aliases=("south hongqiao",)),
        ]
    )
    assert [m.term.zh for m in g.match_english("North and South Hongqiao")] == ["北虹桥片区", "南虹桥片区"]
    assert [m.term.zh for m in g.match_english("east and south hongqiao")] == ["南虹桥片区"]  # no east term here


def test_a_word_only_one_members_name_has_names_that_member_of_a_group_on_hand_built_terms() -> None:
    from bot.qa.glossary import Glossary, Term

    terms = [
        Term(
            zh="三轴", en="Three Axes", kind="axis", aliases=("development axis", "corridor"), related=("甲轴", "乙轴")
        ),
        Term(zh="甲轴", en="Digital Trunk Axis (Central)", kind="axis", aliases=("digital corridor",)),
        Term(zh="乙轴", en="Life Science Axis (South)", kind="axis", aliases=("southward axis", "year-round axis")),
        Term(zh="数字", en="digital", kind="general"),
    ]
    g = Glossary(terms=terms)
    # the group's name after a word of one member's name: that member, from that word on (the word alone goes)
    assert [(m.term.zh, m.text) for m in g.match_english("What's the 'digital' development axis?")] == [
        ("甲轴", "digital' development axis")
    ]
    assert [m.term.zh for m in g.match_english("the south life sci corridor")] == ["乙轴"]
    # not a word of an alias only, not past "the" or a clause break
    assert [m.term.zh for m in g.match_english("last year development axis")] == ["三轴"]
    assert [m.term.zh for m in g.match_english("digital, the development axis")] == ["数字", "三轴"]
