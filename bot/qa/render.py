"""Stage 6, render: the answer text and its citations, each quote a verbatim slice of its passage."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.qa.parts import Composition
from bot.qa.select import Unit
from bot.types import Citation, Part
from ingest.chunk import SECTION_SEP
from ingest.units import english

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


def heading_en(section_en: str, quote_en: str) -> str:
    """The deepest English heading as a prefix, unless the quote already starts with it."""
    leaf = section_en.split(SECTION_SEP)[-1] if SECTION_SEP in section_en else ""
    name = _NUMBERING_EN.sub("", leaf).strip()
    if not leaf or quote_en.lower().startswith(name.lower().rstrip(".")) or name.lower() in quote_en.lower():
        return ""
    return f"[{leaf}] "


def render(
    lang: str, composition: Composition, section_en: Callable[[str], str]
) -> tuple[str, list[Citation], list[Part]]:
    """The answer text, its citations and its parts. Each part lists its quotes (adjacent sentences of one
    passage quoted as one span, so each quote stays verbatim), or says that the documents do not say it;
    passages are numbered [n] in the order the answer first cites them. An English answer gives each quote's
    reviewed English (the Chinese original stays in the citation); a quote without English is in Chinese."""
    order: dict[str, int] = {}
    for u in composition.units:
        order.setdefault(u.context.chunk_id, len(order) + 1)
    citations: dict[tuple[str, int, int], Citation] = {}
    lines = [message("lead", lang)]
    parts: list[Part] = []
    multi = len(composition.parts) > 1
    translated = untranslated = 0
    for i, part in enumerate(composition.parts, 1):
        if multi:
            lines.append(f"**{i}. {part.text}**")
        if part.status == "not_stated":
            key = "not_stated_part" if multi or not part.units else "not_stated_detail"
            lines.append("⚠ " + message(key, lang).format(part=part.text))
        cited: list[int] = []
        above: list[int] = []  # quotes an earlier part gave: pointed to, not repeated
        for quote in _quotes(part.units):
            shown = next(
                (c for (cid, a, b), c in citations.items() if cid == quote[0] and a <= quote[1] and quote[2] <= b), None
            )
            if shown is not None:  # an earlier part quoted this span, or one that holds it
                cited.append(shown.n)
                above.append(shown.n)
                continue
            cite = citations.setdefault(quote, _citation(quote, part.units, order, lang, section_en))
            cited.append(cite.n)
            if lang == "en" and cite.quote_en:
                translated += 1
                prefix = heading_en(cite.section_en or "", cite.quote_en)
                lines.append(f"- {prefix}{cite.quote_en.replace(chr(10), '; ')} [{cite.n}]")
            else:
                untranslated += lang == "en"
                lines.append(
                    f"- {heading(cite.section, cite.quote)}{cite.quote.replace(chr(10), chr(10) + '  ')} [{cite.n}]"
                )
        if above:
            refs = " ".join(f"[{n}]" for n in dict.fromkeys(above))
            lines.append("- " + message("quoted_above", lang).format(refs=refs))
        parts.append(Part(part.text, part.status, tuple(dict.fromkeys(cited))))
    if lang == "en" and translated:
        lines += ["", message("unofficial", lang)]
    if untranslated:
        lines[0] = message("lead_chinese", lang)
    return "\n".join(lines), sorted(citations.values(), key=lambda c: c.n), parts


def _quotes(units: tuple[Unit, ...]) -> list[tuple[str, int, int]]:
    """(chunk, start, end) of each quote: a part's units of one passage, adjacent ones merged, in order."""
    by_chunk: dict[str, list[Unit]] = {}
    for u in units:
        by_chunk.setdefault(u.context.chunk_id, []).append(u)
    out = []
    for cid, group in by_chunk.items():
        text = group[0].chunk_text
        spans: list[list[int]] = []
        for u in sorted(group, key=lambda u: u.start):
            if spans and text[spans[-1][1] : u.start].strip() == "":
                spans[-1][1] = max(spans[-1][1], u.end)
            else:
                spans.append([u.start, u.end])
        out.extend((cid, a, b) for a, b in spans)
    return out


def _citation(
    quote: tuple[str, int, int], units: tuple[Unit, ...], order: dict[str, int], lang: str,
    section_en: Callable[[str], str],
) -> Citation:  # fmt: skip
    cid, a, b = quote
    ctx = next(u.context for u in units if u.context.chunk_id == cid)
    meta = ctx.chunk.metadata
    raw = ctx.chunk.text[a:b]
    text = raw.strip()
    section = str(meta.get("section", ""))
    return Citation(
        n=order[cid],
        chunk_id=cid,
        source=str(meta.get("source", "")),
        title=str(meta.get("title", "")),
        section=section,
        quote=text,
        text=ctx.chunk.text,
        score=round(ctx.score, 6),
        section_en=str(meta.get("section_en") or section_en(section)) if lang == "en" else None,
        quote_en=english(text, ctx.chunk.text, a + len(raw) - len(raw.lstrip()), meta),
        text_en=str(meta.get("text_en") or "") or None,
    )
