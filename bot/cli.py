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


if __name__ == "__main__":  # pragma: no cover
    main()
