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


class PluginGroup(click.Group):
    """A group that also offers the commands other packages register under the `hqbot.commands` entry point
    (`hqbot eval` from evals/cli.py), loaded when first asked for, so the bot does not import them."""

    def _plugins(self) -> dict[str, click.Command]:
        from importlib.metadata import entry_points

        return {ep.name: ep for ep in entry_points(group="hqbot.commands") if ep.name not in self.commands}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self._plugins()])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and (ep := self._plugins().get(name)) is not None:
            self.add_command(ep.load(), name)
        return super().get_command(ctx, name)


@click.group(cls=PluginGroup)
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
@click.option(
    "--lang", type=click.Choice(["auto", "zh", "en"]), default="auto", show_default=True,
    help="Answer language (auto: the question's).",
)  # fmt: skip
@friendly
def ask(question: str, as_json: bool, lang: str) -> None:
    """Ask one question; the answer quotes the documents and cites each passage.

    Example: hqbot ask "北虹桥片区重点发展哪些产业？"
    """
    from bot.assistant import Assistant, check_question

    settings = load_settings()
    check_question(question, settings.max_question_chars)  # fail fast, before loading the index
    answer = Assistant(settings).ask(question, lang=lang)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        return
    click.echo(answer.text)
    if answer.citations:
        click.echo("")
        for c in answer.citations:
            click.echo(
                f"[{c.n}] {c.title} › {c.section_en if answer.answer_lang == 'en' and c.section_en else c.section}"
            )
    elif answer.contexts:
        click.echo("")
        click.echo("Closest passages:" if answer.answer_lang == "en" else "最接近的段落：")
        for i, c in enumerate(answer.contexts[:3], 1):
            click.echo(f"  {i}. {c.section}: {c.text[:80]}…")


@main.command()
@click.option("--missing", "show_missing", is_flag=True, help="List the units that have no English.")
@click.option("--fill", is_flag=True, help="Draft the missing English with the configured LLM (marked unreviewed).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@friendly
def translate(show_missing: bool, fill: bool, as_json: bool) -> None:
    """Check the parallel English text (coverage, figures, names); list or fill what is missing.

    Example: hqbot translate --missing --json
    """
    from bot import parallel
    from bot.qa.glossary import load_glossary
    from ingest.embed import load_embeddings
    from ingest.pipeline import corpus_chunks
    from ingest.translations import ParallelText

    settings = load_settings()
    chunks, _, _ = corpus_chunks(settings, load_embeddings(settings.embeddings))
    text = ParallelText.load(settings.corpus_dir)
    glossary = load_glossary(settings.glossary)
    missing = text.missing(chunks)
    if fill:
        from bot.llm import chat_model

        model = chat_model(settings)  # one sentence and exit 1 when no LLM is configured
        drafts, problems = parallel.fill(missing, model, glossary)
        for doc in dict.fromkeys(d for d, _ in drafts):
            parallel.write_filled(settings.corpus_dir, doc, [e for d, e in drafts if d == doc])
        for problem in problems:
            click.echo(f"Warning: {problem}", err=True)
        click.echo(
            f"Drafted {len(drafts)} of {len(missing)} missing unit(s), marked unreviewed; review them, then ingest."
        )
        return
    if show_missing:
        if as_json:
            click.echo(json.dumps([{"document": d, "kind": k, "zh": z} for d, k, z in missing], ensure_ascii=False))
        else:
            for d, k, z in missing:
                click.echo(f"{d}\t{k}\t{z}")
            click.echo(f"{len(missing)} unit(s) have no English.", err=True)
        return
    report = parallel.check(chunks, text, glossary)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "units": report.units,
                    "translated": report.translated,
                    "reviewed": report.reviewed,
                    "orphans": len(report.orphans),
                    "figure_errors": len(report.figure_errors),
                    "names_checked": report.names_checked,
                    "name_errors": len(report.name_errors),
                }
            )
        )
    else:
        click.echo(report.summary())
    if report.missing or report.orphans or report.figure_errors or report.name_errors:
        sys.exit(1)


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


if __name__ == "__main__":  # pragma: no cover
    main()
