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

MESSAGES_FILE = Path(__file__).with_name("messages.yaml")
_NUMBERING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]|^[一二三四五六七八九十]+、|^\d+\.\s*")


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


def render(
    lang: str, chosen: list[Unit] | tuple[Unit, ...], section_en: Callable[[str], str]
) -> tuple[str, list[Citation]]:
    """The answer text (one line per quote, each marked [n]) and its citations. Passages are numbered by
    retrieval rank; adjacent units of one passage are quoted as one span, so each quote stays verbatim."""
    order: dict[str, int] = {}
    for u in sorted(chosen, key=lambda u: u.context.rank):
        order.setdefault(u.context.chunk_id, len(order) + 1)
    by_chunk: dict[str, list[Unit]] = {}
    for u in chosen:
        by_chunk.setdefault(u.context.chunk_id, []).append(u)
    lines = [message("lead", lang)]
    citations: list[Citation] = []
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
        for a, b in spans:
            quote = ctx.chunk.text[a:b].strip()
            section = str(meta.get("section", ""))
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
                    section_en=section_en(section) if lang == "en" else None,
                )
            )
    return "\n".join(lines), citations
