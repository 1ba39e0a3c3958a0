"""The assistant: `ask(question, history=None) -> Answer`, with the model, index and keyword index loaded once."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from typing import Any

from bot.answer import Composer, Thresholds
from bot.errors import IndexCorruptError, QuestionError, StoreUnavailableError
from bot.followup import resolve
from bot.glossary import load_glossary
from bot.retrieve import HybridRetriever, Retrieved
from bot.settings import Settings, load_settings
from bot.text import has_control_chars, tokens
from bot.types import Answer, Context
from ingest.embed import IndexEmbeddings, load_embeddings
from ingest.store import open_index

logger = logging.getLogger(__name__)


def check_question(question: object, max_chars: int) -> str:
    """The question stripped, or a QuestionError with a one-sentence reason."""
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("The question is empty: type a question about the plan or the catalogue.")
    if len(question) > max_chars:
        raise QuestionError(f"The question is {len(question):,} characters long; the limit is {max_chars:,}.")
    if has_control_chars(question):
        raise QuestionError("The question contains control characters; remove them and ask again.")
    if _unencodable(question):
        raise QuestionError("The question contains broken characters (lone surrogates); retype it and ask again.")
    return question.strip()


def _unencodable(text: str) -> bool:
    """True for lone surrogates (valid in JSON and Python strings, not in UTF-8): they crash the tokenizers."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class Assistant:
    """Loads the embedding model, the Chroma index and the keyword index once; `ask` is thread-safe."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embeddings: IndexEmbeddings | None = None,
        thresholds: Thresholds | None = None,
        llm: Any = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.embeddings = embeddings or load_embeddings(self.settings.embeddings)
        self.glossary = load_glossary(self.settings.glossary)
        self._thresholds = thresholds
        self._stale = False  # set when the store failed a request: the next `ask` reopens it
        self._reload_lock = threading.Lock()
        self._load()
        self.llm = llm
        if self.llm is None and self.settings.llm_enabled:
            from bot.llm import LLMAnswerer

            self.llm = LLMAnswerer.from_settings(self.settings)

    def _load(self) -> None:
        """Open the index and build the retriever and the composer over its chunks."""
        self.index = open_index(self.settings)
        self.collection = self.index.require(self.embeddings.model_id)
        self.retriever = HybridRetriever.build(
            self.index, self.collection, self.embeddings, self.glossary, k=self.settings.top_k
        )
        chunks = self.retriever.chunks
        doc_freq: Counter[str] = Counter()
        for c in chunks:
            doc_freq.update(set(tokens(f"{c.metadata.get('section', '')}\n{c.text}")))
        corpus_text = "\n".join(f"{c.metadata.get('section', '')}\n{c.text}" for c in chunks)
        self.composer = Composer(self.glossary, dict(doc_freq), len(chunks), corpus_text, self._thresholds)

    def _reconnect(self) -> None:
        """After a store failure, reopen the index (a restarted server, a rebuilt index) before answering."""
        with self._reload_lock:
            if self._stale:
                self._load()  # raises the same one-sentence error while the store is still down
                self._stale = False
                logger.info("Reconnected to the index.")

    @property
    def chunk_count(self) -> int:
        return len(self.retriever.chunks)

    def section_en(self, section: str) -> str:
        """A section path with the glossary's English labels beside the Chinese names."""
        return self.composer.section_en(section)

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        """Answer a question (with the chat so far, for follow-ups) from cited, verbatim passages."""
        started = time.perf_counter()
        question = check_question(question, self.settings.max_question_chars)
        if self._stale:
            self._reconnect()
        retriever, composer = self.retriever, self.composer
        resolved = resolve(question, history, self.glossary)
        plan = retriever.plan(resolved)
        try:
            candidates = retriever.retrieve(plan, k=composer.thresholds.pool)
        except (StoreUnavailableError, IndexCorruptError):
            self._stale = True  # no keyword-only fallback: say the store is down rather than answer half-blind
            raise
        retrieved = composer.rerank(plan, candidates, max(self.settings.top_k, composer.thresholds.contexts))
        composed = composer.compose(plan, retrieved)
        found: list[Retrieved] = []
        if composed.figure_gap:
            # "How many …": the figure may sit in a passage that says less about the topic; look for it.
            asking = [p for p in plan.parts if composer.asks_quantity(p)] or [plan.question]
            extra = retriever.figure_search(asking, {r.chunk_id for r in retrieved[: composer.thresholds.contexts]})
            for rank, r in enumerate(extra, composer.thresholds.contexts + 1):
                r.rank = rank
            retried = composer.compose(plan, retrieved, extra) if extra else composed
            if not retried.abstained:
                cited = {c.chunk_id for c in retried.citations}
                found = [r for r in extra if r.chunk_id in cited]
                composed = retried
        text, citations, abstained = composed.text, composed.citations, composed.abstained
        terms: list[tuple[str, str]] = []
        if plan.lang == "en":
            cited = "\n".join(c.quote for c in citations) if citations else ""
            terms = [(t.zh, t.en) for t in self.glossary.terms_in(cited)]
            if terms and not abstained:
                text += "\n\nKey terms: " + "; ".join(f"{zh} = {en}" for zh, en in terms)
        answer = Answer(
            question=question,
            text=text,
            citations=citations,
            abstained=abstained,
            contexts=[Context.of(r) for r in [*retrieved[: self.settings.top_k], *found]],
            lang=plan.lang,
            resolved_question=resolved,
            terms=terms,
            support=composed.support,
            reason=composed.reason,
        )
        if self.llm is not None and not abstained:
            answer = self.llm.rewrite(answer, history)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer


_default: Assistant | None = None
_default_lock = threading.Lock()


def default_assistant() -> Assistant:
    """The process-wide assistant, created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Assistant()
        return _default


def ask(question: str, history: list[dict[str, str]] | None = None) -> Answer:
    """Answer a question with the process-wide assistant."""
    return default_assistant().ask(question, history)
