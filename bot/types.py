"""The engine's typed results, imported by the web app, feedback, the LLM answerer and evals."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.qa.retrieve import Retrieved


class RefusalCode(StrEnum):
    """Why the documents cannot answer a question (the first check that failed)."""

    NO_EVIDENCE = "no_evidence"  # no retrieved sentence shares a topic word with the question
    UNKNOWN_NUMBER = "unknown_number"  # it names a number the documents never mention (a 2030 target)
    UNKNOWN_FIGURE_TOPIC = "unknown_figure_topic"  # a figure about something the documents never name
    UNKNOWN_PERSON = "unknown_person"  # who holds a post the documents never name (管委会的主任是谁)
    UNKNOWN_TOPIC = "unknown_topic"  # several things the documents never name
    LOW_SUPPORT = "low_support"  # the evidence covers too little of the question
    NOTHING_SPECIFIC = "nothing_specific"  # nothing specific that the documents discuss is matched
    FIGURE_MISSING = "figure_missing"  # it asks for a figure and no cited sentence gives one
    KIND_MISSING = "kind_missing"  # it asks which zone / where, and no cited sentence names one
    DATE_MISSING = "date_missing"  # it asks when, and no cited sentence gives a date or a year
    CONDITIONS_MISSING = "conditions_missing"  # it asks how to qualify or apply, and no cited sentence says
    BENEFIT_MISSING = "benefit_missing"  # it asks for a benefit by name (a tax break), and no cited sentence names one


@dataclass(frozen=True)
class Refusal:
    """A typed refusal: the code decides, the detail explains (in English, for logs and the evidence panel)."""

    code: RefusalCode
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"code": str(self.code), "detail": self.detail}


@dataclass(frozen=True)
class Context:
    """A retrieved passage as returned with an answer."""

    chunk_id: str
    text: str
    score: float
    source: str
    title: str
    section: str
    kind: str

    @classmethod
    def of(cls, r: Retrieved) -> Context:
        m = r.chunk.metadata
        return cls(
            r.chunk_id,
            r.chunk.text,
            round(r.score, 6),
            str(m.get("source", "")),
            str(m.get("title", "")),
            str(m.get("section", "")),
            str(m.get("kind", "")),
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """A cited passage: `quote` is a verbatim substring of `text`, the chunk it comes from."""

    n: int
    chunk_id: str
    source: str
    title: str
    section: str
    quote: str
    text: str
    score: float
    section_en: str | None = None
    quote_en: str | None = None  # the reviewed English of the quote (unofficial; the Chinese is authoritative)
    text_en: str | None = None  # the English of the whole passage

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Part:
    """One part of a question and how the answer covers it: `answered`, or `not_stated` (the documents do
    not say it; `citations` then hold what they do say about its subject, if anything)."""

    text: str
    status: str
    citations: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "status": self.status, "citations": list(self.citations)}


@dataclass
class Answer:
    """What the bot says, with its evidence on separate channels."""

    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    contexts: list[Context]
    latency_ms: float = 0.0
    lang: str = "zh"
    resolved_question: str = ""
    notice: str | None = None
    terms: list[tuple[str, str]] = field(default_factory=list)
    support: float = 0.0
    refusal: Refusal | None = None
    answer_lang: str = ""  # the language the answer is written in (the question's, unless one was asked for)
    parts: list[Part] = field(default_factory=list)

    @property
    def reason(self) -> str | None:
        """Why the bot refused, in one line (None when it answered)."""
        return self.refusal.detail if self.refusal else None

    def to_json(self) -> dict[str, Any]:
        """The JSON of `hqbot ask --json` and the web API."""
        return {
            "question": self.question,
            "resolved_question": self.resolved_question,
            "answer": self.text,
            "abstained": self.abstained,
            "lang": self.lang,
            "answer_lang": self.answer_lang or self.lang,
            "parts": [p.to_json() for p in self.parts],
            "citations": [c.to_json() for c in self.citations],
            "contexts": [c.to_json() for c in self.contexts],
            "terms": [{"zh": zh, "en": en} for zh, en in self.terms],
            "notice": self.notice,
            "support": round(self.support, 4),
            "refusal_reason": self.reason,
            "refusal_code": str(self.refusal.code) if self.refusal else None,
            "latency_ms": round(self.latency_ms, 1),
        }
