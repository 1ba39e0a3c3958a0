"""Chunk cleaned blocks by document structure: every chunk knows its heading path and never straddles two sections.

Prose is cut at headings (`一、` › `（一）` › `1.` › bold lead term such as **综合型总部**); a passage longer
than the character bound is cut at the best boundary it has (a sentence end, a clause mark, a space, else
anywhere), then at sentence ends when it would not fit the embedding model's window. Catalogue tables
become one record per row with their headers and their industry, plus one overview record per table.
The whole is one pass over the text, linear in its length.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

from ingest.clean import (
    SENTENCE_END,
    Block,
    is_cover_date,
    is_heading,
    iter_blocks,
    squeeze_cjk_spaces,
    strip_emphasis,
)
from ingest.config import DEFAULT_MAX_CHUNK_CHARS

SECTION_SEP = " › "
#: Kinds of chunk stored in the index.
PROSE, CATALOGUE_ROW, CATALOGUE_OVERVIEW = "prose", "catalogue_row", "catalogue_overview"
#: A document's cover: its title line and the month under it ("2022 年 8 月"), the only place its own date is written.
COVER = "cover"


def is_cover(metadata: dict[str, Any]) -> bool:
    """The stored chunk with this metadata is a document's cover."""
    return metadata.get("kind") == COVER


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+)$")
_L1 = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
_L2 = re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*(.+)$")
_NUMBERED = re.compile(r"^(\d{1,2})[.．、]\s*(?:\*\*)?([^。*，]{2,20}?)(?:\*\*)?\s*。")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LEAD = re.compile(r"^([^，。；：:、,*]{2,16}?)。")
_SENTENCE = re.compile(rf"[^{SENTENCE_END}]+[{SENTENCE_END}]*[”’」』）)]*")
#: Where a passage over the character bound is cut, best first: after a sentence end (with its closing
#: quote or bracket) or a line end, after a clause mark, at a space. With none in reach, at the bound.
_CUTS = (
    re.compile(r"[。！？!?]+[”’」』）)]*|(?<=[^\d\s])\.(?=\s)|\n"),
    re.compile(r"[；;，,、：:]+[”’」』）)]*"),
    re.compile(r"\s+"),
)
#: A markdown heading longer than this is a paragraph that starts with `#`, not a heading.
_HEADING_MAX = 120
#: Blocks `title_of` reads at the start of a document, and the longest line it takes for a title.
_TITLE_BLOCKS, _TITLE_MAX = 13, 200


def estimate_tokens(text: str) -> int:
    """A conservative token estimate for multilingual models: one per CJK character, ~1.5 per word."""
    cjk = len(re.findall(r"[\u3000-\u9fff\uff00-\uffef]", text))
    words = len(re.findall(r"[A-Za-z0-9]+", text))
    other = len(re.findall(r"[^\sA-Za-z0-9\u3000-\u9fff\uff00-\uffef]", text))
    return cjk + int(words * 1.5) + other + 2


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage with its place in the document."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    section_path: tuple[str, ...]
    kind: str
    text: str
    position: int
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def section(self) -> str:
        """The heading path as one string, e.g. `产业发展规划 › 四、产业发展布局 › （二）四区：产业功能片区`."""
        return SECTION_SEP.join(self.section_path)

    @property
    def embed_text(self) -> str:
        """What is embedded and keyword-indexed: the heading path, then the passage."""
        return f"{self.section}\n{self.text}"

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store."""
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "kind": self.kind,
            "position": self.position,
            **self.extra,
        }


@dataclass
class _Passage:
    path: tuple[str, ...]
    text: str
    kind: str = PROSE
    extra: dict[str, str] = field(default_factory=dict)


def _heading(line: str) -> tuple[int, str] | None:
    plain = strip_emphasis(line).strip()
    if len(plain) <= _HEADING_MAX and (m := _MD_HEADING.match(plain)):
        return len(m.group(1)), m.group(2).strip()
    if not is_heading(plain):
        return None
    if m := _L1.match(plain):
        return 1, f"{m.group(1)}、{squeeze_cjk_spaces(m.group(2))}"
    if m := _L2.match(plain):
        return 2, f"（{m.group(1)}）{squeeze_cjk_spaces(m.group(2))}"
    return None


def _bold_segments(text: str) -> list[tuple[str | None, str]]:
    """Split a paragraph at its bold lead terms: [(lead term or None, segment text with markers)]."""
    starts = [m for m in _BOLD.finditer(text) if len(m.group(1).strip("。 ")) <= 24]
    if not starts:
        return [(None, text)]
    out: list[tuple[str | None, str]] = []
    if starts[0].start() > 0:
        out.append((None, text[: starts[0].start()]))
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        term = m.group(1).strip().rstrip("。")
        tail = text[m.end() : end]
        # A lead term cut by a page break: **走向国际的新能源汽**车。 → 走向国际的新能源汽车
        if (rest := re.match(r"^([^，。；*\s]{1,3})。", tail)) and not m.group(1).endswith("。"):
            term += rest.group(1)
        out.append((term, text[m.start() : end]))
    return out


def split_at_boundaries(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, in order, each cut after the best boundary within
    reach: the last sentence end, else the last clause mark, else the last space, else at the limit.
    Pieces are stripped of surrounding whitespace; nothing else is lost."""
    if limit < 1:
        raise ValueError(f"a chunk must hold at least one character, not {limit}")
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = end
        for pattern in _CUTS:
            if last := deque(pattern.finditer(text, start, end), maxlen=1):
                cut = last[0].end()
                break
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [p for piece in pieces if (p := piece.strip())]


def _split_long(text: str, limit: int, count: Callable[[str], int]) -> list[str]:
    """Split text at sentence ends into pieces of at most `limit` tokens (a lone long sentence stays whole)."""
    if count(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE.findall(text):
        if current and count(current + sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def _table_passages(rows: list[list[str]], path: tuple[str, ...]) -> list[_Passage]:
    header = [squeeze_cjk_spaces(c) for c in rows[0]]
    records: list[list[str]] = []
    for raw in rows[1:]:
        cells = [c.strip() for c in raw] + [""] * (len(header) - len(raw))
        if len(cells) > len(header):
            cells = [*cells[: len(header) - 1], " ".join(c for c in cells[len(header) - 1 :] if c)]
        if records and not any(cells[:-1]):
            records[-1][-1] = records[-1][-1] + cells[-1]  # a row continued after a page break
            continue
        if records and not cells[0]:
            cells[0] = records[-1][0]  # continuation row: same 细分领域 as the row above
        records.append(cells)
    passages = []
    for cells in records:
        labels = [squeeze_cjk_spaces(c) for c in cells[:-1]] + [cells[-1]]
        text = "\n".join(f"{h}：{v}" for h, v in zip(header, labels, strict=True))
        extra = {"field": labels[0], "direction": labels[1] if len(labels) > 2 else ""}
        passages.append(_Passage((*path, labels[0]), text, CATALOGUE_ROW, extra))
    if len(header) >= 3 and records:
        groups: dict[str, list[str]] = {}
        for cells in records:
            groups.setdefault(squeeze_cjk_spaces(cells[0]), []).append(squeeze_cjk_spaces(cells[1]))
        body = "；".join(f"{k}（{'、'.join(v)}）" for k, v in groups.items())
        title = path[-1] if path else ""
        passages.append(_Passage(path, f"{title}的{header[0]}与{header[1]}：{body}。", CATALOGUE_OVERVIEW))
    return passages


def _with_next(blks: Iterable[Block]) -> Iterator[tuple[Block, Block | None]]:
    """Each block with the one after it (None after the last)."""
    it = iter(blks)
    current = next(it, None)
    for nxt in it:
        yield current, nxt
        current = nxt
    if current is not None:
        yield current, None


def _passages(blks: Iterable[Block], label: str, keep_first_label: bool) -> Iterator[_Passage]:
    stack: list[tuple[int, str]] = []
    first_title_seen = not keep_first_label
    skip_next = False
    for blk, nxt in _with_next(blks):
        if skip_next:
            skip_next = False
            continue
        path = (label, *(h for _, h in stack))
        if blk.is_table:
            yield from _table_passages(blk.rows, path)
            continue
        if nxt is not None and not nxt.is_table and is_cover_date(nxt.text) and len(blk.text) <= 60:
            # A document (or part) title followed by its date: starts a new part, and is quotable as its cover ("when
            # is the plan dated": 2022 年 8 月 is written nowhere else).
            if first_title_seen:
                label = blk.text.split()[-1]
            first_title_seen = True
            stack = []
            skip_next = True
            yield _Passage((label,), f"{blk.text.strip()}\n{nxt.text.strip()}", COVER)
            continue
        if (h := _heading(blk.text)) is not None:
            level, name = h
            stack = [(lv, n) for lv, n in stack if lv < level] + [(level, name)]
            continue
        text = blk.text
        numbered = _NUMBERED.match(text)
        if numbered:
            name = f"{numbered.group(1)}. {numbered.group(2).strip()}"
            stack = [(lv, n) for lv, n in stack if lv < 3] + [(3, name)]
            path = (label, *(n for _, n in stack))
            # The numbered title's own bold is the heading, not a lead term.
            text = text[: numbered.end()].replace("**", "") + text[numbered.end() :]
        for term, segment in _bold_segments(text):
            plain = strip_emphasis(segment).strip()
            if not plain:
                continue
            seg_path = (*path, term) if term else path
            lead = None if numbered else _LEAD.match(plain)
            if term is None and lead and len(plain) > len(lead.group(0)):
                seg_path = (*path, lead.group(1))
            yield _Passage(seg_path, plain)


def _merge_short(
    passages: Iterable[_Passage], target: int, count: Callable[[str], int], max_chars: int
) -> Iterator[_Passage]:
    """Merge consecutive prose passages of the same section while they stay under `target` tokens and
    `max_chars` characters."""
    prev: _Passage | None = None
    for p in passages:
        if (
            prev is not None
            and p.kind == PROSE
            and prev.kind == PROSE
            and prev.path == p.path
            and len(prev.text) + 1 + len(p.text) <= max_chars
            and count(prev.text + "\n" + p.text) <= target
        ):
            prev.text = f"{prev.text}\n{p.text}"
            continue
        if prev is not None:
            yield prev
        prev = _Passage(p.path, p.text, p.kind, dict(p.extra))
    if prev is not None:
        yield prev


def chunk_id(doc_id: str, path: tuple[str, ...], text: str, seen: Counter[str]) -> str:
    """The id of a chunk from its document, heading path and text; `seen` numbers true duplicates in one document.

    The position is not part of it, so an edit elsewhere in the document leaves the id (and the stored
    embedding) of an unchanged chunk as it was.
    """
    digest = hashlib.sha1(f"{SECTION_SEP.join(path)}\n{text}".encode()).hexdigest()[:16]
    seen[digest] += 1
    return f"{doc_id}#{digest}" if seen[digest] == 1 else f"{doc_id}#{digest}-{seen[digest]}"


def title_of(blks: list[Block], fallback: str) -> str:
    """The raw title line: the first line followed by a date line, else the first short line."""
    for i, blk in enumerate(blks[: _TITLE_BLOCKS - 1]):
        nxt = blks[i + 1] if i + 1 < len(blks) else None
        if (
            nxt is not None
            and not blk.is_table
            and not nxt.is_table
            and len(blk.text) <= _TITLE_MAX
            and is_cover_date(nxt.text)
        ):
            return blk.text.strip()
    for blk in blks[:3]:
        if not blk.is_table and len(blk.text) <= 60 and _heading(blk.text) is None:
            return strip_emphasis(blk.text).lstrip("# ").strip()
    return fallback


def chunk_document(
    doc_id: str,
    text: str,
    *,
    source: str | None = None,
    title: str | None = None,
    label: str | None = None,
    max_tokens: int = 400,
    merge_tokens: int = 220,
    max_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    count_tokens: Callable[[str], int] = estimate_tokens,
    progress: Callable[[int], Any] | None = None,
) -> list[Chunk]:
    """Chunk one document's raw text; `max_tokens` bounds the embedded text (heading path included) and
    `max_chars` the chunk text. `progress(n)` hears every few hundred thousand characters how many more were read."""
    stream = iter_blocks(text, progress)
    first = list(islice(stream, _TITLE_BLOCKS))
    raw_title = title or title_of(first, doc_id)
    title = squeeze_cjk_spaces(raw_title)
    explicit = bool(label)
    label = label or (raw_title.split()[-1] if raw_title.split() else doc_id)
    passages = _passages(chain(first, stream), label, keep_first_label=explicit)
    chunks: list[Chunk] = []
    seen: Counter[str] = Counter()
    for p in _merge_short(passages, merge_tokens, count_tokens, max_chars):
        head = count_tokens(SECTION_SEP.join(p.path)) + 1
        for part in split_at_boundaries(p.text, max_chars):
            for piece in _split_long(part, max(64, max_tokens - head), count_tokens):
                position = len(chunks)
                chunks.append(
                    Chunk(
                        chunk_id=chunk_id(doc_id, p.path, piece, seen),
                        doc_id=doc_id,
                        source=source or doc_id,
                        title=title,
                        section_path=p.path,
                        kind=p.kind,
                        text=piece,
                        position=position,
                        extra=p.extra,
                    )
                )
    return chunks
