"""Stage 6, render: parts in the order asked, citations numbered as first cited, verbatim quotes, adjacent
units as one quote, headings, English quotes with the Chinese cited, not-stated parts."""

from bot.qa.parts import Composition, PartAnswer
from bot.qa.render import heading, message, render
from bot.qa.select import units_of
from tests.stages import passage

NORTH = "北虹桥片区。以智慧绿色创新经济为特色。重点发展汽车新势力。依托临港嘉定科技城。"
SOUTH = "南虹桥片区。重点发展高端医疗服务。"


def _one(*units, status="answered") -> Composition:
    return Composition((PartAnswer("问题", status, tuple(units)),))


def test_citations_are_numbered_as_first_cited_and_quotes_are_verbatim() -> None:
    south = units_of([passage(SOUTH, "south", rank=1, section="规划 › 南虹桥片区")], 20)
    north = units_of([passage(NORTH, "north", rank=2)], 20)
    text, citations, parts = render("zh", _one(north[0], south[0]), lambda s: s)
    assert [(c.n, c.chunk_id) for c in citations] == [(1, "north"), (2, "south")]
    assert all(c.quote in c.text and f"[{c.n}]" in text for c in citations)
    assert text.startswith(message("lead", "zh")) and parts[0].citations == (1, 2)


def test_adjacent_units_of_one_passage_are_one_quote() -> None:
    units = units_of([passage(NORTH)], 20)
    _, citations, _ = render("zh", _one(units[0], units[1]), lambda s: s)
    assert len(citations) == 1 and citations[0].quote == NORTH[: NORTH.index("依托")]
    _, apart, _ = render("zh", _one(units[0], units[2]), lambda s: s)
    assert len(apart) == 2 and {c.n for c in apart} == {1}


def test_each_part_in_the_order_asked_and_a_part_left_open_is_said_so() -> None:
    north = units_of([passage(NORTH, "north")], 20)
    composition = Composition(
        (PartAnswer("北虹桥发展什么", "answered", north[:1]), PartAnswer("租金多少", "not_stated", ()))
    )
    text, _, parts = render("zh", composition, lambda s: s)
    lines = text.splitlines()
    assert lines[1] == "**1. 北虹桥发展什么**" and "**2. 租金多少**" in lines
    assert "⚠ " + message("not_stated_part", "zh").format(part="租金多少") in lines
    assert [(p.status, p.citations) for p in parts] == [("answered", (1,)), ("not_stated", ())]


def test_a_part_answered_by_what_an_earlier_part_quoted_points_to_it_instead_of_repeating_it() -> None:
    north = units_of([passage(NORTH, "north")], 20)
    composition = Composition(
        (
            PartAnswer("北虹桥发展什么、依托什么", "answered", tuple(north)),  # one quote: the whole passage
            PartAnswer("依托什么", "answered", north[-1:]),  # a sentence inside it
        )
    )
    text, citations, parts = render("zh", composition, lambda s: s)
    assert len(citations) == 1 and text.count("依托临港嘉定科技城") == 1
    assert text.splitlines()[-1] == "- " + message("quoted_above", "zh").format(refs="[1]")
    assert [p.citations for p in parts] == [(1,), (1,)]  # the part still cites what answers it


def test_a_detail_left_open_keeps_what_the_documents_do_say() -> None:
    units = units_of([passage(NORTH)], 20)
    text, citations, parts = render("en", _one(units[0], status="not_stated"), lambda s: s)
    assert message("not_stated_detail", "en") in text and citations and parts[0].citations == (1,)


def test_a_quote_that_does_not_name_its_heading_is_prefixed_with_it() -> None:
    assert heading("规划 › （四）营造人才集聚生态", "依托虹桥国际商务人才港。") == "【（四）营造人才集聚生态】"
    assert heading("规划 › 北虹桥片区", "北虹桥片区。以智慧绿色创新经济为特色。") == ""
    assert heading("规划", "总述。") == ""


def test_an_english_answer_gives_each_quotes_reviewed_english_and_cites_the_chinese() -> None:
    units_en = ["North Hongqiao Zone.", "Featuring a smart, green economy.", "It prioritises NEVs.", "It relies on X."]
    p = passage(NORTH, "north", units_en=units_en, section_en="Plan › North Hongqiao Zone")
    text, citations, _ = render("en", _one(units_of([p], 20)[0]), lambda s: s)
    assert "North Hongqiao Zone. Featuring a smart, green economy. [1]" in text
    assert message("unofficial", "en") in text and citations[0].quote == NORTH[: NORTH.index("重点")]
    assert citations[0].quote_en == "North Hongqiao Zone. Featuring a smart, green economy."
    assert citations[0].section_en == "Plan › North Hongqiao Zone"


def test_a_quote_without_english_is_given_in_chinese_and_said_so() -> None:
    p = passage(NORTH, "north", units_en=["North Hongqiao Zone.", None, None, None])
    text, citations, _ = render("en", _one(units_of([p], 20)[0]), lambda s: s)
    assert text.startswith(message("lead_chinese", "en")) and NORTH[:10] in text and citations[0].quote_en is None
