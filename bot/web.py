"""The web app: a chat whose answers cite [n] passages shown beside it, with feedback and a `/ask` API.

`WebBot.respond` is the chat handler (a plain function, tested without a server), `build_app()` returns the
Gradio Blocks, `launch()` serves them (building the index in the background when there is none).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from bot.assistant import Assistant, check_question
from bot.errors import ConfigError, HqbotError, IndexMissingError, QuestionError, StoreUnavailableError
from bot.feedback import answer_entry, record_feedback
from bot.render import (
    CSS,
    EMPTY_EVIDENCE,
    answer_markdown,
    banner_html,
    evidence_html,
    has_markup,
    load_titles_en,
    notice_markdown,
    user_markdown,
)
from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from ingest.embed import IndexEmbeddings

logger = logging.getLogger(__name__)

#: Questions answered at once (the rest wait in Gradio's queue) and the longest queue before refusing.
CONCURRENCY = 4
#: Seconds between attempts to reach a Chroma server that was down when the app started.
RETRY_SECONDS = 5.0
QUEUE_SIZE = 64

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
    "Follow-ups such as 「那南虹桥呢？」 or *And the south zone?* continue the conversation."
)
BUILDING = (
    "Building the index from the documents (first start only, about a minute): questions are answered once it is ready."
)
LOADING = "Loading the model and the index…"
NOT_READY = "The index is still being built; ask again in a minute."
MARKUP = "The question contains HTML markup; ask again in plain text, without tags."
FAILED = "Something went wrong while answering; please ask again or try another question."


@dataclass
class Chat:
    """One browser session: the messages shown, the turns given to the bot, and each answer by message index."""

    messages: list[dict[str, str]] = field(default_factory=list)
    history: list[dict[str, str]] = field(default_factory=list)
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)
    evidence: dict[int, str] = field(default_factory=dict)


def parse_auth(spec: str | None) -> list[tuple[str, str]] | None:
    """Logins from HQBOT_AUTH: "user:pass,user2:pass2" or a file with one user:password per line."""
    if not spec or not spec.strip():
        return None
    path = Path(spec.strip()).expanduser()
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        entries = [(f"Line {i} of {path}", ln.strip()) for i, ln in enumerate(lines, 1)]
        entries = [(where, e) for where, e in entries if e and not e.startswith("#")]
    elif ":" not in spec:
        raise ConfigError(f"HQBOT_AUTH names no existing file ({path}) and holds no user:password pair: fix it.")
    else:
        entries = [(f"Entry {i} of HQBOT_AUTH", e.strip()) for i, e in enumerate(spec.split(","), 1) if e.strip()]
    pairs = []
    for where, entry in entries:
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password.strip():
            raise ConfigError(f"{where} is not in user:password form: fix it (passwords are never shown).")
        pairs.append((user.strip(), password.strip()))
    if not pairs:
        raise ConfigError(f"HQBOT_AUTH ({path}) lists no user:password pair: add one or leave HQBOT_AUTH empty.")
    return pairs


def ensure_index(settings: Settings, embeddings: IndexEmbeddings | None = None) -> str:
    """Ingest the corpus when there is no index yet (progress on the terminal); returns a status line."""
    from ingest.embed import load_embeddings
    from ingest.pipeline import run_ingest
    from ingest.store import open_index

    embeddings = embeddings or load_embeddings(settings.embeddings)
    try:
        open_index(settings).require(embeddings.model_id)
        return "The index is ready."
    except IndexMissingError:
        print("No index yet: building the index from the bundled corpus…", flush=True)
        report = run_ingest(settings, embeddings=embeddings)
        print(report.summary(), flush=True)
        return report.summary()


class WebBot:
    """What every session shares: one Assistant, loaded once (after building the index if needed)."""

    def __init__(self, settings: Settings | None = None, assistant: Assistant | None = None) -> None:
        self.settings = settings or load_settings()
        self.assistant = assistant
        self.state, self.message = ("ready", "") if assistant else ("starting", LOADING)
        self.titles_en = load_titles_en(self.settings.corpus_dir)
        self._retry, self._last_retry, self._retry_lock = False, 0.0, threading.Lock()

    # --- start-up ---------------------------------------------------------------------------
    def start(self) -> threading.Thread:
        """Load in a background thread so the page can say what is happening meanwhile."""
        thread = threading.Thread(target=self.load, name="hqbot-load", daemon=True)
        thread.start()
        return thread

    def load(self) -> None:
        """Build the index if there is none, then load the assistant; failures become the page's banner."""
        from ingest.embed import load_embeddings

        try:
            if self._index_missing():
                self.state, self.message = "building", BUILDING
            embeddings = load_embeddings(self.settings.embeddings)
            ensure_index(self.settings, embeddings)
            self.state, self.message = "loading", LOADING
            self.assistant = Assistant(self.settings, embeddings=embeddings)
            self.state, self.message = "ready", ""
            print(f"Ready: {self.assistant.chunk_count} passages indexed.", flush=True)
        except HqbotError as exc:
            self.state, self.message = "error", str(exc)
            self._retry = isinstance(exc, StoreUnavailableError)  # a Chroma server may come back later
            print(f"Error: {exc}", file=sys.stderr, flush=True)
        except Exception:
            logger.exception("The bot failed to start")
            self.state, self.message = "error", "The bot failed to start: see the server log."

    def _index_missing(self) -> bool:
        """True when there is no index yet (checked before the model loads, so the page can say so early)."""
        from ingest.store import open_index

        try:
            return open_index(self.settings).active() is None
        except IndexMissingError:
            return True
        except HqbotError:
            return False  # reported when the index is opened for real

    def _ready(self) -> Assistant:
        if self.assistant is not None:
            return self.assistant
        if self.state == "error" and self._retry and time.monotonic() - self._last_retry > RETRY_SECONDS:
            with self._retry_lock:  # the Chroma server was down at start: try again, at most every few seconds
                self._last_retry = time.monotonic()
                if self.assistant is None:
                    self.load()
            if self.assistant is not None:
                return self.assistant
        if self.state == "error":
            raise HqbotError(self.message)
        raise IndexMissingError(NOT_READY)

    def banner(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The status banner and the polling timer, as Gradio updates (the timer stops once settled)."""
        settled = self.state in ("ready", "error")
        html = banner_html(self.state, self.message)
        return gr.update(value=html, visible=bool(html)), gr.update(active=not settled)

    # --- the handlers -------------------------------------------------------------------------
    def respond(self, question: str, chat: Chat | None = None) -> tuple[Chat, str]:
        """One chat turn: the question and the reply are appended to the chat; returns it and the evidence HTML."""
        chat = chat if chat is not None else Chat()
        text = question if isinstance(question, str) else ""
        if text.strip():
            shown = text if len(text) <= 300 else text[:300] + "…"
            chat.messages.append({"role": "user", "content": user_markdown(shown)})
        try:
            reply, evidence = self._answer(text, chat)
        except HqbotError as exc:
            reply, evidence = notice_markdown(str(exc)), EMPTY_EVIDENCE
        except Exception:
            logger.exception("The bot failed on a question")
            reply, evidence = notice_markdown(FAILED), EMPTY_EVIDENCE
        chat.messages.append({"role": "assistant", "content": reply})
        return chat, evidence

    def _answer(self, text: str, chat: Chat) -> tuple[str, str]:
        question = check_question(text, self.settings.max_question_chars)
        if has_markup(question):
            raise QuestionError(MARKUP)
        assistant = self._ready()
        answer = assistant.ask(question, chat.history)
        index = len(chat.messages)  # where the reply goes
        evidence = evidence_html(answer, titles_en=self.titles_en, section_en=assistant.section_en)
        chat.answers[index] = answer_entry(answer, chat.history)
        chat.evidence[index] = evidence
        chat.history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]
        return answer_markdown(answer), evidence

    def ask_json(self, question: str) -> dict[str, Any]:
        """The `/ask` API: the JSON of `hqbot ask --json`, or {"error": one sentence}."""
        try:
            check_question(question, self.settings.max_question_chars)
            return self._ready().ask(question).to_json()
        except HqbotError as exc:
            return {"error": str(exc)}
        except Exception:
            logger.exception("The bot failed on an API question")
            return {"error": FAILED}

    def feedback(self, chat: Chat | None, index: Any, liked: Any, comment: str = "") -> str:
        """Record a thumbs up (liked=True) or down (False) on the answer at `index`; returns a note for the page."""
        if isinstance(index, list | tuple):
            index = index[0] if index else None
        entry = chat.answers.get(index) if chat is not None and isinstance(index, int) else None
        if entry is None:
            return "Feedback applies to answers only."
        if not isinstance(liked, bool):
            return ""
        verdict = "up" if liked else "down"
        try:
            record_feedback(self.settings.feedback_log, entry, verdict, comment)
        except OSError as exc:
            logger.warning("Could not write the feedback log %s: %s", self.settings.feedback_log, exc)
            return "The feedback could not be saved: the data folder is not writable."
        thumb = "thumbs-up" if liked else "thumbs-down"
        return f"Thanks: your {thumb} was recorded" + (" with your comment." if comment.strip() else ".")

    def evidence_for(self, chat: Chat | None, index: Any) -> str:
        """The evidence of the answer at (or right after) a clicked message."""
        if isinstance(index, list | tuple):
            index = index[0] if index else None
        if chat is None or not isinstance(index, int):
            return EMPTY_EVIDENCE
        return chat.evidence.get(index) or chat.evidence.get(index + 1) or EMPTY_EVIDENCE


def build_app(settings: Settings | None = None, bot: WebBot | None = None) -> gr.Blocks:
    """The Gradio app (queued, bounded concurrency); without a bot, one is made and loaded in the background."""
    if bot is None:
        bot = WebBot(settings)
        bot.start()
    private: dict[str, Any] = {"api_visibility": "private"}
    answering: dict[str, Any] = {**private, "concurrency_id": "bot"}  # chat and API share one bound
    with gr.Blocks(title="Hongqiao CBD policy assistant", analytics_enabled=False) as app:
        gr.Markdown(INTRO)
        banner = gr.HTML(banner_html(bot.state, bot.message), elem_id="hq-banner")
        timer = gr.Timer(2.0)
        chat_state = gr.State(Chat())
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
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
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="Ask about sectors, zones, targets… 例如：北虹桥片区重点发展哪些产业？",
                        show_label=False,
                        lines=1,
                        max_lines=6,
                        scale=5,
                        elem_id="hq-question",
                    )
                    ask_btn = gr.Button("Ask 提问", variant="primary", scale=1, elem_id="hq-ask")
                with gr.Row():
                    comment = gr.Textbox(
                        placeholder="Optional comment, sent when you click thumbs up / down on an answer",
                        show_label=False,
                        scale=5,
                        elem_id="hq-comment",
                    )
                    clear_btn = gr.Button("Clear 清空", scale=1, elem_id="hq-clear")
                note = gr.Markdown(elem_id="hq-note")
                examples = gr.Examples(
                    EXAMPLES, inputs=question, label="Examples 示例 (click to ask)", api_visibility="private"
                )
            with gr.Column(scale=2):
                gr.Markdown("### Evidence · 原文依据")
                evidence = gr.HTML(EMPTY_EVIDENCE, elem_id="hq-evidence")

        def submit(text: str, chat: Chat) -> tuple[list[dict[str, str]], Chat, str, str]:
            chat, html = bot.respond(text, chat)
            return chat.messages, chat, html, ""

        def clear() -> tuple[list[Any], Chat, str, str, str]:
            return [], Chat(), EMPTY_EVIDENCE, "", ""

        def like(chat: Chat, text: str, data: gr.LikeData) -> tuple[str, str]:
            message = bot.feedback(chat, data.index, data.liked, text or "")
            return message, ("" if message.startswith("Thanks") else text)

        def select(chat: Chat, data: gr.SelectData) -> str:
            return bot.evidence_for(chat, data.index)

        def ask(question: str) -> dict[str, Any]:
            """Ask the bot one question; returns the JSON of `hqbot ask --json` (or {"error": "..."})."""
            return bot.ask_json(question)

        outputs = [chatbot, chat_state, evidence, question]
        question.submit(submit, [question, chat_state], outputs, **answering)
        examples.load_input_event.then(submit, [question, chat_state], outputs, **answering)
        ask_btn.click(submit, [question, chat_state], outputs, **answering)
        clear_btn.click(clear, None, [chatbot, chat_state, evidence, question, note], **private)
        chatbot.clear(clear, None, [chatbot, chat_state, evidence, question, note], **private)
        chatbot.like(like, [chat_state, comment], [note, comment], **private)
        chatbot.select(select, [chat_state], [evidence], **private)
        app.load(bot.banner, None, [banner, timer], **private)
        timer.tick(bot.banner, None, [banner, timer], **private)
        gr.api(ask, api_name="ask", concurrency_id="bot")
    return app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)


def launch(settings: Settings | None = None, *, block: bool = True) -> gr.Blocks:
    """Serve the app on HQBOT_HOST:HQBOT_PORT (login from HQBOT_AUTH); the index is built meanwhile if missing."""
    settings = settings or load_settings()
    try:
        auth = parse_auth(settings.auth)
    except HqbotError as exc:
        raise SystemExit(f"Error: {exc}") from None
    bot = WebBot(settings)
    app = build_app(settings, bot)
    bot.start()
    if auth:
        print(f"Login required ({len(auth)} user(s) from HQBOT_AUTH).", flush=True)
    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=settings.share,
        auth=auth,
        css=CSS,
        prevent_thread_lock=not block,
        max_file_size="1mb",  # the app takes no uploads; Gradio's upload route is capped all the same
        footer_links=["api"],
    )
    return app
