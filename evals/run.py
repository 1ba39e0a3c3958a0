"""The eval runner: every item through the same `ask` path the UI uses (history included), the plain
pipeline beside it, deterministic metrics overall / by language / by category."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.dataset import EvalItem
from evals.metrics import COVERAGE, coverage, percentile
from evals.score import item_values


@dataclass(frozen=True)
class Metric:
    """A named metric: the mean of a per-item value over the items that have it (or, with `per`, the sum of
    the value over the sum of `per`: a share of parts or of citations rather than of items)."""

    key: str
    higher_is_better: bool = True
    per: str | None = None


#: Metric name → how it is computed. Latency is computed apart (percentiles of every item).
METRIC_DEFS: dict[str, Metric] = {
    "context_recall@1": Metric("context_recall@1"),
    "context_recall@3": Metric("context_recall@3"),
    "context_recall@5": Metric("context_recall@5"),
    "mrr": Metric("rr"),
    "fact_in_answer": Metric("fact_in_answer"),
    "fact_in_cited": Metric("fact_in_cited"),
    "verbatim_citation_rate": Metric("verbatim_quotes", per="quotes"),
    "quotes_in_documents": Metric("quotes_in_documents", per="quotes"),
    "citation_precision": Metric("precise_citations", per="citations"),
    "abstain_on_unanswerable": Metric("abstained_correctly"),
    "false_abstain_rate": Metric("false_abstain", higher_is_better=False),
    "unanswerable_answered": Metric("answered_as_covered", higher_is_better=False),
    "part_coverage": Metric("parts_covered", per="parts"),
    "part_wrongly_not_stated": Metric("parts_wrongly_not_stated", higher_is_better=False, per="parts_answerable"),
    "standalone_as_asked": Metric("standalone_as_asked"),
    "followup_resolved": Metric("followup_resolved"),
    "answer_in_question_language": Metric("in_question_language"),
}
#: Metric name → True when higher is better (the gate's direction), latency and group metrics included.
METRICS: dict[str, bool] = {name: m.higher_is_better for name, m in METRIC_DEFS.items()} | {
    "paraphrase_agreement": True,
    "latency_p50_ms": False,
    "latency_p95_ms": False,
}


@dataclass
class ItemResult:
    """One item's output and its metric values."""

    item: EvalItem
    answer: str
    abstained: bool
    citations: list[dict[str, Any]]
    contexts: list[dict[str, Any]]
    latency_ms: float
    values: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    evidence_cited: frozenset[str] = frozenset()  # cited chunks that hold some evidence quote

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.item.id,
            "lang": self.item.lang,
            "category": self.item.category,
            "question": self.item.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": self.citations,
            "contexts": self.contexts,
            "latency_ms": round(self.latency_ms, 1),
            "metrics": self.values,
            "error": self.error,
        }

    @property
    def failed(self) -> bool:
        if self.error:
            return True
        v = self.values
        if v.get("standalone_as_asked") == 0 or v.get("followup_resolved") == 0:
            return True
        if v.get("parts_covered", 0.0) < v.get("parts", 0.0):
            return True
        if not self.item.answerable:
            return not self.abstained
        return self.abstained or not v.get("fact_in_cited") or not v.get("context_recall@5")


def score_item(item: EvalItem, out: dict[str, Any], documents: str | None = None) -> ItemResult:
    """One item's result from an `ask --json`-shaped output (`documents`: the squashed corpus, for checking
    that quotes are the documents' own words)."""
    citations = out.get("citations", [])
    res = ItemResult(
        item,
        str(out.get("answer", "")),
        bool(out.get("abstained")),
        citations,
        out.get("contexts", []),
        float(out.get("latency_ms", 0.0)),
    )
    res.values = item_values(item, out, documents)
    res.evidence_cited = frozenset(
        c["chunk_id"] for c in citations if any(coverage(q, c["text"]) >= COVERAGE for q in item.evidence)
    )
    return res


def aggregate(results: list[ItemResult]) -> dict[str, float]:
    """The named metrics over a list of item results (a metric no item has is left out)."""
    out: dict[str, float] = {}
    for name, m in METRIC_DEFS.items():
        having = [r.values for r in results if m.key in r.values]
        if m.per is not None:
            total = sum(v.get(m.per, 0.0) for v in having)
            if total:
                out[name] = round(sum(v[m.key] for v in having) / total, 4)
            elif name == "verbatim_citation_rate":
                out[name] = 1.0
        elif having:
            out[name] = round(sum(v[m.key] for v in having) / len(having), 4)
    if (agreement := paraphrase_agreement(results)) is not None:
        out["paraphrase_agreement"] = agreement
    latencies = [r.latency_ms for r in results]
    out["latency_p50_ms"] = round(percentile(latencies, 50), 1)
    out["latency_p95_ms"] = round(percentile(latencies, 95), 1)
    out["items"] = len(results)
    return out


def paraphrase_agreement(results: list[ItemResult]) -> float | None:
    """The share of paraphrase groups whose answers agree on refusing and cite the same evidence (None when
    no item belongs to a group)."""
    groups: dict[str, list[ItemResult]] = {}
    for r in results:
        if r.item.group:
            groups.setdefault(r.item.group, []).append(r)
    if not groups:
        return None

    def agree(rs: list[ItemResult]) -> bool:
        if len({r.abstained for r in rs}) > 1:
            return False
        if rs[0].abstained:
            return True
        if not rs[0].item.answerable:
            return len({frozenset(c["chunk_id"] for c in r.citations) for r in rs}) == 1
        return len({r.evidence_cited for r in rs}) == 1 and bool(rs[0].evidence_cited)

    return round(sum(agree(rs) for rs in groups.values()) / len(groups), 4)


def breakdown(results: list[ItemResult]) -> dict[str, Any]:
    """Metrics overall, by language and by category."""
    langs = sorted({r.item.lang for r in results})
    cats = sorted({r.item.category for r in results})
    return {
        "metrics": aggregate(results),
        "by_lang": {lang: aggregate([r for r in results if r.item.lang == lang]) for lang in langs},
        "by_category": {c: aggregate([r for r in results if r.item.category == c]) for c in cats},
    }


def run_items(
    items: list[EvalItem],
    ask: Callable[[EvalItem], dict[str, Any]],
    *,
    desc: str = "Evaluating",
    show_progress: bool = True,
    documents: str | None = None,
) -> list[ItemResult]:
    """Run every item through `ask`, scoring as it goes; an item that raises is scored as failed."""
    from tqdm import tqdm

    results = []
    for item in tqdm(items, desc=desc, unit="q", file=sys.stderr, disable=not show_progress or None):
        try:
            out = ask(item)
        except Exception as exc:  # one broken item must not hide the others' results
            res = score_item(item, {"answer": "", "abstained": False}, documents)
            res.error = f"{type(exc).__name__}: {exc}"
            results.append(res)
            continue
        results.append(score_item(item, out, documents))
    return results


def write_results(results: list[ItemResult], path: Path) -> None:
    """One JSON object per item."""
    with path.open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
