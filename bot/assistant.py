"""The assistant: `ask(question, history=None) -> Answer`, running the engine's stages in order.

analyse (bot/qa/analyse.py) → retrieve (retrieve.py) → rerank (rerank.py) → select (select.py) →
check (check.py) → render (render.py). The model, the index and the keyword index are loaded once.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from bot.errors import IndexCorruptError, QuestionError, StoreUnavailableError
from bot.qa.analyse import Analyser, PartAnalysis, QueryAnalysis
from bot.qa.check import check
from bot.qa.config import EngineConfig
from bot.qa.decision import load_decision
from bot.qa.glossary import Glossary, load_glossary
from bot.qa.parts import Composition, PartAnswerer
from bot.qa.render import message, render
from bot.qa.rerank import rerank
from bot.qa.retrieve import NAME_KINDS, HybridRetriever, Retrieved
from bot.qa.select import Selection, Selector
from bot.qa.text import add_words, has_control_chars
from bot.qa.vocabulary import Vocabulary
from bot.settings import Settings, load_settings
from bot.types import Answer, Context, Part, Refusal, RefusalCode
from ingest.chunk import is_cover
from ingest.embed import IndexEmbeddings, load_embeddings
from ingest.store import StoredChunk, open_index
from ingest.translations import ENGLISH

logger = logging.getLogger(__name__)


def check_question(question: object, max_chars: int) -> str:
    """The question stripped, or a QuestionError with a one-sentence reason."""
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("The question is empty: type a question about the plan or the catalogue.")
    if len(question) > max_chars:
        raise QuestionError(f"The question is {len(question):,} characters long; the limit is {max_chars:,}.")
    if has_control_chars(question):
        raise QuestionError("The question contains control characters; remove them and ask again.")
    try:
        question.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: valid in JSON and Python strings, not in UTF-8
        raise QuestionError(
            "The question contains broken characters (lone surrogates); retype it and ask again."
        ) from None
    return question.strip()


def with_english(stored: list[StoredChunk]) -> tuple[list[StoredChunk], dict[str, str]]:
    """The Chinese chunks, each carrying its English record's text, heading path and units in its metadata
    (`text_en`, `section_en`, `units_en`), and the map from English record ids to the chunks they translate."""
    english = {c.metadata.get("chunk"): c for c in stored if c.metadata.get("kind") == ENGLISH}
    chunks = []
    for c in stored:
        if c.metadata.get("kind") == ENGLISH:
            continue
        en = english.get(c.chunk_id)
        if en is not None:
            units = json.loads(str(en.metadata.get("units_en", "[]")))
            meta = {"text_en": en.text, "section_en": en.metadata.get("section", ""), "units_en": units}
            c = StoredChunk(c.chunk_id, c.text, {**c.metadata, **meta})
        chunks.append(c)
    return chunks, {e.chunk_id: parent for parent, e in english.items() if parent}


@dataclass(frozen=True)
class Engine:
    """The stages built over one index: everything that depends on its chunks."""

    analyser: Analyser
    retriever: HybridRetriever
    selector: Selector
    parts: PartAnswerer
    #: The collection the stages were built over (the registry may point elsewhere by the time they are used).
    collection: str

    @classmethod
    def build(cls, settings: Settings, embeddings: IndexEmbeddings, glossary: Glossary, config: EngineConfig) -> Engine:
        index = open_index(settings)
        collection = index.require(embeddings.model_id)
        chunks, parents = with_english(index.chunks(collection))
        add_words(glossary.chinese_terms)
        # (not the covers: a title and a month written elsewhere too, which would make those words weigh less)
        worded = [c for c in chunks if not is_cover(c.metadata)]
        vocabulary = Vocabulary.of(
            (f"{c.metadata.get('section', '')}\n{c.text}" for c in worded),
            (f"{c.metadata.get('section_en', '')}\n{c.metadata.get('text_en', '')}" for c in worded),
        )
        analyser = Analyser(glossary, vocabulary, config)
        retriever = HybridRetriever.build(
            index, collection, embeddings, analyser, chunks, parents=parents, k=settings.top_k
        )
        selector = Selector(analyser)
        return cls(analyser, retriever, selector, PartAnswerer(analyser, selector, retriever), collection.name)


class Assistant:
    """Loads the embedding model, the Chroma index and the keyword index once; `ask` is thread-safe."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embeddings: IndexEmbeddings | None = None,
        config: EngineConfig | None = None,
        llm: Any = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.embeddings = embeddings or load_embeddings(self.settings.embeddings)
        self.glossary = load_glossary(self.settings.glossary)
        # decision.json says whether its fitted model or the rules decide (a config given is taken as it is)
        self.config = config or EngineConfig(decision=load_decision())
        self._stale = False  # set when the store failed a request: the next `ask` reopens it
        self._reload_lock = threading.Lock()
        self.engine = Engine.build(self.settings, self.embeddings, self.glossary, self.config)
        self.llm = llm
        if self.llm is None and self.settings.llm_enabled:
            from bot.llm import LLMAnswerer

            self.llm = LLMAnswerer.from_settings(self.settings)

    def with_config(self, **changes: Any) -> Assistant:
        """A new assistant over the same model and index with some engine settings changed (calibration)."""
        return Assistant(
            self.settings, embeddings=self.embeddings, config=dataclasses.replace(self.config, **changes), llm=self.llm
        )

    def _reconnect(self) -> None:
        """After a store failure, reopen the index (a restarted server, a rebuilt index) before answering."""
        with self._reload_lock:
            if self._stale:
                self.engine = Engine.build(self.settings, self.embeddings, self.glossary, self.config)
                self._stale = False
                logger.info("Reconnected to the index.")

    @property
    def chunk_count(self) -> int:
        return len(self.engine.retriever.chunks)

    @property
    def collection(self) -> str:
        """The name of the collection this assistant answers from."""
        return self.engine.collection

    def section_en(self, section: str) -> str:
        """The section path with the glossary's English labels beside the Chinese names."""
        return self.glossary.section_en(section)

    def ask(self, question: str, history: list[dict[str, str]] | None = None, lang: str = "auto") -> Answer:
        """Answer a question (with the chat so far, for follow-ups) from cited, verbatim passages, in the
        question's language or in `lang` ("zh" or "en")."""
        started = time.perf_counter()
        question = check_question(question, self.settings.max_question_chars)
        if self._stale:
            self._reconnect()
        engine = self.engine
        analysis, candidates, ranked, selection = self.evidence(question, history)
        refusal = check(analysis, selection, engine.selector)
        found: list[Retrieved] = []
        if selection.repaired or (refusal is not None and refusal.code is RefusalCode.FIGURE_MISSING):
            selection, refusal, found = self._look_for_figure(analysis, ranked, selection, refusal)
        elif refusal is not None and refusal.code is RefusalCode.KIND_MISSING:
            selection, refusal, found = self._look_for_kind(analysis, ranked, selection, refusal)
        composition = engine.parts.compose(analysis, candidates, selection, refusal, found)
        answer_lang = lang if lang in ("zh", "en") else analysis.lang
        answer = self._answer(question, analysis, ranked, selection.support, composition, answer_lang)
        if self.llm is not None and not answer.abstained:
            answer = self.llm.rewrite(answer, history)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer

    def evidence(
        self, question: str, history: list[dict[str, str]] | None = None
    ) -> tuple[QueryAnalysis, list[Retrieved], list[Retrieved], Selection]:
        """The first stages of `ask`: the analysis, the candidates, the reranked passages and the selection
        (what the answer-or-refuse decision reads; evals/decide.py fits it on them)."""
        engine, c = self.engine, self.config
        analysis = engine.analyser.analyse(question, history)
        try:
            candidates = engine.retriever.retrieve(analysis, k=c.pool)
        except (StoreUnavailableError, IndexCorruptError):
            self._stale = True  # no keyword-only fallback: say the store is down rather than answer half-blind
            raise
        if analysis.about_present:  # "already / so far": the state of play may rank below targets and measures
            headings = engine.analyser.rules.present_sections
            candidates += engine.retriever.section_search([analysis.whole], headings, {r.chunk_id for r in candidates})
        # A company or platform named in the question is looked for word for word when no candidate says it.
        names = frozenset(t.label for t in analysis.topics if t.known and t.kind in NAME_KINDS)
        missing = frozenset(n for n in names if not any(n in r.chunk.text for r in candidates))
        if missing:
            candidates += engine.retriever.name_search([analysis.whole], missing, {r.chunk_id for r in candidates})
        ranked = rerank(analysis, candidates, max(self.settings.top_k, c.contexts), c)
        return analysis, candidates, ranked, engine.selector.select(analysis, ranked)

    def _look_for_figure(
        self, analysis: QueryAnalysis, ranked: list[Retrieved], selection: Selection, refusal: Refusal | None
    ) -> tuple[Selection, Refusal | None, list[Retrieved]]:
        """ "How many …": the figure may sit in a passage that says less about the topic; search passages
        with figures by keywords and select again with them."""
        asking = [p for p in analysis.parts if p.asks_figure] or [analysis.whole]
        extra = self.engine.retriever.figure_search(asking, {r.chunk_id for r in ranked[: self.config.contexts]})
        return self._select_with(analysis, ranked, selection, refusal, extra)

    def _look_for_kind(
        self, analysis: QueryAnalysis, ranked: list[Retrieved], selection: Selection, refusal: Refusal | None
    ) -> tuple[Selection, Refusal | None, list[Retrieved]]:
        """ "Which zone suits X": the zone that states X may not be among the passages most about X; search
        the passages that name a zone by the question's keywords and select again with them."""
        kinds, family = self.engine.analyser.kind_subject(analysis)
        if not family:
            return selection, refusal, []
        query = PartAnalysis(family[0], (), tuple((w, self.config.related_weight) for w in family[1:]))
        extra = self.engine.retriever.kind_search([query], kinds, {r.chunk_id for r in ranked[: self.config.contexts]})
        return self._select_with(analysis, ranked, selection, refusal, extra)

    def _select_with(
        self,
        analysis: QueryAnalysis,
        ranked: list[Retrieved],
        selection: Selection,
        refusal: Refusal | None,
        extra: list[Retrieved],
    ) -> tuple[Selection, Refusal | None, list[Retrieved]]:
        """Select again with passages found by a search of their own; keep the new choice if it passes."""
        engine, c = self.engine, self.config
        if not extra:
            return selection, refusal, []
        for rank, r in enumerate(extra, c.contexts + 1):
            r.rank = rank
        retried = engine.selector.select(analysis, ranked, extra)
        again = check(analysis, retried, engine.selector)
        if again is not None:
            return selection, refusal, []
        cited = {u.context.chunk_id for u in retried.chosen}
        return retried, None, [r for r in extra if r.chunk_id in cited]

    def _answer(
        self,
        question: str,
        analysis: QueryAnalysis,
        ranked: list[Retrieved],
        support: float,
        composition: Composition,
        lang: str,
    ) -> Answer:
        refusal = composition.refusal
        parts: list[Part] = []
        if refusal is None:
            text, citations, parts = render(lang, composition, self.section_en)
        else:
            text, citations = message("refusal", lang), []
        terms: list[tuple[str, str]] = []
        if lang == "en":
            cited = "\n".join(c.quote for c in citations)
            terms = [(t.zh, t.en) for t in self.glossary.terms_in(cited)] if cited else []
            untranslated = "\n".join(c.quote for c in citations if not c.quote_en)
            shown = [(t.zh, t.en) for t in self.glossary.terms_in(untranslated)] if untranslated else []
            if shown and refusal is None:  # glosses for the quotes that are still in Chinese
                text += f"\n\n{message('key_terms', lang)}: " + "; ".join(f"{zh} = {en}" for zh, en in shown)
        return Answer(
            question=question,
            text=text,
            citations=citations,
            abstained=refusal is not None,
            contexts=[Context.of(r) for r in [*ranked[: self.settings.top_k], *composition.found]],
            lang=analysis.lang,
            answer_lang=lang,
            resolved_question=analysis.reading.text if analysis.reading.resolved else question,
            terms=terms,
            support=support,
            refusal=refusal,
            parts=parts,
        )
