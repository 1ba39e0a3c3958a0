"""Conversation: a question leans on the previous turn only when it cannot stand on its own (one test per
class of question)."""

import pytest

from bot.qa.followup import read, read_turn, user_turns


def _history(*questions: str) -> list[dict[str, str]]:
    turns = []
    for q in questions:
        turns += [{"role": "user", "content": q}, {"role": "assistant", "content": "……"}]
    return turns


@pytest.mark.parametrize(
    ("previous", "question", "reading"),
    [
        ("南虹桥片区重点发展哪些产业？", "那北虹桥呢？", "北虹桥片区重点发展哪些产业？"),
        ("北虹桥片区依托什么、主要发展啥？", "东虹桥那边呢？", "东虹桥片区依托什么、主要发展啥？"),
        ("What's East Hongqiao focused on?", "And the west zone?", "What's west zone focused on?"),
        ("What are Hongqiao's 2025 targets?", "What about by 2035?", "What are Hongqiao's 2035 targets?"),
    ],
)
def test_a_bare_subject_takes_the_place_of_the_previous_one(analyser, previous, question, reading) -> None:
    r = read_turn(question, previous, analyser)
    assert (r.text, r.kind, r.resolved) == (reading, "subject", True)


def test_a_bare_phrase_without_a_same_kind_subject_asks_the_previous_question_about_it(analyser) -> None:
    r = read_turn("智慧出行那块呢？", "目录里汽车新势力的核心零部件关注哪些？", analyser)
    assert r.kind == "subject" and r.text.startswith("目录里汽车新势力的核心零部件关注哪些？") and "智慧出行" in r.text


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        ("Tell me about the North Hongqiao zone.", "What are its main platforms?"),
        ("What does the catalogue list for the exhibition sector?", "What's meant by the smart one?"),
    ],
)
def test_a_pronoun_is_read_with_the_question_it_refers_to(analyser, previous, question) -> None:
    r = read_turn(question, previous, analyser)
    assert r.kind == "pronoun" and r.text == f"{analyser.normalize(previous)} {analyser.normalize(question)}"


@pytest.mark.parametrize(
    ("previous", "reply", "question", "reading"),
    [
        ("北虹桥片区主要发展什么？", None, "该片区依托哪些平台？", "北虹桥片区依托哪些平台？"),
        ("Which zone is the one for Beidou navigation?", "The West Hongqiao zone (西虹桥片区) hosts the Beidou base.",
         "Which platforms does that zone rely on?", "Which platforms does West Hongqiao"),
        ("Which zone is for Beidou?", "西虹桥片区。以国际化会展经济和北斗数字经济为特色。",
         "Does any of the development axes run through there?", "run through there? (West Hongqiao"),
    ],
)  # fmt: skip
def test_a_pronoun_of_a_kind_is_read_as_the_last_subject_of_that_kind(analyser, previous, reply, question, reading):
    r = read_turn(question, previous, analyser, reply)
    assert r.kind == "pronoun" and reading in r.text


def test_a_follow_up_that_opens_and_refers_back_keeps_the_previous_frame(analyser) -> None:
    previous = "Which pharma and biotech companies are already in the CBD?"
    r = read_turn("and which foreign hospitals are there?", previous, analyser)
    assert r.kind == "pronoun" and r.text.startswith(previous)


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        ("北虹乔片区主要发展什么？", "依托的是哪些载体？"),
        ("What does the catalogue list for the exhibition sector?", "Which companies are there already?"),
        ("目录里会展产业列了什么？", "目前已经有哪些企业了？"),  # "already" names the state of play, not a subject
    ],
)
def test_a_short_question_with_no_topic_of_its_own_is_read_with_the_previous_one(analyser, previous, question):
    r = read_turn(question, previous, analyser)
    assert r.kind == "topicless" and r.text.endswith(analyser.normalize(question))
    assert analyser.normalize(previous) in r.text


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        ("Is there a bonded zone planned at Hongqiao?", "What does 4311 mean?"),
        ("What does the plan say about digital trade?", "Are there targets for tax revenue?"),
        ("What is planned for the exhibition centre?", "Is there anything about talent policy?"),
        ("生命新科技包括哪些细分领域？", "这个规划什么时候发布的？"),
        ("北虹桥片区重点发展哪些产业？", "那4311目标具体指什么？"),
        ("What is the GDP target?", "What does it say about digital trade?"),
        ("会展经济有什么目标？", "会展经济这块规划里主要想做啥？"),
        ("What is the GDP target?", "Which zone is meant for smart manufacturing?"),
        ("北虹桥片区重点发展哪些产业？", "税收多少？"),
    ],
)
def test_a_complete_question_after_an_unrelated_one_is_answered_as_asked(analyser, previous, question) -> None:
    r = read_turn(question, previous, analyser)
    assert (r.text, r.kind, r.resolved) == (question, "asked", False)


def test_without_history_every_question_is_read_as_asked(analyser) -> None:
    assert read("那北虹桥呢？", None, analyser).text == "那北虹桥呢？"
    assert read("那北虹桥呢？", [{"role": "assistant", "content": "hi"}], analyser).kind == "asked"


def test_each_earlier_turn_is_read_with_the_ones_before_it(analyser) -> None:
    history = _history("南虹桥片区重点发展哪些产业？", "那北虹桥呢？")
    assert read("东虹桥呢？", history, analyser).text == "东虹桥片区重点发展哪些产业？"


def test_history_formats() -> None:
    assert user_turns([["第一问", "答"], ["第二问", "答"]]) == ["第一问", "第二问"]
    assert user_turns([{"role": "assistant", "content": "hi"}, {"role": "user", "content": " "}]) == []
    assert user_turns(None) == []


@pytest.mark.parametrize(
    ("previous", "question", "reading"),
    [
        ("北虹桥片区主要发展什么？", "它的定位是什么？", "北虹桥片区的定位是什么？"),
        # a group named with one of its members: the member is what "it" is
        ("三条发展轴里南向那条叫啥？", "它串联了哪些功能平台？", "生命科创发展轴串联了哪些功能平台？"),
    ],
)
def test_it_is_the_one_subject_the_previous_question_names(analyser, previous, question, reading) -> None:
    r = read_turn(question, previous, analyser)
    assert r.kind == "pronoun" and r.text == reading
