"""Deterministic metrics, named by what they measure (ragas' vocabulary, no LLM needed)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from evals.dataset import squash

COVERAGE = 0.8
# Catalogue rows are stored one field per line with its column header ("细分领域：双碳服务"); the
# published table has the cells side by side. A quote copied across cells is compared with both forms.
_ROW_LABEL = re.compile(r"^[^\S\n]*[^\s：:。，]{2,6}[：:]", re.MULTILINE)


def coverage(quote: str, context: str) -> float:
    """Share of `quote` covered by its longest common substring with `context` (whitespace-insensitive;
    a catalogue row's header labels are also tried without, as the row reads in the published table)."""
    q = squash(quote).replace("**", "")
    if not q:
        return 0.0
    best = 0.0
    for form in dict.fromkeys((context, _ROW_LABEL.sub("", context))):
        c = squash(form)
        if q in c:
            return 1.0
        match = SequenceMatcher(None, q, c, autojunk=False).find_longest_match(0, len(q), 0, len(c))
        best = max(best, match.size / len(q))
    return best


def found_rank(quote: str, contexts: list[str], threshold: float = COVERAGE) -> int | None:
    """1-based rank of the first context that covers the quote, or None."""
    for rank, ctx in enumerate(contexts, 1):
        if coverage(quote, ctx) >= threshold:
            return rank
    return None


def context_recall(evidence: list[str], contexts: list[str], k: int) -> float:
    """Share of the evidence quotes covered (≥ 80 %) by one of the top-k contexts."""
    if not evidence:
        return 0.0
    return sum(found_rank(q, contexts[:k]) is not None for q in evidence) / len(evidence)


def reciprocal_rank(evidence: list[str], contexts: list[str]) -> float:
    """1 / rank of the first context covering any evidence quote (0 when none does)."""
    ranks = [r for q in evidence if (r := found_rank(q, contexts)) is not None]
    return 1.0 / min(ranks) if ranks else 0.0


def facts_in(must_include: list[str], text: str) -> bool:
    """True when every key fact occurs in the text (whitespace-insensitive)."""
    flat = squash(text)
    return all(squash(s) in flat for s in must_include)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of a list of numbers."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return float(ordered[index])


_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_MARKER = re.compile(r"\[\d+\]|【[^】]*】|（[^）]*）|\([^)]*\)")


def in_language(text: str, lang: str) -> bool:
    """True when a text is written in the language: names aside (bracketed glosses and headings are left
    out), English text has at most one CJK character in five letters, Chinese text is mostly CJK."""
    body = _MARKER.sub(" ", text)
    cjk, latin = len(_CJK.findall(body)), len(_LATIN.findall(body))
    if lang == "en":
        return latin > 0 and cjk <= 0.2 * (cjk + latin)
    return cjk > 0 and cjk >= latin / 3


def quote_in_documents(quote: str, documents: str) -> bool:
    """True when a quote is the documents' own words (whitespace-insensitive); a catalogue row quoted as
    labelled cells counts when each cell is."""
    flat = squash(quote).replace("**", "")
    if flat in documents:
        return True
    cells = [squash(_ROW_LABEL.sub("", line)) for line in quote.splitlines() if line.strip()]
    return len(cells) > 1 and all(c and c in documents for c in cells) and bool(_ROW_LABEL.match(quote))


def cited_precision(evidence: list[str], cited: list[str], threshold: float = COVERAGE) -> tuple[int, int]:
    """(cited passages that hold some evidence quote, cited passages)."""
    good = sum(any(coverage(q, text) >= threshold for q in evidence) for text in cited)
    return good, len(cited)
