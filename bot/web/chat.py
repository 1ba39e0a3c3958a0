"""The chat page's handlers: `WebBot.respond` answers one turn (a plain function, tested without a server),
`feedback` records a thumbs up or down, `evidence_for` shows an earlier answer's evidence, `ask_json` is `/ask`."""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import gradio as gr

from bot.assistant import Assistant, check_question
from bot.errors import HqbotError, IndexMissingError, QuestionError, StoreUnavailableError
from bot.settings import Settings, load_settings
from bot.web.feedback import answer_entry, record_feedback
from bot.web.render import (
    EMPTY_EVIDENCE,
    answer_markdown,
    banner_html,
    evidence_html,
    has_markup,
    load_titles_en,
    notice_markdown,
    user_markdown,
)

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
