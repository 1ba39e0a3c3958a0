"""The web app: `build_app()` returns the Gradio chat page, `create_server()` the FastAPI app that serves it with
the REST API and the login in front, and `launch()` serves that with uvicorn, in one process or in N workers.

The page keeps its conversation itself and its events are plain HTTP calls (no Gradio queue, no server-side session
state), so any worker can answer any turn. Gradio's `/ask` endpoint stays queued, as Gradio clients expect, and is
offered by a single process only: with several workers, a client's call and its result stream could reach
different processes. The REST API has no such limit.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import gradio as gr
from fastapi import FastAPI

from bot.errors import HqbotError
from bot.settings import Settings, load_settings
from bot.web import api
from bot.web.auth import AuthMiddleware, Logins
from bot.web.chat import WebBot
from bot.web.limits import CONCURRENCY, QUEUE_SIZE, BodyLimit
from bot.web.live import LiveAssistant
from bot.web.render import CSS, EMPTY_EVIDENCE, HEAD, banner_html
from bot.web.session import Chat

#: Gradio sessions remembered per process (the conversation is on the page; this is only Gradio's bookkeeping),
#: and events its queue keeps figures of (Gradio's default, 10,000, grows a process by ~10 MB for nothing we read).
SESSIONS_KEPT = 64
EVENTS_KEPT = 500
#: Threads for handlers: enough for every answering slot and queue place, so the Gate decides who waits.
THREADS = CONCURRENCY + QUEUE_SIZE + 32

EXAMPLES = [
    "北虹桥片区重点发展哪些产业？",
    "生命新科技包括哪些细分领域？",
    "到2025年商务区的规模目标是什么？",
    "Which zone focuses on new energy vehicles?",
    "What does the catalogue list under the digital economy?",
    "What are the 2025 targets for foreign-invested companies?",
]
INTRO = (
    "# Hongqiao CBD policy assistant · 虹桥国际中央商务区产业政策助手\n"
    "Ask in Chinese or English about the 2022 *Industrial Development Plan* and *Key Industry Catalogue*. "
    "Every answer quotes the documents; **[n]** points to the passage shown under *Evidence*. "
    "Follow-ups such as 「那南虹桥呢？」 or *And the south zone?* continue the conversation. "
    "For other systems: the [REST API](/api/docs)."
)


def build_app(
    settings: Settings | None = None, bot: WebBot | None = None, *, logout: bool = False, gradio_api: bool = True
) -> gr.Blocks:
    """The Gradio chat page (with a log-out link when there is a login) and Gradio's `/ask` endpoint (left out with
    `gradio_api=False`); without a bot, one is made and loaded in the background."""
    if bot is None:
        bot = WebBot(settings)
        bot.live.start()
    turns = bot.settings.history_turns
    plain: dict[str, Any] = {"api_visibility": "private", "queue": False}
    with gr.Blocks(title="Hongqiao CBD policy assistant", analytics_enabled=False) as app:
        gr.Markdown(INTRO + (" [Log out](/logout)." if logout else ""), elem_classes="hq-intro")
        banner = gr.HTML(banner_html(bot.live.state, bot.live.message), elem_id="hq-banner")
        timer = gr.Timer(2.0)
        state = gr.JSON(Chat().to_state(), visible=False, elem_id="hq-state")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chatbot = gr.Chatbot(
                    label="Chat",
                    show_label=False,
                    elem_id="hq-chat",
                    height=520,
                    sanitize_html=True,
                    render_markdown=True,
                    latex_delimiters=[],
                    allow_tags=False,
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy"],
                )
                with gr.Row(elem_id="hq-ask-row"):
                    question = gr.Textbox(
                        placeholder="Ask about sectors, zones, targets… 例如：北虹桥片区重点发展哪些产业？",
                        show_label=False,
                        lines=1,
                        max_lines=6,
                        scale=5,
                        min_width=200,
                        elem_id="hq-question",
                    )
                    ask_btn = gr.Button("Ask 提问", variant="primary", scale=1, min_width=90, elem_id="hq-ask")
                with gr.Row():
                    comment = gr.Textbox(
                        placeholder="Optional comment, sent when you click thumbs up / down on an answer",
                        show_label=False,
                        scale=5,
                        min_width=200,
                        elem_id="hq-comment",
                    )
                    clear_btn = gr.Button("Clear 清空", scale=1, min_width=90, elem_id="hq-clear")
                lang = gr.Radio(
                    [("Auto", "auto"), ("中文", "zh"), ("English", "en")],
                    value="auto",
                    label="Answer language · 回答语言",
                    elem_id="hq-lang",
                )
                note = gr.Markdown(elem_id="hq-note")
                examples = gr.Examples(
                    EXAMPLES, inputs=question, label="Examples 示例 (click to ask)", api_visibility="private"
                )
            with gr.Column(scale=2, min_width=300, elem_id="hq-evidence-col"):
                gr.Markdown("### Evidence · 原文依据")
                evidence = gr.HTML(EMPTY_EVIDENCE, elem_id="hq-evidence")

        def submit(text: str, saved: Any, language: str = "auto") -> tuple[list[dict[str, str]], dict, str, str]:
            chat, html = bot.respond(text, Chat.from_state(saved, turns), language)
            return chat.messages, chat.to_state(), html, ""

        def clear() -> tuple[list[Any], dict, str, str, str]:
            return [], Chat().to_state(), EMPTY_EVIDENCE, "", ""

        def like(saved: Any, text: str, data: gr.LikeData) -> tuple[str, str, dict]:
            chat = Chat.from_state(saved, turns)
            message = bot.feedback(chat, data.index, data.liked, text or "")
            return message, ("" if message.startswith("Thanks") else text), chat.to_state()

        def select(saved: Any, data: gr.SelectData) -> str:
            return bot.evidence_for(Chat.from_state(saved, turns), data.index)

        def ask(question: str, history: list[dict[str, str]] | None = None, lang: str = "auto") -> dict[str, Any]:
            """Ask the bot one question (with the conversation so far, for follow-ups); returns the JSON of
            `hqbot ask --json` with an `answer_id`, or {"error": "..."}."""
            return bot.ask_json(question, history, lang)

        outputs = [chatbot, state, evidence, question]
        question.submit(submit, [question, state, lang], outputs, **plain)
        examples.load_input_event.then(submit, [question, state, lang], outputs, **plain)
        ask_btn.click(submit, [question, state, lang], outputs, **plain)
        clear_btn.click(clear, None, [chatbot, state, evidence, question, note], **plain)
        chatbot.like(like, [state, comment], [note, comment, state], **plain)
        chatbot.select(select, [state], [evidence], **plain)
        app.load(bot.banner, None, [banner, timer], **plain)
        timer.tick(bot.banner, None, [banner, timer], **plain)
        if gradio_api:  # Gradio's queue lives in one process: a client's call and its result stream must meet there
            gr.api(ask, api_name="ask", concurrency_limit=CONCURRENCY)
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    app._queue.ANALYTICS_MAX_EVENTS = EVENTS_KEPT
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def create_server(settings: Settings | None = None, bot: WebBot | None = None) -> FastAPI:
    """The FastAPI app: the REST API under /api, the chat page at /, and the login in front of both. Without a bot,
    one is made and loaded in the background (a worker of several does not build a missing index)."""
    settings = settings or load_settings()
    logins = Logins.from_settings(settings)
    if bot is None:
        bot = WebBot(settings, live=LiveAssistant(settings, build_index=settings.workers == 1))
        bot.live.start()
    blocks = build_app(settings, bot, logout=logins is not None, gradio_api=settings.workers == 1)
    blocks.state_session_capacity = SESSIONS_KEPT
    server = FastAPI(
        title="Hongqiao CBD policy assistant",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    api.install(server, bot.live, settings)
    server = gr.mount_gradio_app(
        server,
        blocks,
        path="/",
        css=CSS,
        head=HEAD,
        footer_links=[],  # the page links the REST API's docs itself
        run_history=False,
        max_file_size="1mb",  # the app takes no uploads; Gradio's upload route is capped all the same
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
    )
    private = {fn.api_name for fn in blocks.fns.values() if fn.api_visibility == "private" and fn.api_name}
    server.add_middleware(AuthMiddleware, logins=logins, private_names=private)
    server.add_middleware(BodyLimit)
    server.state.bot = bot
    return server


class Server:
    """One app process served by uvicorn, in the calling thread (`run`) or a background one (`start`, `close`)."""

    def __init__(self, app: FastAPI, settings: Settings) -> None:
        import uvicorn

        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=5,
        )
        self.app, self.server = app, uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        self.server.run()

    def start(self, timeout: float = 60) -> Server:
        self._thread = threading.Thread(target=self.server.run, name="hqbot-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("The web server did not start (is the port taken?).")
            time.sleep(0.05)
        return self

    def close(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
        self.app.state.bot.live.stop()


def launch(settings: Settings | None = None, *, block: bool = True) -> Server | None:
    """Serve the app on HQBOT_HOST:HQBOT_PORT (HQBOT_WORKERS processes); the index is built meanwhile if missing."""
    settings = settings or load_settings()
    if settings.workers > 1:
        serve_workers(settings)
        return None
    try:
        app = create_server(settings)
    except HqbotError as exc:
        raise SystemExit(f"Error: {exc}") from None
    _announce(settings, 1)
    server = Server(app, settings)
    if not block:
        return server.start()
    server.run()
    return None


def serve_workers(settings: Settings) -> None:
    """N app processes on one port, sharing the Chroma server of HQBOT_CHROMA_URL (an embedded index is opened by
    one process only). The index is built first when there is none; login cookies are valid in every worker."""
    import uvicorn

    if not settings.chroma_url:
        raise SystemExit(
            f"Error: {settings.workers} workers need a Chroma server they can share: start `chroma run --path "
            "data/chroma --host 127.0.0.1 --port 8000` and set HQBOT_CHROMA_URL=http://127.0.0.1:8000 "
            "(the embedded index serves one process)."
        )
    try:
        Logins.from_settings(settings)  # a bad login setting stops here, not in every worker
        _ensure_index_once(settings)
    except HqbotError as exc:
        raise SystemExit(f"Error: {exc}") from None
    os.environ["HQBOT_WORKERS"] = str(settings.workers)
    os.environ.setdefault("HQBOT_SESSION_SECRET", secrets.token_urlsafe(32))  # shared by the workers it starts
    _announce(settings, settings.workers)
    uvicorn.run(
        "bot.web.app:create_server",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )


def _ensure_index_once(settings: Settings) -> None:
    """Before the workers start: build the index in a child process when there is none (the workers then load it)."""
    from bot.errors import IndexMissingError, StoreUnavailableError
    from ingest.store import open_index

    try:
        if open_index(settings).active_name() is not None:
            return
    except StoreUnavailableError as exc:
        print(f"Warning: {exc} The workers will keep trying.", file=sys.stderr, flush=True)
        return
    except IndexMissingError:
        pass
    print("No index yet: building it before the workers start…", flush=True)
    subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], check=False)


def _announce(settings: Settings, workers: int) -> None:
    logins = Logins.from_settings(settings)
    url = f"http://{settings.host}:{settings.port}/"
    each = f" in {workers} worker processes" if workers > 1 else ""
    print(f"Serving {url}{each}: the chat page, and the REST API at {url}api/ask (docs: {url}api/docs).", flush=True)
    if logins is not None:
        print(f"Login required ({len(logins.users)} user(s), {len(logins.tokens)} API token(s)).", flush=True)
    if settings.share:
        print("Warning: HQBOT_SHARE is ignored: the app opens no public share link; use a reverse proxy.", flush=True)
