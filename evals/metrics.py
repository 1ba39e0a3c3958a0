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
