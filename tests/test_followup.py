"""Follow-up questions resolved against the previous user turn."""

import pytest

from bot.followup import is_elliptical, last_user_turn, resolve
from bot.glossary import load_glossary
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(CORPUS / "glossary.yaml")


def _history(question: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": "……"}]


@pytest.mark.parametrize(
    ("previous", "follow_up", "resolved"),
    [
        ("南虹桥片区重点发展哪些产业？", "那北虹桥呢？", "北虹桥片区重点发展哪些产业？"),
        ("北虹桥片区依托什么、主要发展啥？", "东虹桥那边呢？", "东虹桥片区依托什么、主要发展啥？"),
        ("What's East Hongqiao focused on?", "And the west zone?", "What's west zone focused on?"),
    ],
)
def test_a_bare_new_subject_replaces_the_old_one(glossary, previous, follow_up, resolved) -> None:
    assert resolve(follow_up, _history(previous), glossary) == resolved


def test_other_follow_ups_are_joined_to_the_previous_question(glossary) -> None:
    out = resolve("Who got copies?", _history("When was notice No. 76 issued?"), glossary)
    assert out == "When was notice No. 76 issued? Who got copies?"


def test_self_contained_questions_are_left_alone(glossary) -> None:
    q = "Which zone is meant for smart manufacturing?"
    assert resolve(q, _history("What is the GDP target?"), glossary) == q
    assert resolve("那北虹桥呢？", None, glossary) == "那北虹桥呢？"


def test_history_formats_and_ellipsis() -> None:
    assert last_user_turn([["第一问", "答"], ["第二问", "答"]]) == "第二问"
    assert last_user_turn([{"role": "assistant", "content": "hi"}]) is None
    assert is_elliptical("那北虹桥呢？") and is_elliptical("And the west zone?")
    assert not is_elliptical("北虹桥片区重点发展哪些产业？")


def test_a_short_question_without_a_subject_leans_on_the_previous_turn(glossary) -> None:
    assert is_elliptical("依托的是哪些载体？", glossary) and not is_elliptical("依托的是哪些载体？")
    out = resolve("依托的是哪些载体？", _history("北虹乔片区主要发展什么？"), glossary)
    assert out.startswith("北虹桥片区主要发展什么？") and out.endswith("依托的是哪些载体？")
    # A short question that names its own subject stands alone.
    assert not is_elliptical("数字新经济有哪些方向？", glossary)
