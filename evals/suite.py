"""`hqbot eval`: run a dataset through the bot and the plain pipeline, write the reports, apply the gate."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.settings import Settings
from evals.dataset import DEFAULT_SET, load_dataset
from evals.gate import BASELINE, GateRow, compare, format_rows, load_baseline, write_baseline
from evals.report import chart, markdown
from evals.run import ItemResult, breakdown, run_items, write_results


@dataclass
class EvalOutcome:
    """What an eval run produced."""

    report: dict[str, Any]
    results: list[ItemResult]
    gate: list[GateRow] = field(default_factory=list)
    out_dir: Path | None = None

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.gate)


def evaluate(
    settings: Settings,
    *,
    dataset: Path | None = None,
    out_dir: Path,
    baseline: Path | None = None,
    gate: bool = True,
    update_baseline: bool = False,
    peer: bool = True,
    show_progress: bool = True,
    assistant: Any = None,
) -> EvalOutcome:
    """Score every item through the same `ask` path as the UI; optionally compare to the baseline."""
    from bot.assistant import Assistant

    dataset = dataset or DEFAULT_SET
    items = load_dataset(dataset)
    assistant = assistant or Assistant(settings)
    results = run_items(items, lambda it: assistant.ask(it.question, it.history).to_json(), show_progress=show_progress)
    report: dict[str, Any] = {"dataset": str(dataset), **breakdown(results)}
    if peer:
        from evals.peer import PlainRAG

        plain = PlainRAG(settings.corpus_dir, assistant.embeddings)
        peer_results = run_items(
            items, lambda it: plain.ask(it.question), desc="Plain pipeline", show_progress=show_progress
        )
        peer_report = breakdown(peer_results)
        report["peer"] = {"metrics": peer_report["metrics"], "by_lang": peer_report["by_lang"]}
    baseline_path = baseline or BASELINE
    rows: list[GateRow] = []
    if update_baseline:
        write_baseline(report["metrics"], baseline_path, dataset=dataset.name)
    if gate or baseline_path.exists():
        base = load_baseline(baseline_path)
        report["baseline"] = base.get("metrics", {})
        rows = compare(report["metrics"], base) if gate else []
    out_dir.mkdir(parents=True, exist_ok=True)
    write_results(results, out_dir / "results.jsonl")
    report["gate"] = [
        {"metric": r.metric, "current": r.current, "baseline": r.baseline, "delta": r.delta, "pass": r.passed}
        for r in rows
    ]
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    gate_text = format_rows(rows) if rows else None
    (out_dir / "report.md").write_text(markdown(report, results, gate_text), encoding="utf-8")
    chart(report, out_dir / "chart.png")
    return EvalOutcome(report, results, rows, out_dir)


def summary_table(report: dict[str, Any]) -> str:
    """The terminal summary: bot and plain pipeline, overall and by language."""
    cols = [("bot", report["metrics"])]
    cols += [(f"bot {k}", v) for k, v in report["by_lang"].items()]
    if report.get("peer"):
        cols += [("plain", report["peer"]["metrics"])]
        cols += [(f"plain {k}", v) for k, v in report["peer"]["by_lang"].items()]
    names = [m for m in report["metrics"] if m != "items"]
    lines = [f"{'metric':<26}" + "".join(f"{c:>11}" for c, _ in cols)]
    for m in names:
        lines.append(f"{m:<26}" + "".join(f"{v.get(m, 0):>11.4g}" for _, v in cols))
    lines.append(f"{'items':<26}" + "".join(f"{v.get('items', 0):>11}" for _, v in cols))
    return "\n".join(lines)
