"""The assistant a running app answers with, following the index.

`LiveAssistant` loads the assistant once (building the index first when there is none), then watches the
registry's active collection: when an ingest switches it, a new Assistant is built and swapped in at once, the old
one answering until then. A question that fails because its collection was just switched away is asked again,
once, on the new one. Every question holds a slot of the process's Gate.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from bot.assistant import Assistant
from bot.errors import HqbotError, IndexCorruptError, IndexMissingError, StoreUnavailableError
from bot.settings import Settings
from bot.types import Answer
from bot.web.limits import Gate

if TYPE_CHECKING:
    from ingest.embed import IndexEmbeddings
    from ingest.store import Index

logger = logging.getLogger(__name__)

BUILDING = (
    "Building the index from the documents (first start only, about a minute): questions are answered once it is ready."
)
LOADING = "Loading the model and the index…"
NOT_READY = "The index is still being built; ask again in a minute."
#: Errors of a question whose collection may have been switched away under it.
SWITCHED = (IndexCorruptError, IndexMissingError, StoreUnavailableError)


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


class LiveAssistant:
    """The process's assistant over the index's current generation (its active collection)."""

    #: Times a question is asked again when its index was switched away under it (rebuilds can come in a row).
    SWITCH_RETRIES = 3

    #: A question checks the registry first when the last check is older than this (embedded: ~1 ms, server: ~2 ms).
    CHECK_SECONDS = 0.2
    #: The background thread checks this often, so a switch is usually picked up before anyone asks.
    POLL_SECONDS = 2.0
    #: A Chroma server that was down at start is tried again at most this often, as questions arrive.
    RETRY_SECONDS = 5.0

    def __init__(
        self,
        settings: Settings,
        assistant: Assistant | None = None,
        *,
        embeddings: IndexEmbeddings | None = None,
        build_index: bool = True,
        gate: Gate | None = None,
    ) -> None:
        self.settings = settings
        self.build_index = build_index  # False in a worker of several: the parent built it
        self.gate = gate or Gate()
        self._assistant = assistant
        self._embeddings = embeddings
        self._index: Index | None = None
        self._swap_lock, self._retry_lock = threading.Lock(), threading.Lock()
        self._last_check = self._last_retry = 0.0
        self._retry = False
        self._stop = threading.Event()
        self.generation = assistant.collection if assistant else None
        self.state, self.message = ("ready", "") if assistant else ("starting", LOADING)

    @property
    def assistant(self) -> Assistant | None:
        """The assistant answering now (None before it is loaded)."""
        return self._assistant

    # --- start-up -------------------------------------------------------------------------------
    def start(self) -> threading.Thread:
        """Load in a background thread (the page says what is happening meanwhile), then keep watching the index."""
        thread = threading.Thread(target=self._run, name="hqbot-live", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        self.load()
        self.watch()

    def watch(self) -> None:
        """Until stopped: every POLL_SECONDS, swap in a new index if there is one (or retry a failed start)."""
        while not self._stop.wait(self.POLL_SECONDS):
            if self._assistant is not None:
                self.refresh(force=True)
            else:
                self._load_again()

    def load(self) -> None:
        """Build the index if there is none (and allowed), then load the assistant; failures become the banner."""
        try:
            if self.build_index and self._index_missing():
                self.state, self.message = "building", BUILDING
            embeddings = self._model()
            if self.build_index:
                ensure_index(self.settings, embeddings)
            self.state, self.message = "loading", LOADING
            self._assistant = Assistant(self.settings, embeddings=embeddings)
            self.generation = self._assistant.collection  # what it opened, not what the registry said a moment ago
            self.state, self.message = "ready", ""
            print(f"Ready: {self._assistant.chunk_count} passages indexed.", flush=True)
        except HqbotError as exc:
            self.state, self.message = "error", str(exc)
            self._retry = isinstance(exc, StoreUnavailableError | IndexMissingError)  # may come back by itself
            print(f"Error: {exc}", file=sys.stderr, flush=True)
        except Exception:
            logger.exception("The bot failed to start")
            self.state, self.message = "error", "The bot failed to start: see the server log."

    def _model(self) -> IndexEmbeddings:
        if self._embeddings is None:
            from ingest.embed import load_embeddings

            self._embeddings = load_embeddings(self.settings.embeddings)
        return self._embeddings

    def _index_missing(self) -> bool:
        """True when there is no index yet (checked before the model loads, so the page can say so early)."""
        from ingest.store import open_index

        try:
            return open_index(self.settings).active() is None
        except IndexMissingError:
            return True
        except HqbotError:
            return False  # reported when the index is opened for real

    # --- following the index ----------------------------------------------------------------------
    def _active_name(self) -> str | None:
        """The registry's active collection now, or None when it cannot be read."""
        from ingest.store import open_index

        try:
            if self._index is None:
                self._index = open_index(self.settings)
            return self._index.active_name()
        except HqbotError as exc:
            logger.info("Could not read the index registry: %s", exc)
            self._index = None  # reopen next time (a restarted server, a new folder)
            return None

    def refresh(self, *, force: bool = False, wait: bool = False) -> bool:
        """Swap in a new assistant when the active collection changed (True when it did). Checks at most every
        CHECK_SECONDS unless forced; without `wait`, a swap already under way is left to finish on its own."""
        now = time.monotonic()
        if not force and now - self._last_check < self.CHECK_SECONDS:
            return False
        self._last_check = now
        name = self._active_name()
        if name is None or name == self.generation:
            return False
        if not self._swap_lock.acquire(blocking=wait):
            return False
        try:
            if name == self.generation:
                return False  # swapped by another thread meanwhile
            started = time.perf_counter()
            new = Assistant(self.settings, embeddings=self._model())
            # the generation is the collection it opened: another switch may have come between reading `name` and
            # loading, and a label of the older one would never be corrected by a failing question
            self._assistant, self.generation = new, new.collection
            self.state, self.message = "ready", ""
            seconds = time.perf_counter() - started
            changed = f"Index changed: answering from {new.chunk_count} passages ({new.collection}, {seconds:.1f} s)."
            print(changed, flush=True)
            return True
        except HqbotError as exc:
            logger.warning("The new index %s could not be loaded yet: %s", name, exc)
            return False
        finally:
            self._swap_lock.release()

    # --- answering ------------------------------------------------------------------------------
    def current(self) -> Assistant:
        """The assistant for the next question (the newest generation); a one-sentence error when there is none."""
        if self._assistant is None:
            self._load_again()
            if self._assistant is None:
                raise HqbotError(self.message) if self.state == "error" else IndexMissingError(NOT_READY)
        else:
            self.refresh(wait=True)
        return self._assistant

    def _load_again(self) -> None:
        """The index or its server was missing at start: try again, at most every RETRY_SECONDS."""
        if self.state != "error" or not self._retry or time.monotonic() - self._last_retry < self.RETRY_SECONDS:
            return
        with self._retry_lock:
            self._last_retry = time.monotonic()
            if self._assistant is None:
                self.load()

    def ask(self, question: str, history: list[dict[str, str]] | None = None, lang: str = "auto") -> Answer:
        """Answer with the newest assistant; asked again once when its collection was switched away meanwhile."""
        with self.gate.slot():
            assistant = self.current()
            for attempt in range(self.SWITCH_RETRIES + 1):
                try:
                    return _ask(assistant, question, history, lang)
                except SWITCHED:
                    self.refresh(force=True, wait=True)
                    if self._assistant is assistant or attempt == self.SWITCH_RETRIES:
                        raise  # the same index: a real failure (the server is down, the folder is broken)
                    assistant = self._assistant  # switched again meanwhile (rebuilds in a row): the newest one
                    logger.info("Asked again on the new index after a switch.")
            raise AssertionError("unreachable")  # pragma: no cover

    def section_en(self, section: str) -> str:
        return self._assistant.section_en(section) if self._assistant else section

    def health(self) -> dict[str, Any]:
        """Whether this process can answer: state, model, passages, the active collection, whether the store answers."""
        name = self._active_name()
        ready = self._assistant is not None and self.state == "ready" and name is not None
        return {
            "worker": os.getpid(),
            "status": "ready" if ready else ("unavailable" if self.state == "ready" else self.state),
            "ready": ready,
            "message": self.message if self.state != "ready" else ("" if name else "The index cannot be read."),
            "model": self._embeddings.model_id if self._embeddings else self.settings.embeddings,
            "chunks": self._assistant.chunk_count if self._assistant else None,
            "collection": self.generation,
            "store": {
                "mode": "server" if self.settings.chroma_url else "embedded",
                "url": self.settings.chroma_url,
                "reachable": name is not None,
            },
        }


def accepts_lang(assistant: Assistant) -> bool:
    """True when the assistant's `ask` takes a `lang` keyword (the engine will; today's may not)."""
    try:
        params = inspect.signature(assistant.ask).parameters
    except (TypeError, ValueError):
        return False
    return "lang" in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _ask(assistant: Assistant, question: str, history: list[dict[str, str]] | None, lang: str) -> Answer:
    if lang in ("zh", "en") and accepts_lang(assistant):
        return assistant.ask(question, history, lang=lang)
    return assistant.ask(question, history)
