"""Conversation: a question is read with the previous turn only when it cannot stand on its own.

Three kinds of follow-up, each a class of question (cue words in rules.yaml):
- a bare subject ("那南虹桥呢？", "And the south zone?", "What about by 2035?"): the previous question is asked
  again about it (its subject of the same kind swapped, or the subject added);
- a pronoun that refers back ("its targets", "该片区", "它的定位", "the smart one") in a question that names no
  subject of its own, or in one that opens as a follow-up ("And which hospitals are there?"): it is read
  together with the previous question, which says what the pronoun means;
- a short question with no topic of its own ("依托的是哪些载体？", "Which companies are there already?"): it is
  read together with the previous question.
Anything else, however it starts, is answered exactly as asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.qa.glossary import Match
from bot.qa.text import content_terms, is_chinese, nouns

if TYPE_CHECKING:
    from bot.qa.analyse import Analyser

ReadingKind = Literal["asked", "subject", "pronoun", "topicless"]
#: Earlier user turns read, newest last (each read with the ones before it).
MAX_TURNS = 4
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Reading:
    """How a question was read with the conversation: as asked, or resolved against the previous turn."""

    text: str
    kind: ReadingKind = "asked"
    previous: str | None = None  # the previous question, as read

    @property
    def resolved(self) -> bool:
        return self.kind != "asked"


def exchanges(history: list[dict[str, str]] | list | None) -> list[tuple[str, str | None]]:
    """(user message, the reply to it) pairs of a chat history (Gradio `messages` format or (user, bot)
    pairs), oldest first."""
    out: list[tuple[str, str | None]] = []
    for turn in history or []:
        if isinstance(turn, dict):
            content = str(turn.get("content", ""))
            if turn.get("role") == "user" and content.strip():
                out.append((content, None))
            elif turn.get("role") == "assistant" and out and out[-1][1] is None:
                out[-1] = (out[-1][0], content)
        elif isinstance(turn, list | tuple) and turn and turn[0]:
            out.append((str(turn[0]), str(turn[1]) if len(turn) > 1 and turn[1] else None))
    return out


def user_turns(history: list[dict[str, str]] | list | None) -> list[str]:
    """The user messages of a chat history, oldest first."""
    return [q for q, _ in exchanges(history)]


def read(question: str, history: list[dict[str, str]] | None, analyser: Analyser) -> Reading:
    """The question as it is to be answered, given the conversation so far."""
    previous: str | None = None
    reply: str | None = None
    for turn, answer in exchanges(history)[-MAX_TURNS:]:
        previous, reply = read_turn(turn, previous, analyser, reply).text, answer
    return read_turn(question, previous, analyser, reply)


def read_turn(question: str, previous: str | None, analyser: Analyser, reply: str | None = None) -> Reading:
    """One question read against the previous question (as that one was read) and the reply to it."""
    if not previous:
        return Reading(question)
    rules = analyser.rules.followup
    new, prev = analyser.normalize(question), analyser.normalize(previous)
    if (bare := _bare_subject(new, analyser)) is not None:
        return Reading(_swap(prev, new, bare, analyser), "subject", previous)
    pronoun = rules.pronoun.search(new)
    kinded = _kinded_pronoun(new, analyser)
    opens = bool(rules.cue.search(new))
    if opens and not _asks(new, analyser):
        return Reading(f"{prev} {new}", "topicless", previous)  # "会展这块的指标呢？": asks nothing itself
    named = _named_subjects(new, analyser)
    if opens and (pronoun or kinded) and not named:
        # "And which hospitals are there?": opens as a follow-up and refers back: the previous question's
        # frame (already in the CBD) goes with it.
        return Reading(f"{prev} {new}", "pronoun", previous)
    if kinded is not None:
        return Reading(_resolve(new, kinded, [prev, reply or ""], analyser) or f"{prev} {new}", "pronoun", previous)
    if named:
        return Reading(question)  # names its own subject: stands on its own, however it starts
    before = _named_subjects(prev, analyser)
    # "它" / "it", not "the smart one" (an item of the reply) nor "its platforms"
    plain = pronoun is not None and pronoun.group(0).lower() in ("它", "it")
    if pronoun is not None and ((plain and len(before) == 1) or (not before and reply)):
        # "三条轴里南向那条叫啥？" → "它串联了哪些平台？": the one subject the previous question names, or else the one
        # the previous answer names, is what "it" is.
        any_kind = ("", pronoun.span())
        if (text := _resolve(new, any_kind, [prev] if before else [reply or ""], analyser)) is not None:
            return Reading(text, "pronoun", previous)
    if pronoun is not None or (not _own_topics(new, analyser) and _short(new, analyser)):
        return Reading(f"{prev} {new}", "pronoun" if pronoun else "topicless", previous)
    return Reading(question)


def _asks(text: str, analyser: Analyser) -> bool:
    """True when the text holds a question word (哪些, 什么, which, how …)."""
    words = analyser.rules.followup.question_words
    return any(words.search(w) for w in _NON_WORD.split(text.lower()) if w)


def _kinded_pronoun(text: str, analyser: Analyser) -> tuple[str, tuple[int, int]] | None:
    """A pronoun that names the kind of its referent ("that zone", "there", "该片区"), when the question does
    not itself name a subject of that kind."""
    rules = analyser.rules.followup
    for kind, pattern in rules.pronoun_kinds:
        if (m := pattern.search(text)) is None:
            continue
        kinds = rules.referent_kinds[kind]
        if not any(s.term.kind in kinds for s in _named_subjects(text, analyser)):
            return kind, m.span()
    return None


def _resolve(text: str, kinded: tuple[str, tuple[int, int]], texts: list[str], analyser: Analyser) -> str | None:
    """The question with its pronoun read as the first subject of its kind in the previous question, else in
    the reply to it (in the question's language); None when neither names one. English "there" keeps its
    place in the sentence and the referent follows in brackets."""
    kind, (start, end) = kinded
    rules = analyser.rules.followup
    kinds = rules.referent_kinds.get(kind, rules.subject_kinds)  # "" (it, 它): any subject
    english = not is_chinese(text)
    for source in texts:
        for m in _named_subjects(source, analyser):
            if m.term.kind not in kinds:
                continue
            if english and not m.text.isascii():
                name = re.sub(r"\s*\([^)]*\)", "", m.term.en)
            else:
                name = m.term.zh if not english else m.text  # "它" after "南向那条" is 生命科创发展轴
            if english and text[start:end].lower() == "there":
                return f"{text} ({name})"
            return text[:start] + name + text[end:]
    return None


def _short(text: str, analyser: Analyser) -> bool:
    rules = analyser.rules.followup
    if is_chinese(text):
        return len(_NON_WORD.sub("", text)) <= rules.short_zh_chars
    return len(text.split()) <= rules.short_en_words


def _named_subjects(text: str, analyser: Analyser) -> list[Match]:
    """Glossary subjects the text names (a zone, an industry, a platform …), not class nouns such as 片区, nor a
    group named with one of its members (三轴 in "三条发展轴里南向那条")."""
    rules = analyser.rules.followup
    out = []
    for m in analyser.matches(text):
        if m.term.kind not in rules.subject_kinds:
            continue
        if m.term.zh.lower() in rules.frame_words or m.text.lower() in rules.frame_words:
            continue
        out.append(m)
    # A group named with one of its members of its kind ("三条发展轴里南向那条"): the member is what it is about.
    return [m for m in out if not any(o.term.zh in m.term.related and o.term.kind == m.term.kind for o in out)]


def _own_topics(text: str, analyser: Analyser) -> bool:
    """True when the text asks about something itself: a specific topic or a word the documents never use
    (office rents), but not a class noun such as 片区 or "companies"; or the documents themselves
    ("这个规划什么时候发布的？")."""
    rules = analyser.rules.followup
    words = {w.lower() for w in content_terms(text)} | set(_NON_WORD.split(text.lower()))
    if words & rules.document_words or any(w in text for w in rules.document_words if not w.isascii()):
        return True
    topics = analyser.topics(text, not is_chinese(text))
    specific = set(analyser.specific(topics))
    named = nouns(text)
    for t in topics:
        if t.label.lower() in rules.frame_words or t.text.lower() in rules.frame_words:
            continue
        if t in specific or (not t.known and not t.number and (t.label.isascii() or t.label in named)):
            return True
    return False


def _bare_subject(text: str, analyser: Analyser) -> Match | str | None:
    """What a question consists of once its follow-up wording is removed, when that is a bare subject: a
    year, a glossary term, or (after a cue such as 那…呢 / And …) a short phrase without a question word.
    Without a cue, only a question that is nothing but the subject ("北虹桥？") is one."""
    rules = analyser.rules
    cue = bool(rules.followup.cue.search(text))

    def bare(rest: str) -> bool:
        words = [w for w in _NON_WORD.split(rules.followup.filler.sub(" ", rest.lower())) if w]
        if not words:
            return True
        if not cue or any(_asks(w, analyser) for w in words):
            return False
        return all(w in rules.en_stop or w in rules.zh_stop for w in words)

    candidates: list[tuple[int, int, Match | str]] = [(y.start(), y.end(), y.group(0)) for y in _YEAR.finditer(text)]
    subjects = [m for m in analyser.matches(text) if m.term.kind in rules.followup.subject_kinds]
    candidates += [(m.start, m.end, m) for m in subjects]
    for start, end, subject in candidates:
        if bare(text[:start] + " " + text[end:]):
            return subject
    if not cue:
        return None
    words = [w for w in _NON_WORD.split(rules.followup.filler.sub(" ", text.lower())) if w]
    words = [w for w in words if w not in rules.en_stop and w not in rules.zh_stop]
    if len(words) == 1 and not _asks(words[0], analyser) and _short(words[0], analyser):
        return words[0]
    return None


def _swap(prev: str, new: str, subject: Match | str, analyser: Analyser) -> str:
    """The previous question asked about a new subject: its subject of the same kind (or its year) replaced,
    or, when it has none, the previous question and the new subject together."""
    if isinstance(subject, str) and _YEAR.fullmatch(subject):
        years = list(_YEAR.finditer(prev))
        if years:
            y = years[-1]
            return prev[: y.start()] + subject + prev[y.end() :]
        return f"{prev} {new}"
    if isinstance(subject, str):
        return f"{prev} {new}"
    for o in analyser.matches(prev):
        if o.term.kind == subject.term.kind and o.term.zh != subject.term.zh:
            replacement = subject.term.zh if is_chinese(prev) or not subject.text.isascii() else subject.text
            return prev[: o.start] + replacement + prev[o.end :]
    return f"{prev} {new}"
