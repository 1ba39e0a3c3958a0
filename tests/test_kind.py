""" "Which zone suits X?": the glossary family of X, the zone sentence that states it brought into the answer
(select), and the check that a cited zone states what was asked (check). Hand-built glossary and passages."""

from dataclasses import replace

from bot.qa.analyse import Analyser
from bot.qa.check import check
from bot.qa.config import EngineConfig
from bot.qa.glossary import Glossary, Term
from bot.qa.rules import rules
from bot.qa.select import Selector
from bot.qa.vocabulary import Vocabulary
from bot.types import RefusalCode
from tests.stages import analysis, passage, topic

GLOSSARY = Glossary(
    terms=[
        Term("北虹桥片区", "North Hongqiao Zone", "zone"),
        Term("西虹桥片区", "West Hongqiao Zone", "zone"),
        Term("汽车新势力", "New Automotive Forces", "industry", related=("新能源汽车",)),
        Term("新能源汽车", "New Energy Vehicles", "subfield", zh_aliases=("电动车",), related=("整车研发",)),
        Term("整车研发", "Vehicle R&D", "direction"),
    ]
)
NORTH = "北虹桥片区。以制造服务经济为特色，重点发展汽车新势力、低碳新能源等产业。"
WEST = "西虹桥片区。以国际化会展经济为特色，重点布局会展、北斗导航等产业。"
ROW = "细分领域：新能源汽车\n发展方向：整车研发\n发展重点：造车新势力厂商"
CATALOGUE = "重点产业目录 › 二、产业发展目录 › （八）汽车新势力 › 新能源汽车"
WEST_SECTION = "产业发展规划 › 四、产业发展布局 › （二）四区：产业功能片区 › 西虹桥片区"
ANALYSER = Analyser(GLOSSARY, Vocabulary.of([NORTH, WEST, ROW, "文本"]), EngineConfig())
SELECTOR = Selector(ANALYSER)


def _asks_zone(*topics, text="电动车企业适合哪个片区"):
    a = analysis(*topics, text=text)
    return replace(a, whole=replace(a.whole, asks_kind="zone"))


def test_a_terms_family_runs_from_itself_down_to_its_related_and_up_to_what_lists_it() -> None:
    assert GLOSSARY.family("整车研发") == ("整车研发", "新能源汽车", "汽车新势力")  # up two levels
    assert GLOSSARY.family("新能源汽车")[:3] == ("新能源汽车", "电动车", "整车研发")
    assert "汽车新势力" in GLOSSARY.family("新能源汽车")


def test_the_subject_of_a_zone_question_is_its_heaviest_name_not_the_words_asking_for_the_zone() -> None:
    nev = topic("新能源汽车", 3.0, "电动车", kind="subfield")
    zone_word = replace(topic("片区", 5.0, kind="concept"), text="片区")
    kinds, family = ANALYSER.kind_subject(_asks_zone(nev, zone_word))
    assert kinds == frozenset({"zone", "circle"}) and family[0] == "新能源汽车" and "汽车新势力" in family
    assert ANALYSER.kind_subject(analysis(nev)) == (frozenset(), ())  # not a zone question


def test_a_cited_zone_must_state_the_subject_or_its_industry() -> None:
    a = _asks_zone(topic("新能源汽车", 3.0, "电动车", kind="subfield"))
    west = SELECTOR.select(
        a, [passage(WEST, "west", section=WEST_SECTION), passage(ROW, "row", rank=2, section=CATALOGUE)]
    )
    # the west zone is a zone, but says nothing of vehicles: the zone that does is not among the passages
    assert check(a, west, SELECTOR).code is RefusalCode.KIND_MISSING
    both = SELECTOR.select(
        a,
        [
            passage(ROW, "row", section=CATALOGUE),
            passage(WEST, "west", rank=2, section=WEST_SECTION),
            passage(NORTH, "north", rank=3),
        ],
    )
    assert both.chosen[0].context.chunk_id == "north" and both.repaired  # brought in by its industry, first
    assert check(a, both, SELECTOR) is None


def test_a_zone_question_naming_nothing_needs_only_a_zone() -> None:
    a = _asks_zone(topic("片区", 2.0), text="哪个片区")
    assert check(a, SELECTOR.select(a, [passage(WEST, "west", section=WEST_SECTION)]), SELECTOR) is None


def test_where_in_a_list_is_not_a_place_question() -> None:
    place = dict(rules().asks_kind)["place"]
    assert place.search("Where is the exhibition centre?")
    assert not place.search("Where do we fit in the auto catalogue?")
    assert not place.search("where would we sit under the plan")


def test_in_which_aspects_is_not_a_place_question() -> None:
    place = dict(rules().asks_kind)["place"]
    assert place.search("会展中心在哪？") and place.search("在哪些地方设点？")
    assert not place.search("除了住房，还在哪些方面有政策支持？")
    assert not place.search("在哪个领域有专项资金？")


def test_a_zone_question_naming_nothing_brings_no_zone_in() -> None:
    a = _asks_zone(topic("办公", 2.0), text="办公地址在哪里")
    row = passage("办公空间。", "row", section=CATALOGUE)
    chosen = SELECTOR.select(a, [row, passage(WEST, "west", rank=2, section=WEST_SECTION)])
    assert [u.context.chunk_id for u in chosen.chosen] == ["row"] and not chosen.repaired


def test_where_to_go_is_answered_by_a_zone_before_a_single_place() -> None:
    glossary = Glossary(terms=[*GLOSSARY.terms, Term("嘉定氢能港", "Jiading Hydrogen Port", "place")])
    analyser = Analyser(glossary, Vocabulary.of([NORTH, WEST, ROW, "文本"]), EngineConfig())
    selector = Selector(analyser)
    port = passage("支持嘉定氢能港建设，形成新能源汽车全产业链。", "port", section="规划 › 汽车新势力")
    a = analysis(topic("新能源汽车", 3.0, "电动车", kind="subfield"), text="电动车企业去哪里好")
    a = replace(a, whole=replace(a.whole, asks_kind="place"))
    chosen = selector.select(a, [port, passage(NORTH, "north", rank=2)]).chosen
    assert chosen[0].context.chunk_id == "north"  # the port is a place that states it; the zone comes first
    assert check(a, selector.select(a, [port]), selector) is None  # a place alone still answers "where"


def test_which_district_governments_is_not_a_zone_question() -> None:
    zone = dict(rules().asks_kind)["zone"]
    assert zone.search("which district suits a medtech firm?") and zone.search("which zone hosts evs?")
    assert not zone.search("which district governments was the notice addressed to?")
    assert not zone.search("which district govts got the notice?")
    assert not zone.search("what national zone does the plan want to build for connected vehicles?")


def test_in_what_areas_support_is_given_is_not_a_zone_question() -> None:
    zone = dict(rules().asks_kind)["zone"]
    assert not zone.search("in what areas does the plan promise policy support for recruited talent?")
    assert not zone.search("in which areas will imported professionals get help?")
    assert zone.search("in which area should we set up?") and zone.search("in which areas are hqs clustered?")
    assert zone.search("which areas host ev makers?")
