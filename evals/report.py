"""The human-readable report (markdown tables, every failed item) and the comparison chart (PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.run import METRICS, ItemResult

_RATES = [m for m in METRICS if not m.startswith("latency")]


def _fmt(v: object) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def _table(rows: dict[str, dict[str, Any]], metrics: list[str]) -> list[str]:
    head = "| | " + " | ".join(metrics) + " |"
    out = [head, "|" + "---|" * (len(metrics) + 1)]
    for name, vals in rows.items():
        out.append(f"| {name} | " + " | ".join(_fmt(vals.get(m, "")) for m in metrics) + " |")
    return out


def markdown(report: dict[str, Any], results: list[ItemResult], gate_text: str | None) -> str:
    """report.md: the tables, then every failed item with what was expected, said and retrieved."""
    metrics = list(METRICS) + ["items"]
    lines = ["# Evaluation report", "", f"Dataset: `{report['dataset']}` ({report['metrics']['items']} items)", ""]
    lines += ["## Bot, baseline and the plain pipeline", ""]
    rows = {"bot": report["metrics"]}
    if report.get("baseline"):
        rows["baseline"] = report["baseline"]
    if report.get("peer"):
        rows["plain pipeline"] = report["peer"]["metrics"]
    lines += _table(rows, metrics) + ["", "## By language", ""]
    lang_rows = {f"bot {k}": v for k, v in report["by_lang"].items()}
    if report.get("peer"):
        lang_rows.update({f"plain {k}": v for k, v in report["peer"]["by_lang"].items()})
    lines += _table(lang_rows, metrics) + ["", "## By category", ""]
    lines += _table(report["by_category"], metrics) + [""]
    if gate_text:
        lines += ["## Gate", "", "```", gate_text, "```", ""]
    failed = [r for r in results if r.failed]
    lines += [f"## Failed items ({len(failed)})", ""]
    for r in failed:
        lines += [f"### {r.item.id} ({r.item.lang}, {r.item.category})", "", f"**Question:** {r.item.question}", ""]
        if r.item.history:
            lines += ["**History:** " + " / ".join(t["content"][:80] for t in r.item.history), ""]
        expected = ", ".join(r.item.must_include) or "(unanswerable: should refuse)"
        lines += [f"**Expected facts:** {expected}", ""]
        if r.error:
            lines += [f"**Error:** {r.error}", ""]
        said = r.answer.replace("\n", " ")[:400]
        lines += [f"**Bot said** ({'refused' if r.abstained else 'answered'}): {said}", ""]
        lines += ["**Retrieved:**", ""]
        for i, c in enumerate(r.contexts[:5], 1):
            lines.append(f"{i}. `{c.get('section', c.get('source', ''))}` {c['text'][:90].replace(chr(10), ' ')}…")
        metrics_line = ", ".join(f"{k}={v:g}" for k, v in r.values.items())
        lines += ["", f"_{metrics_line}_", ""]
    return "\n".join(lines)


def chart(report: dict[str, Any], path: Path) -> None:
    """A PNG comparing the bot, the baseline and the plain pipeline per metric, and per language."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    series = [("bot", report["metrics"])]
    if report.get("baseline"):
        series.append(("baseline", report["baseline"]))
    if report.get("peer"):
        series.append(("plain pipeline", report["peer"]["metrics"]))
    fig, axes = plt.subplots(2, 1, figsize=(12, 8.5))
    x = np.arange(len(_RATES))
    width = 0.8 / len(series)
    for i, (name, vals) in enumerate(series):
        axes[0].bar(x + i * width, [vals.get(m, 0) for m in _RATES], width, label=name)
    axes[0].set_xticks(x + width * (len(series) - 1) / 2, _RATES, rotation=20, ha="right", fontsize=8)
    axes[0].set_ylim(0, 1.05)
    axes[0].set_title("Overall")
    axes[0].legend(fontsize=8)
    per_lang = ["context_recall@5", "mrr", "fact_in_answer", "fact_in_cited"]
    groups = []
    for lang, vals in report["by_lang"].items():
        groups.append((f"bot {lang}", vals))
        if report.get("peer"):
            groups.append((f"plain {lang}", report["peer"]["by_lang"].get(lang, {})))
    x = np.arange(len(per_lang))
    width = 0.8 / max(1, len(groups))
    for i, (name, vals) in enumerate(groups):
        axes[1].bar(x + i * width, [vals.get(m, 0) for m in per_lang], width, label=name)
    axes[1].set_xticks(x + width * (len(groups) - 1) / 2, per_lang, fontsize=8)
    axes[1].set_ylim(0, 1.05)
    axes[1].set_title("By language")
    axes[1].legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
