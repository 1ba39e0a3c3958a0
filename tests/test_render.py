"""Stage 6, render: citations numbered by rank, verbatim quotes, adjacent units as one span, headings."""

from bot.qa.render import heading, message, render
from bot.qa.select import units_of
from tests.stages import passage

NORTH = "北虹桥片区。以智慧绿色创新经济为特色。重点发展汽车新势力。依托临港嘉定科技城。"


def test_citations_follow_retrieval_rank_and_quotes_are_verbatim() -> None:
    second = units_of([passage("南虹桥片区。重点发展高端医疗服务。", "south", rank=2, section="规划 › 南虹桥片区")], 20)
    first = units_of([passage(NORTH, "north", rank=1)], 20)
    text, citations = render("zh", [*second, first[0]], lambda s: s)
    assert [c.n for c in citations] == [1, 2] and [c.chunk_id for c in citations] == ["north", "south"]
    assert all(c.quote in c.text and f"[{c.n}]" in text for c in citations)
    assert text.startswith(message("lead", "zh"))


def test_adjacent_units_of_one_passage_are_one_quote() -> None:
    units = units_of([passage(NORTH)], 20)
    _, citations = render("zh", [units[0], units[1]], lambda s: s)
    assert len(citations) == 1 and citations[0].quote == NORTH[: NORTH.index("依托")]
    _, apart = render("zh", [units[0], units[2]], lambda s: s)
    assert len(apart) == 2 and {c.n for c in apart} == {1}


def test_a_quote_that_does_not_name_its_heading_is_prefixed_with_it() -> None:
    assert heading("规划 › （四）营造人才集聚生态", "依托虹桥国际商务人才港。") == "【（四）营造人才集聚生态】"
    assert heading("规划 › 北虹桥片区", "北虹桥片区。以智慧绿色创新经济为特色。") == ""
    assert heading("规划", "总述。") == ""


def test_english_answers_carry_english_section_labels() -> None:
    _, citations = render("en", units_of([passage(NORTH)], 20)[:1], lambda s: f"EN:{s}")
    assert citations[0].section_en.startswith("EN:")
    assert message("refusal", "en").startswith("The documents do not say")


def test_an_english_answer_gives_each_quotes_reviewed_english_and_cites_the_chinese() -> None:
    units_en = ["North Hongqiao Zone.", "Featuring a smart, green economy.", "It prioritises NEVs.", "It relies on X."]
    p = passage(NORTH, "north", units_en=units_en, section_en="Plan › North Hongqiao Zone")
    text, citations = render("en", units_of([p], 20)[:1], lambda s: s)
    assert "North Hongqiao Zone. Featuring a smart, green economy. [1]" in text
    assert message("unofficial", "en") in text and citations[0].quote == NORTH[: NORTH.index("重点")]
    assert citations[0].quote_en == "North Hongqiao Zone. Featuring a smart, green economy."


def test_a_quote_without_english_is_given_in_chinese_and_said_so() -> None:
    p = passage(NORTH, "north", units_en=["North Hongqiao Zone.", None, None, None])
    text, citations = render("en", units_of([p], 20)[:1], lambda s: s)
    assert text.startswith(message("lead_chinese", "en")) and NORTH[:10] in text and citations[0].quote_en is None
