"""The `hqbot` command line: ingest, ask, eval, serve, bench."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bot.errors import HqbotError
from bot.settings import load_settings


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn project errors into a one-sentence message and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HqbotError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("Interrupted.", 130)

    return wrapper


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more detail to stderr.")
def main(verbose: bool) -> None:
    """The Hongqiao CBD policy assistant: cited answers from the 2022 industrial plan and catalogue."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s", stream=sys.stderr)


@main.command()
@click.option("--corpus", "corpus", type=click.Path(path_type=Path), help="Corpus folder (default: HQBOT_CORPUS_DIR).")
@click.option("--rebuild", is_flag=True, help="Build a fresh index and switch to it when complete.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line instead of the summary.")
@friendly
def ingest(corpus: Path | None, rebuild: bool, as_json: bool) -> None:
    """Ingest the corpus into the index; only new or changed passages are embedded.

    Example: hqbot ingest --corpus ./corpus --json
    """
    from ingest.pipeline import run_ingest

    settings = load_settings(corpus_dir=corpus)
    report = run_ingest(settings, rebuild=rebuild, show_progress=not as_json)
    for problem in report.skipped:
        click.echo(f"Warning: {problem}", err=True)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        click.echo(report.summary())


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@friendly
def ask(question: str, as_json: bool) -> None:
    """Ask one question; the answer quotes the documents and cites each passage.

    Example: hqbot ask "北虹桥片区重点发展哪些产业？"
    """
    from bot.assistant import Assistant, check_question

    settings = load_settings()
    check_question(question, settings.max_question_chars)  # fail fast, before loading the index
    answer = Assistant(settings).ask(question)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        return
    click.echo(answer.text)
    if answer.citations:
        click.echo("")
        for c in answer.citations:
            click.echo(f"[{c.n}] {c.title} › {c.section}")
    elif answer.contexts:
        click.echo("")
        click.echo("Closest passages:" if answer.lang == "en" else "最接近的段落：")
        for i, c in enumerate(answer.contexts[:3], 1):
            click.echo(f"  {i}. {c.section}: {c.text[:80]}…")


@main.command()
@click.option("--host", help="Address to bind (default: HQBOT_HOST, 127.0.0.1).")
@click.option("--port", type=int, help="Port to bind (default: HQBOT_PORT, 7860).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="App processes (default: HQBOT_WORKERS, 1); more than one needs a Chroma server (HQBOT_CHROMA_URL).",
)
@friendly
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the chat page and the REST API (/api/ask, docs at /api/docs), building the index first if there is none.

    Example: HQBOT_CHROMA_URL=http://127.0.0.1:8000 hqbot serve --port 7860 --workers 2
    """
    from bot.web import launch

    launch(load_settings(host=host, port=port, workers=workers))


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out/bench"), show_default=True)
@click.option("--quick", is_flag=True, help="A smaller run that finishes in a few minutes.")
@friendly
def bench(out_dir: Path, quick: bool) -> None:
    """Measure ingest, cold start, query latency, memory and scaling; write bench.json and a plot.

    Example: hqbot bench --quick --out out/bench
    """
    from bot.bench import run_bench

    run_bench(load_settings(), out_dir, quick=quick, echo=click.echo)


@main.group(invoke_without_command=True)
@click.option("--dataset", type=click.Path(path_type=Path), help="A JSONL eval set (default: evals/reference.jsonl).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out/eval"), show_default=True)
@click.option("--baseline", type=click.Path(path_type=Path), help="Baseline file (default: evals/baseline.json).")
@click.option("--no-gate", is_flag=True, help="Report only; do not compare with the baseline.")
@click.option("--update-baseline", is_flag=True, help="Record this run's metrics as the new baseline.")
@click.option("--no-peer", is_flag=True, help="Skip the plain-pipeline comparison.")
@click.pass_context
@friendly
def eval(
    ctx: click.Context,
    dataset: Path | None,
    out_dir: Path,
    baseline: Path | None,
    no_gate: bool,
    update_baseline: bool,
    no_peer: bool,
) -> None:
    """Score the bot on a reference Q&A set and gate against the baseline (exit 1 on a regression).

    Example: hqbot eval --dataset evals/reference.jsonl --out out/eval
    """
    if ctx.invoked_subcommand is not None:
        return
    from evals.suite import evaluate, summary_table

    settings = load_settings()
    outcome = evaluate(
        settings,
        dataset=dataset,
        out_dir=out_dir,
        baseline=baseline,
        gate=not no_gate and not update_baseline,
        update_baseline=update_baseline,
        peer=not no_peer,
    )
    click.echo(summary_table(outcome.report))
    click.echo(f"Reports in {out_dir}: results.jsonl, report.json, report.md, chart.png")
    if update_baseline:
        click.echo("Baseline updated.")
        return
    if outcome.gate:
        from evals.gate import format_rows

        click.echo("\n" + format_rows(outcome.gate))
        if not outcome.passed:
            failed = ", ".join(r.metric for r in outcome.gate if not r.passed)
            _fail(f"The gate failed: {failed} regressed past tolerance.")
        click.echo("Gate passed.")


@eval.command()
@click.option(
    "--from",
    "sources",
    type=click.Path(path_type=Path, exists=True),
    required=True,
    multiple=True,
    help="Feedback log; repeat for rotated logs, oldest first (feedback.jsonl.1, then feedback.jsonl).",
)
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=Path("out/candidates.jsonl"))
@friendly
def candidates(sources: tuple[Path, ...], out_path: Path) -> None:
    """Turn thumbs-down feedback into candidate eval items for a maintainer to complete (each answer once, by
    its last rating).

    Example: hqbot eval candidates --from data/feedback.jsonl --out evals/candidates.jsonl
    """
    from evals.candidates import from_feedback

    n = from_feedback(list(sources), out_path)
    click.echo(f"Wrote {n} candidate item(s) to {out_path}; fill the fields marked TODO before adding them to a set.")


@eval.command()
@click.option(
    "--dataset",
    "datasets",
    type=click.Path(path_type=Path, exists=True),
    multiple=True,
    help="JSONL eval set(s) (default: evals/reference.jsonl; repeat the option for several).",
)
@click.option("--param", "parameter", default="support", show_default=True, help="A field of Thresholds.")
@click.option("--values", default=None, help="Comma-separated values (default: 0.3 to 0.6 by 0.05).")
@friendly
def calibrate(datasets: tuple[Path, ...], parameter: str, values: str | None) -> None:
    """Show the refusal trade-off: answerable questions refused against unanswerable ones answered.

    Example: hqbot eval calibrate --dataset evals/reference.jsonl --dataset evals/heldout.jsonl
    """
    from bot.assistant import Assistant
    from evals.calibrate import DEFAULT_VALUES, load_sets, sweep, table
    from evals.dataset import DEFAULT_SET

    try:
        grid = [float(v) for v in values.split(",")] if values else list(DEFAULT_VALUES)
    except ValueError:
        _fail(f"--values must be comma-separated numbers, not {values!r}.")
    assistant = Assistant(load_settings())
    current = getattr(assistant.composer.thresholds, parameter, None)
    if not isinstance(current, float):
        _fail(f"{parameter!r} is not a numeric answer threshold; see Thresholds in bot/answer.py.")
    rows = sweep(assistant, load_sets(list(datasets) or [DEFAULT_SET]), parameter, grid)
    click.echo(table(rows, parameter, current))


if __name__ == "__main__":  # pragma: no cover
    main()
