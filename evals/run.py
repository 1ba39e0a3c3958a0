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
from evals.metrics import context_recall, facts_in, percentile, reciprocal_rank

#: Metric name → True when higher is better.
METRICS: dict[str, bool] = {
    "context_recall@1": True,
    "context_recall@3": True,
    "context_recall@5": True,
    "mrr": True,
    "fact_in_answer": True,
    "fact_in_cited": True,
    "verbatim_citation_rate": True,
    "abstain_on_unanswerable": True,
    "false_abstain_rate": False,
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
        if not self.item.answerable:
            return not self.abstained
        return self.abstained or not self.values.get("fact_in_cited") or not self.values.get("context_recall@5")


def score_item(item: EvalItem, out: dict[str, Any]) -> ItemResult:
    """Metric values for one item from an `ask --json`-shaped output."""
    contexts = [c["text"] for c in out.get("contexts", [])]
    citations = out.get("citations", [])
    answer = str(out.get("answer", ""))
    res = ItemResult(
        item, answer, bool(out.get("abstained")), citations, out.get("contexts", []), float(out.get("latency_ms", 0.0))
    )
    quotes_ok = [c["quote"] in c["text"] for c in citations]
    res.values["verbatim_quotes"] = float(sum(quotes_ok))
    res.values["quotes"] = float(len(quotes_ok))
    if item.answerable:
        for k in (1, 3, 5):
            res.values[f"context_recall@{k}"] = context_recall(item.evidence, contexts, k)
        res.values["rr"] = reciprocal_rank(item.evidence, contexts)
        in_answer = not res.abstained and facts_in(item.must_include, answer)
        cited = answer + "\n" + "\n".join(c["text"] for c in citations)
        res.values["fact_in_answer"] = float(in_answer)
        res.values["fact_in_cited"] = float(not res.abstained and facts_in(item.must_include, cited))
        res.values["false_abstain"] = float(res.abstained)
    else:
        res.values["abstained_correctly"] = float(res.abstained)
    return res


def aggregate(results: list[ItemResult]) -> dict[str, float]:
    """The named metrics over a list of item results."""
    answerable = [r for r in results if r.item.answerable]
    unanswerable = [r for r in results if not r.item.answerable]

    def mean(rs: list[ItemResult], key: str) -> float:
        return round(sum(r.values.get(key, 0.0) for r in rs) / len(rs), 4) if rs else 0.0

    quotes = sum(r.values.get("quotes", 0.0) for r in results)
    latencies = [r.latency_ms for r in results]
    out = {
        "context_recall@1": mean(answerable, "context_recall@1"),
        "context_recall@3": mean(answerable, "context_recall@3"),
        "context_recall@5": mean(answerable, "context_recall@5"),
        "mrr": mean(answerable, "rr"),
        "fact_in_answer": mean(answerable, "fact_in_answer"),
        "fact_in_cited": mean(answerable, "fact_in_cited"),
        "verbatim_citation_rate": round(sum(r.values.get("verbatim_quotes", 0.0) for r in results) / quotes, 4)
        if quotes
        else 1.0,
        "abstain_on_unanswerable": mean(unanswerable, "abstained_correctly"),
        "false_abstain_rate": mean(answerable, "false_abstain"),
        "latency_p50_ms": round(percentile(latencies, 50), 1),
        "latency_p95_ms": round(percentile(latencies, 95), 1),
    }
    out["items"] = len(results)
    return out


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
) -> list[ItemResult]:
    """Run every item through `ask`, scoring as it goes; an item that raises is scored as failed."""
    from tqdm import tqdm

    results = []
    for item in tqdm(items, desc=desc, unit="q", file=sys.stderr, disable=not show_progress or None):
        try:
            out = ask(item)
        except Exception as exc:  # one broken item must not hide the others' results
            res = score_item(item, {"answer": "", "abstained": False})
            res.error = f"{type(exc).__name__}: {exc}"
            results.append(res)
            continue
        results.append(score_item(item, out))
    return results


def write_results(results: list[ItemResult], path: Path) -> None:
    """One JSON object per item."""
    with path.open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
