"""Clean extracted text: normalise characters, drop tables of contents, rejoin page-break splits.

The output is a list of `Block`s (prose paragraphs and tables) that the chunker reads for structure.
Markdown emphasis is kept here (the chunker reads bold lead terms) and removed by `strip_emphasis`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

#: Characters that end a sentence (or a clause the documents end a paragraph with).
SENTENCE_END = "。；！？!?;"
_TERMINAL = SENTENCE_END + "：:…"
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
    return bool(_TOC_LINE.match(line.strip())) and "。" not in line


def _is_caption(line: str) -> bool:
    plain = line.strip()
    return bool(_CAPTION.search(plain)) and len(plain) <= 60 and not re.search("[，。；]", plain)


def _ends_sentence(text: str) -> bool:
    plain = strip_emphasis(text).rstrip("”’\"')） ")
    return not plain or plain[-1] in _TERMINAL


def _is_prose(text: str) -> bool:
    return bool(re.search("[，。；]", text)) and not is_heading(text)


def _join(left: str, right: str) -> str:
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def _split_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("\t")]


def blocks(text: str) -> list[Block]:
    """Split cleaned text into prose paragraphs and tables, rejoining what page breaks split."""
    lines = normalize(text).split("\n")
    out: list[Block] = []
    in_toc = False
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if _TOC_HEADER.match(line):
            in_toc = True
            continue
        if _is_toc_line(line):
            in_toc = True
            continue
        if in_toc and is_heading(line) and len(line) <= 30 and not out:
            continue  # a contents entry without a page number
        in_toc = False
        if _is_caption(line):
            continue
        prev = out[-1] if out else None
        if "\t" in raw:
            cells = _split_cells(raw)
            if all(_SEPARATOR_CELL.match(c) for c in cells):
                continue  # a markdown-style separator row
            if prev is not None and prev.is_table:
                prev.rows.append(cells)
            else:
                out.append(Block(rows=[cells]))
            continue
        if prev is not None and prev.is_table and not is_heading(line) and not _ends_sentence(line):
            # A table row cut by a page break: the rest of its last cell.
            prev.rows[-1][-1] += line
            continue
        if (
            prev is not None
            and not prev.is_table
            and _is_prose(prev.text)
            and not _ends_sentence(prev.text)
            and not is_heading(line)
            and not is_date_line(line)
        ):
            prev.text = _join(prev.text, line)  # a sentence split by a page break
            continue
        out.append(Block(text=line))
    return out
