"""Clean extracted text: normalise characters, drop tables of contents, rejoin page-break splits.

The output is a stream of `Block`s (prose paragraphs and tables) that the chunker reads for structure.
Markdown emphasis is kept here (the chunker reads bold lead terms) and removed by `strip_emphasis`.
Cleaning is linear in the input: a paragraph that page breaks split is joined once, at the end.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: Characters that end a sentence (or a clause the documents end a paragraph with).
SENTENCE_END = "。；！？!?;"
_TERMINAL = SENTENCE_END + "：:…"
_CLOSERS = "”’\"')） "
#: Characters at a paragraph's end read to tell whether it ends a sentence (more only when they do not tell).
_TAIL = 64
#: Longest line that can be a table-of-contents entry (an entry, dot leaders and a page number).
_TOC_LINE_MAX = 256
#: Report progress to the caller about every this many characters.
PROGRESS_STEP = 1 << 18
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

_TOC_HEADER = re.compile(r"^目\s*录$|^contents$", re.IGNORECASE)
_TOC_LINE = re.compile(r"^\S.{0,60}?(\t+|\s*[.．…·]{3,}\s*|\s{2,})\d{1,3}$")
_DATE_LINE = re.compile(r"^\d{4}\s*年(\s*\d{1,2}\s*月)?(\s*\d{1,2}\s*日)?$")
_COVER_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月$")
_CAPTION = re.compile(r"(示意图|图\s*\d+)$")
_SEPARATOR_CELL = re.compile(r"^[-—:：\s]*$")
_HEADING = re.compile(
    r"^(#{1,6}\s+\S"  # markdown heading
    r"|[一二三四五六七八九十]+、\s*\S"  # 一、发展基础
    r"|[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*\S)"  # （一）指导思想 / (一) 指导思想
)
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》（）()]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK})[ \t\u3000]+(?={_CJK})")


@dataclass
class Block:
    """A prose paragraph (`rows` empty) or a table (`rows` of cells, `text` empty)."""

    text: str = ""
    rows: list[list[str]] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return bool(self.rows)


def normalize(text: str) -> str:
    """Unify line ends and odd spaces, drop zero-width characters; keep every visible character."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = text.translate(_ZERO_WIDTH).replace("\u00a0", " ")
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def strip_emphasis(text: str) -> str:
    """Remove markdown emphasis markers (`**bold**`, `__bold__`, `*it*`), keeping the words."""
    return _EMPHASIS.sub("", text)


def squeeze_cjk_spaces(text: str) -> str:
    """Drop spaces the PDF extraction left between Chinese characters (`商品贸易 服务` → `商品贸易服务`)."""
    return _SPACE_BETWEEN_CJK.sub("", text).strip()


def is_heading(line: str) -> bool:
    """True for a section heading line (`一、…`, `（一）…`, `# …`), not for a numbered paragraph."""
    plain = strip_emphasis(line).strip()
    return bool(_HEADING.match(plain)) and len(plain) <= 40 and "。" not in plain


def is_date_line(line: str) -> bool:
    """True for a bare date line such as `2022 年 8 月` or `2022年9月14日`."""
    return bool(_DATE_LINE.match(line.strip()))


def is_cover_date(line: str) -> bool:
    """True for the month-only date under a document's title (`2022 年 8 月`), not a signature date."""
    return bool(_COVER_DATE.match(line.strip()))


def _is_toc_line(line: str) -> bool:
    return len(line) <= _TOC_LINE_MAX and bool(_TOC_LINE.match(line.strip())) and "。" not in line


def _is_caption(line: str) -> bool:
    plain = line.strip()
    return len(plain) <= 60 and bool(_CAPTION.search(plain)) and not re.search("[，。；]", plain)


def _ends_sentence(text: str) -> bool:
    plain = strip_emphasis(text).rstrip(_CLOSERS)
    return not plain or plain[-1] in _TERMINAL


def _tail_ends_sentence(tail: str, whole: bool) -> bool | None:
    """`_ends_sentence` of a text from its last characters `tail` (`whole`: the tail is all of it), or None
    when the tail cannot tell. Reading from a character that is not an emphasis marker, emphasis is stripped
    there exactly as in the whole text, except perhaps that first character: two plain characters decide."""
    window = _TAIL
    while window < len(tail):
        start = len(tail) - window
        if tail[start - 1] not in "*_":
            plain = strip_emphasis(tail[start:]).rstrip(_CLOSERS)
            if len(plain) >= 2:
                return plain[-1] in _TERMINAL
        window *= 4
    return _ends_sentence(tail) if whole else None


def _is_prose(text: str) -> bool:
    return bool(re.search("[，。；]", text)) and not is_heading(text)


def _separator(left_end: str, right: str) -> str:
    """What goes between two parts of a paragraph split by a page break: a space between two words, else nothing."""
    if left_end[-1:].isascii() and left_end[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return " "
    return ""


def _split_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("\t")]


class _Open:
    """The last block while later lines may still join it: the growing text (or last cell) is kept as parts,
    with the end of it and whether that ends a sentence, so that each join costs the length of the line."""

    def __init__(self, block: Block, first: str) -> None:
        self.block = block
        self.parts = [first]
        self.tail = first[-_TAIL * 64 :]
        self.size = len(first)
        self.prose = not block.is_table and _is_prose(first)
        self.ends = _ends_sentence(first) if self.prose else True

    def join(self, line: str) -> None:
        """Append a line to the paragraph."""
        piece = _separator(self.tail, line) + line
        self.parts.append(piece)
        self.size += len(piece)
        self.tail = (self.tail + piece)[-_TAIL * 64 :]
        ends = _tail_ends_sentence(self.tail, self.size == len(self.tail))
        self.ends = self.ends if ends is None else ends

    def add_row(self, cells: list[str]) -> None:
        self.close()
        self.block.rows.append(cells)
        self.parts = [cells[-1]]

    def extend_cell(self, line: str) -> None:
        """A table row cut by a page break: the rest of its last cell."""
        self.parts.append(line)

    def close(self) -> Block:
        if self.block.is_table:
            self.block.rows[-1][-1] = "".join(self.parts)
        else:
            self.block.text = "".join(self.parts)
        return self.block


def iter_blocks(text: str, progress: Callable[[int], Any] | None = None) -> Iterator[Block]:
    """Prose paragraphs and tables of cleaned text, in order, rejoining what page breaks split.

    `progress(n)` is told every few hundred thousand characters how many more have been read.
    """
    lines = normalize(text).split("\n")
    open_: _Open | None = None
    emitted = read = 0
    in_toc = False
    for raw in lines:
        read += len(raw) + 1
        if progress is not None and read >= PROGRESS_STEP:
            progress(read)
            read = 0
        line = raw.strip()
        if not line:
            continue
        if _TOC_HEADER.match(line):
            in_toc = True
            continue
        if _is_toc_line(line):
            in_toc = True
            continue
        if in_toc and is_heading(line) and len(line) <= 30 and open_ is None and not emitted:
            continue  # a contents entry without a page number
        in_toc = False
        if _is_caption(line):
            continue
        if "\t" in raw:
            cells = _split_cells(raw)
            if all(_SEPARATOR_CELL.match(c) for c in cells):
                continue  # a markdown-style separator row
            if open_ is not None and open_.block.is_table:
                open_.add_row(cells)
                continue
            block = Block(rows=[cells])
        elif open_ is not None and open_.block.is_table and not is_heading(line) and not _ends_sentence(line):
            open_.extend_cell(line)
            continue
        elif open_ is not None and open_.prose and not open_.ends and not is_heading(line) and not is_date_line(line):
            open_.join(line)  # a sentence split by a page break
            continue
        else:
            block = Block(text=line)
        if open_ is not None:
            yield open_.close()
            emitted += 1
        open_ = _Open(block, cells[-1] if block.is_table else line)
    if open_ is not None:
        yield open_.close()
    if progress is not None and read:
        progress(read)


def blocks(text: str) -> list[Block]:
    """Split cleaned text into prose paragraphs and tables, rejoining what page breaks split."""
    return list(iter_blocks(text))
