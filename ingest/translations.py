"""The parallel English text: reviewed translations of every unit the chunker quotes, kept as data beside the
documents (`corpus/translations/<document>.en.jsonl`, one entry per sentence, heading or catalogue cell).

Each entry holds the Chinese unit exactly as the chunker produces it and its English. Ingest stores, for each
chunk, an English record (its own vector, its own keyword tokens) whose id depends on the English, so editing
one unit's English re-embeds only that chunk's English vector.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from ingest.chunk import CATALOGUE_OVERVIEW, CATALOGUE_ROW, SECTION_SEP, Chunk
from ingest.units import cells, key, sentence_spans, translatable

logger = logging.getLogger(__name__)

TRANSLATIONS = "translations"
SUFFIX = ".en.jsonl"
ENGLISH = "english"  # the kind of a chunk's English record


@dataclass(frozen=True)
class Entry:
    """One translated unit."""

    kind: str
    zh: str
    en: str
    reviewed: bool = False
    section: str = ""
    note: str = ""


@dataclass
class ParallelText:
    """The English of the corpus's units, per document, looked up by the unit's normalised Chinese."""

    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, corpus_dir: Path) -> ParallelText:
        """Every `translations/*.en.jsonl` under the corpus folder; a broken line is a problem, not a failure."""
        out = cls()
        folder = corpus_dir / TRANSLATIONS
        for path in sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []:
            doc_id = path.name.removesuffix(SUFFIX)
            table = out.entries.setdefault(doc_id, {})
            for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                    entry = Entry(
                        str(raw["kind"]),
                        str(raw["zh"]),
                        str(raw["en"]).strip(),
                        bool(raw.get("reviewed", False)),
                        str(raw.get("section", "")),
                        str(raw.get("note", "")),
                    )
                except (ValueError, KeyError, TypeError):
                    out.problems.append(f"{path.name}:{n} is not a translation entry (kind, zh, en); skipped it.")
                    continue
                if entry.en:
                    table[key(entry.zh)] = entry
        return out

    def english(self, doc_id: str, zh: str) -> str | None:
        """The English of one unit of a document, or None when it has none."""
        entry = self.entries.get(doc_id, {}).get(key(zh))
        return entry.en if entry else None

    def section_en(self, doc_id: str, path: tuple[str, ...] | list[str]) -> str:
        """A heading path in English (a heading without English stays Chinese)."""
        return SECTION_SEP.join(self.english(doc_id, h) or h for h in path)

    def units_en(self, chunk: Chunk, rows: list[Chunk] = ()) -> list[str | None]:
        """The English of each quotable unit of a chunk, aligned with `units.sentence_spans` for prose and
        one entry for a catalogue record (an overview is composed from its table's `rows`)."""
        if chunk.kind == CATALOGUE_ROW:
            return [self._row(chunk)]
        if chunk.kind == CATALOGUE_OVERVIEW:
            return [self._overview(chunk, rows)]
        return [self.english(chunk.doc_id, s.of(chunk.text)) for s in sentence_spans(chunk.text)]

    def _row(self, chunk: Chunk) -> str | None:
        lines = []
        for header, value in cells(chunk.text):
            h, v = self.english(chunk.doc_id, header), self.english(chunk.doc_id, value) if value else ""
            if h is None or v is None:
                return None
            lines.append(f"{h}: {v}")
        return "\n".join(lines) or None

    def _overview(self, chunk: Chunk, rows: list[Chunk]) -> str | None:
        """A catalogue table's overview in English, composed like the Chinese one: the table's heading, then
        each sub-field with its directions, from the table's rows."""
        en = lambda zh: self.english(chunk.doc_id, zh)  # noqa: E731
        table = [r for r in rows if r.kind == CATALOGUE_ROW and r.section_path[:-1] == chunk.section_path]
        if not table:
            return None
        grouped: dict[str, list[str]] = {}
        headers: list[str] = []
        for r in table:
            row = cells(r.text)
            headers = headers or [h for h, _ in row]
            grouped.setdefault(row[0][1], []).append(row[1][1] if len(row) > 2 else "")
        names = [en(chunk.section_path[-1]), *(en(h) for h in headers[:2])]
        groups = []
        for name, directions in grouped.items():
            parts = [en(name), *(en(d) for d in directions if d)]
            if None in parts:
                return None
            groups.append(f"{parts[0]} ({', '.join(parts[1:])})" if len(parts) > 1 else str(parts[0]))
        if None in names or len(names) < 3:
            return None
        return f"{names[0]}: {names[1]} and {str(names[2]).lower()}: {'; '.join(groups)}."

    def missing(self, chunks: list[Chunk]) -> list[tuple[str, str, str]]:
        """(document, kind, Chinese) of every unit of the chunks that has no English, each once."""
        out: dict[tuple[str, str], tuple[str, str, str]] = {}
        for c in chunks:
            for kind, zh in translatable(c.text, c.kind, c.section_path):
                if self.english(c.doc_id, zh) is None:
                    out.setdefault((c.doc_id, key(zh)), (c.doc_id, kind, zh))
        return list(out.values())

    def orphans(self, chunks: list[Chunk]) -> list[tuple[str, str]]:
        """(document, Chinese) of entries whose unit is no longer in the corpus."""
        used: dict[str, set[str]] = {}
        for c in chunks:
            used.setdefault(c.doc_id, set()).update(key(zh) for _, zh in translatable(c.text, c.kind, c.section_path))
        return [
            (doc, e.zh)
            for doc, table in self.entries.items()
            for k, e in table.items()
            if k not in used.get(doc, set())
        ]


def english_records(chunks: list[Chunk], parallel: ParallelText) -> list[Chunk]:
    """For each chunk with English, its English record: the English text under the English heading path, the
    parent's id, and the English of each unit; the id changes when (and only when) the English does."""
    out = []
    for c in chunks:
        units = parallel.units_en(c, chunks)
        if not any(units):
            continue
        text = _join(c.text, units) if c.kind not in (CATALOGUE_ROW, CATALOGUE_OVERVIEW) else units[0] or ""
        digest = hashlib.sha1(json.dumps(units, ensure_ascii=False).encode()).hexdigest()[:10]
        out.append(
            Chunk(
                chunk_id=f"{c.chunk_id}~en-{digest}",
                doc_id=c.doc_id,
                source=c.source,
                title=c.title,
                section_path=tuple(parallel.section_en(c.doc_id, c.section_path).split(SECTION_SEP)),
                kind=ENGLISH,
                text=text,
                position=c.position,
                extra={"chunk": c.chunk_id, "units_en": json.dumps(units, ensure_ascii=False)},
            )
        )
    return out


def _join(zh: str, units: list[str | None]) -> str:
    """The English of a prose chunk: its units' English, a line break where the Chinese has one."""
    spans = sentence_spans(zh)
    parts: list[str] = []
    for i, (span, en) in enumerate(zip(spans, units, strict=True)):
        if en is None:
            continue
        if parts:
            parts.append("\n" if "\n" in zh[spans[i - 1].end : span.start] else " ")
        parts.append(en)
    return "".join(parts)
