"""One conversation on the chat page: the messages shown and, for each answered question, the answer's id, what
the feedback log would say about it and its rating.

The page holds it (a hidden JSON value sent with each event), so any app process can answer the next turn and
nothing about a conversation stays on the server. What comes back from the page is checked and capped like any
input: a conversation keeps its last `turns` questions, for follow-ups, on screen and in the feedback log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERSION = 1
#: Longest text kept from the page for one message or answer (the bot's own answers are far shorter).
MAX_TEXT = 100_000
_ENTRY_TEXT = ("question", "resolved_question", "answer", "lang")


@dataclass
class Turn:
    """An answered question: where its answer is in the messages, its id, its feedback entry and its rating."""

    at: int
    answer_id: str
    entry: dict[str, Any]
    rating: tuple[str, str] | None = None  # (verdict, comment) as last recorded

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "id": self.answer_id, "entry": self.entry, "rating": self.rating}


@dataclass
class Chat:
    """The messages shown (markdown) and the answered turns, oldest first."""

    messages: list[dict[str, str]] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)

    @property
    def history(self) -> list[dict[str, str]]:
        """The conversation as the bot reads it: each answered question and its answer."""
        return self.history_before(len(self.messages))

    def history_before(self, at: int) -> list[dict[str, str]]:
        """The answered turns before message `at`."""
        out: list[dict[str, str]] = []
        for t in self.turns:
            if t.at < at:
                out += [
                    {"role": "user", "content": t.entry["question"]},
                    {"role": "assistant", "content": t.entry["answer"]},
                ]
        return out

    def turn_at(self, index: int) -> Turn | None:
        """The turn whose answer is message `index`."""
        return next((t for t in self.turns if t.at == index), None)

    def trim(self, turns: int) -> None:
        """Keep the last `turns` answered questions and at most four messages per turn (errors included)."""
        start = max(0, len(self.messages) - 4 * turns)
        if len(self.turns) > turns:
            start = max(start, self.turns[-turns].at - 1)  # from the question of the oldest turn kept
        while 0 < start < len(self.messages) and self.messages[start]["role"] != "user":
            start += 1  # never show an answer without its question
        if start:
            self.messages = self.messages[start:]
            self.turns = [Turn(t.at - start, t.answer_id, t.entry, t.rating) for t in self.turns if t.at - 1 >= start]

    def to_state(self) -> dict[str, Any]:
        """The JSON the page holds."""
        return {"v": VERSION, "messages": self.messages, "turns": [t.to_json() for t in self.turns]}

    @classmethod
    def from_state(cls, value: object, turns: int) -> Chat:
        """The conversation the page sent back; anything malformed starts a new one, and it is capped."""
        if not isinstance(value, dict) or value.get("v") != VERSION:
            return cls()
        messages = [_message(m) for m in _list(value.get("messages"))]
        if any(m is None for m in messages):
            return cls()
        chat = cls(messages=messages)  # type: ignore[arg-type]
        seen: set[int] = set()
        for raw in _list(value.get("turns")):
            turn = _turn(raw, chat.messages)
            if turn is not None and turn.at not in seen:
                seen.add(turn.at)
                chat.turns.append(turn)
        chat.turns.sort(key=lambda t: t.at)
        chat.trim(turns)
        return chat


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and len(value) <= MAX_TEXT else None


def _message(raw: object) -> dict[str, str] | None:
    if not isinstance(raw, dict) or raw.get("role") not in ("user", "assistant"):
        return None
    content = _text(raw.get("content"))
    return None if content is None else {"role": raw["role"], "content": content}


def _turn(raw: object, messages: list[dict[str, str]]) -> Turn | None:
    """A turn from the page, or None when it does not fit the messages or its entry is malformed."""
    if not isinstance(raw, dict):
        return None
    at, answer_id, entry, rating = raw.get("at"), raw.get("id"), raw.get("entry"), raw.get("rating")
    if not isinstance(at, int) or not 1 <= at < len(messages) or messages[at]["role"] != "assistant":
        return None
    if not isinstance(answer_id, str) or not 0 < len(answer_id) <= 64 or not isinstance(entry, dict):
        return None
    clean: dict[str, Any] = {k: _text(entry.get(k)) for k in _ENTRY_TEXT}
    if any(v is None for v in clean.values()) or not isinstance(entry.get("abstained"), bool):
        return None
    clean["abstained"] = entry["abstained"]
    clean["citations"] = [
        {k: str(c.get(k, ""))[:MAX_TEXT] for k in ("chunk_id", "section", "quote")}
        for c in _list(entry.get("citations"))[:50]
        if isinstance(c, dict)
    ]
    ok = isinstance(rating, list | tuple) and len(rating) == 2 and all(isinstance(x, str) for x in rating)
    return Turn(at, answer_id, clean, (rating[0], rating[1]) if ok else None)
