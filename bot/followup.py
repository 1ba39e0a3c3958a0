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


def last_user_turn(history: list[dict[str, str]] | None) -> str | None:
    """The most recent user message in a chat history (Gradio `messages` format or (user, bot) pairs)."""
    for turn in reversed(history or []):
        if isinstance(turn, dict) and turn.get("role") == "user" and str(turn.get("content", "")).strip():
            return str(turn["content"])
        if isinstance(turn, list | tuple) and turn and turn[0]:
            return str(turn[0])
    return None


def is_elliptical(question: str) -> bool:
    """True when a question leans on the previous turn (short, starts with 'and'/'那', ends with 呢, a pronoun)."""
    q = question.strip()
    if is_chinese(q):
        return bool(_ZH_ELLIPSIS.search(q)) or len(re.sub(r"[\W_]", "", q)) <= 6
    return bool(_EN_ELLIPSIS.search(q)) or len(q.split()) <= 4


def _matches(glossary: Glossary, text: str) -> list[Match]:
    return glossary.match_chinese(text) + glossary.match_english(text)


def resolve(question: str, history: list[dict[str, str]] | None, glossary: Glossary) -> str:
    """A self-contained question: the follow-up's new subject put into the previous question, or both joined."""
    previous = last_user_turn(history)
    if not previous or not is_elliptical(question):
        return question
    previous = glossary.normalize(normalize_query(previous))
    new = glossary.normalize(normalize_query(question))
    old_matches = _matches(glossary, previous)
    for m in _matches(glossary, new):
        same_kind = [o for o in old_matches if o.term.kind == m.term.kind and o.term.zh != m.term.zh]
        if same_kind:
            o = same_kind[0]
            replacement = m.term.zh if is_chinese(previous) or not m.text.isascii() else m.text
            return previous[: o.start] + replacement + previous[o.end :]
    return f"{previous} {new}"
