"""Checks of the parallel English text (corpus/translations/) against the corpus and the glossary, and the
`hqbot translate` command that lists what is missing and fills it through the optional LLM."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.qa.glossary import Glossary, Term, plural_forms
from ingest.chunk import Chunk
from ingest.figures import missing_figures
from ingest.translations import SUFFIX, TRANSLATIONS, Entry, ParallelText

#: Glossary kinds that name a thing: where the Chinese names one, the English must use its English name.
NAME_KINDS = frozenset(
    {"industry", "subfield", "direction", "zone", "circle", "axis", "place", "platform", "org", "measure", "target",
     "document"}
)  # fmt: skip


@dataclass
class CheckReport:
    """What the mechanical checks found over every translated unit."""

    units: int = 0
    translated: int = 0
    reviewed: int = 0
    missing: list[tuple[str, str, str]] = field(default_factory=list)
    orphans: list[tuple[str, str]] = field(default_factory=list)
    figure_errors: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (doc, zh, figures missing)
    names_checked: int = 0
    name_errors: list[tuple[str, str, str]] = field(default_factory=list)  # (doc, zh, term)

    @property
    def coverage(self) -> float:
        return self.translated / self.units if self.units else 1.0

    @property
    def names_rate(self) -> float:
        return 1 - len(self.name_errors) / self.names_checked if self.names_checked else 1.0

    def summary(self) -> str:
        return (
            f"{self.translated}/{self.units} units translated ({self.coverage:.1%}), {self.reviewed} reviewed; "
            f"{len(self.orphans)} orphan entries; {len(self.figure_errors)} units with a figure not rendered; "
            f"glossary names rendered {self.names_checked - len(self.name_errors)}/{self.names_checked} "
            f"({self.names_rate:.1%})."
        )


def _names(term: Term) -> set[str]:
    base = {re.sub(r"\s*\([^)]*\)", "", term.en).strip(), term.en, *term.aliases}
    return {f for b in base if b for f in plural_forms(b.lower().replace("’", "'"))}


def named_terms(glossary: Glossary, zh: str) -> list[Term]:
    """The glossary's names (by kind) that a Chinese unit contains as written."""
    return [m.term for m in glossary.match_chinese(zh) if m.term.kind in NAME_KINDS and m.text == m.term.zh]


def uses_name(term: Term, en: str) -> bool:
    """True when the English uses the term's English name or one of its aliases (as a whole phrase)."""
    text = en.lower().replace("’", "'")
    return any(re.search(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])", text) for n in _names(term))


def check(chunks: list[Chunk], parallel: ParallelText, glossary: Glossary) -> CheckReport:
    """Coverage of the chunks' units, orphans, figures and names over every entry."""
    report = CheckReport()
    report.missing = parallel.missing(chunks)
    report.orphans = parallel.orphans(chunks)
    units = {(c.doc_id, zh) for c in chunks for zh in _unit_keys(c)}
    report.units = len(units)
    report.translated = report.units - len(report.missing)
    for doc, table in parallel.entries.items():
        for entry in table.values():
            report.reviewed += entry.reviewed
            if miss := missing_figures(entry.zh, entry.en):
                report.figure_errors.append((doc, entry.zh, miss))
            for term in named_terms(glossary, entry.zh):
                report.names_checked += 1
                if not uses_name(term, entry.en):
                    report.name_errors.append((doc, entry.zh, term.zh))
    return report


def _unit_keys(chunk: Chunk) -> set[str]:
    from ingest.units import key, translatable

    return {key(zh) for _, zh in translatable(chunk.text, chunk.kind, chunk.section_path)}


FILL_PROMPT = (
    "Translate one unit (a sentence, a heading or a table cell) of a Shanghai government policy document into "
    "plain business English for investors. Translate everything it says and add nothing. Keep every figure "
    "exactly (digits stay digits; 亿元 amounts in billions of yuan: 5000 亿元 = 500 billion yuan; dates as "
    "14 September 2022). Use these English names: {names}. Reply with the English only.\n\n{zh}"
)


def fill(
    missing: list[tuple[str, str, str]], model: Any, glossary: Glossary
) -> tuple[list[tuple[str, Entry]], list[str]]:
    """Draft English for missing units with a chat model: (document, entry) pairs marked unreviewed, and one
    problem per unit whose draft drops a figure (those are left missing)."""
    drafts: list[tuple[str, Entry]] = []
    problems: list[str] = []
    for doc, kind, zh in missing:
        names = "; ".join(f"{t.zh} = {t.en}" for t in named_terms(glossary, zh)) or "(none)"
        reply = model.invoke([("human", FILL_PROMPT.format(names=names, zh=zh))])
        en = str(getattr(reply, "content", reply)).strip()
        if not en or (lost := missing_figures(zh, en)):
            problems.append(
                f"The draft for {zh[:30]}… drops {', '.join(lost) if en else 'everything'}; left it missing."
            )
            continue
        drafts.append((doc, Entry(kind, zh, en, reviewed=False, note="LLM draft: not yet reviewed")))
    return drafts, problems


def write_filled(corpus_dir: Path, doc_id: str, entries: list[Entry]) -> Path:
    """Append new entries to a document's translation file (marked unreviewed by the caller)."""
    folder = corpus_dir / TRANSLATIONS
    folder.mkdir(exist_ok=True)
    path = folder / f"{doc_id}{SUFFIX}"
    with path.open("a", encoding="utf-8") as fh:
        for e in entries:
            row = {"kind": e.kind, "section": e.section, "zh": e.zh, "en": e.en, "reviewed": e.reviewed}
            fh.write(json.dumps(row | ({"note": e.note} if e.note else {}), ensure_ascii=False) + "\n")
    return path
