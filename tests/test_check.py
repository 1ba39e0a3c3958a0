"""Stage 5, check: each refusal check on hand-built selections, and their order."""

from dataclasses import replace

import pytest

from bot.qa.check import CHECKS, check
from bot.qa.select import Selection, Selector, units_of
from bot.types import RefusalCode
from tests.stages import analysis, passage, tiny_analyser, topic

SELECTOR = Selector(tiny_analyser("北虹桥片区", "南虹桥片区", "会展", "汽车", "医疗", "金融", "航空", "贸易"))
NORTH = units_of([passage("北虹桥片区。重点发展汽车新势力、低碳新能源等产业。")], 20)
FIGURE = units_of([passage("产业目标。集聚总部企业数量达到 1000 家。", "t", section="规划 › 产业目标")], 20)


def _selection(units, support=1.0):
    return Selection(tuple(units), tuple(units), support)


def _needs_named(subject, texts, silent, naming, code) -> None:
    """Each question (English and Chinese) is refused with `code` on units that do not name what it asks for, and
    passes on units that do."""
    for text in texts:
        a = analysis(subject, text=text, lang="en" if text.isascii() else "zh")
        assert check(a, _selection(silent), SELECTOR).code is code
        assert check(a, _selection(naming), SELECTOR) is None


def test_an_answered_question_passes_every_check() -> None:
    assert check(analysis(topic("北虹桥片区", 2.0)), _selection(NORTH), SELECTOR) is None


@pytest.mark.parametrize(
    ("a", "units", "support", "code"),
    [
        (analysis(topic("北虹桥片区", 2.0)), [], 0.0, RefusalCode.NO_EVIDENCE),
        (analysis(topic("北虹桥片区", 2.0), missing_numbers=("2030",)), NORTH, 1.0, RefusalCode.UNKNOWN_NUMBER),
        (analysis(topic("北虹桥片区", 2.0), asks_figure=True, unknown_nouns=("租金",)), NORTH, 1.0,
         RefusalCode.UNKNOWN_FIGURE_TOPIC),
        (analysis(topic("北虹桥片区", 2.0), unknown_nouns=("写字楼", "租金")), NORTH, 1.0, RefusalCode.UNKNOWN_TOPIC),
        (analysis(topic("北虹桥片区", 2.0)), NORTH, 0.3, RefusalCode.LOW_SUPPORT),
        (analysis(topic("发展", 2.0, general=True)), NORTH, 1.0, RefusalCode.NOTHING_SPECIFIC),
        (analysis(topic("北虹桥片区", 2.0), asks_figure=True), NORTH, 1.0, RefusalCode.FIGURE_MISSING),
    ],
)  # fmt: skip
def test_each_check_refuses_with_its_code(a, units, support, code) -> None:
    refusal = check(a, _selection(units, support), SELECTOR)
    assert refusal is not None and refusal.code is code and refusal.detail


def test_one_unknown_noun_refuses_only_a_figure_question() -> None:
    a = analysis(topic("北虹桥片区", 2.0), unknown_nouns=("写字楼",))
    assert check(a, _selection(NORTH), SELECTOR) is None


def test_who_holds_a_post_the_documents_never_name_is_a_detail_they_leave_open() -> None:
    """ "管委会现在的主任是谁？": one unknown noun (主任) is enough when the question asks who, as for a figure; without
    asking who, one unknown noun refuses nothing."""
    who = analysis(topic("北虹桥片区", 2.0), text="北虹桥片区的主任是谁？", asks_person=True, unknown_nouns=("主任",))
    refusal = check(who, _selection(NORTH), SELECTOR)
    assert refusal.code is RefusalCode.UNKNOWN_PERSON and "主任" in refusal.detail
    other = replace(who, asks_person=False, text="北虹桥片区的主任有哪些职责？")  # asks no one's name
    assert check(other, _selection(NORTH), SELECTOR) is None
    assert check(replace(who, unknown_nouns=(), text="北虹桥片区由谁规划？"), _selection(NORTH), SELECTOR) is None
    # (with no unknown noun, who holds a post is still a detail the documents never give: rules.yaml benefits)
    assert check(replace(who, unknown_nouns=()), _selection(NORTH), SELECTOR).code is RefusalCode.BENEFIT_MISSING


def test_a_figure_must_count_in_the_measure_word_asked_and_meet_the_year() -> None:
    a = analysis(topic("总部", 2.0), asks_figure=True, measures=("家",))
    assert check(a, _selection(FIGURE), SELECTOR) is None
    by_fairs = analysis(topic("总部", 2.0), asks_figure=True, measures=("场",))
    assert check(by_fairs, _selection(FIGURE), SELECTOR).code is RefusalCode.FIGURE_MISSING
    by_year = analysis(topic("总部", 2.0), asks_figure=True, numbers=("2021",))
    assert "2021" in check(by_year, _selection(FIGURE), SELECTOR).detail
    present = analysis(topic("总部", 2.0), asks_figure=True, present=True)
    assert "present" in check(present, _selection(FIGURE), SELECTOR).detail  # a target is not today's figure


def test_a_when_question_needs_a_date_or_a_year() -> None:
    a = analysis(topic("北虹桥片区", 2.0), asks_date=True)
    assert check(a, _selection(NORTH), SELECTOR).code is RefusalCode.DATE_MISSING
    dated = units_of([passage("北虹桥片区。到 2025 年建成。", "d")], 20)
    assert check(a, _selection(dated), SELECTOR) is None


def test_the_plainest_reason_wins() -> None:
    a = analysis(topic("北虹桥片区", 2.0), missing_numbers=("2030",), unknown_nouns=("写字楼", "租金"))
    assert check(a, _selection([], 0.0), SELECTOR).code is RefusalCode.NO_EVIDENCE
    assert [c.__name__ for c in CHECKS][:2] == ["no_evidence", "unknown_number"]


def test_a_year_the_documents_use_is_something_specific() -> None:
    year = topic("2021", 3.0, number=True)
    growth = topic("增长", 1.0, general=True)
    dated = units_of([passage("2021 年新增法人企业同比增长 45%。", "y")], 20)
    assert check(analysis(growth, year), _selection(dated), SELECTOR) is None  # "2021年新设企业增长咋样？"
    unknown_year = topic("2035", 3.0, number=True, known=False)
    refusal = check(analysis(growth, unknown_year), _selection(dated), SELECTOR)
    assert refusal.code is RefusalCode.NOTHING_SPECIFIC  # a year the documents never use anchors nothing


def test_a_question_about_the_documents_themselves_needs_nothing_more_specific() -> None:
    """ "这个规划和目录是谁编制的？": the documents are what it asks about; the notice states the rest (编制)."""
    catalogue = topic("重点产业目录", 0.01, "目录", kind="document")  # named everywhere: it weighs little
    drew_up = topic("编制", 1.0, general=True)
    notice = units_of([passage("管委会组织编制了《产业发展规划》和《重点产业目录》。", "n", section="通知")], 20)
    assert check(analysis(catalogue, drew_up), _selection(notice), SELECTOR) is None
    # "What does the catalogue say?": the document and nothing asked of it.
    assert check(analysis(catalogue), _selection(notice), SELECTOR).code is RefusalCode.NOTHING_SPECIFIC
    # "目录是谁批准的？": what it asks of the document is not stated.
    approved = topic("批准", 1.0, general=True)
    assert check(analysis(catalogue, approved), _selection(notice), SELECTOR).code is RefusalCode.NOTHING_SPECIFIC


def test_an_english_figure_must_be_of_what_is_measured_when_no_glossary_term_names_it() -> None:
    """ "What's the minimum registered capital …?": a target of 1,000 headquarters is a figure, but its English
    says nothing of capital; "how many headquarters" is answered by it."""
    english = ["Industry targets.", "The number of headquarters companies will reach 1,000."]
    target = units_of(
        [passage("产业目标。集聚总部企业数量达到 1000 家。", "t", section="规划 › 目标", units_en=english)], 20
    )
    hq = topic("总部", 2.0)
    capital = analysis(hq, text="What's the minimum registered capital for headquarters?", lang="en", asks_figure=True)
    assert check(capital, _selection(target), SELECTOR).code is RefusalCode.FIGURE_MISSING
    count = analysis(hq, text="How many headquarters will there be?", lang="en", asks_figure=True)
    assert check(count, _selection(target), SELECTOR) is None
    number = analysis(hq, text="What's the total number of headquarters companies?", lang="en", asks_figure=True)
    assert check(number, _selection(target), SELECTOR) is None


def test_an_english_rate_or_price_must_be_of_the_thing_it_names() -> None:
    """ "What corporate income tax rate applies?": the words before the figure noun (rate, price, fee) say what is
    measured; a target for the growth of tax revenue does not say income tax. The tax revenue figure answers a
    question about tax revenue growth."""
    english = ["Scale targets.", "Average annual growth in tax revenue will be more than 10%."]
    target = units_of(
        [passage("规模目标。税收收入年均增幅大于 10%。", "t", section="规划 › 目标", units_en=english)], 20
    )
    tax = topic("税收", 2.0)
    for text in ("What corporate income tax rate applies to us?", "any lower corp tax rate here?"):
        rate = analysis(tax, text=text, lang="en", asks_figure=True)
        assert check(rate, _selection(target), SELECTOR).code is RefusalCode.FIGURE_MISSING
    growth = analysis(tax, text="What growth rate of tax revenue is targeted?", lang="en", asks_figure=True)
    assert check(growth, _selection(target), SELECTOR) is None


def test_a_figure_counts_what_the_question_asks_not_what_the_asker_says_of_themselves() -> None:
    """ "We provide aviation services. How many aviation companies are already based here?": the figure must be of
    aviation companies; the asker's own trade (aviation services) and the word "already" (the development foundation
    section, a place for figures) are not what it counts."""
    services = replace(topic("临空服务", 3.0), text="aviation services")
    aviation = replace(topic("航空", 2.0), text="aviation")
    already = replace(topic("发展基础", 3.0, kind="section"), text="already")
    text = "We provide aviation services. How many aviation companies are already based here?"
    asked = analysis(services, aviation, already, text=text, lang="en", asks_figure=True, measures=("家",))
    count = units_of([passage("入驻航空企业超过 150 余家。", "a", section="规划 › 发展基础 › 专业服务业")], 20)
    assert check(asked, _selection(count), SELECTOR) is None
    plain = analysis(services, aviation, text="How many aviation services firms?", lang="en", asks_figure=True)
    assert check(plain, _selection(count), SELECTOR).code is RefusalCode.FIGURE_MISSING


def test_an_english_date_must_be_of_what_is_dated() -> None:
    """ "By what date must they report back?": the notice's print date is a date, but its English says nothing of
    reporting; "when was the notice printed" is answered by it."""
    printed = units_of(
        [
            passage(
                "通知 2022年9月14日印发。",
                "p",
                section="通知",
                units_en=["Notice printed and issued on 14 September 2022."],
            )
        ],
        20,
    )
    notice = replace(topic("通知", 2.0), text="notice")
    report = analysis(notice, text="By what date must they report back on the notice?", lang="en", asks_date=True)
    assert check(report, _selection(printed), SELECTOR).code is RefusalCode.DATE_MISSING
    issued = analysis(notice, text="When was the notice printed?", lang="en", asks_date=True)
    assert check(issued, _selection(printed), SELECTOR) is None
    # the doer of what the English says ("issuer" of "issued"); who asks says nothing of what is dated
    listed = analysis(notice, text="Journalist here. Issuer and date of the notice?", lang="en", asks_date=True)
    assert check(listed, _selection(printed), SELECTOR) is None


def test_a_figure_the_question_states_need_not_be_in_the_answer() -> None:
    """ "21年税收346亿，规划要求往后每年涨多少？": 2021 and 346 are what the asker knows; the growth target answers
    it."""
    tax = topic("税收", 2.0)
    target = units_of([passage("规模目标。税收收入年均增幅大于 10%。", "t", section="规划 › 目标")], 20)
    text = "2021年税收346亿，规划要求往后每年涨多少？"
    asked = analysis(tax, text=text, asks_figure=True, numbers=("2021", "346"))
    assert check(asked, _selection(target), SELECTOR) is None
    year = analysis(tax, text="2021年税收多少？", asks_figure=True, numbers=("2021",))
    assert check(year, _selection(target), SELECTOR).code is RefusalCode.FIGURE_MISSING


def test_how_long_it_takes_needs_a_figure_that_counts_time() -> None:
    """ "How long does it take to get a licence?" is not answered by 1,000 headquarters or a date (9月14日)."""
    hub = topic("总部", 2.0)
    hours = units_of([passage("总部企业 2 小时通达长三角。", "h", section="规划 › 基础")], 20)
    dated = units_of([passage("总部企业通知 2022年9月14日印发。", "d", section="通知")], 20)
    for text in ("How long does it take to set up headquarters?", "设立总部要多久？"):
        a = analysis(hub, text=text, lang="en" if text.isascii() else "zh", asks_figure=True)
        assert check(a, _selection(FIGURE), SELECTOR).code is RefusalCode.FIGURE_MISSING
        assert check(a, _selection(dated), SELECTOR).code is RefusalCode.FIGURE_MISSING
        assert check(a, _selection(hours), SELECTOR) is None


def test_how_to_qualify_or_apply_needs_a_sentence_stating_a_condition_or_procedure() -> None:
    """ "What are the eligibility criteria to join?": the plan's sentence launching a programme states no entry rule;
    one that says 申请条件 does. A multi-part question leaves it to the part that asks (parts.py)."""
    plan = topic("总部", 2.0)
    launch = units_of([passage("启动总部企业计划，集聚总部企业。", "l", section="规划 › 举措")], 20)
    rules_ = units_of([passage("总部企业申请条件为注册满一年。", "r", section="规划 › 举措")], 20)
    texts = ("What are the eligibility criteria for the headquarters programme?", "总部计划的申请条件是什么？")
    _needs_named(plan, texts, launch, rules_, RefusalCode.CONDITIONS_MISSING)
    assert check(analysis(plan, text="总部计划是什么？"), _selection(launch), SELECTOR) is None
    # a procedure asked for by its name ("the customs clearance process", "steps to register")
    for text in (
        "What's the customs clearance process for the headquarters programme?",
        "What are the steps to register?",
    ):
        a = analysis(plan, text=text, lang="en")
        assert check(a, _selection(launch), SELECTOR).code is RefusalCode.CONDITIONS_MISSING
    assert (
        check(analysis(plan, text="How does the programme process data?", lang="en"), _selection(launch), SELECTOR)
        is None
    )


def test_a_figure_of_a_quantity_must_be_of_that_quantity_and_of_what_it_measures() -> None:
    """ "展览面积有没有定个目标": a count of exhibitions is no floor area, and the CBD's own area is no exhibition
    area; "what was the exhibition revenue last year": a tax total is no revenue of exhibitions. A figure that names
    the quantity of the thing asked answers."""
    fairs = replace(topic("会展", 2.0, "展览", kind="concept"), text="展览")
    area = replace(topic("面积", 2.0, kind="concept"), text="面积")
    target = replace(topic("目标", 2.0, kind="concept"), text="目标")
    count = units_of([passage("产业目标。到 2025 年举办 100 场国际性展览。", "t", section="规划 › 产业目标")], 20)
    cbd = units_of([passage("商务区包含四区街镇，面积 151.4 平方公里。", "b", section="规划 › 发展基础")], 20)
    asked = analysis(fairs, area, target, text="展览面积有没有定个目标？", asks_figure=True)
    assert check(asked, _selection(count), SELECTOR).code is RefusalCode.FIGURE_MISSING
    assert check(asked, _selection(cbd), SELECTOR).code is RefusalCode.FIGURE_MISSING
    floor = units_of([passage("产业目标。到 2025 年展览面积达到 100 万平方米。", "f", section="规划 › 产业目标")], 20)
    assert check(asked, _selection(floor), SELECTOR) is None
    how_many = analysis(fairs, target, text="展览要办多少场？", asks_figure=True)
    assert check(how_many, _selection(count), SELECTOR) is None

    english = ["In 2021, total tax revenue from exhibition companies was 1 billion yuan."]
    text = "2021 年，会展企业税收总额为 10 亿元。"
    tax = units_of([passage(text, "x", section="规划 › 发展基础", units_en=english)], 20)
    expo = replace(topic("会展", 2.0), text="exhibition")
    revenue = analysis(expo, text="What was the exhibition industry's revenue last year?", lang="en", asks_figure=True)
    assert check(revenue, _selection(tax), SELECTOR).code is RefusalCode.FIGURE_MISSING
    taxed = analysis(expo, text="What tax revenue did exhibition firms pay in 2021?", lang="en", asks_figure=True)
    assert check(taxed, _selection(tax), SELECTOR) is None


def test_a_figure_need_not_say_the_cbd_every_figure_is_of() -> None:
    """ "How many aviation companies are already based in the CBD?": the count's sentence names the airlines and the
    companies, not the CBD, which every figure of the documents is about."""
    aviation = replace(topic("航空", 2.0, kind="concept"), text="aviation")
    cbd = replace(topic("商务区", 2.0, kind="place"), text="CBD")
    count = units_of([passage("入驻航空企业超过 150 余家。", "a", section="规划 › 发展基础")], 20)
    text = "How many aviation companies are already based in the CBD?"
    asked = analysis(aviation, cbd, text=text, lang="en", asks_figure=True, measures=("家",))
    assert check(asked, _selection(count), SELECTOR) is None


def test_within_the_cbd_says_where_a_figure_is_not_what_it_counts() -> None:
    """ "2021年区内税收合计多少钱": 区内 (within the area) is the CBD every figure is of, not a thing the tax total must
    name."""
    tax = topic("税收", 2.0, kind="concept")
    within = topic("区内", 2.0)
    total = units_of([passage("2021 年，商务区域内税收总额为 346 亿元。", "t", section="规划 › 发展基础")], 20)
    asked = analysis(tax, within, text="2021年区内税收合计多少钱", asks_figure=True, numbers=("2021",))
    assert check(asked, _selection(total), SELECTOR) is None


def test_an_amount_asked_in_a_unit_is_of_the_thing_named() -> None:
    """ "这只基金的规模是多少亿元": 亿元 is how the figure is written; a GDP target in 亿元 is no fund's size. A
    sum in 亿元 that names the fund answers."""
    fund = topic("基金", 2.0, kind="concept")
    unit = topic("亿元", 2.0, kind="concept")
    gdp = units_of([passage("规模目标。到 2025 年，GDP 达到 5000 亿元。", "g", section="规划 › 规模目标")], 20)
    asked = analysis(fund, unit, text="这只基金的规模是多少亿元", asks_figure=True, measures=("亿元",))
    assert check(asked, _selection(gdp), SELECTOR).code is RefusalCode.FIGURE_MISSING
    sized = units_of([passage("设立产业引导基金，规模 100 亿元。", "f", section="规划 › 举措")], 20)
    assert check(asked, _selection(sized), SELECTOR) is None


def test_how_many_in_a_unit_names_the_unit_as_its_measure() -> None:
    from bot.qa.rules import rules

    assert rules().measure.findall("这只基金的规模是多少亿元") == ["亿元"]
    assert rules().measure.findall("面积多少平方公里，有几家企业") == ["平方公里", "家"]


def test_a_figure_aimed_for_must_be_a_target() -> None:
    """ "How many headquarters do they want by 2025?": today's count (400) does not answer it; the target does."""
    hq = topic("总部", 2.0)
    today = units_of([passage("商务区已累计引进总部企业超过 400 家。", "now", section="规划 › 发展基础")], 20)
    a = analysis(hq, text="How many headquarters do they want?", lang="en", asks_figure=True)
    aimed = replace(a, whole=replace(a.whole, asks_target=True))
    assert check(a, _selection(today), SELECTOR) is None
    assert check(aimed, _selection(today), SELECTOR).code is RefusalCode.FIGURE_MISSING
    assert check(aimed, _selection(FIGURE), SELECTOR) is None


def test_a_rate_asked_for_must_be_a_rate() -> None:
    """ "Any tax rate for offshore trade?": the growth target of tax revenue (10 %) is no tax rate."""
    tax = replace(topic("税收", 2.0), text="tax")
    growth = units_of([passage("规模目标。税收收入年均增幅大于 10%。", "g", section="规划 › 目标")], 20)
    a = analysis(tax, text="Any tax rate for offshore trade?", lang="en", asks_figure=True)
    assert check(a, _selection(growth), SELECTOR).code is RefusalCode.FIGURE_MISSING
    grow = analysis(tax, text="How fast should tax grow?", lang="en", asks_figure=True)
    assert check(grow, _selection(growth), SELECTOR) is None


def test_a_benefit_asked_for_by_name_must_be_named() -> None:
    """ "What tax incentives apply to aircraft lessors?": the plan's support for leasing is no tax break; a sentence
    naming a tax exemption would be."""
    leasing = topic("租赁", 2.0)
    policy = units_of([passage("加快落实飞机融资租赁等业务政策。", "p", section="规划 › 举措")], 20)
    relief = units_of([passage("飞机融资租赁企业享受减免企业所得税。", "r", section="规划 › 举措")], 20)
    texts = ("What tax incentives apply to aircraft lessors?", "飞机租赁有没有税收优惠？")
    _needs_named(leasing, texts, policy, relief, RefusalCode.BENEFIT_MISSING)
    assert check(analysis(leasing, text="飞机租赁有什么政策？"), _selection(policy), SELECTOR) is None


def test_who_holds_a_post_and_contact_details_must_be_named() -> None:
    """ "Who chairs the management committee?", "招商热线电话多少？": the committee's signature names no one holding a
    post, and a sentence on investment promotion gives no hotline; the documents give neither, so the detail is open.
    Who runs a fund (an organisation) is not asked this way."""
    committee = topic("管理委员会", 2.0, kind="org")
    signature = units_of([passage("上海虹桥国际中央商务区管理委员会", "s", section="通知")], 20)
    named = units_of([passage("管理委员会主任张三主持工作。", "n", section="通知")], 20)
    texts = ("Who chairs the management committee?", "Name of the committee head?", "管委会现在的主任是谁？")
    _needs_named(committee, texts, signature, named, RefusalCode.BENEFIT_MISSING)
    promotion = topic("招商", 2.0)
    network = units_of([passage("构建国际化招商网络。", "w", section="规划 › 举措")], 20)
    line = units_of([passage("招商热线电话 12345。", "l", section="规划 › 举措")], 20)
    texts = (
        "Is there a contact email for investment promotion?",
        "the investment promotion hotline no?",
        "招商热线电话多少？",
    )
    _needs_named(promotion, texts, network, line, RefusalCode.BENEFIT_MISSING)
    fund = topic("产业引导基金", 2.0)
    plan = units_of([passage("推动设立虹桥国际中央商务区产业引导基金。", "f", section="规划 › 举措")], 20)
    assert (
        check(analysis(fund, text="who runs the industry guidance fund?", lang="en"), _selection(plan), SELECTOR)
        is None
    )


def test_an_investment_amount_is_no_tax_total_nor_a_count_of_foreign_firms() -> None:
    """ "How much foreign direct investment did the CBD actually utilise in 2021?": the documents give the year's tax
    total and counts of foreign-invested firms, no amount of investment; a figure that names it answers."""
    foreign = replace(topic("外资", 2.0, kind="concept"), text="foreign")
    english = ["In 2021, total tax revenue within the CBD was 34.6 billion yuan, with 120 new foreign-invested firms."]
    text = "2021 年，商务区域内税收总额为 346 亿元，新增外资企业 120 家。"
    tax = units_of([passage(text, "t", section="规划 › 发展基础", units_en=english)], 20)
    for q in ("How much foreign direct investment did the CBD actually utilise in 2021?", "actual fdi in 2021?"):
        asked = analysis(foreign, text=q, lang="en", asks_figure=True, numbers=("2021",))
        assert check(asked, _selection(tax), SELECTOR).code is RefusalCode.FIGURE_MISSING, q
    used = units_of([passage("2021 年，商务区实到外资 20 亿美元。", "u", section="规划 › 发展基础")], 20)
    asked = analysis(foreign, text="2021年实到外资多少？", asks_figure=True, numbers=("2021",))
    assert check(asked, _selection(used), SELECTOR) is None


def test_a_share_asked_for_is_no_count() -> None:
    """ "里面外资企业占多少？": a count of firms is no share of them; a sentence giving the share answers."""
    foreign = topic("外资", 2.0, kind="concept")
    count = units_of([passage("累计引进外资企业 200 多家。", "c", section="规划 › 发展基础")], 20)
    asked = analysis(foreign, text="里面外资企业占多少？", asks_figure=True)
    assert check(asked, _selection(count), SELECTOR).code is RefusalCode.FIGURE_MISSING
    share = units_of([passage("其中外资企业占比达到 30%。", "s", section="规划 › 发展基础")], 20)
    assert check(asked, _selection(share), SELECTOR) is None


def test_a_figure_of_the_present_counts_the_concept_named_not_the_section_it_sits_in() -> None:
    """ "目前已经引进了多少会展相关企业": 目前 reaches 发展基础, where the figure sits, not what it counts; the
    count must be of 会展, and a word for a kind of place ("located there": 片区) counts nothing."""
    present = topic("发展基础", 3.0, kind="section")
    fairs = topic("会展", 2.0, kind="concept")
    zone = topic("片区", 2.0, kind="concept")
    base = "规划 › 一、发展基础 › （二）发展基础"
    hq = units_of([passage("商务区已累计引进总部类企业超过 400 家。", "hq", section=base)], 20)
    expo = units_of([passage("商务区累计引进与会展相关的专业服务业企业 200 多家。", "expo", section=base)], 20)
    asked = analysis(present, fairs, zone, text="目前已经引进了多少会展相关企业", asks_figure=True, present=True)
    assert check(asked, _selection(hq), SELECTOR).code is RefusalCode.FIGURE_MISSING
    assert check(asked, _selection(expo), SELECTOR) is None


def test_a_figure_must_be_of_the_thing_in_one_passage_not_pieced_together() -> None:
    """ "2021年外贸进出口总额是多少": 2021's tax total (a total of 2021) and a sentence naming trade elsewhere are no
    2021 trade total; the year is where the figure sits, not what it counts. A sentence that states both answers."""
    year = topic("2021", 2.0, number=True)
    trade, flows, total = topic("外贸", 2.0), topic("进出口", 2.5), topic("总额", 2.5)
    apart = units_of(
        [
            passage("2021 年，商务区域内税收总额为 346 亿元。", "t", section="规划 › 发展基础"),
            passage("2021 年，外贸平台吸引 35 家机构入驻。", "p", section="规划 › 发展基础"),
        ],
        20,
    )
    asked = analysis(year, trade, flows, total, text="2021年外贸进出口总额是多少", asks_figure=True, numbers=("2021",))
    assert check(asked, _selection(apart), SELECTOR).code is RefusalCode.FIGURE_MISSING
    stated = units_of([passage("2021 年，外贸进出口总额为 1000 亿元。", "s", section="规划 › 发展基础")], 20)
    assert check(asked, _selection(stated), SELECTOR) is None


def test_how_big_a_place_is_asks_for_its_area() -> None:
    """ "虹桥国际CBD多大？", "How big is the CBD?": the size of a place is its area; a count of headquarters is no
    answer, the sentence giving the area in 平方公里 is. "规模多大" asks for the scale of something else."""
    from bot.qa.rules import rules

    cbd = topic("商务区", 2.0, "CBD", kind="place")
    count = units_of([passage("商务区已累计引进总部类企业超过 400 家。", "c", section="规划 › 发展基础")], 20)
    area = units_of([passage("商务区面积 151.4 平方公里。", "a", section="规划 › 发展基础")], 20)
    for text, lang in (("虹桥国际CBD多大？", "zh"), ("How big is the CBD?", "en")):
        asked = analysis(cbd, text=text, lang=lang, asks_figure=True)
        assert check(asked, _selection(count), SELECTOR).code is RefusalCode.FIGURE_MISSING
        assert check(asked, _selection(area), SELECTOR) is None
    assert not any(says.search("汽车新势力规模多大") for name, says in rules().figure_quantity if name == "area")
    # a park, a zone or a site asked how big asks its area too ("园区多大", "占地多大", "how big is the park")
    for text in ("新虹桥国际医学园区多大", "占地多大", "How big is the park?"):
        assert any(says.search(text) for name, says in rules().figure_quantity if name == "area"), text


def test_a_figure_must_state_the_things_named_not_how_the_question_says_it_came_about() -> None:
    """ "进博会带动下会展相关的企业引进了多少家": 带动 (a word of the documents that names nothing) says how the count
    came about; the sentence giving 200 多家 under the expo's spill-over states what is named, the expo."""
    expo = topic("进博会", 2.8, kind="platform")
    driven = topic("带动", 3.2)
    base = "规划 › 一、发展基础 › 国际贸易中心新平台初成体系"
    stated = units_of([passage("进博会会展经济溢出效应明显，商务区累计引进相关企业 200 多家。", "e", section=base)], 20)
    other = units_of(
        [
            passage("进博会溢出效应明显。", "x", section=base),
            passage("商务区已累计引进总部类企业超过 400 家。", "h", section=base),
        ],
        20,
    )
    asked = analysis(expo, driven, text="进博会带动下会展相关的企业引进了多少家", asks_figure=True, measures=("家",))
    assert check(asked, _selection(stated), SELECTOR) is None
    assert check(asked, _selection(other), SELECTOR).code is RefusalCode.FIGURE_MISSING
