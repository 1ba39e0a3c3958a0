"""Stage 6, render: the answer text and its citations, each quote a verbatim slice of its passage."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.qa.select import Unit
from bot.types import Citation
from ingest.chunk import SECTION_SEP
from ingest.units import sentence_spans

MESSAGES_FILE = Path(__file__).with_name("messages.yaml")
_NUMBERING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]|^[一二三四五六七八九十]+、|^\d+\.\s*")
_NUMBERING_EN = re.compile(r"^\(\d+\)\s*|^[IVX]+\.\s*|^\d+\.\s*")


@cache
def messages() -> dict[str, Any]:
    """The engine's own words around the quotes (messages.yaml), per language."""
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def message(key: str, lang: str) -> str:
    """One message in the answer's language (English when a language has none)."""
    entry = messages()[key]
    return str(entry.get(lang) or entry["en"])


def heading(section: str, quote: str) -> str:
    """The deepest heading of a passage, as a prefix for its quote, unless the quote already names it."""
    leaf = section.split(SECTION_SEP)[-1] if SECTION_SEP in section else ""
    name = _NUMBERING.sub("", leaf)
    if not leaf or name in quote or quote.startswith(name.split("：")[0]):
        return ""
    return f"【{leaf}】"


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
    inside = [s for s in spans if s.start >= start and s.end <= end]
    if not inside or any(p is None for p in parts):
        return None
    return " ".join(p.strip() for p in parts if p)


def heading_en(section_en: str, quote_en: str) -> str:
    """The deepest English heading as a prefix, unless the quote already starts with it."""
    leaf = section_en.split(SECTION_SEP)[-1] if SECTION_SEP in section_en else ""
    name = _NUMBERING_EN.sub("", leaf).strip()
    if not leaf or quote_en.lower().startswith(name.lower().rstrip(".")) or name.lower() in quote_en.lower():
        return ""
    return f"[{leaf}] "


def render(
    lang: str, chosen: list[Unit] | tuple[Unit, ...], section_en: Callable[[str], str]
) -> tuple[str, list[Citation]]:
    """The answer text (one line per quote, each marked [n]) and its citations. Passages are numbered by
    retrieval rank; adjacent units of one passage are quoted as one span, so each quote stays verbatim. An
    English answer gives each quote's reviewed English (the Chinese original stays in the citation); a quote
    without English is given in Chinese."""
    order: dict[str, int] = {}
    for u in sorted(chosen, key=lambda u: u.context.rank):
        order.setdefault(u.context.chunk_id, len(order) + 1)
    by_chunk: dict[str, list[Unit]] = {}
    for u in chosen:
        by_chunk.setdefault(u.context.chunk_id, []).append(u)
    lines = [message("lead", lang)]
    citations: list[Citation] = []
    translated = untranslated = 0
    for cid, n in sorted(order.items(), key=lambda kv: kv[1]):
        units = sorted(by_chunk[cid], key=lambda u: u.start)
        ctx = units[0].context
        meta = ctx.chunk.metadata
        spans: list[list[int]] = []
        for u in units:
            if spans and ctx.chunk.text[spans[-1][1] : u.start].strip() == "":
                spans[-1][1] = u.end
            else:
                spans.append([u.start, u.end])
        section = str(meta.get("section", ""))
        sec_en = str(meta.get("section_en") or section_en(section)) if lang == "en" else None
        for a, b in spans:
            raw = ctx.chunk.text[a:b]
            quote = raw.strip()
            quote_en = english(quote, ctx.chunk.text, a + (len(raw) - len(raw.lstrip())), meta)
            if lang == "en" and quote_en:
                translated += 1
                lines.append(f"- {heading_en(sec_en or '', quote_en)}{quote_en.replace(chr(10), '; ')} [{n}]")
            else:
                untranslated += lang == "en"
                lines.append(f"- {heading(section, quote)}{quote.replace(chr(10), chr(10) + '  ')} [{n}]")
            citations.append(
                Citation(
                    n=n,
                    chunk_id=cid,
                    source=str(meta.get("source", "")),
                    title=str(meta.get("title", "")),
                    section=section,
                    quote=quote,
                    text=ctx.chunk.text,
                    score=round(ctx.score, 6),
                    section_en=sec_en,
                    quote_en=quote_en,
                    text_en=str(meta.get("text_en") or "") or None,
                )
            )
    if lang == "en" and translated:
        lines += ["", message("unofficial", lang)]
    if untranslated:
        lines[0] = message("lead_chinese", lang)
    return "\n".join(lines), citations
