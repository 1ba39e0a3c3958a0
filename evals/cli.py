"""`hqbot eval`: score the bot on the eval sets, gate against baselines, turn feedback into candidates, show
the refusal trade-off. Registered with the `hqbot` command through the `hqbot.commands` entry point."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli import _fail, friendly
from bot.settings import load_settings


def datasets_option(help: str):
    """--dataset, repeatable, for the commands that read several sets."""
    return click.option("--dataset", "datasets", type=click.Path(path_type=Path, exists=True), multiple=True, help=help)


@click.group(invoke_without_command=True)
@click.option("--dataset", type=click.Path(path_type=Path), help="A JSONL eval set (default: evals/reference.jsonl).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out/eval"), show_default=True)
@click.option("--all", "all_sets", is_flag=True, help="Every committed set, each against its own baseline.")
@click.option("--baseline", type=click.Path(path_type=Path), help="Baseline file (default: evals/baselines/SET.json).")
@click.option("--no-gate", is_flag=True, help="Report only; do not compare with the baseline.")
@click.option("--update-baseline", is_flag=True, help="Record this run's metrics as the new baseline.")
@click.option("--no-peer", is_flag=True, help="Skip the plain-pipeline comparison.")
@click.pass_context
@friendly
def eval(
    ctx: click.Context,
    dataset: Path | None,
    out_dir: Path,
    all_sets: bool,
    baseline: Path | None,
    no_gate: bool,
    update_baseline: bool,
    no_peer: bool,
) -> None:
    """Score the bot on a reference Q&A set and gate against its baseline (exit 1 on a regression).

    Example: hqbot eval --dataset evals/conversation.jsonl --out out/eval; hqbot eval --all
    """
    if ctx.invoked_subcommand is not None:
        return
    from evals.suite import evaluate, evaluate_all, sets_table, summary_table

    settings = load_settings()
    if all_sets:
        outcomes = evaluate_all(settings, out_dir=out_dir, gate=not no_gate, update_baseline=update_baseline)
        click.echo(sets_table(outcomes))
        click.echo(f"Reports in {out_dir}/SET/: results.jsonl, report.json, report.md, chart.png")
        failed = [Path(o.report["dataset"]).stem for o in outcomes if o.gate and not o.passed]
        if failed:
            _fail(f"The gate failed on {', '.join(failed)}: see report.md of each.")
        click.echo("Baselines updated." if update_baseline else "Gate passed on every set." if not no_gate else "")
        return
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
@datasets_option("JSONL eval set(s) (default: evals/reference.jsonl; repeat the option for several).")
@click.option(
    "--param",
    "parameter",
    default=None,
    help="A field of EngineConfig (bot/qa/config.py), or model_threshold for the fitted decision model "
    "(default: the threshold of whichever decides, per bot/qa/decision.json: support for the rules).",
)
@click.option("--values", default=None, help="Comma-separated values (default: 0.3 to 0.6 by 0.05).")
@friendly
def calibrate(datasets: tuple[Path, ...], parameter: str | None, values: str | None) -> None:
    """Show the refusal trade-off: answerable questions refused against unanswerable ones answered, for the
    threshold of whichever decides (bot/qa/decision.json) or the one named.

    Example: hqbot eval calibrate --dataset evals/reference.jsonl --param model_threshold
    """
    from bot.assistant import Assistant
    from evals.calibrate import DEFAULT_VALUES, MODEL_THRESHOLD, fitted_model, load_sets, sweep, table
    from evals.dataset import DEFAULT_SET

    try:
        grid = [float(v) for v in values.split(",")] if values else list(DEFAULT_VALUES)
    except ValueError:
        _fail(f"--values must be comma-separated numbers, not {values!r}.")
    assistant = Assistant(load_settings())
    model = assistant.config.decision
    parameter = parameter or (MODEL_THRESHOLD if model is not None else "support")
    if parameter == MODEL_THRESHOLD:
        current = model.threshold if model is not None else fitted_model().threshold
        grid = grid if values else [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    else:
        current = getattr(assistant.config, parameter, None)
    if not isinstance(current, float):
        _fail(f"{parameter!r} is not a numeric answer threshold; see EngineConfig in bot/qa/config.py.")
    rows = sweep(assistant, load_sets(list(datasets) or [DEFAULT_SET]), parameter, grid)
    click.echo(table(rows, parameter, current))


@eval.command()
@datasets_option("JSONL eval sets to fit and cross-validate on, one fold each (default: every committed set).")
@click.option("--write", is_flag=True, help="Write the fitted model and the side that decides to bot/qa/decision.json.")
@friendly
def decide(datasets: tuple[Path, ...], write: bool) -> None:
    """Fit the answer-or-refuse model with cross-validation by set and compare its out-of-fold errors with
    the rules'.

    Example: hqbot eval decide --write
    """
    from bot.assistant import Assistant
    from evals import decide as fitting
    from evals.suite import COMMITTED_SETS

    comparison = fitting.cross_validate(Assistant(load_settings()), list(datasets) or list(COMMITTED_SETS))
    click.echo(fitting.table(comparison))
    click.echo(
        "The rules' thresholds were set on reference, heldout and blind: on those three their errors are in-sample."
    )
    if write:
        fitting.write(comparison)
        click.echo(f"Wrote {fitting.MODEL_FILE}: {comparison.use} decides.")
