"""Stage 4, select: whole-sentence units, their scores, and the choice of the answer's units."""

import dataclasses

import pytest

from bot.qa.analyse import Analyser, Topic
from bot.qa.config import EngineConfig
from bot.qa.glossary import Glossary, Term
from bot.qa.select import Selector, units_of
from bot.qa.vocabulary import Vocabulary
from tests.stages import analysis, passage, tiny_analyser, topic

TARGET = (
    "产业目标。聚焦“四高五新”产业体系，争取到 2025 年，实现“4311”产业发展目标。打造高流量贸易经济、高端化服务经济、"
    "数字新经济、时尚新消费四个千亿级产业生态集群；打造生命新科技、汽车新势力、低碳新能源三个五百亿级产业；"
    "举办 100 场国际性会展，国际性展览占比超过 80%；集聚综合性总部和功能性总部企业数量达到 1000 家。"
)


def test_a_unit_is_a_whole_sentence_never_a_clause() -> None:
    units = units_of([passage(TARGET)], lead_chars=20)
    texts = [u.text for u in units]
    # The lead "产业目标。" goes with the sentence it opens; "；" does not end a unit.
    assert texts[0].startswith("产业目标。聚焦") and texts[0].endswith("产业发展目标。")
    assert texts[1].startswith("打造高流量") and texts[1].endswith("1000 家。") and "；举办 100 场" in texts[1]
    assert all(u.text == TARGET[u.start : u.end] for u in units)


def test_catalogue_records_are_quoted_whole() -> None:
    row = "细分领域：新能源汽车\n发展方向：核心零部件\n发展重点：氢燃料电池，动力电池；IGBT 模块"
    (unit,) = units_of([passage(row, kind="catalogue_row")], lead_chars=20)
    assert unit.text == row


def test_the_best_unit_then_one_for_each_uncovered_topic() -> None:
    north = passage("北虹桥片区。重点发展汽车新势力、低碳新能源。", "north", rank=1)
    south = passage("南虹桥片区。重点发展高端医疗服务。", "south", rank=2, section="规划 › 南虹桥片区")
    other = passage("会展经济持续发展。", "other", rank=3, section="规划 › 会展")
    a = analysis(topic("北虹桥片区", 2.0), topic("高端医疗服务", 1.0))
    chosen = Selector(tiny_analyser("x")).select(a, [north, south, other]).chosen
    assert [u.context.chunk_id for u in chosen] == ["north", "south"]


def test_list_questions_take_the_opening_of_each_sub_section() -> None:
    head = passage("1. 数字新经济。布局长三角数字经济创新走廊。", "head", section="规划 › 1. 数字新经济")
    subs = [
        passage(f"{name}。重点发展{name}技术。", name, rank=i + 2, section=f"规划 › 1. 数字新经济 › {name}")
        for i, name in enumerate(["元宇宙", "人工智能", "工业互联网"])
    ]
    a = analysis(topic("数字新经济", 2.0), asks_list=True)
    chosen = Selector(tiny_analyser("x")).select(a, [head, *subs]).chosen
    assert [u.context.chunk_id for u in chosen] == ["head", "元宇宙", "人工智能", "工业互联网"]


@pytest.mark.parametrize(("max_units", "max_chars", "expected"), [(5, 900, 3), (2, 900, 2), (5, 30, 1)])
def test_the_answer_is_bounded_in_units_and_characters(max_units, max_chars, expected) -> None:
    texts = [
        "北虹桥片区发展汽车新势力，规模很大。",
        "北虹桥片区发展低碳新能源，规模很大。",
        "北虹桥片区发展医疗器械，规模很大。",
    ]
    ps = [passage(t, f"c{i}", rank=i + 1) for i, t in enumerate(texts)]
    config = EngineConfig(max_units=max_units, max_chars=max_chars)
    chosen = Selector(tiny_analyser("x", config=config)).select(analysis(topic("北虹桥片区")), ps).chosen
    assert len(chosen) == expected


def test_a_figure_question_brings_in_the_unit_that_gives_the_figure() -> None:
    about = passage("汽车新势力。汇聚造车新势力总部，打造智慧新交通产业集群。", "about", rank=1)
    figure = passage(TARGET, "target", rank=4, section="规划 › 产业目标")
    a = analysis(topic("汽车新势力", 2.0), topic("产业", 0.1), asks_figure=True)
    strict = tiny_analyser("x", config=EngineConfig(margin=0.0))  # no runner-up is quoted on its score alone
    selection = Selector(strict).select(a, [about, figure])
    assert selection.repaired and "target" in {u.context.chunk_id for u in selection.chosen}


def test_nothing_is_chosen_when_no_unit_covers_a_topic() -> None:
    a = analysis(topic("写字楼", 1.0))
    assert Selector(tiny_analyser("x")).select(a, [passage("北虹桥片区重点发展汽车新势力。")]).chosen == ()


def test_a_question_about_the_present_prefers_sentences_of_the_state_of_play() -> None:
    selector = Selector(tiny_analyser("汽车行业", "造车新势力"))
    target = passage("汇聚造车新势力和汽车行业总部。", "target", section="规划 › 四、未来产业新赛道")
    today = passage("蔚来、威马等汽车行业新总部加速集聚。", "today", section="规划 › 一、发展基础", rank=2)
    car = topic("汽车行业", 2.0)
    (first,) = selector.select(analysis(car), [target, today]).units[:1]
    assert first.context.chunk_id == "target"  # the better-ranked passage, all else equal
    (first,) = selector.select(analysis(car, present=True), [target, today]).units[:1]
    assert first.context.chunk_id == "today"


def test_a_question_naming_one_document_prefers_its_units() -> None:
    selector = Selector(tiny_analyser("直播", "电商"))
    plan = passage("大力发展直播电商。", "plan", title="虹桥国际中央商务区产业发展规划（2022年8月）")
    row = passage("直播电商：头部直播平台。", "row", rank=2, title="虹桥国际中央商务区重点产业目录（2022年8月）")
    live = topic("直播", 2.0)
    catalogue = topic("重点产业目录", 0.5, "目录", kind="document")
    assert selector.select(analysis(live), [plan, row]).units[0].context.chunk_id == "plan"
    assert selector.select(analysis(live, catalogue), [plan, row]).units[0].context.chunk_id == "row"
    notice = passage("直播。", "notice", title="关于发布并实施《…产业发展规划》和《…重点产业目录》的通知")
    both = selector.select(analysis(live, catalogue), [notice, row]).units
    assert both[0].context.chunk_id == "row"  # the notice only quotes the catalogue's title


def test_a_closing_formula_alone_is_never_quoted() -> None:
    # "特此通知。" (notice is hereby given) closes the notice: the sentences around it are quotable, it is not.
    text = "现予以发布，请各单位结合实际贯彻执行。\n特此通知。\n上海虹桥国际中央商务区管理委员会"
    quoted = [u.text for u in units_of([passage(text, "notice", section="通知")], 0)]
    assert "特此通知。" not in quoted
    assert any("贯彻执行" in q for q in quoted) and any("管理委员会" in q for q in quoted)


def test_a_list_question_is_answered_by_the_items_under_the_heading_that_names_it() -> None:
    """Under "基本原则", each principle is a passage with its own heading: for "基本原则有哪几条" each states the topic
    (1), for a question that does not list it only its heading does (in_section); a passage whose own heading names
    the topic is about it, not one of its items."""
    selector = Selector(tiny_analyser("x"))
    principles = topic("基本原则", 2.0)
    item = passage("坚持新赛道创新发展。布局产业创新发展新赛道。", "p1", section="规划 › 基本原则 › 坚持新赛道创新发展")
    (unit,) = units_of([item], lead_chars=20)
    assert selector.level(principles, unit, frozenset({"基本原则"})) == 1.0
    assert selector.level(principles, unit) == selector.config.in_section
    own = passage("总体要求。", "p0", section="规划 › 总体要求 › 基本原则")
    (heading,) = units_of([own], lead_chars=20)
    assert not selector.listed_under(principles, heading)
    a = analysis(principles, topic("确定", 1.0, known=False), asks_list=True, list_heads=frozenset({"基本原则"}))
    assert Selector(tiny_analyser("x")).select(a, [item]).support > selector.config.support


def test_a_date_question_brings_in_the_dated_sentence_under_the_same_heading() -> None:
    """ "这个规划什么时候发布的？": the sentences about the release say no date; the signature line under the same
    heading does, and is brought in; a dated sentence under another heading is not."""
    body = passage("关于发布并实施产业发展规划的通知。现予以发布，请各单位贯彻执行。", "body", section="通知")
    signature = passage("管理委员会\n2022年9月14日", "signature", rank=2, section="通知")
    elsewhere = passage("2021年9月启动建设。", "other", rank=3, section="规划 › 举措")
    a = analysis(topic("发布", 2.0), asks_date=True)
    chosen = Selector(tiny_analyser("x")).select(a, [body, signature, elsewhere]).chosen
    assert "signature" in [u.context.chunk_id for u in chosen] and "other" not in [u.context.chunk_id for u in chosen]


def test_a_list_question_about_a_grouping_concept_brings_in_the_sentence_naming_its_members() -> None:
    """ "The notice talks about 五新 - what are they?": the notice's sentence states 五新 and the notice; the members
    are named only in the plan's sentence, which scores lower. It is brought in; a question that is no list is not."""
    five = Term("五新", "Five News", "concept", related=("数字新经济", "生命新科技", "低碳新能源"))
    analyser = Analyser(Glossary(terms=[five]), Vocabulary.of(["x"]), EngineConfig(margin=0.0))
    selector = Selector(analyser)
    notice = passage("通知：构建“四高五新”产业发展方向。", "notice", section="通知")
    plan = passage("重点布局数字新经济、生命新科技、低碳新能源等产业。", "plan", rank=2, section="规划 › 产业体系")
    topics = (topic("五新", 2.0, kind="concept"), topic("通知", 2.0, kind="document"))
    listed = selector.select(analysis(*topics, asks_list=True), [notice, plan])
    assert [u.context.chunk_id for u in listed.chosen] == ["notice", "plan"] and listed.repaired
    assert [u.context.chunk_id for u in selector.select(analysis(*topics), [notice, plan]).chosen] == ["notice"]


def test_only_a_concept_whose_name_counts_its_members_has_members() -> None:
    """人才 is related to 人才驿站 and 人才服务: narrower things, not members a list question asks for. A sentence that
    names two of them ("进一步优化人才服务，建设人才驿站") is no list of talent policies; 五新 names how many it groups,
    and a related term that is a form of the name (新四化融合 for 新四化) is not one of its members."""
    talent = Term("人才", "talent", "concept", related=("人才驿站", "人才服务"))
    four = Term("新四化", "four modernisations", "concept", related=("新四化融合", "整车研发", "智能化"))
    five = Term("五新", "Five News", "concept", related=("数字新经济", "生命新科技"))
    glossary = Glossary(terms=[talent, four, five])
    assert glossary.members("人才") == ()
    assert glossary.members("新四化") == ("整车研发", "智能化")
    assert glossary.members("五新") == ("数字新经济", "生命新科技")
    selector = Selector(Analyser(glossary, Vocabulary.of(["x"]), EngineConfig(margin=0.0, list_margin=0.0)))
    policy = passage("加大对引进人才在落户、子女教育等方面的政策支持。", "policy", section="规划 › 人才")
    station = passage("进一步优化人才服务，建设人才驿站。", "station", rank=3, section="规划 › 平台")
    chosen = selector.select(analysis(topic("人才", 2.0, kind="concept"), asks_list=True), [policy, station]).chosen
    assert [u.context.chunk_id for u in chosen] == ["policy"]


def test_a_notices_copy_list_is_quoted_only_when_asked_for() -> None:
    """The CC line names the zones' companies (南虹桥公司); it is no answer about the zones, only to "抄送了谁"."""
    selector = Selector(tiny_analyser("x"))
    cc = passage("抄送：南虹桥公司、东虹办、北虹办。", "cc", section="通知")
    south = topic("南虹桥", 2.0, kind="zone")
    assert selector.select(analysis(south), [cc]).chosen == ()
    asked = selector.select(analysis(topic("抄送", 1.0, kind="document"), south), [cc]).chosen
    assert [u.context.chunk_id for u in asked] == ["cc"]


def test_a_grouping_concept_asked_through_a_question_word_does_not_favour_sentences_naming_it() -> None:
    """ "南虹桥那块主要搞哪些产业？": 哪些产业 reaches 四高五新, which the zone's own sentence does not say (it names
    the industries); a measure that says 四高五新 and mentions 南虹桥 in passing is not the better answer."""
    selector = Selector(tiny_analyser("x"))
    measures = passage("围绕“四高五新”产业目录，高水平建设南虹桥民企总部集聚区。", "measures", section="规划 › 举措")
    zone = passage(
        "南虹桥片区。重点发展高端医疗服务、时尚新消费等产业。", "zone", rank=2, section="规划 › 四区 › 南虹桥片区"
    )
    south = topic("南虹桥片区", 2.0, "南虹桥", kind="zone")
    industries = Topic("四高五新", ("四高五新",), 2.0, text="哪些产业", kind="concept")
    chosen = selector.select(analysis(south, industries), [measures, zone]).chosen
    assert chosen[0].context.chunk_id == "zone"
    # asked on its own, the concept is what the question is about
    alone = selector.select(analysis(industries), [measures, zone]).chosen
    assert alone[0].context.chunk_id == "measures"


def test_the_cbd_named_in_a_question_brings_in_no_passage_of_its_own() -> None:
    """ "北虹桥片区在商务区里重点发展什么？": the zone's sentence answers; the CBD (rules.yaml whole_area) is named by
    many passages and is what none of them is about, so a passage naming it is not brought in as a second part. A
    second thing asked (会展) still brings in its sentence."""
    selector = Selector(tiny_analyser("x"))
    north = passage("北虹桥片区。重点发展汽车新势力等产业。", "north")
    cbd = passage("商务区举办推介活动。", "cbd", rank=2, section="规划 › 品牌")
    fairs = passage("会展服务。打造国际会展之都。", "fairs", rank=3, section="规划 › 会展")
    zone, whole = topic("北虹桥片区", 3.0, kind="zone"), topic("商务区", 1.0, kind="place")
    chosen = selector.select(analysis(zone, whole), [north, cbd, fairs]).chosen
    assert [u.context.chunk_id for u in chosen] == ["north"]
    both = selector.select(analysis(zone, whole, topic("会展", 2.0)), [north, cbd, fairs]).chosen
    assert [u.context.chunk_id for u in both] == ["north", "fairs"]


def test_a_cover_is_quoted_only_for_a_question_asking_when_and_states_its_documents_date() -> None:
    """ "plan + catalogue dated when?": the cover (title and month) states the date its document is written on (印发,
    rules.yaml cover_says); for any other question it is no quote."""
    analyser = tiny_analyser("虹桥国际中央商务区 产业发展规划\n2022 年 8 月", "北虹桥片区重点发展汽车新势力。")
    selector = Selector(analyser)
    cover = passage("虹桥国际中央商务区 产业发展规划\n2022 年 8 月", "cover", kind="cover", section="产业发展规划")
    zone = passage("北虹桥片区重点发展汽车新势力。", "zone", rank=2)
    issued = topic("印发", 2.0, kind="document")
    dated = selector.select(analysis(issued, asks_date=True), [cover, zone])
    assert [u.context.chunk_id for u in dated.chosen] == ["cover"]
    assert selector.level(issued, dated.chosen[0]) == 1.0
    plain = selector.select(analysis(topic("产业发展规划", 2.0, kind="document")), [cover, zone])
    assert "cover" not in {u.context.chunk_id for u in plain.units}


def test_a_question_naming_nothing_but_the_cbd_quotes_no_runners_up() -> None:
    """ "商务区到底多大？": every passage names the CBD and ties on it; the runners-up within the margin are no
    closer to what is asked than any other passage, so the best and the unit giving the figure are quoted."""
    selector = Selector(tiny_analyser("x"))
    events = passage("商务区举办推介活动。", "events")
    image = passage("商务区塑造国际化开放形象。", "image", rank=2, section="规划 › 品牌")
    area = passage("商务区面积 151.4 平方公里。", "area", rank=3, section="规划 › 发展基础")
    whole = topic("商务区", 2.0, kind="place")
    chosen = selector.select(analysis(whole, text="商务区到底多大？", asks_figure=True), [events, image, area]).chosen
    assert [u.context.chunk_id for u in chosen] == ["events", "area"]
    # a question naming something besides still quotes the runners-up it ties on
    fairs = topic("推介", 2.0)
    both = selector.select(analysis(whole, fairs), [events, image, passage("商务区推介活动。", "x", rank=4)]).chosen
    assert len(both) > 1


def test_a_name_announced_at_a_sentences_end_is_spelt_out_by_the_next_sentence() -> None:
    """ "“4311”是啥意思？": the sentence that names it ends by announcing it ("…实现“4311”产业发展目标。");
    the one after it spells it out and is quoted too. A question not asking what it means, or a sentence
    that names it elsewhere, is not followed."""
    selector = Selector(tiny_analyser("x"))
    meaning = analysis(topic("4311", 2.0), text="4311是啥意思？")
    chosen = selector.select(meaning, [passage(TARGET)]).chosen
    assert [u.why for u in chosen][:2] == ["best", "meaning"] and chosen[1].text.startswith("打造高流量")
    figure = analysis(topic("4311", 2.0), text="4311目标哪年提出？")
    assert [u.why for u in selector.select(figure, [passage(TARGET)]).chosen] == ["best"]
    early = "“4311”产业发展目标要在 2025 年前实现，各方共同推进落实。打造高流量贸易经济集群。"
    assert [u.why for u in selector.select(meaning, [passage(early)]).chosen] == ["best"]


def test_a_question_asking_what_is_aimed_for_prefers_the_plans_to_the_state_of_play() -> None:
    """ "Which legal services do they want to attract?": the sentence of the plans (a measure) beats the state of play
    (发展基础) that says as much of the topic; an "already" question the other way round."""
    base = passage("知名律师事务所集聚虹桥。", "base", section="规划 › 二、发展基础")
    plan = passage("发展知名律所分所。", "plan", rank=2, section="规划 › 三、产业发展重点")
    wants = analysis(topic("律所", 2.0, "律师事务所"), text="want to attract law firms")
    wants = dataclasses.replace(wants, whole=dataclasses.replace(wants.whole, asks_target=True))
    assert Selector(tiny_analyser("x")).select(wants, [base, plan]).chosen[0].context.chunk_id == "plan"
    now = analysis(topic("律所", 2.0, "律师事务所"), text="law firms already here", present=True)
    assert Selector(tiny_analyser("x")).select(now, [base, plan]).chosen[0].context.chunk_id == "base"


def test_the_cbd_is_no_answer_to_where_in_it_something_is() -> None:
    """ "Is a bonded zone planned? Where exactly will it sit?": the bonded-zone sentence names the CBD
    (商务区综合保税区, rules.yaml whole_area), a place of the glossary, but the CBD is where everything is; a sentence
    naming a place in it (嘉定) answers where."""
    cbd = Term("商务区", "CBD", "place")
    jiading = Term("嘉定", "Jiading", "place")
    analyser = Analyser(Glossary(terms=[cbd, jiading]), Vocabulary.of(["x"]), EngineConfig())
    selector = Selector(analyser)
    (bonded,) = units_of([passage("争取设立商务区综合保税区。", "bonded")], lead_chars=0)
    (port,) = units_of([passage("支持嘉定氢能港建设。", "port")], lead_chars=0)
    assert not selector.answers_kind(bonded, frozenset({"place"}), ())
    assert selector.answers_kind(port, frozenset({"place"}), ())


def test_a_sentence_saying_the_thing_itself_comes_before_one_saying_a_related_term() -> None:
    """ "What does the plan say about Hongqiao University?": 人才 is a related term of 虹桥大学 (an English question's
    topic carries them), so every talent sentence states it; the sentence naming 虹桥大学 itself is the answer."""
    selector = Selector(tiny_analyser("x"))
    talent = passage(
        "支持企业引进国际化、复合型创新人才，完善人才保障体系。研究制定“虹桥大学”的落地推进方案。", "talent"
    )
    university = topic("虹桥大学", 2.0, "Hongqiao University", related=("人才",))
    first, second = units_of([talent], lead_chars=0)
    assert selector.level(university, second) > selector.level(university, first) > 0
    chosen = selector.select(analysis(university, lang="en"), [talent]).chosen
    assert chosen[0].text == "研究制定“虹桥大学”的落地推进方案。"


def test_a_units_reviewed_english_states_english_words_the_question_pairs() -> None:
    """ "Is customs clearance mentioned anywhere?": no glossary term holds customs or clearance, but the catalogue row's
    reviewed English says both (仓储、运输、通关: "warehousing, transport and customs clearance"); one such word alone
    (a verb of how the question asks, "concentrates") states nothing."""
    selector = Selector(tiny_analyser("x"))
    row = passage(
        "仓储、运输、通关等物流企业总部。",
        "row",
        units_en=["HQs of warehousing, transport and customs clearance firms."],
    )
    (unit,) = units_of([row], lead_chars=0)
    customs = Topic("customs", ("customs",), 1.0, "customs", known=False, english=("clearance",))
    alone = Topic("customs", ("customs",), 1.0, "customs", known=False, english=("concentrates",))
    assert selector.level(customs, unit) == 1.0
    assert selector.level(alone, unit) == 0.0
