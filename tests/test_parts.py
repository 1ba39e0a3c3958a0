"""Stage 5b, parts: each part answered or marked not stated; off-topic units dropped; a question is refused
only when none of its parts is covered."""

from dataclasses import replace

from bot.qa.analyse import PartAnalysis, Topic
from bot.qa.parts import PartAnswer, PartAnswerer
from bot.qa.select import Selection, Selector, units_of
from bot.types import Refusal, RefusalCode
from tests.stages import analysis, passage, tiny_analyser, topic

ANALYSER = tiny_analyser("北虹桥片区", "会展", "抄送", "医疗", "金融", "航空", "贸易", "汽车", "总部", "目标")
NORTH = passage("北虹桥片区。重点发展汽车新势力、医疗器械等产业。", "north")
NOTICE = passage("抄送：南虹桥公司、东虹办。", "notice", rank=2, section="通知")


class NoRetrieval:
    def retrieve(self, analysis, k=None):
        return []


def _answerer() -> PartAnswerer:
    return PartAnswerer(ANALYSER, Selector(ANALYSER), NoRetrieval())


def _selection(*passages) -> Selection:
    units = tuple(units_of(list(passages), 20))
    return Selection(units, units, 1.0)


def test_an_answered_question_drops_units_whose_passage_says_nothing_asked() -> None:
    a = analysis(topic("北虹桥片区", 2.0))
    out = _answerer().compose(a, [NORTH, NOTICE], _selection(NORTH, NOTICE), None)
    assert out.refusal is None and [u.context.chunk_id for u in out.units] == ["north"]
    assert out.parts[0].status == "answered"


def test_a_missing_detail_keeps_what_the_documents_say_about_the_subject() -> None:
    a = analysis(topic("北虹桥片区", 2.0), asks_figure=True)
    refusal = Refusal(RefusalCode.FIGURE_MISSING, "no figure")
    out = _answerer().compose(a, [NORTH], _selection(NORTH), refusal)
    assert out.refusal is None and out.parts[0].status == "not_stated" and out.units


def test_a_not_stated_part_quotes_the_one_passage_most_about_its_subject() -> None:
    """ "北虹桥的租金多少？": the answer says the figure is not given and quotes what the documents say of the zone
    once; a second passage about the zone is context nobody asked for."""
    a = analysis(topic("北虹桥片区", 2.0), asks_figure=True)
    other = passage("北虹桥片区发展会展、贸易。", "north2", rank=2)
    refusal = Refusal(RefusalCode.FIGURE_MISSING, "no figure")
    out = _answerer().compose(a, [NORTH, other], _selection(NORTH, other), refusal)
    assert out.parts[0].status == "not_stated" and [u.context.chunk_id for u in out.units] == ["north"]


def test_a_question_about_nothing_covered_is_refused() -> None:
    a = analysis(topic("写字楼", 2.0, known=False))
    refusal = Refusal(RefusalCode.LOW_SUPPORT, "nothing")
    out = _answerer().compose(a, [NORTH], _selection(NORTH), refusal)
    assert out.refusal is refusal and not out.units
    plain = Refusal(RefusalCode.NOTHING_SPECIFIC, "nothing specific")
    assert _answerer().compose(a, [NORTH], _selection(NORTH), plain).refusal is plain


def test_a_detail_about_the_cbd_as_a_whole_quotes_nothing_and_is_refused() -> None:
    """ "商务区注册资本最低要求是多少？": the documents never mention registered capital; a sentence that only names the
    CBD (which every passage is about) says nothing of what is asked, so nothing is quoted and the question is refused.
    Asked of a zone, the zone's passage is what the documents do say of the subject."""
    cbd = topic("商务区", 2.0, kind="place")
    capital = topic("注册资本", 2.0, known=False)
    guide = passage("以高标准建设商务区为指导。", "guide")
    missing = Refusal(RefusalCode.UNKNOWN_FIGURE_TOPIC, "注册资本")
    a = analysis(cbd, capital, asks_figure=True)
    out = _answerer().compose(a, [guide], _selection(guide), missing)
    assert out.refusal is not None and not out.units
    zone = analysis(topic("北虹桥片区", 2.0), capital, asks_figure=True)
    out = _answerer().compose(zone, [NORTH], _selection(NORTH), missing)
    assert out.refusal is None and [u.context.chunk_id for u in out.units] == ["north"]


def test_where_a_thing_is_located_is_about_the_thing_named_before() -> None:
    """ "What is the talent station for, and where is it located?": 片区 is how the second part asks for a place; it is
    about the talent station, so a zone's passage that does not say it is no answer."""
    station = topic("人才驿站", 2.0, kind="measure")
    zone_word = topic("片区", 2.0, kind="concept")
    first = PartAnalysis("What is the talent station for", (station,))
    where = PartAnalysis("where is it located", (zone_word,), asks_kind="place")
    a = analysis(station, zone_word, parts=(first, where))
    assert _answerer().subjects(a, where) == [station]


def test_a_part_naming_nothing_is_about_the_specific_words_before_it() -> None:
    """ "2021年新增了多少家法人企业？比上年涨了多少？": the first part names no glossary thing, only 法人企业; the
    second names nothing specific at all, so it is about 法人企业. A part with specific words of its own keeps them."""
    firms = topic("法人企业", 3.0)
    rise = topic("同比增长", 1.0, general=True)
    first = PartAnalysis("2021年新增了多少家法人企业", (firms,))
    second = PartAnalysis("比上年涨了多少", (rise,))
    a = analysis(firms, rise, parts=(first, second))
    answerer = _answerer()
    assert answerer.earlier_things(a, second) == [firms]
    devices = PartAnalysis("主要发展哪些设备", (topic("设备", 3.0),))
    b = analysis(firms, parts=(first, devices))
    assert answerer.earlier_things(b, devices) == []
    # "具体新增了多少家": the measure word says how the part counts, not what it is about
    count = PartAnalysis("具体新增了多少家", (topic("家", 3.0),), asks_figure=True, measures=("家",))
    assert answerer.earlier_things(analysis(firms, parts=(first, count)), count) == [firms]


def test_a_part_asking_an_aim_is_about_the_things_before_it_not_the_present() -> None:
    """ "商务区现在已经有多少家总部企业了？到2025年目标是多少家": 目标 is how the second part asks (an aim), not
    what it counts, and 现在 (→ 发展基础) is the first part's time, not a thing the aim is of: it is about the
    headquarters. A part asking nothing of an aim still borrows the present ("现在有几家？都是哪些？")."""
    hq = topic("总部", 2.0, kind="concept")
    now = topic("发展基础", 3.0, kind="section")
    aim = replace(topic("目标", 3.0, kind="concept"), text="目标")
    first = PartAnalysis("商务区现在已经有多少家总部企业了", (now, hq), asks_figure=True)
    second = PartAnalysis("到2025年目标是多少家", (aim,), asks_figure=True, asks_target=True, numbers=("2025",))
    a = analysis(now, hq, aim, parts=(first, second))
    answerer = _answerer()
    assert answerer.own_things(second) == [] and answerer.subjects(a, second) == [hq]
    plain = PartAnalysis("都是哪些", ())
    assert answerer.earlier_things(analysis(now, hq, parts=(first, plain)), plain) == [now, hq]


def test_a_figure_left_open_points_to_the_quote_that_already_says_its_subject() -> None:
    """ "2021年新增法人企业增长了多少？具体新增了多少家？": the count is not given; what the documents say of new firms
    is the growth sentence the first part quotes, not another passage about firms (a 2025 target). A zone left open
    keeps its own passage: it is the nearest to what is asked."""
    firms = topic("法人企业", 3.0)
    first = PartAnalysis("2021年新增法人企业增长了多少", (firms,), asks_figure=True)
    second = PartAnalysis("法人企业具体新增了多少家", (firms,), asks_figure=True, measures=("家",))
    a = analysis(firms, parts=(first, second))
    growth = units_of([passage("2021 年新增法人企业同比增长 45%。", "growth", section="规划 › 发展基础")], 20)
    target = units_of([passage("到 2025 年累计新增外资法人企业数超 1500 家。", "target", section="规划 › 目标")], 20)
    figure = Refusal(RefusalCode.FIGURE_MISSING, "no count")
    answers = [
        PartAnswer(first.text, "answered", tuple(growth)),
        PartAnswer(second.text, "not_stated", tuple(target), figure),
    ]
    out = _answerer()._quoted_once(a, a.parts, answers)
    assert [u.context.chunk_id for p in out for u in p.units] == ["growth", "growth"]
    zone = Refusal(RefusalCode.KIND_MISSING, "no zone")
    answers[1] = replace(answers[1], refusal=zone)
    assert _answerer()._quoted_once(a, a.parts, answers)[1].units == tuple(target)


def test_each_part_gets_its_status() -> None:
    zone = PartAnalysis("北虹桥发展什么", (topic("北虹桥片区", 2.0),))
    rent = PartAnalysis("租金多少", (topic("租金", 2.0, known=False),), asks_figure=True)
    a = analysis(topic("北虹桥片区", 2.0), topic("租金", 2.0, known=False), parts=(zone, rent))
    out = _answerer().compose(a, [NORTH], _selection(NORTH), None)
    assert [p.status for p in out.parts] == ["answered", "not_stated"] and out.refusal is None
    assert out.parts[1].units == ()


def test_a_part_is_about_the_things_named_not_the_words_that_frame_the_question() -> None:
    north = topic("北虹桥片区", 2.0, kind="zone")
    carrier = topic("载体", 2.0)  # a rare word, "specific" by weight, but it names nothing
    industries = replace(topic("四高五新", 2.0, kind="concept"), text="哪些产业")  # named through a question word
    theatre = passage("依托百老汇剧院群等国际化演出载体，举办音乐会。", "theatre", rank=2, section="文旅消费")
    zone = PartAnalysis("北虹桥搞啥产业", (north, industries))
    carriers = PartAnalysis("靠哪些载体", (carrier,))
    a = analysis(north, industries, carrier, parts=(zone, carriers))
    answerer = _answerer()
    assert answerer.subjects(a, zone) == [north]  # the name asked through 哪些产业 yields to the zone named
    assert answerer.subjects(a, carriers) == [north]  # a part that names nothing is about the whole's things
    out = answerer.compose(a, [NORTH, theatre], _selection(NORTH, theatre), None)
    assert "theatre" not in [u.context.chunk_id for u in out.units]  # 载体 alone does not make it about 北虹桥
    alone = analysis(industries, parts=())
    assert answerer.subjects(alone, alone.whole) == [industries]  # nothing else named: the nine industries it is


def test_a_part_that_borrows_its_subject_needs_sentences_that_say_it_and_what_it_asks() -> None:
    funds = topic("专项资金", 2.0, "补贴", kind="measure")
    apply = topic("申请", 2.0)
    policy = passage("进一步优化专项资金扶持政策。", "funds", section="规划 › 发展举措")
    talent = passage(
        "加大对引进人才在落户、子女教育、住房补贴等方面的政策支持。探索建立外籍人才申请永久居留制度。",
        "talent",
        rank=2,
        section="规划 › 人才",
    )
    first = PartAnalysis("专项资金扶持哪些方面", (funds,))
    where = PartAnalysis("去哪儿申请", (apply,))
    a = analysis(funds, apply, parts=(first, where))
    out = _answerer().compose(a, [policy, talent], _selection(policy, talent), None)
    assert [p.status for p in out.parts] == ["answered", "not_stated"]
    # the residence-permit sentence says 申请 and sits beside a 补贴 sentence, but says nothing of the funds
    assert out.parts[1].units == ()


def test_a_part_refers_back_to_the_things_named_before_it_never_forward() -> None:
    area = topic("面积", 2.0)  # "how big is it": a rare word, no glossary name
    zone = topic("北虹桥片区", 2.0, kind="zone")
    size = PartAnalysis("有多大", (area,))
    which = PartAnalysis("北虹桥发展什么", (zone,))
    answerer = _answerer()
    first = analysis(area, zone, parts=(size, which))
    assert answerer.subjects(first, size) == [area]  # the zone named after it is not what "有多大" is about
    assert answerer.earlier_things(first, size) == []
    second = analysis(zone, area, parts=(which, size))
    assert answerer.subjects(second, size) == [zone]  # named before it: the subject it borrows


class Recording:
    """A retriever that records what each search asked for and finds `found`."""

    def __init__(self, *found) -> None:
        self.found, self.searched = list(found), []

    def retrieve(self, analysis, k=None):
        self.searched.append(analysis)
        return self.found


def test_a_part_that_borrows_its_subject_is_searched_and_answered_with_it() -> None:
    # "环枢纽核心圈涵盖哪些区域？重点发展哪些产业？": the second part names nothing of its own; the sentence that
    # answers it sits under the circle's heading, after the sentence the whole question cited.
    core = topic("环枢纽核心圈", 2.0, kind="circle")
    covers = topic("涵盖", 1.0)
    focus = topic("重点发展", 0.5, general=True)
    industries = replace(topic("四高五新", 2.0, kind="concept"), text="哪些产业")  # the names it asks for
    circle = passage(
        "以虹桥机场高铁综合交通枢纽为中心，辐射涵盖虹桥机场东片区。重点发展高能级总部经济、高溢出会展经济。",
        "core",
        section="规划 › 四、产业发展布局 › （一）一圈：环枢纽核心圈",
    )
    reach = PartAnalysis("环枢纽核心圈涵盖哪些区域", (core, covers))
    what = PartAnalysis("重点发展哪些产业", (focus, industries))
    a = analysis(core, covers, focus, industries, parts=(reach, what))
    retriever = Recording(circle)
    answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), retriever)
    whole = units_of([circle], 20)[:1]  # the whole question cited only the sentence that says what it covers
    out = answerer.compose(a, [circle], Selection(tuple(whole), tuple(whole), 1.0), None)
    assert [p.status for p in out.parts] == ["answered", "answered"]
    assert "重点发展高能级总部经济" in out.parts[1].units[0].text
    assert retriever.searched[0].text.startswith("环枢纽核心圈")  # searched as "环枢纽核心圈 重点发展哪些产业"
    assert core in retriever.searched[0].topics


def test_a_borrowed_part_in_words_the_documents_never_use_is_not_stated() -> None:
    # "…全球贸易商计划是什么？加入的标准是啥？": 标准 appears nowhere, so the plan's sentence does not answer it.
    plan = topic("全球贸易商计划", 2.0, kind="platform")
    criteria = topic("门槛", 2.0, known=False)
    trader = passage("启动商务区“全球贸易商计划”，集聚更多高能级市场主体。", "trader", section="规划 › 发展举措")
    first = PartAnalysis("全球贸易商计划是什么", (plan,))
    then = PartAnalysis("加入门槛是啥", (criteria,))
    a = analysis(plan, criteria, parts=(first, then))
    answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), Recording(trader))
    out = answerer.compose(a, [trader], _selection(trader), None)
    assert [p.status for p in out.parts] == ["answered", "not_stated"]


class Retrieval:
    """A retriever that returns the same passages for any part."""

    def __init__(self, *passages) -> None:
        self.passages = list(passages)

    def retrieve(self, analysis, k=None):
        return self.passages


def test_a_part_that_lists_by_a_heading_name_takes_every_item_under_it() -> None:
    """ "“三轴”分别叫什么？中部那条轴从哪里起步？": the whole question's choice favours the central axis (the second
    part names it); the first part lists the axes, so it is answered by its own selection, with each of them."""
    axes = topic("三轴", 2.0, kind="axis")
    sections = {"south": "南向生命科创发展轴", "centre": "中部数字干线发展轴", "north": "北向创新新势力发展轴"}
    items = [
        passage(f"{name}。以某地为起点。", cid, rank=i, section=f"规划 › 三轴 › {name}")
        for i, (cid, name) in enumerate(sections.items(), 1)
    ]
    names = PartAnalysis("三轴分别叫什么", (axes,))
    start = PartAnalysis("中部那条轴从哪里起步", (topic("中部数字干线发展轴", 2.0, kind="axis"),))
    a = analysis(axes, *start.topics, parts=(names, start), asks_list=True, list_heads=frozenset({"三轴"}))
    centre = tuple(units_of([items[1]], 20))
    whole = Selection(centre, tuple(units_of(items, 20)), 1.0)
    answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), Retrieval(*items))
    out = answerer.compose(a, items, whole, None)
    assert out.parts[0].status == "answered"
    assert {u.context.chunk_id for u in out.parts[0].units} == set(sections)


def test_a_part_that_lists_a_catalogue_sub_field_takes_every_row_of_it() -> None:
    """ "“双碳服务”分了哪两块？零碳技术研发具体指啥": the whole question's choice favours the zero-carbon row (the
    second part names it); the first part lists the sub-field's directions, its rows, so its own selection answers
    it."""
    field = topic("双碳服务", 2.0, kind="field")
    rows = [
        passage(
            f"细分领域：双碳服务\n发展方向：{d}\n发展重点：{focus}",
            cid,
            rank=i,
            kind="catalogue_row",
            section="重点产业目录 › 低碳新能源 › 双碳服务",
            direction=d,
        )
        for i, (cid, d, focus) in enumerate(
            [("zero", "零碳技术研发", "碳捕集"), ("trade", "碳交易服务", "碳资产管理")], 1
        )
    ]
    listed = PartAnalysis("“双碳服务”分了哪两块", (field,))
    zero = PartAnalysis("零碳技术研发具体指啥", (topic("零碳技术研发", 2.0, kind="direction"),))
    a = analysis(field, *zero.topics, parts=(listed, zero), asks_list=True)
    whole = Selection(tuple(units_of(rows[:1], 20)), tuple(units_of(rows, 20)), 1.0)
    out = PartAnswerer(ANALYSER, Selector(ANALYSER), Retrieval(*rows)).compose(a, rows, whole, None)
    assert out.parts[0].status == "answered"
    assert {u.context.chunk_id for u in out.parts[0].units} == {"zero", "trade"}


def test_a_part_listing_what_a_catalogue_direction_holds_takes_its_row() -> None:
    """ "文体演艺主要搞哪些演出？靠哪个剧院群？": the whole question's choice is the plan's sentence on shows, which
    says the direction only through an alias (演出) and names the theatre cluster; the first part asks what the
    direction holds, so the catalogue's row under it is quoted too, not the plan's sentence alone."""
    shows = Topic("文体演艺", ("文体演艺", "演出"), 2.0, text="演出", kind="direction")  # said as 演出
    plan = passage("依托百老汇剧院群等国际化演出载体，举办舞台剧、脱口秀等演出。", "plan", rank=1)
    row = passage(
        "细分领域：文化创意与旅游服务\n发展方向：文体演艺\n发展重点：脱口秀、Livehouse、舞台剧",
        "row",
        rank=2,
        kind="catalogue_row",
        section="重点产业目录 › 时尚新消费 › 文化创意与旅游服务",
        direction="文体演艺",
    )
    listed = PartAnalysis("文体演艺主要搞哪些演出", (shows,))
    theatre = PartAnalysis("靠哪个剧院群", (topic("百老汇剧院群", 2.0, kind="place"),))
    a = analysis(shows, *theatre.topics, parts=(listed, theatre), asks_list=True)
    whole = Selection(tuple(units_of([plan], 20)), tuple(units_of([plan, row], 20)), 1.0)
    out = PartAnswerer(ANALYSER, Selector(ANALYSER), Retrieval(plan, row)).compose(a, [plan, row], whole, None)
    assert "row" in {u.context.chunk_id for u in out.parts[0].units}


def test_a_part_that_names_one_document_is_answered_from_it() -> None:
    """ "…which exchanges could be set up, and what data-trading firms does the catalogue want?": the whole question's
    units hold a plan sentence that names data trading; the part names the catalogue, so its own selection (which
    favours the catalogue's row) answers it, not the plan's sentence."""
    data = topic("数据交易", 2.0, kind="direction")
    catalogue = topic("重点产业目录", 0.5, "目录", kind="document")
    plan = passage("探索在虹桥设立长三角数据交易中心等新型功能平台。", "plan", title="虹桥国际中央商务区产业发展规划")
    row = passage(
        "细分领域：数字贸易\n发展方向：数据贸易服务\n发展重点：具有市场影响力的数据交易主体",
        "row",
        rank=2,
        kind="catalogue_row",
        section="重点产业目录 › 数字贸易",
        title="虹桥国际中央商务区重点产业目录",
    )
    first = PartAnalysis("哪些交易平台可以设立", (topic("交易中心", 2.0, kind="platform"),))
    second = PartAnalysis("目录里要哪些数据交易企业", (data, catalogue))
    a = analysis(*first.topics, data, catalogue, parts=(first, second))
    mine = tuple(units_of([plan], 20))
    whole = Selection(mine, tuple(units_of([plan, row], 20)), 1.0)
    answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), Retrieval(plan, row))
    out = answerer.compose(a, [plan, row], whole, None)
    assert out.parts[1].status == "answered"
    assert {u.context.chunk_id for u in out.parts[1].units} == {"row"}


def test_a_part_is_answered_only_by_the_units_it_quotes() -> None:
    """ "2021年新增了多少家外资企业？": the part's own selection holds the 2021 sentence (a year and a count in 家)
    and the 2025 target (about foreign firms). The 2021 sentence says nothing of foreign firms, so it is dropped;
    the target left alone gives no 2021 figure, so the part is not stated, not answered with the target."""
    foreign = topic("外资", 2.0, kind="concept")
    year = topic("2021", 1.0, number=True)
    target = passage("到2025年，累计新增外资法人企业超过1500家。", "target", section="规划 › 发展目标")
    base = passage("2021年新增法人企业同比增长45%，吸引35家机构入驻。", "base", rank=2, section="规划 › 发展基础")
    part = PartAnalysis(
        "2021年新增了多少家外资企业", (foreign, year), asks_figure=True, measures=("家",), numbers=("2021",)
    )
    a = replace(analysis(foreign, year, text=part.text), whole=part)
    answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), Retrieval(target, base))
    missing = Refusal(RefusalCode.FIGURE_MISSING, "no figure")
    out = answerer.compose(a, [target, base], _selection(target), missing)
    assert out.parts[0].status == "not_stated"


def test_a_question_whose_quoted_units_lack_the_figure_says_so() -> None:
    """ "How much foreign investment did the CBD attract in 2021?": the chosen units hold a 2021 figure (tax) and a
    sentence about foreign investment without one. Only the latter is about what is asked, so the answer quotes it
    and says the figure is not given, rather than answer as if it were."""
    foreign = topic("外资", 2.0, kind="concept")
    year = topic("2021", 1.0, number=True)
    funds = passage("支持优质内外资投资类企业在商务区集聚。", "funds", section="规划 › 发展举措")
    tax = passage("2021年，商务区域内税收总额为346亿元。", "tax", rank=2, section="规划 › 发展基础")
    whole = PartAnalysis(
        "2021年吸引了多少外资", (foreign, replace(year, related=())), asks_figure=True, numbers=("2021",)
    )
    a = replace(analysis(foreign, year, text=whole.text), whole=whole)
    chosen = tuple(units_of([funds, tax], 20))
    out = _answerer().compose(a, [funds, tax], Selection(chosen, chosen, 1.0), None)
    assert out.refusal is None
    assert out.parts[0].status == "not_stated" and out.parts[0].refusal.code == RefusalCode.FIGURE_MISSING
    assert [u.context.chunk_id for u in out.parts[0].units] == ["funds"]


def test_a_part_about_a_document_itself_need_not_be_answered_from_it() -> None:
    """ "目录是谁编制的？电话多少？": the notice says who drew up the catalogue; the part names the catalogue but asks
    nothing that is in it, so the notice's sentence answers it."""
    catalogue = topic("重点产业目录", 0.01, "目录", kind="document")
    drew_up = topic("编制", 1.0, general=True)
    notice = passage("管委会组织编制了《重点产业目录》。", "notice", section="通知", title="通知")
    row = passage("细分领域：数字贸易\n发展方向：数据贸易服务", "row", rank=2, title="虹桥国际中央商务区重点产业目录")
    who = PartAnalysis("目录是谁编制的", (catalogue, drew_up))
    phone = PartAnalysis("电话多少", (topic("电话", 2.0, known=False),), asks_figure=True)
    a = analysis(catalogue, drew_up, *phone.topics, parts=(who, phone))
    units = tuple(units_of([notice, row], 20))
    answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), Retrieval(notice, row))
    out = answerer.compose(a, [notice, row], Selection(units[:1], units, 1.0), None)
    assert out.parts[0].status == "answered"
    assert [u.context.chunk_id for u in out.parts[0].units] == ["notice"]


def test_a_borrowed_part_asking_for_a_class_is_answered_by_a_sentence_naming_members() -> None:
    """ "北虹桥片区主要发展哪些产业？依托的是哪些载体？": the zone's sentence names the carriers (临港嘉定科技城)
    without the word 载体, a class noun asked through 哪些; "哪些国家" is no class noun: it must still be said."""
    north = topic("北虹桥片区", 2.0, kind="zone")
    rely = topic("依托", 0.5)
    zone = passage("北虹桥片区。依托临港嘉定科技城、虹桥新慧总部湾，重点发展汽车新势力。", "north")
    first = PartAnalysis("北虹桥片区主要发展哪些产业", (north,))
    carriers = PartAnalysis("依托的是哪些载体", (rely, topic("载体", 3.0)))
    a = analysis(north, *carriers.topics, parts=(first, carriers))
    out = _answerer().compose(a, [zone], _selection(zone), None)
    assert [p.status for p in out.parts] == ["answered", "answered"]
    countries = PartAnalysis("依托的是哪些国家", (rely, topic("国家", 3.0)))
    a = analysis(north, *countries.topics, parts=(first, countries))
    assert _answerer().compose(a, [zone], _selection(zone), None).parts[1].status == "not_stated"


def test_a_borrowed_part_is_said_by_a_related_term_of_its_words() -> None:
    """ "西虹桥片区的特色是什么？重点发展哪些产业？": the zone's sentence says 重点布局, a related term of 重点发展."""
    west = topic("西虹桥片区", 2.0, kind="zone")
    zone = passage("西虹桥片区。以会展经济为特色，重点布局会展经济、贸易经济等产业。", "west")
    first = PartAnalysis("西虹桥片区的特色是什么", (west, topic("特色", 0.5)))
    focus = PartAnalysis("重点发展哪些产业", (topic("重点发展", 0.4, related=("重点布局",), general=True),))
    a = analysis(*first.topics, *focus.topics, parts=(first, focus))
    out = _answerer().compose(a, [zone], _selection(zone), None)
    assert [p.status for p in out.parts] == ["answered", "answered"]
    # a word neither said nor related is still asked: "重点引进哪些产业" is not answered by this sentence
    bring = PartAnalysis("重点引进哪些产业", (topic("重点引进", 0.4, general=True),))
    a = analysis(*first.topics, *bring.topics, parts=(first, bring))
    assert _answerer().compose(a, [zone], _selection(zone), None).parts[1].status == "not_stated"


def test_a_part_asking_only_for_members_of_a_class_borrows_the_subject_before_it() -> None:
    """ "北虹桥片区主打啥 靠啥载体": 载体 asked through 啥 is what the answer names members of (临港嘉定科技城), not the
    part's subject: the part is about the zone, and the zone's sentence answers it without saying 载体."""
    north = topic("北虹桥片区", 2.0, kind="zone")
    carriers = topic("载体", 3.0, kind="concept")
    zone = passage("北虹桥片区。依托临港嘉定科技城、虹桥新慧总部湾，重点发展汽车新势力。", "north")
    stage = passage("依托百老汇剧院群等国际化演出载体，举办音乐会。", "stage", rank=2, section="文旅消费")
    first = PartAnalysis("北虹桥片区主打啥", (north,))
    asked = PartAnalysis("靠啥载体", (carriers,))
    a = analysis(north, carriers, parts=(first, asked))
    answerer = _answerer()
    assert answerer.own_things(asked) == [] and answerer.subjects(a, asked) == [north]
    out = answerer.compose(a, [zone, stage], _selection(zone, stage), None)
    assert [p.status for p in out.parts] == ["answered", "answered"]
    assert [u.context.chunk_id for u in out.parts[1].units] == ["north"]
    # named without a question word before it, the class noun is the part's subject ("载体建设有哪些")
    named = PartAnalysis("载体建设有哪些", (carriers,))
    assert answerer.own_things(named) == [carriers]


def test_one_of_two_things_joined_by_and_is_answered_by_a_sentence_saying_it_itself() -> None:
    """ "What does the plan say about FT accounts and aircraft leasing?", the FT accounts part: the leasing sentence's
    passage says FT accounts a sentence later, and a finance row says 金融机构 (a related term, broader): neither
    answers it; the sentence that says FT accounts does."""
    ft = topic("自由贸易账户", 3.0, related=("金融机构",), kind="measure")
    measures = passage(
        "加快保税维修、飞机融资租赁、航空航材交易市场等业务政策落地。支持银行等金融机构放大自由贸易账户功能。",
        "measures",
        section="政策",
    )
    row = passage("细分领域：新金融 发展重点：基于区块链技术的金融机构", "row", rank=2, section="新金融")
    units = tuple(units_of([measures, row], 20))
    leasing, said, finance = units
    part = PartAnalysis("What does the plan say about FT accounts?", (ft,), joined=True)
    other = PartAnalysis(
        "What does the plan say about aircraft leasing?", (topic("飞机融资租赁", 3.0, kind="measure"),), joined=True
    )
    a = analysis(ft, *other.topics, lang="en", parts=(part, other))
    answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), NoRetrieval())
    out = answerer.compose(a, [measures, row], Selection((leasing, finance), units, 1.0), None)
    assert out.parts[0].status == "answered"
    assert [u.text for u in out.parts[0].units] == [said.text]


def test_an_english_word_the_documents_english_uses_is_not_one_they_leave_out() -> None:
    """ "…East Hongqiao…, and which industries does it mainly develop?": "mainly" is in the documents' English, so the
    borrowed part is not mostly words the documents never use; "rents" is in neither language: still not stated."""
    from bot.qa.analyse import Analyser
    from bot.qa.config import EngineConfig
    from bot.qa.glossary import Glossary
    from bot.qa.vocabulary import Vocabulary

    text = "东虹桥片区。以临空经济为特色，重点发展航空服务经济、金融服务等产业。"
    analyser = Analyser(
        Glossary(), Vocabulary.of([text], ["East Hongqiao mainly develops aviation services."]), EngineConfig()
    )
    east = topic("东虹桥片区", 2.0, kind="zone")
    zone = passage(text, "east")
    first = PartAnalysis("What are the main characteristics of East Hongqiao", (east,))
    answerer = PartAnswerer(analyser, Selector(analyser), Recording(zone))
    asked = (
        ("mainly", "and which industries does it mainly develop", "answered"),
        ("rents", "and what rents are charged there", "not_stated"),
    )
    for word, text, status in asked:
        then = PartAnalysis(text, (topic(word, 0.8, known=False),))
        a = analysis(east, *then.topics, lang="en", parts=(first, then))
        assert answerer.compose(a, [zone], _selection(zone), None).parts[1].status == status, word


def test_a_part_borrowing_its_subject_borrows_the_thing_named_not_the_cbd() -> None:
    """ "商务区现在有综保区吗 啥时候能建成": the second part is about the bonded zone, not the CBD every passage
    is about."""
    cbd = topic("商务区", 1.0, kind="area")
    bonded = topic("综合保税区", 3.0, kind="measure")
    first = PartAnalysis("商务区现在有综保区吗", (cbd, bonded))
    when = PartAnalysis("啥时候能建成", ())
    a = analysis(cbd, bonded, parts=(first, when))
    assert _answerer().earlier_things(a, when) == [bonded]
    only = PartAnalysis("商务区有多大", (cbd,))
    assert _answerer().earlier_things(analysis(cbd, parts=(only, when)), when) == [cbd]


def test_a_part_asking_only_for_a_name_is_weighed_on_that_name() -> None:
    """ "Who issued the plan": the committee is reached through the question word; with nothing else asked, the part's
    support is whether a sentence states the committee (not an empty share that no sentence can meet). Asked with
    something else ("北虹桥 重点发展哪些产业"), the name asked is what the answer gives by naming members."""
    committee = replace(topic("管理委员会", 2.0, kind="org"), text="who issued")
    north = topic("北虹桥片区", 2.0, kind="zone")
    answerer = _answerer()
    assert answerer._said_of((committee,)) == ()
    assert answerer._weighed((committee,)) == (committee,)
    assert answerer._weighed((committee, north)) == (north,)


def test_a_name_counted_through_how_many_is_the_subject_of_a_figure_part() -> None:
    """ "how many headquarters do they want": the name reached through "how many" is what the figure counts; through
    "how big" it names the measure, and a part that asks no figure gives names asked for by naming members."""
    hq = replace(topic("总部类企业", 2.0, kind="concept"), text="how many headquarters")
    size = replace(topic("规模", 2.0, kind="concept"), text="how big")
    answerer = _answerer()
    counting = PartAnalysis("how many headquarters do they want", (hq,), asks_figure=True)
    assert [t.label for t in answerer.own_things(counting)] == ["总部类企业"]
    assert answerer.own_things(PartAnalysis("how big is it", (size,), asks_figure=True)) == []
    assert answerer.own_things(replace(counting, asks_figure=False)) == []


def test_a_detail_asked_of_the_present_quotes_nothing_for_the_word_of_time() -> None:
    """ "商务区目前有几所国际学校？": 目前 reaches the section that states the present (发展基础), which says when, not
    what is asked about; the documents never mention the schools, so nothing is quoted and the question is refused."""
    present = topic("发展基础", 3.0, kind="section")
    schools = topic("国际学校", 2.0, known=False)
    base = passage("商务区已累计引进总部类企业超过 400 家。", "base", section="一、发展基础")
    missing = Refusal(RefusalCode.UNKNOWN_FIGURE_TOPIC, "国际学校")
    a = analysis(present, schools, asks_figure=True, unknown_nouns=("国际学校",))
    out = _answerer().compose(a, [base], _selection(base), missing)
    assert out.refusal is not None and not out.units
    # asked of a thing the documents name, its passage is what they say of it (as of a zone)
    hq = topic("总部类企业", 3.0, kind="concept")
    out = _answerer().compose(analysis(hq, schools, asks_figure=True), [base], _selection(base), missing)
    assert out.refusal is None and [u.context.chunk_id for u in out.units] == ["base"]


def test_units_are_about_the_things_named_not_the_cbd_every_passage_is_about() -> None:
    """ "商务区要设的产业基金叫啥": a sentence that names only the CBD says nothing of the fund; the fund's sentence is
    the answer. A part about the CBD alone keeps what is said of the CBD."""
    cbd = topic("商务区", 2.0, kind="place")
    fund = topic("产业引导基金", 3.0, kind="measure")
    area = passage("商务区包含四区街镇，面积 151.4 平方公里。", "area")
    guide = passage("推动设立商务区产业引导基金。", "fund", rank=2)
    out = _answerer().compose(analysis(cbd, fund), [area, guide], _selection(area, guide), None)
    assert [u.context.chunk_id for u in out.units] == ["fund"]
    alone = _answerer().compose(analysis(cbd), [area, guide], _selection(area, guide), None)
    assert "area" in [u.context.chunk_id for u in alone.units]


def test_what_an_earlier_part_counts_is_a_thing_a_later_part_borrows() -> None:
    """ "How many headquarters companies does the CBD have now, and what is the target?": the headquarters are
    reached through "How many" (capitalised, as a question opens), and the target is theirs, not the CBD's."""
    hq = replace(topic("总部类企业", 3.0, kind="concept"), text="How many headquarters")
    cbd = replace(topic("商务区", 2.0, kind="place"), text="the CBD")
    aim = replace(topic("目标", 3.0, kind="concept"), text="target")
    first = PartAnalysis("How many headquarters companies does the CBD have now", (hq, cbd), asks_figure=True)
    second = PartAnalysis("and what is the target", (aim,), asks_target=True)
    a = analysis(hq, cbd, aim, parts=(first, second), lang="en")
    answerer = _answerer()
    assert hq in answerer.own_things(first)
    assert answerer.subjects(a, second) == [hq]


def test_a_zone_word_or_the_quantity_asked_refers_to_the_thing_named_before() -> None:
    """ "Which industries is North Hongqiao meant to focus on, and how large is that area in square kilometres?":
    片区 ("that area") and 面积 (the quantity asked) say how the part asks; it is about North Hongqiao, whose area the
    documents never give (the CBD's 151.4 km² is no answer). Asked alone, the area is what the part is about."""
    north = topic("北虹桥片区", 3.0, kind="zone")
    zone_word = topic("片区", 2.0, kind="general")
    area = topic("面积", 3.0, kind="concept")
    first = PartAnalysis("Which industries is North Hongqiao meant to focus on", (north,))
    second = PartAnalysis("and how large is that area in square kilometres", (zone_word, area), asks_figure=True)
    a = analysis(north, zone_word, area, parts=(first, second), lang="en")
    answerer = _answerer()
    assert answerer.subjects(a, second) == [north]
    alone = PartAnalysis("商务区总面积有多大", (area,), asks_figure=True)
    assert answerer.subjects(analysis(area, parts=(alone,)), alone) == [area]


def test_a_borrowed_part_may_ask_in_a_locality_word_the_documents_never_use() -> None:
    """ "…数字干线发展轴起点在哪？沿线串了哪些平台？": 沿线 (along the line) is where the part asks, not a thing the
    documents leave out; 门槛 (a noun they never use) still is one."""
    axis = topic("数字干线发展轴", 2.0, kind="axis")
    text = "中部“数字干线发展轴”。以长宁天山西路为起点，串联虹桥临空数字经济产业园、北斗西虹桥基地等产业平台。"
    line = passage(text, "axis")
    first = PartAnalysis("数字干线发展轴起点在哪", (axis,))
    answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), Recording(line))
    for word, status in (("沿线", "answered"), ("门槛", "not_stated")):
        then = PartAnalysis(f"{word}串了哪些平台", (topic(word, 2.0, known=False), topic("平台", 0.3)))
        a = analysis(axis, *then.topics, parts=(first, then))
        assert answerer.compose(a, [line], _selection(line), None).parts[1].status == status, word


def test_a_part_naming_only_the_present_is_about_the_thing_named_before() -> None:
    """ "…the low-carbon / new energy sector…? Which companies are there already?": "already" reaches the section of
    the present (发展基础), which says when the part asks of, not what: it is about low-carbon new energy."""
    energy = topic("低碳新能源", 2.0, kind="industry")
    firms = topic("企业", 0.4, kind="general")
    present = topic("发展基础", 3.0, kind="section")
    first = PartAnalysis("Can you give me an overview of the low-carbon / new energy sector", (energy,))
    second = PartAnalysis("Which companies are there already", (firms, present))
    a = analysis(energy, firms, present, parts=(first, second), lang="en")
    assert _answerer().subjects(a, second) == [energy]
    alone = PartAnalysis("目前发展基础怎么样", (present,))
    assert _answerer().subjects(analysis(present, parts=(alone,)), alone) == [present]


def test_a_thing_named_only_through_a_related_term_is_looked_for_in_its_own_words() -> None:
    """ "We're an Israeli VC. Is Hongqiao setting up a government guidance fund, how big will it be?": the VC rows the
    asker's words brought in name the fund only through a related term (风投); the sentence naming the fund answers."""
    fund = topic("产业引导基金", 3.0, "引导基金", kind="measure", related=("风投",))
    size = topic("面积", 2.0, kind="concept")
    vc = passage("大力引进风投机构、基金管理机构和投资性公司。", "vc", section="规划 › 产业金融")
    guide = passage("推动设立虹桥国际中央商务区产业引导基金。", "fund", rank=2, section="规划 › 发展举措")
    first = PartAnalysis("Is Hongqiao setting up a government guidance fund", (fund,))
    second = PartAnalysis("how big will it be", (size,), asks_figure=True)
    a = analysis(fund, size, parts=(first, second), lang="en", asks_figure=True)
    answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), Recording(guide, vc))
    out = answerer.compose(a, [vc, guide], _selection(vc), None)
    assert out.parts[0].status == "answered"
    assert [u.context.chunk_id for u in out.parts[0].units] == ["fund"]


def test_a_part_asking_for_members_of_a_class_quotes_the_units_naming_one() -> None:
    """ "哪些新能源企业已经落户了？": a sentence about new energy that names no company does not say which companies;
    the one naming 晶科能源 does. Asked without a question word before the class noun, nothing is filtered."""
    from bot.qa.analyse import Analyser
    from bot.qa.config import EngineConfig
    from bot.qa.glossary import Glossary, Term
    from bot.qa.vocabulary import Vocabulary

    texts = ["低碳新能源。探索零碳产业布局。", "晶科能源、天合光能等为新能源产业。"]
    glossary = Glossary(terms=[Term(zh="晶科能源", en="JinkoSolar", kind="org"), Term(zh="企业", en="companies")])
    analyser = Analyser(glossary, Vocabulary.of(texts), EngineConfig())
    energy = topic("新能源", 2.0, kind="industry")
    firms = topic("企业", 0.4, kind="general")
    plan = passage(texts[0], "plan")
    base = passage(texts[1], "base", rank=2, section="规划 › 发展基础")
    answerer = PartAnswerer(analyser, Selector(analyser), Recording(plan, base))
    for text, expected in (("哪些新能源企业已经落户了", ["base"]), ("新能源企业的情况", ["plan", "base"])):
        a = analysis(energy, firms, text=text)
        out = answerer.compose(a, [plan, base], _selection(plan, base), None)
        assert [u.context.chunk_id for u in out.units] == expected, text


def test_a_borrowed_part_asking_who_needs_a_unit_naming_someone_besides_its_subject() -> None:
    """ "…a government guidance fund, how big will it be, and who manages it?": the third part borrows the fund. The VC
    rows name funds only through a related term (基金管理机构), so they are no answer for the fund; the fund's own
    sentence names the fund (an organisation) and no one who manages it: not stated. A sentence naming another
    organisation for the fund answers."""
    from bot.qa.analyse import Analyser
    from bot.qa.config import EngineConfig
    from bot.qa.glossary import Glossary, Term
    from bot.qa.vocabulary import Vocabulary

    texts = ["大力引进风投机构、基金管理机构。", "推动设立产业引导基金。", "产业引导基金由管委会负责。"]
    orgs = [Term(zh="产业引导基金", en="guidance fund", kind="org"), Term(zh="管委会", en="committee", kind="org")]
    glossary = Glossary(terms=orgs)
    analyser = Analyser(glossary, Vocabulary.of(texts), EngineConfig())
    fund = topic("产业引导基金", 3.0, kind="org", related=("基金管理",))
    vc = passage(texts[0], "vc", section="规划 › 产业金融")
    guide = passage(texts[1], "fund", rank=2, section="规划 › 发展举措")
    first = PartAnalysis("Is Hongqiao setting up a government guidance fund", (fund,))
    who = PartAnalysis("and who manages it", ())
    a = analysis(fund, parts=(first, who), lang="en")
    out = PartAnswerer(analyser, Selector(analyser), Recording(guide, vc)).compose(a, [vc, guide], _selection(vc), None)
    assert [p.status for p in out.parts] == ["answered", "not_stated"]
    assert [u.context.chunk_id for u in out.units] == ["fund"]
    managed = passage(texts[2], "managed", rank=3, section="规划 › 发展举措")
    answerer = PartAnswerer(analyser, Selector(analyser), Recording(managed, guide, vc))
    out = answerer.compose(a, [vc, managed], _selection(vc, managed), None)
    assert out.parts[1].status == "answered" and [u.context.chunk_id for u in out.parts[1].units] == ["managed"]


def test_a_zone_word_in_a_part_asking_no_place_is_how_it_asks() -> None:
    """ "Where does the southern axis start, and which industries will be located along it?": "located" reads as 片区,
    but the part asks for industries along the axis, not for a zone; the axis's sentence answers it without 片区."""
    axis = topic("生命科创发展轴", 3.0, kind="axis")
    axis_text = "南向生命科创发展轴。以闵行前湾地区为起点，沿嘉闵高架路向南延伸，重点布局生命新科技等产业。"
    south = passage(axis_text, "axis", section="规划 › 三轴 › 南向")
    first = PartAnalysis("Where does the southern axis start", (axis,), asks_kind="place")
    along = PartAnalysis(
        "and which industries will be located along it", (topic("片区", 2.8, "located"), topic("沿", 1.0, "along"))
    )
    a = analysis(axis, *along.topics, lang="en", parts=(first, along))
    out = PartAnswerer(ANALYSER, Selector(ANALYSER), Recording(south)).compose(a, [south], _selection(south), None)
    assert out.parts[1].status == "answered"
    # asked for a place, the zone word is what the answer must name
    where = replace(along, asks_kind="zone")
    a = analysis(axis, *where.topics, lang="en", parts=(first, where))
    out = PartAnswerer(ANALYSER, Selector(ANALYSER), Recording(south)).compose(a, [south], _selection(south), None)
    assert out.parts[1].status == "not_stated"


def test_a_zone_part_is_weighed_without_the_cbd_the_zones_are_parts_of() -> None:
    """ "Which part of the CBD is earmarked for automotive, and is there a development axis for it?": the zone's
    sentence says automotive and names the zone; the CBD, which it does not name, is the whole the zones divide, not
    a thing the sentence must say. Asked of no zone, the CBD still weighs."""
    from bot.qa.analyse import Analyser
    from bot.qa.config import EngineConfig
    from bot.qa.glossary import Glossary, Term
    from bot.qa.vocabulary import Vocabulary

    text = "北虹桥片区。重点发展汽车新势力、医疗器械等产业。"
    glossary = Glossary(terms=[Term(zh="北虹桥片区", en="North Hongqiao Zone", kind="zone")])
    analyser = Analyser(glossary, Vocabulary.of([text, "商务区"]), EngineConfig())
    cars = topic("汽车新势力", 2.4, kind="industry")
    cbd = topic("商务区", 1.8, kind="place")
    unknown = topic("earmarked", 1.8, known=False)
    zone_word = replace(topic("片区", 2.8, "Which part", kind="concept"), text="Which part")  # asked
    north = passage(text, "north", section="规划 › 四区")
    axis = PartAnalysis("and is there a development axis for it", (topic("三轴", 3.2, kind="axis"),))
    for asks, words, status in (("zone", (zone_word,), "answered"), (None, (), "not_stated")):
        first = PartAnalysis("Which part of the CBD is earmarked for automotive", (*words, cbd, cars, unknown))
        first = replace(first, asks_kind=asks)
        a = analysis(*first.topics, *axis.topics, lang="en", parts=(first, axis))
        answerer = PartAnswerer(analyser, Selector(analyser), Recording(north))
        assert answerer.compose(a, [north], _selection(north), None).parts[0].status == status, asks


def test_a_part_asking_whether_a_document_lists_the_thing_is_answered_by_that_documents_unit() -> None:
    """ "On offshore trade: what kinds of business does Hongqiao target, and does the catalogue list it too?": the
    second part borrows offshore trade and names the catalogue; a catalogue row says it (its heading path names the
    catalogue, not the row), and the plan's paragraph on the same thing is not what the part asks for."""
    offshore = topic("新型离岸国际贸易", 4.2, "离岸贸易", kind="direction")
    catalogue = topic("重点产业目录", 0.2, "目录", kind="document")  # an everyday weight: no thing of its own
    row = passage(
        "细分领域：贸易新服务\n发展方向：新型离岸国际贸易\n发展重点：离岸转手买卖、全球采购",
        "row",
        section="重点产业目录 › 贸易新服务",
        title="虹桥国际中央商务区重点产业目录（2022年8月）",
    )
    plan = passage("高效便利的离岸贸易。重点发展离岸转手买卖等业务。", "plan", rank=2, section="规划 › 离岸贸易")
    first = PartAnalysis("On offshore trade: what kinds of business does Hongqiao target", (offshore,))
    listed = PartAnalysis("and does the catalogue list it too", (catalogue,))
    a = analysis(offshore, catalogue, lang="en", parts=(first, listed))
    answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), Recording(row, plan))
    out = answerer.compose(a, [row, plan], _selection(row, plan), None)
    assert [p.status for p in out.parts] == ["answered", "answered"]
    assert {u.context.chunk_id for u in out.parts[1].units} == {"row"}


def test_a_borrowed_part_asking_in_a_passive_verb_is_answered_by_the_sentence_about_its_subject() -> None:
    """ "…the core circle, and which industries are assigned to it?": "assigned", a verb in the passive the documents'
    English never uses, says how the part asks; the circle's sentence answers it. A thing asked for in such words
    ("its address") still leaves it open."""
    circle = topic("环枢纽核心圈", 2.0, kind="circle")
    industries = topic("四高五新", 2.0, kind="concept")
    core = passage("环枢纽核心圈重点布局总部经济、会展经济等四高五新产业。", "core", section="规划 › 一圈")
    first = PartAnalysis("what does the core circle cover", (circle,))
    for asked, status in (("assigned", "answered"), ("address", "not_stated")):
        word = topic(asked, 1.0, known=False)
        then = PartAnalysis(f"and which industries are {asked} to it", (word,))
        if asked == "address":
            then = PartAnalysis("and what is its address", (word,))
        a = analysis(circle, industries, word, lang="en", parts=(first, then))
        answerer = PartAnswerer(ANALYSER, Selector(ANALYSER), Recording(core))
        out = answerer.compose(a, [core], _selection(core), None)
        assert [p.status for p in out.parts] == ["answered", status], asked


def test_words_the_documents_never_use_about_a_thing_they_name_are_a_detail_left_open() -> None:
    """ "管委会的办公地址和咨询电话是什么？": the committee is named in the notice, its address and telephone number are
    not; the answer quotes what the documents say of the committee and says the detail is not stated. With nothing
    named but the CBD (or nothing at all), the question is refused."""
    committee = topic("管委会", 2.0, kind="org")
    address = topic("地址", 2.0, known=False)
    office = passage("上海虹桥国际中央商务区管委会办公室印发。", "office", section="通知")
    unknown = Refusal(RefusalCode.UNKNOWN_TOPIC, "地址")
    a = analysis(committee, address, unknown_nouns=("地址", "咨询电话"))
    out = _answerer().compose(a, [office], _selection(office), unknown)
    assert out.refusal is None and out.parts[0].status == "not_stated" and out.units
    cbd = topic("商务区", 2.0, kind="place")
    a = analysis(cbd, address, unknown_nouns=("地址", "咨询电话"))
    assert _answerer().compose(a, [office], _selection(office), unknown).refusal is unknown
    a = analysis(address, unknown_nouns=("地址", "咨询电话"))
    assert _answerer().compose(a, [office], _selection(office), unknown).refusal is unknown


def test_a_part_opened_as_a_new_question_does_not_borrow_the_subject_before_it() -> None:
    """ "…基本原则一共有几条、分别是什么？另外重点产业目录里说的两大产业定位是哪两个？": 另外 says the second
    part asks about something new; it names a word of its own that weighs (定位), so it is about that, not the
    principles."""
    principles = topic("基本原则", 2.0, kind="section")
    stance = topic("定位", 2.0)
    catalogue = topic("重点产业目录", 0.5, "目录", kind="document")
    first = PartAnalysis("基本原则一共有几条、分别是什么", (principles,))
    second = PartAnalysis("重点产业目录里说的两大产业定位是哪两个", (catalogue, stance))
    text = "基本原则一共有几条、分别是什么？另外重点产业目录里说的两大产业定位是哪两个？"
    answerer = _answerer()
    a = analysis(principles, catalogue, stance, text=text, parts=(first, second))
    assert answerer.earlier_things(a, second) == []
    plain = analysis(principles, catalogue, stance, text=text.replace("另外", ""), parts=(first, second))
    assert answerer.earlier_things(plain, second) == [principles]  # without the word, it leans on the part before


def test_a_document_is_stated_by_a_unit_of_it_not_by_a_title_quoting_it() -> None:
    """A catalogue sentence that does not name the catalogue is about a part asking what the catalogue says; the
    notice, whose title quotes the catalogue's name in 《》, is not."""
    catalogue = topic("重点产业目录", 0.5, "目录", kind="document")
    row = passage("围绕开放枢纽高地和融合创新极核两大产业定位。", "cat", title="虹桥国际中央商务区重点产业目录")
    notice = passage("特此通知。", "notice", rank=2, title="关于发布并实施《虹桥国际中央商务区重点产业目录》的通知")
    units = units_of([row, notice], 20)
    about = _answerer()._about([catalogue], units, strict=True)
    assert [u.context.chunk_id for u in about] == ["cat"]
