"""`hqbot eval`: run a dataset through the bot and the plain pipeline, write the reports, apply the gate."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.settings import Settings
from evals.dataset import DEFAULT_SET, corpus_text, load_dataset
from evals.gate import GateRow, baseline_for, compare, format_rows, load_baseline, write_baseline
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
    results = run_items(
        items,
        lambda it: assistant.ask(it.question, it.history).to_json(),
        show_progress=show_progress,
        documents=corpus_text(settings.corpus_dir),
    )
    report: dict[str, Any] = {"dataset": str(dataset), **breakdown(results)}
    if peer:
        from evals.peer import PlainRAG

        plain = PlainRAG(settings.corpus_dir, assistant.embeddings)
        peer_results = run_items(
            items, lambda it: plain.ask(it.question), desc="Plain pipeline", show_progress=show_progress
        )
        peer_report = breakdown(peer_results)
        report["peer"] = {"metrics": peer_report["metrics"], "by_lang": peer_report["by_lang"]}
    baseline_path = baseline or baseline_for(dataset)
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


#: Every committed eval set, each with its baseline in evals/baselines/.
COMMITTED_SETS = tuple(sorted(DEFAULT_SET.parent.glob("*.jsonl")))
#: The columns of the one-line-per-set summary of `hqbot eval --all`.
ALL_COLUMNS = (
    "context_recall@5",
    "fact_in_answer",
    "fact_in_cited",
    "false_abstain_rate",
    "abstain_on_unanswerable",
    "citation_precision",
    "part_coverage",
    "part_wrongly_not_stated",
    "standalone_as_asked",
    "followup_resolved",
    "answer_in_question_language",
    "paraphrase_agreement",
)


def evaluate_all(
    settings: Settings,
    *,
    out_dir: Path,
    gate: bool = True,
    update_baseline: bool = False,
    show_progress: bool = True,
    assistant: Any = None,
) -> list[EvalOutcome]:
    """Every committed set through one assistant, each gated against its own baseline."""
    from bot.assistant import Assistant

    assistant = assistant or Assistant(settings)
    return [
        evaluate(
            settings,
            dataset=path,
            out_dir=out_dir / path.stem,
            gate=gate and not update_baseline and baseline_for(path).exists(),
            update_baseline=update_baseline,
            peer=False,
            show_progress=show_progress,
            assistant=assistant,
        )
        for path in COMMITTED_SETS
    ]


def sets_table(outcomes: list[EvalOutcome]) -> str:
    """One line per set: its key metrics (blank where a metric does not apply) and whether its gate passed."""
    short = [
        c.replace("context_recall@5", "recall@5").replace("answer_in_question_language", "in_language")
        for c in ALL_COLUMNS
    ]
    lines = [f"{'set':<13}" + "".join(f"{c[:12]:>13}" for c in short) + "   gate"]
    for o in outcomes:
        m = o.report["metrics"]
        cells = "".join(f"{m[c]:>13.3f}" if c in m else f"{'':>13}" for c in ALL_COLUMNS)
        verdict = "-" if not o.gate else "pass" if o.passed else "FAIL"
        lines.append(f"{Path(o.report['dataset']).stem:<13}{cells}   {verdict}")
    return "\n".join(lines)


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
