"""Follow-up questions: an elliptical question ("那北虹桥呢？", "And the west zone?") is resolved against
the previous user turn before retrieval."""

from __future__ import annotations

import re

from bot.glossary import Glossary, Match
from bot.text import is_chinese, normalize_query

_ZH_ELLIPSIS = re.compile(
    r"^(那|那么|那个|还有|另外|再|它|它们|这个|该|其)|呢[？?]?$|那块|这块|那边|这方面|有没有[？?]?$"
)
_EN_ELLIPSIS = re.compile(
    r"^(and|what about|how about|what of|same for|also|then|anything|any)\b|\b(it|its|that|those|these|them|"
    r"they|there|one|ones|the same|the latter|the former)\b",
    re.IGNORECASE,
)


_FILLER = re.compile(
    r"^\s*(and|what about|how about|what of|same for|also|then)\b|\b(the|one|ones|part|side)\b"
    r"|那边|这边|那么|那个|那|还有|另外|呢|的"
)
_NOT_SUBJECTS = {"general", "document", "section"}


def last_user_turn(history: list[dict[str, str]] | None) -> str | None:
    """The most recent user message in a chat history (Gradio `messages` format or (user, bot) pairs)."""
    for turn in reversed(history or []):
        if isinstance(turn, dict) and turn.get("role") == "user" and str(turn.get("content", "")).strip():
            return str(turn["content"])
        if isinstance(turn, list | tuple) and turn and turn[0]:
            return str(turn[0])
    return None


def is_elliptical(question: str, glossary: Glossary | None = None) -> bool:
    """True when a question leans on the previous turn: short, starts with 'and'/'那', ends with 呢, has a
    pronoun, or (given the glossary) is a short question that names no subject ("依托的是哪些载体？")."""
    q = question.strip()
    if is_chinese(q):
        size, short = len(re.sub(r"[\W_]", "", q)), 12
        if _ZH_ELLIPSIS.search(q) or size <= 6:
            return True
    else:
        size, short = len(q.split()), 8
        if _EN_ELLIPSIS.search(q) or size <= 4:
            return True
    if glossary is None or size > short:
        return False
    return not any(m.term.kind not in _NOT_SUBJECTS for m in _matches(glossary, q))


def _matches(glossary: Glossary, text: str) -> list[Match]:
    return glossary.match_chinese(text) + glossary.match_english(text)


def _only_subject(question: str, match: Match) -> bool:
    """True when the question is just a new subject ("那北虹桥呢？", "And the west zone?")."""
    rest = question[: match.start] + question[match.end :]
    rest = _FILLER.sub(" ", rest.lower())
    return not re.sub(r"[\W_]", "", rest)


def resolve(question: str, history: list[dict[str, str]] | None, glossary: Glossary) -> str:
    """A self-contained question: a bare new subject put in place of the previous question's subject of
    the same kind; otherwise the previous question and the follow-up joined."""
    previous = last_user_turn(history)
    if not previous or not is_elliptical(question, glossary):
        return question
    previous = glossary.normalize(normalize_query(previous))
    new = glossary.normalize(normalize_query(question))
    old_matches = _matches(glossary, previous)
    for m in _matches(glossary, new):
        if m.term.kind in _NOT_SUBJECTS or not _only_subject(new, m):
            continue
        same_kind = [o for o in old_matches if o.term.kind == m.term.kind and o.term.zh != m.term.zh]
        if same_kind:
            o = same_kind[0]
            replacement = m.term.zh if is_chinese(previous) or not m.text.isascii() else m.text
            return previous[: o.start] + replacement + previous[o.end :]
    return f"{previous} {new}"
