"""The web app (placeholder until the chat UI lands): `build_app()` returns the Gradio Blocks, `launch()` serves it."""

from __future__ import annotations

import logging

import gradio as gr

from bot.errors import HqbotError, IndexMissingError
from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)


def ensure_index(settings: Settings) -> str:
    """Ingest the corpus when there is no index yet; returns a status line."""
    from ingest.embed import load_embeddings
    from ingest.pipeline import run_ingest
    from ingest.store import open_index

    try:
        open_index(settings).require(load_embeddings(settings.embeddings).model_id)
        return "The index is ready."
    except IndexMissingError:
        print("No index yet: building the index from the bundled corpus…", flush=True)
        report = run_ingest(settings)
        print(report.summary(), flush=True)
        return report.summary()


def build_app(settings: Settings | None = None, status: str = "") -> gr.Blocks:
    """The Gradio app."""
    with gr.Blocks(title="Hongqiao CBD policy assistant") as app:
        gr.Markdown("# Hongqiao CBD policy assistant\nThe chat interface is coming; the index is built.")
        gr.Markdown(status)
    return app


def launch(settings: Settings | None = None) -> None:
    """Build the index if needed, then serve the app on HQBOT_HOST:HQBOT_PORT."""
    settings = settings or load_settings()
    try:
        status = ensure_index(settings)
    except HqbotError as exc:
        raise SystemExit(f"Error: {exc}") from None
    build_app(settings, status).launch(server_name=settings.host, server_port=settings.port, share=settings.share)
