"""The cue data (bot/qa/rules.yaml): loaded and validated once; each cue class matches its questions."""

import copy

import pytest
import yaml

from bot.errors import ConfigError
from bot.qa.rules import RULES_FILE, STOPWORDS_FILE, parse_rules, rules


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")), yaml.safe_load(STOPWORDS_FILE.read_text())


def test_the_bundled_rules_load_once() -> None:
    assert rules() is rules()


@pytest.mark.parametrize(
    ("cue", "yes", "no"),
    [
        (
            "figure",
            [
                "通知一共印了几份？",
                "How many foreign companies by 2025?",
                "税收增幅是多少",
                "What's the max subsidy?",
                "How long is the axis?",
            ],
            ["北虹桥片区发展什么？"],
        ),
        (
            "date",
            [
                "这个规划什么时候发布的？",
                "When was the notice issued?",
                "一般每年几月份开？",
                "In which month is it held?",
            ],
            ["Which zone is it?", "几个月内办完？"],
        ),
        (
            "list",
            [
                "数字新经济包括哪些细分领域？",
                "What are the five new industries?",
                "What exactly are the five new tracks?",
            ],
            ["How big is the CBD?"],
        ),
        ("present", ["目前有多少家总部？", "How many HQs are there now?"], ["到2025年有多少家？"]),
    ],
)
def test_each_cue_class_matches_its_questions_in_both_languages(cue, yes, no) -> None:
    pattern = getattr(rules(), cue)
    assert all(pattern.search(q) for q in yes), [q for q in yes if not pattern.search(q)]
    assert not any(pattern.search(q) for q in no)


def test_measure_words_and_english_counted_nouns() -> None:
    r = rules()
    assert r.measure.findall("通知印了几份？要办多少场？") == ["份", "场"]
    # people are counted in 人 ("住了多少人"), but 人 beginning a word is the word asked (多少人才, 多少人口)
    assert r.measure.findall("商务区里住了多少人？") == ["人"]
    assert not r.measure.findall("引进了多少人才？常住人口多少人口？")
    assert [m for m, p in r.counted_en if p.search("How many foreign-invested companies by 2025?")] == ["家"]
    # lines and routes count in 条: "how many subway lines at the hub" asks a count the documents never give
    assert [m for m, p in r.counted_en if p.search("how many subway lines at hongqiao hub")] == ["条"]


def test_follow_up_pronouns_are_not_dummy_subjects() -> None:
    pronoun = rules().followup.pronoun
    assert pronoun.search("What are its targets?") and pronoun.search("该片区依托哪些平台？")
    assert not pronoun.search("What does it say about digital trade?")
    assert not pronoun.search("Are there targets for tax revenue?")
    assert not pronoun.search("会展经济这块规划里主要想做啥？") and not pronoun.search("这个规划什么时候发布的？")


def test_a_missing_key_is_named(raw) -> None:
    data, stop = copy.deepcopy(raw[0]), raw[1]
    del data["figure"]
    with pytest.raises(ConfigError, match="figure is missing"):
        parse_rules(data, stop)


def test_a_broken_pattern_is_named(raw) -> None:
    data, stop = copy.deepcopy(raw[0]), raw[1]
    data["date"]["en"] = "(unclosed"
    with pytest.raises(ConfigError, match="date is not a valid pattern"):
        parse_rules(data, stop)
    data = copy.deepcopy(raw[0])
    data["followup"]["pronoun"]["fr"] = "il"
    with pytest.raises(ConfigError, match="unknown keys"):
        parse_rules(data, stop)


def test_measure_words_must_be_chinese(raw) -> None:
    data = copy.deepcopy(raw[0])
    data["measure_words"] = "ab"
    with pytest.raises(ConfigError, match="measure_words"):
        parse_rules(data, raw[1])


def test_an_english_question_about_rents_wages_or_fees_asks_for_a_figure_as_in_chinese() -> None:
    from bot.qa.rules import rules

    r = rules()
    for asked in ("What are office rents like in South Hongqiao?", "typical salaries for engineers?", "any fees?"):
        assert r.figure.search(asked), asked
    assert r.figure.search("南虹桥的租金多少")
    assert not r.figure.search("Which zone suits a law firm?")
    # "no. of" is "number of" typed short ("approx no. of exhibition related firms"); "no" alone is no figure
    assert r.figure.search("approx no. of exhibition related service firms?")
    assert not r.figure.search("no offices of exhibition firms?")
    # how quickly one can reach a place asks how long it takes
    assert r.duration.search("how quickly can you reach the rest of the Yangtze Delta from there?")
    assert not r.duration.search("how quickly is the sector supposed to grow?")


def test_a_target_year_is_a_year_after_the_plan_was_issued() -> None:
    r = rules()
    assert r.is_target_year("2025") and r.is_target_year("2035")
    assert not r.is_target_year("2021") and not r.is_target_year("30")


def test_those_few_and_which_few_count_nothing() -> None:
    # "那几个千亿级产业是哪几个": a demonstrative or "which" before 几 points or lists, it asks no count
    r = rules()
    assert not r.figure.search("25年那几个千亿级产业是哪几个") and not r.measure.search("这几个片区有哪几个")
    assert r.figure.search("一共有几个片区") and r.measure.search("一共有几个片区").group(1) == "个"


def test_chat_plus_and_ampersand_join_two_questions_as_and_does() -> None:
    r = rules()

    def pieces(q: str) -> list[str]:
        return [s for s in r.part_break.split(q) if s]

    assert pieces("who put out the notice & who's it sent to?") == ["who put out the notice", "who's it sent to"]
    assert len(pieces("what is R&D support + how many firms?")) == 2
    assert pieces("what does R&D cover?") == ["what does R&D cover"]


def test_naming_an_investment_amount_asks_for_a_figure() -> None:
    r = rules()
    asked = ("actual fdi in 2021 for the cbd?", "2021年实到外资多少", "investment inflow?")
    assert all(r.figure.search(q) for q in asked)


def test_le_mei_closes_a_question_as_ma_does() -> None:
    # "“虹桥大学”是怎么回事？选址定了没": 定了没 (= 定了没有) asks; the part is a question of its own
    assert rules().question_cue.search("选址定了没") and not rules().question_cue.search("选址已经确定")


def test_which_catalogue_field_asks_for_no_place() -> None:
    """ "归在哪个细分领域下" asks for a field of the catalogue, as "在哪些方面" asks for aspects; "在哪" asks where."""
    place = dict(rules().asks_kind)["place"]
    assert not place.search("归在哪个细分领域下") and not place.search("在哪些方面有支持")
    assert place.search("人才驿站在哪")
