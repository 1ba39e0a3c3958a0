"""Quotable units of a chunk: what an answer may quote and what the parallel English text translates.

A prose chunk's units are its sentences: a sentence ends at 。！？ (with any closing quote or bracket), or at
a line end. A "；" or "，" never ends a unit, so a quote is always a whole sentence. A catalogue row is one
unit, quoted whole; its translatable parts are its cells. Headings (each part of a section path) are
units of their own for translation. Every span is a verbatim slice of the chunk text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.chunk import COVER

#: Characters that end a sentence (a clause mark such as ；or ，does not).
SENTENCE_END = "。！？!?"
_SENTENCE = re.compile(rf"[^{SENTENCE_END}\n]+(?:[{SENTENCE_END}]+[”’」』）)]*|(?=\n)|$)")
_WS = re.compile(r"\s+")
#: A catalogue row is stored one cell a line: "细分领域：…\n发展方向：…\n发展重点：…".
_CELL = re.compile(r"^([^：\n]{2,8})：(.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Span:
    """A unit's place in its chunk's text: `text[start:end]`."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


def key(text: str) -> str:
    """The form a unit is matched by: whitespace and markdown emphasis removed."""
    return _WS.sub("", text).replace("**", "")


def sentence_spans(text: str) -> list[Span]:
    """The sentences of a prose passage, each a verbatim slice (leading spaces trimmed)."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start] in " \t":
            start += 1
        while end > start and text[end - 1] in " \t":
            end -= 1
        if end - start >= 2:
            spans.append(Span(start, end))
    return spans


def cells(text: str) -> list[tuple[str, str]]:
    """A catalogue row's (header, value) cells, in order."""
    return [(m.group(1), m.group(2).strip()) for m in _CELL.finditer(text)]


def quotable_spans(text: str, kind: str) -> list[Span]:
    """What an answer may quote from a chunk: its sentences, or a catalogue record (a row, an overview) or a cover
    (a title and its month) whole."""
    if kind.startswith("catalogue") or kind == COVER:
        return [Span(0, len(text.rstrip()))] if text.strip() else []
    return sentence_spans(text)


def translatable(text: str, kind: str, section_path: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """The (kind, Chinese) pieces of a chunk that the parallel English text must cover: every heading
    of its section path, then its sentences or its cells. Derived chunks (overviews) are composed from
    headings and cells, so they add nothing of their own."""
    out: list[tuple[str, str]] = [("heading", h) for h in section_path]
    if kind == "catalogue_overview":
        return out
    if kind == "catalogue_row":
        for header, value in cells(text):
            out.append(("heading", header))
            if value:
                out.append(("cell", value))
        return out
    out.extend(("sentence", s.of(text)) for s in sentence_spans(text))
    return out


def english(unit_text: str, chunk_text: str, start: int, metadata: dict) -> str | None:
    """The reviewed English of a quote (whole sentences of a chunk, or a catalogue record), or None when any
    of its sentences has none."""
    units = metadata.get("units_en") or []
    if str(metadata.get("kind", "")).startswith("catalogue"):
        return units[0] if units and units[0] else None
    end = start + len(unit_text)
    spans = sentence_spans(chunk_text)
    if len(units) != len(spans):
        return None
    parts = [en for s, en in zip(spans, units, strict=True) if s.start >= start and s.end <= end]
    if not parts or None in parts:
        return None
    return " ".join(p.strip() for p in parts)
