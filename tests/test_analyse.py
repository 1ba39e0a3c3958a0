"""Stage 1, analyse: language, parts, topics and their weights, figure/date/list cues, unknown things."""

from bot.qa.analyse import Analyser
from bot.qa.config import EngineConfig
from bot.qa.glossary import Glossary
from bot.qa.vocabulary import Vocabulary
from tests.stages import tiny_analyser, topic


def test_language_parts_and_cues(analyser: Analyser) -> None:
    a = analyser.analyse("汽车新势力主要放在哪个片区？到2025年要做到多大规模")
    assert a.lang == "zh" and [p.text for p in a.parts] == ["汽车新势力主要放在哪个片区", "到2025年要做到多大规模"]
    assert a.asks_figure and [p.asks_figure for p in a.parts] == [False, True]
    assert a.parts[1].numbers == ("2025",)
    casual = analyser.analyse("中部那条轴从哪儿起步，主要搞啥产业？")  # 啥 asks as 什么 does
    assert [p.text for p in casual.parts] == ["中部那条轴从哪儿起步", "主要搞啥产业"]
    en = analyser.analyse("When was the notice issued?")
    assert en.lang == "en" and en.asks_date and not en.parts and en.figure_parts == (en.whole,)
    # a measure that is a number by nature (GDP, 产值) asks for a figure without "how much"
    gdp = analyser.analyse("How big is the CBD, and what was its GDP in 2021?")
    assert [p.asks_figure for p in gdp.parts] == [True, True]
    assert analyser.analyse("2021年商务区的生产总值？").asks_figure
    # a bound asks for a figure however it is written ("min registered capital", "the lowest fee")
    assert analyser.analyse("min registered capital for a foreign co?").asks_figure
    assert analyser.analyse("What's the lowest capital a firm needs?").asks_figure
    # a plural says it as well as the singular ("daytime workforce numbers?", "what are the growth rates")
    assert analyser.analyse("Hongqiao CBD residents and daytime workforce numbers?").asks_figure
    assert analyser.analyse("What are the growth rates?").asks_figure


def test_a_glossary_phrase_is_one_topic_with_the_documents_words(analyser: Analyser) -> None:
    a = analyser.analyse("Which zone focuses on new energy vehicles?")
    nev = next(t for t in a.topics if t.label == "汽车新势力")
    assert "汽车新势力" in nev.alternatives and nev.known and nev.related  # English questions bring related terms
    assert dict(a.whole.expansion)["汽车新势力"] == 1.0
    zh = analyser.analyse("北虹桥片区重点发展哪些产业？")
    # Chinese questions use the documents' words as they are; only an everyday word (重点发展) brings its relations
    assert all(not t.related for t in zh.topics if not t.general)
    assert any(t.related for t in zh.topics if t.general)


def test_a_related_term_stands_for_a_topic_only_when_about_as_specific(analyser: Analyser) -> None:
    """The Global Traders Program's glossary entry relates it to 贸易 (trade), which half the documents say: a sentence
    about trade is not about the programme. The broad term is still searched for."""
    a = analyser.analyse("What is the Global Trader Program meant to achieve?")
    program = next(t for t in a.topics if t.label == "全球贸易商计划")
    assert "贸易" not in program.related and "全球贸易商总部" in program.related
    assert "贸易" in dict(a.whole.expansion)


def test_a_count_in_chinese_numerals_is_no_topic(analyser: Analyser) -> None:
    # "三个“突出”": the documents list the three without saying 三个; the passage that says 三个 is about other things
    labels = {t.label for t in analyser.analyse("指导思想提到的三个“突出”是哪些？").topics}
    assert "三个" not in labels and "突出" in labels


def test_measure_words_and_numbers_are_topics(analyser: Analyser) -> None:
    a = analyser.analyse("通知一共印了几份？")
    assert "份" in {t.label for t in a.topics} and a.whole.measures == ("份",)
    assert a.whole.asks_figure
    # 几个点 counts percentage points, 多少个亿 hundreds of millions: the figure's unit, no count of things in 个
    assert analyser.analyse("税收同比增长几个点？").whole.measures == ()
    assert analyser.analyse("总共投了多少个亿？").whole.measures == ()


def test_the_whole_area_is_the_cbd(analyser: Analyser) -> None:
    # 全域 (the documents' "商务区全域") is the CBD as a whole, no thing of its own
    a = analyser.analyse("全域面积多大？")
    assert "商务区" in {t.label for t in a.topics} and "全域" not in a.unknown_nouns
    known = analyser.analyse("到2025年商品销售额目标是多少？")
    assert not known.missing_numbers
    assert analyser.analyse("商务区2030年GDP目标是多少？").missing_numbers == ("2030",)


def test_words_the_documents_never_use_are_unknown_and_weighted_by_kind(analyser: Analyser) -> None:
    a = analyser.analyse("虹桥商务区的写字楼租金是多少？")
    unknown = {t.label: t for t in a.topics if not t.known}
    assert {"写字楼", "租金"} <= unknown.keys() and set(a.unknown_nouns) >= {"写字楼", "租金"}
    top = analyser.vocabulary.max_idf
    assert unknown["写字楼"].weight == analyser.config.unknown_zh_noun * top
    en = analyser.analyse("What are office rents like?")
    rents = next(t for t in en.topics if t.label == "rents")
    assert not rents.known and rents.weight == analyser.config.unknown_en * top
    assert not en.unknown_nouns  # an English word counts only inside the thing asked for ("what is the …", below)


def test_the_thing_an_english_question_asks_for_is_unknown_in_words_the_documents_english_never_uses() -> None:
    """ "How much cash reward …", "what's the average office rent …", "what kinds of cash reward does …": a word of the
    thing asked for that the documents' English never uses (in any form) is a thing they never name; one they use
    ("rents" for "rent"), a word outside the thing asked for, and the class counted by "how many" are not."""
    chinese = ["北虹桥片区。重点发展总部经济。", "办公租金保持稳定。"]
    english = ["North Hongqiao Zone. Develop the headquarters economy.", "Average office rents stay stable."]
    analyser = Analyser(Glossary(), Vocabulary.of(chinese, english), EngineConfig())
    unknown = {
        q: analyser.analyse(q).unknown_nouns
        for q in [
            "How much cash reward does a company get?",
            "What's the average office rent in North Hongqiao?",
            "Who's the current director of the committee?",
            "Which director signed it?",
            "What kinds of cash reward does a company get?",
            "Is there a cash reward for companies?",
            "How many trade promo agencies are there?",
        ]
    }
    expected = [("cash", "reward"), (), ("current", "director"), (), ("cash", "reward"), (), ()]
    assert list(unknown.values()) == expected
    assert analyser.vocabulary.says_in_english("Rent") and not analyser.vocabulary.says_in_english("director")


def test_specific_topics_leave_out_everyday_words_and_numbers(analyser: Analyser) -> None:
    a = analyser.analyse("北虹桥片区到2025年有哪些企业？")
    specific = {t.label for t in analyser.specific(a.topics)}
    assert "北虹桥片区" in specific and "2025" not in specific and "企业" not in specific


def test_a_follow_up_is_analysed_as_read(analyser: Analyser) -> None:
    history = [{"role": "user", "content": "南虹桥片区重点发展哪些产业？"}, {"role": "assistant", "content": "…"}]
    a = analyser.analyse("那北虹桥呢？", history)
    assert a.question == "那北虹桥呢？" and a.reading.resolved and a.text == "北虹桥片区重点发展哪些产业？"


def test_a_question_is_about_the_present_when_every_part_or_the_follow_up_says_so(analyser: Analyser) -> None:
    assert analyser.analyse("目前已经有哪些汽车企业？").about_present
    mixed = analyser.analyse("北斗这块现在有哪些企业？规划后面打算怎么发展")
    assert mixed.whole.asks_present and not mixed.about_present  # the second part asks about the plan
    history = [
        {"role": "user", "content": "Give me an overview of the low-carbon sector."},
        {"role": "assistant", "content": "According to the documents: …"},
    ]
    follow = analyser.analyse("Which companies are there already?", history)
    assert follow.reading.resolved and follow.about_present
    assert not any(analyser.part_analysis(follow, p).follows_present for p in follow.parts)


def test_the_name_of_what_a_list_question_lists(analyser: Analyser) -> None:
    """The topic said right before or right after the list cue: 基本原则有哪几条 lists principles, 有哪些企业 lists
    companies (not 现在, which is said before the cue but names when, not what)."""
    assert analyser.analyse("规划确定的基本原则有哪几条？").list_heads == {"基本原则"}
    assert analyser.analyse("What are the basic principles of the plan?").list_heads == {"基本原则"}
    assert "发展基础" not in analyser.analyse("北斗这块现在有哪些企业？").list_heads
    assert not analyser.analyse("北虹桥片区的面积是多少？").list_heads
    # Class nouns said one after another after the cue are all listed: 哪些平台载体 lists platforms and carriers.
    assert {"平台", "载体"} <= analyser.analyse("南虹桥靠的是哪些平台载体？").list_heads
    # A count asked with the cue ("是哪三条", "哪五个基本原则") lists as "哪几条" does.
    assert analyser.analyse("“三轴”是哪三条？").list_heads == {"三轴"}
    assert analyser.analyse("规划提出了哪五个基本原则？").list_heads == {"基本原则"}


def test_the_words_that_ask_for_a_date_are_not_topics(analyser: Analyser) -> None:
    """ "日期" / "哪天" ask for the date a sentence gives; they are not words the sentence must say."""
    a = analyser.analyse("规划的签署日期是哪天？")
    assert a.asks_date and not {"日期", "哪天"} & {t.label for t in a.topics}


def test_an_english_word_the_documents_english_uses_weighs_less_than_one_they_never_use() -> None:
    analyser = Analyser(Glossary(), Vocabulary.of(["交易所。"], ["New exchanges will open."]), EngineConfig())
    weights = {t.label: t.weight for t in analyser.analyse("Which exchanges or casinos will open?").topics}
    top, c = analyser.vocabulary.max_idf, analyser.config
    assert weights["exchanges"] == c.english_said * top < weights["casinos"] == c.unknown_en * top


def test_a_figure_part_is_dated_by_the_year_that_frames_it(analyser: Analyser) -> None:
    """A target year frames the parts after it; a year of the state of play dates only a part about the same thing
    (one that names nothing that weighs but how it counts); a part with its own year or about the present keeps its
    own."""
    target = analyser.analyse("到2035年商务区要达到啥目标？有没有定具体的税收或GDP数字？")
    assert target.parts[1].numbers == ("2035",)
    same = analyser.analyse("2021年新增的法人企业增长了多少？具体新增了多少家？")
    assert same.parts[1].numbers == ("2021",)
    other = analyser.analyse("2021年新增法人企业同比涨了多少？规上数字企业有多少家？")
    assert other.parts[1].numbers == ()
    own = analyser.analyse("2025年要办多少场国际性会展？2021年办了多少场？")
    assert own.parts[1].numbers == ("2021",)
    present = analyser.analyse("到2025年总部企业目标多少家？现在有多少家？")
    assert present.parts[1].numbers == ()


def test_the_subject_of_a_zone_question_is_the_thing_not_the_group_it_belongs_to(analyser: Analyser) -> None:
    """ "Which zone lists low-carbon new energy among its focus industries?": 四高五新 (the focus industries) weighs
    more, but it is the set 低碳新能源 belongs to; the zone must be named for 低碳新能源."""
    a = analyser.analyse("Which zone lists low-carbon new energy among its focus industries?")
    kinds, family = analyser.kind_subject(a)
    assert "zone" in kinds and family[0] == "低碳新能源"
    alone = analyser.analyse("Which zone is the 四高五新 built around?")
    assert analyser.kind_subject(alone)[1][0] == "四高五新"  # a group asked about on its own is the subject


def test_which_axis_asks_for_an_axis_named_for_the_part_that_asks_it(analyser: Analyser) -> None:
    """ "哪条发展轴", "which corridor" ask for one of the three axes. The subject is what the part asking for it names
    (life sciences), not the heaviest word of another part (how big: the area); a word that frames what is asked
    ("targets") is not the subject."""
    assert analyser.analyse("哪条发展轴重点布局汽车新势力？").whole.asks_kind == "axis"
    corridor = analyser.analyse("which corridor of the CBD targets carmakers?")
    assert corridor.whole.asks_kind == "axis" and analyser.kind_subject(corridor)[1][0] == "汽车新势力"
    two = analyser.analyse("Life sciences: which development axis is it on, and how big is the sector supposed to be?")
    assert analyser.kind_subject(two)[1][0] == "生命新科技"


def test_a_count_named_by_its_measure_word_is_a_measure_not_an_unknown_thing(analyser: Analyser) -> None:
    """ "举办场次…定为多少": 场次 is the count of 场 the figure must be in, not a thing the documents never name."""
    a = analyser.analyse("国际性会展的举办场次定为多少？")
    assert a.whole.measures == ("场",) and a.unknown_nouns == () and "场次" not in [t.label for t in a.topics]
    assert "场次" not in analyser.analyse("会展的场次安排").whole.measures  # no figure asked: no measure


def test_how_the_asker_describes_their_company_is_no_topic(analyser: Analyser) -> None:
    """ "我司从事北斗导航业务，…": 我司 (our company) and 从事 (engage in) say who asks, not what; the trade named
    (北斗导航) still counts."""
    labels = [t.label for t in analyser.analyse("我司从事北斗导航业务，请问北斗导航产业依托哪个基地？").topics]
    assert "我司" not in labels and "从事" not in labels and "北斗导航" in labels


def test_two_things_joined_by_and_are_asked_about_one_at_a_time(analyser: Analyser) -> None:
    """ "What does the plan say about FT accounts and aircraft leasing?" is the same question about each thing, in the
    sentence that asks (not what the asker says of themselves, which names one of them again)."""
    a = analyser.analyse(
        "We're a bank with an aircraft leasing arm. What does the plan say about FT accounts and aircraft leasing?"
    )
    assert [p.text for p in a.parts] == [
        "What does the plan say about FT accounts?",
        "What does the plan say about aircraft leasing?",
    ]
    assert all(p.joined for p in a.parts)
    rows = analyser.analyse(
        "What do the catalogue rows for design software and production-control software prioritise?"
    )
    assert [p.text for p in rows.parts] == [
        "What do the catalogue rows for design software prioritise?",
        "What do the catalogue rows for production-control software prioritise?",
    ]
    # one part stays one part: a thing and its related term, classes asked for, a name in quotes, a relation asked
    assert not analyser.analyse("what's the plan's angle on life sciences and pharma?").parts
    assert not analyser.analyse("Which districts and towns make up the Hongqiao CBD?").parts
    assert not analyser.analyse('Which corridor does the "life science and innovation" axis connect to?').parts
    assert not analyser.analyse("What is the difference between aircraft leasing and FT accounts?").parts
    assert not analyser.analyse("飞机融资租赁和自由贸易账户有什么区别？").parts
    # the documents name the two as one item (美妆及日用品)
    assert not analyser.analyse("做进口美妆和日用品批发的企业，算不算目录里重点关注的？").parts
    joined = analyser.analyse("飞机融资租赁和自由贸易账户，规划里怎么说？")
    assert len(joined.parts) == 2 and all(p.joined for p in joined.parts)


def test_a_part_drops_what_the_asker_says_of_themselves_only_when_the_rest_holds_its_subject() -> None:
    """ "We're a logistics company weighing Hongqiao. How large is the CBD": the part is the figure asked. "We make GNSS
    receivers. Where do we fit in the catalogue?": the statement holds what the part is about, so it stays."""
    a = tiny_analyser("商务区面积 151.4 平方公里。")
    assert a._question_of("We're a logistics company weighing Hongqiao. How large is the CBD") == "How large is the CBD"
    kept = "We make GNSS receivers. Where do we fit in the catalogue"
    assert a._question_of(kept) == kept
    assert a._question_of("Which zone suits us") == "Which zone suits us"


def test_an_everyday_chinese_word_is_said_by_its_glossary_relations_either_way() -> None:
    """ "北虹桥重点布局哪些行业" is answered by "…重点发展…": 重点发展 lists 重点布局 as related, so each says the
    other; a word with no relation is said only by itself."""
    from bot.qa.glossary import Term

    glossary = Glossary(
        terms=[
            Term("重点发展", "prioritise", "general", related=("重点布局",)),
            Term("重点布局", "focus", "general"),
            Term("依托", "rely on", "general"),
        ]
    )
    analyser = Analyser(
        glossary, Vocabulary.of(["北虹桥片区重点发展汽车。", "西虹桥重点布局会展，依托会展中心。"]), EngineConfig()
    )
    by = {t.label: t for t in analyser.part("重点布局哪些行业", False).topics}
    assert by["重点布局"].related_in("北虹桥片区重点发展汽车")
    assert analyser.part("重点发展哪些行业", False).topics[0].related_in("重点布局会展")
    assert not {t.label: t for t in analyser.part("依托哪些平台", False).topics}["依托"].related


def test_a_modal_fused_with_a_verb_is_how_a_question_asks() -> None:
    """ "要建啥示范区": jieba reads 要建 as one word the documents never use; it asks, it names nothing."""
    analyser = tiny_analyser("建设国家软件定义汽车创新示范区。")
    labels = [t.label for t in analyser.part("要建啥示范区", False).topics]
    assert "要建" not in labels and "示范区" in labels


def test_a_part_that_leans_on_the_part_before_asks_what_it_asks() -> None:
    """ "商品销售额 25年目标多少 35年呢": the second part asks for the 2035 figure; "…, and what's that zone focused on"
    asks its own question."""
    analyser = tiny_analyser("到 2025 年，商品销售额超过 5000 亿元。", "到 2035 年，全面形成产业生态。")
    a = analyser.analyse("商品销售额 25年目标多少 35年呢")
    assert [p.text for p in a.parts] == ["商品销售额，2025年目标多少", "2035年呢"]
    assert a.parts[1].asks_figure and "2035" in a.parts[1].numbers
    b = analyser.analyse("What are office rents like in the south zone, and what's that zone focused on?")
    assert b.parts[0].asks_figure and not b.parts[1].asks_figure


def test_a_year_inside_a_glossary_phrase_is_still_a_year_asked_about() -> None:
    """ "…by 2035?": the glossary reads "by 2035" as 目标 (target); the year is asked about all the same, unless the
    term's own name holds it."""
    from bot.qa.glossary import Term

    glossary = Glossary(terms=[Term("目标", "target", "concept", aliases=("by 2035",)), Term("2022年文", "doc 2022")])
    analyser = Analyser(glossary, Vocabulary.of(["到 2035 年的目标。", "2022年文。"]), EngineConfig())
    labels = [t.label for t in analyser.analyse("What does the plan aim for by 2035?").topics]
    assert "目标" in labels and "2035" in labels
    assert "2022" not in [t.label for t in analyser.analyse("What is doc 2022 about?").topics]


def test_a_hyphenated_word_asked_about_is_one_unknown_thing() -> None:
    """ "What is the long-term objective …": long and term are one word the documents' English never uses, not two
    things they never name (two would refuse the question)."""
    analyser = Analyser(Glossary(), Vocabulary.of(["到 2035 年的目标。"], ["The objective for 2035."]), EngineConfig())
    assert len(analyser.analyse("What is the long-term objective for 2035?").unknown_nouns) == 1
    assert len(analyser.analyse("What is the long term objective for 2035?").unknown_nouns) == 2


def test_a_class_noun_asked_for_after_it_is_asked_for_as_before_it() -> None:
    """ "定位是要成为什么" asks for the positioning as "什么定位" does; "定位很清楚" asks nothing of it."""
    analyser = tiny_analyser("东虹桥片区的定位。")
    positioning = topic("定位", 2.0)
    assert analyser.asks_members(positioning, "规划给它的定位是要成为什么")
    assert analyser.asks_members(positioning, "规划给它什么定位")
    assert not analyser.asks_members(positioning, "定位很清楚，重点发展哪些产业")
    assert not analyser.asks_members(topic("重点发展", 1.0), "重点发展哪些产业")  # a verb asking its object
    # products, technologies, services and lines of business asked for are what the answer names members of
    assert analyser.asks_members(topic("产品", 0.6), "重点推哪些产品")
    assert analyser.asks_members(topic("业务", 3.4), "具体包括哪些业务")
    assert analyser.asks_members(topic("products", 0.6), "what products are they pushing")


def test_a_latin_short_form_is_said_only_as_a_whole_word() -> None:
    """CAD is not said by SCADA nor AI by "maintain"; a Chinese word or a number is said anywhere (the 1 of 4311)."""
    from bot.qa.analyse import Topic

    design = Topic("研发设计软件", ("研发设计软件", "design software"), 1.0, related=("CAD", "EDA"))
    assert not design.related_in("数据采集与监视控制系统（SCADA）")
    assert design.related_in("重点发展 CAD、EDA 等研发设计软件") and design.related_in("CAD/CAE")
    assert Topic("人工智能", ("人工智能", "AI"), 1.0).covered_by("AI产业") is True
    assert not Topic("人工智能", ("AI",), 1.0).covered_by("maintain the chain")
    assert Topic("1", ("1",), 1.0, number=True).covered_by("“4311”目标")


def test_each_and_itself_carry_no_topic(analyser: Analyser) -> None:
    # "南虹桥和北虹桥各自主攻啥": 各自 says the two are asked about one by one, not what about them
    a = analyser.analyse("南虹桥和北虹桥各自主攻啥？")
    assert "各自" not in [t.label for t in a.topics] and len(a.parts) == 2
    assert "本身" not in [t.label for t in analyser.analyse("规划本身是哪个月印发的？").topics]


def test_plans_asked_about_carry_no_topic_a_named_plan_does(analyser: Analyser) -> None:
    # "蔚来在虹桥有啥具体布局计划": 计划 asks what is planned; 全球贸易商计划 is a programme the documents name
    assert "计划" not in [t.label for t in analyser.analyse("蔚来在虹桥有啥具体布局计划").topics]
    assert "全球贸易商计划" in [t.label for t in analyser.analyse("全球贸易商计划是什么？").topics]


def test_who_asks_and_the_class_asked_for_are_no_things_the_documents_never_name(analyser: Analyser) -> None:
    # a leading clause about the asker says who asks ("…的记者，"); a class noun asked through a question word ("哪个
    # 部门") is what the answer names a member of
    assert analyser.analyse("我是跑虹桥条线的记者，想核实一下通知还抄送了哪些单位？").unknown_nouns == ()
    assert analyser.analyse("规划是哪个部门发布的？").unknown_nouns == ()
    assert analyser.analyse("记者站的租金是多少？").unknown_nouns != ()


def test_what_the_asker_says_of_themselves_asks_no_figure_and_an_everyday_word_is_spelt_right(
    analyser: Analyser,
) -> None:
    q = "I'm co-founder of a game studio that earns most revenue overseas. Is esports somthing Hongqiao wants?"
    a = analyser.analyse(q)
    assert not a.whole.asks_figure  # "revenue" is in what the asker says of themselves
    assert "something" in a.text and "somthing" not in {t.label for t in a.topics}
    assert analyser.analyse("What revenue does the digital economy earn?").whole.asks_figure


def test_a_part_naming_a_year_or_a_specific_concept_is_no_statement_about_the_asker(analyser: Analyser) -> None:
    """ "We're doing site selection for a Canadian developer. What does the plan aim for by 2025 overall, …": the year
    is a thing of the part's own, so what the asker says of themselves is no part of it; so is a concept that names a
    thing (功能平台), not one that frames the question (片区)."""
    a = analyser.analyse(
        "We're doing site selection for a Canadian developer. What does the plan aim for by 2025 overall, "
        "and what's the vision for 2035?"
    )
    assert a.parts[0].text == "What does the plan aim for by 2025 overall"
    b = analyser.analyse(
        "As a consultant for an agritech group, I'd like to know which functional platforms the plan wants to "
        "upgrade, and what new exchanges it's exploring."
    )
    assert "agritech" not in b.parts[0].text
    c = analyser.analyse("We make GNSS receivers. Which zone should we look at, and what does it build on?")
    assert "GNSS" in c.parts[0].text


def test_a_tariff_is_a_price_asked_for(analyser: Analyser) -> None:
    a = analyser.analyse("What's the commercial electricity tariff per kWh for a data centre in the Hongqiao CBD?")
    assert a.whole.asks_figure and "tariff" in a.unknown_nouns


def test_a_word_no_document_uses_that_only_the_asker_says_weighs_nothing(analyser: Analyser) -> None:
    """ "写论文研究北斗产业，想问规划里北斗在发展基础、空间布局、产业目录几块分别咋提的？": 论文 says who asks; no
    document says it, so it is no topic the evidence must cover. What the asker's statement names that the documents
    discuss stays (北斗), and a word the documents never use in the question itself still weighs."""
    a = analyser.analyse("写论文研究北斗产业，想问规划里北斗在发展基础、空间布局、产业目录几块分别咋提的？")
    labels = {t.label for t in a.topics}
    assert "论文" not in labels and "北斗导航" in labels
    asked = analyser.analyse("写论文研究北斗产业，想问北斗论文有哪些？")
    assert "论文" in {t.label for t in asked.topics}


def test_too_and_name_ask_nothing_and_carriers_are_airlines(analyser: Analyser) -> None:
    """ "…, and does the catalogue list it too?", "which carriers does the plan name?": "too" and "name" say how the
    part asks; "carriers" is the glossary's aviation (the airlines the documents name)."""
    labels = {t.label for t in analyser.analyse("and does the catalogue list it too?").topics}
    assert "too" not in labels
    carriers = {t.label for t in analyser.analyse("which carriers does the plan name?").topics}
    assert "航空" in carriers and "name" not in carriers


def test_a_documents_date_is_asked_in_words_as_well_as_by_when(analyser) -> None:
    """ "What is the plan's date?", "When is it dated?", "the date of issue" ask for a date as "when" does; "to date"
    and "up to date" ask about the present."""
    for q in ("What is the plan's date?", "plan + catalogue dated?", "What is the date of issue?"):
        assert analyser.analyse(q).asks_date, q
    assert not analyser.analyse("How many headquarters to date?").asks_date


def test_a_clause_saying_only_the_askers_circumstances_is_not_asked() -> None:
    """A Chinese clause that asks nothing, names nothing the documents name and is mostly words they never
    use says who asks and why ("老同志想弄明白，…", "…？想写篇稿子"): its words are no unknown things of the
    question. A clause naming the subject in the documents' words stays ("企业在区里租写字楼，…"), and so does
    a clause that asks ("管不管")."""
    a = tiny_analyser("商务区企业在区里发展综合保税区。", "规划提出四高五新产业体系。")
    assert a.asked("老同志想弄明白，规划里的四高五新是哪些？") == "规划里的四高五新是哪些？"
    assert a.asked("综合保税区是怎么写的？想写篇稿子") == "综合保税区是怎么写的？"
    assert a.asked("企业在区里租写字楼，有没有补贴？") == "企业在区里租写字楼，有没有补贴？"
    assert a.asked("孩子上学管不管，综合保税区有没有？") == "孩子上学管不管，综合保税区有没有？"
    # nothing else asks: the clause is the question
    assert a.asked("想写篇稿子") == "想写篇稿子"


def test_words_of_the_askers_circumstances_are_no_unknown_things(analyser: Analyser) -> None:
    a = analyser.analyse("老同志想弄明白，文件里老说“四高五新”，具体是哪四高、哪五新？")
    assert not a.unknown_nouns and all(t.known for t in a.topics)
    # the thing asked about stays unknown when the question itself names it
    assert "写字楼" in analyser.analyse("退休了关心下家门口发展，商务区写字楼租金多少？").unknown_nouns


def test_a_label_stating_what_the_asker_does_before_a_colon_is_not_asked() -> None:
    """ "财经记者求证几个数：…", "作为人大代表关注民生：…": a label with a verb that names nothing the documents name
    says who asks; a label naming the topic ("租金水平：", "北虹桥片区：") is part of the question."""
    a = tiny_analyser("商务区税收总额。", "北虹桥片区重点发展汽车。")
    assert a.asked("财经记者求证几个数：商务区税收总额多少？") == "商务区税收总额多少？"
    assert a.asked("租金水平：南虹桥大概多少？") == "租金水平：南虹桥大概多少？"
    assert a.asked("记者求证：商务区税收") == "记者求证：商务区税收"  # nothing after the colon asks


def test_the_askers_action_before_a_colon_names_no_unknown_thing(analyser: Analyser) -> None:
    assert not analyser.analyse("作为人大代表关注民生：规划里的人才安居项目打算建多少套？").unknown_nouns
    assert analyser.analyse("租金水平：南虹桥大概多少？").unknown_nouns == ("租金",)


def test_how_an_english_question_frames_what_it_asks_is_no_topic(analyser: Analyser) -> None:
    """ "On the carbon side — what sort of … are they hoping to build up": a side, a sort and a hope say how it is
    asked (as "kind" and "want" do), not what; only the thing asked about weighs."""
    labels = [
        t.label
        for t in analyser.analyse(
            "On the carbon side — what sort of carbon trading services are they hoping to build up in Hongqiao?"
        ).topics
    ]
    assert "碳交易服务" in labels
    assert not {"side", "sort", "hoping"} & set(labels)


def test_what_only_the_askers_statement_names_is_not_what_is_asked(analyser: Analyser) -> None:
    """The select stage gives the heading bonus to what a question asks: "We make fuel cell stacks" names the
    core-components row, which is one answer to "anything about hydrogen?", not the one. When what is asked names
    no thing ("Which zone should we look at?"), the statement holds the subject."""

    def said(q: str) -> set[str]:
        a = analyser.analyse(q)
        return {t.label for t in analyser.said_in_asked(analyser.specific(a.topics), a.text)}

    assert said("Does the plan say anything about hydrogen? We make fuel cell stacks.") == {"氢能"}
    assert "北斗导航" in said("We're a BeiDou navigation company. Which zone should we look at?")
    assert said("Does the plan say anything about hydrogen fuel cells?") >= {"氢能"}


def test_target_as_a_verb_names_no_target(analyser: Analyser) -> None:
    """ "What kind of firms does the catalogue target?" asks what is aimed for; no passage need state 目标. The noun
    stays a topic ("What is the target for commodity sales?")."""
    verb = analyser.analyse("What kind of firms does the catalogue target?")
    assert verb.whole.asks_target and "目标" not in [t.label for t in verb.topics]
    noun = analyser.analyse("What is the target for commodity sales?")
    assert "目标" in [t.label for t in noun.topics]


def test_english_words_the_documents_english_says_are_paired() -> None:
    """Words no glossary term holds that the documents' reviewed English says ("customs", "clearance") each carry the
    others, so that a unit whose English says two of them states them (select.py); a lone one carries none."""
    vocabulary = Vocabulary.of(["仓储、运输、通关。"], ["Warehousing, transport and customs clearance."])
    analyser = Analyser(Glossary(), vocabulary, EngineConfig())
    topics = {t.label: t for t in analyser.analyse("Is customs clearance mentioned?").topics}
    assert topics["customs"].english == ("clearance",) and topics["clearance"].english == ("customs",)
    lone = {t.label: t for t in analyser.analyse("Is warehousing in the zone?").topics}
    assert lone["warehousing"].english == ()


def test_a_lead_in_before_a_colon_announcing_the_question_is_not_asked(analyser: Analyser) -> None:
    """ "我是…政府办的，要给领导做收文登记：这个…通知，文号是多少？", "在做虹桥数字经济的稿子，需要核实三个数：…": the
    label's last clause announces what follows (a verb, nothing named), so what comes before it says who asks and
    why, even when it names a thing; with nothing named after the colon, the label may hold the subject."""
    asked = "规上数字企业现在有多少家？"
    assert analyser.asked(f"在做虹桥数字经济和专业服务的稿子，需要核实三个数：{asked}") == asked
    assert analyser.asked(f"我是镇政府办的，要给领导做收文登记：{asked}") == asked
    zone = "北虹桥片区，需要核实一下：主打什么？"
    assert analyser.asked(zone) == zone


def test_a_count_of_what_a_list_lists_asks_no_figure(analyser: Analyser) -> None:
    """ "基本原则一共有几条、分别是什么": the answer counts them by naming them (as "有哪几条" asks), and the
    documents write no such count; "有多少家" still asks a figure."""
    assert not analyser.analyse("基本原则一共有几条、分别是什么？").whole.asks_figure
    assert "基本原则" in analyser.analyse("基本原则一共有几条、分别是什么？").list_heads
    assert analyser.analyse("规上数字企业现在有多少家？").whole.asks_figure
