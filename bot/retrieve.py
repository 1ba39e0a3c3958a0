"""Hybrid retrieval as a LangChain `BaseRetriever`: dense (Chroma + the ingest model) fused with BM25
(bm25s over jieba words and character bigrams), with glossary terms brought into English questions.

Fusion is weighted reciprocal rank (the formula of LangChain's `EnsembleRetriever`), computed here
because the answerer and the abstention check need the fused and per-retriever scores, which
`EnsembleRetriever` does not return.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from bot.glossary import Glossary, Match
from bot.text import add_words, figures, is_chinese, normalize_query, split_parts, tokens, weighted_tokens
from ingest.store import Index, StoredChunk

DENSE_CHARS = 400


@dataclass
class QueryPlan:
    """A question made ready for retrieval: its language, the glossary terms it names, the document
    words to search for (`expansion`, each with a weight)."""

    question: str
    lang: str
    matches: list[Match] = field(default_factory=list)
    expansion: dict[str, float] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)

    @property
    def dense_text(self) -> str:
        """What the dense retriever embeds: the question (its first 400 characters: a longer one costs
        seconds and the keyword side reads it all), plus the documents' words for English questions."""
        question = self.question[:DENSE_CHARS]
        if self.lang == "en" and self.expansion:
            main = [t for t, w in self.expansion.items() if w >= 1.0][:4]  # more terms cost tokens, add no recall
            return f"{question} ({'，'.join(main)})" if main else question
        return question

    def keyword_tokens(self, bigram_weight: float = 0.5) -> dict[str, float]:
        """What BM25 scores: the question's tokens and the glossary's Chinese terms, with weights."""
        out: dict[str, float] = {}
        for tok, w in weighted_tokens(self.question, bigram_weight):
            out[tok] = max(out.get(tok, 0.0), w)
        for term, weight in self.expansion.items():
            for tok, w in weighted_tokens(term, bigram_weight):
                out[tok] = max(out.get(tok, 0.0), w * weight)
        return out


@dataclass
class Retrieved:
    """One retrieved chunk with its fused score and the evidence each retriever gave."""

    chunk: StoredChunk
    score: float
    dense: float
    keyword: float
    rank: int = 0

    @property
    def chunk_id(self) -> str:
        return self.chunk.chunk_id

    def to_document(self) -> Document:
        meta = dict(self.chunk.metadata)
        meta.update(chunk_id=self.chunk_id, score=self.score, dense=self.dense, keyword=self.keyword, rank=self.rank)
        return Document(page_content=self.chunk.text, metadata=meta, id=self.chunk_id)


class KeywordIndex:
    """BM25 over the chunks' heading paths and text."""

    def __init__(self, chunks: list[StoredChunk]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
        self.chunks = chunks
        docs = [tokens(f"{c.metadata.get('section', '')}\n{c.text}") for c in chunks]
        self.vocabulary = {t for d in docs for t in d}
        self._bm25 = bm25s.BM25()
        self._bm25.index(docs, show_progress=False)
        self._lock = threading.Lock()

    def scores(self, query_tokens: dict[str, float]) -> np.ndarray:
        """Weighted BM25 score of every chunk: the sum over query tokens of weight × BM25 (unknown tokens add 0)."""
        total = np.zeros(len(self.chunks), dtype=np.float32)
        with self._lock:
            for tok, weight in query_tokens.items():
                if tok in self.vocabulary and weight > 0:
                    total += weight * np.asarray(self._bm25.get_scores([tok]), dtype=np.float32)
        return total


class HybridRetriever(BaseRetriever):
    """Dense + keyword retrieval fused by weighted reciprocal rank."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Index
    collection: Any
    embeddings: Any
    keyword_index: KeywordIndex
    glossary: Glossary
    k: int = 5
    pool: int = 30
    # Measured on evals/reference.jsonl (context_recall@5 and MRR over a grid of fusion settings):
    # keyword-heavy weighted RRF with a small constant beat equal weights, c=60 and min-max linear fusion.
    dense_weight: float = 1.0
    keyword_weight: float = 3.0
    rrf_c: int = 5
    related_weight: float = 0.35
    bigram_weight: float = 0.5

    @classmethod
    def build(
        cls, index: Index, collection: Any, embeddings: Any, glossary: Glossary, **kwargs: Any
    ) -> HybridRetriever:
        """Load the chunks once and build the keyword index next to the dense one."""
        add_words(glossary.chinese_terms)
        chunks = index.chunks(collection)
        return cls(
            index=index,
            collection=collection,
            embeddings=embeddings,
            keyword_index=KeywordIndex(chunks),
            glossary=glossary,
            **kwargs,
        )

    @property
    def chunks(self) -> list[StoredChunk]:
        return self.keyword_index.chunks

    @property
    def _ids(self) -> list[str]:
        return [c.chunk_id for c in self.chunks]

    @cached_property
    def _position(self) -> dict[str, int]:
        return {c.chunk_id: i for i, c in enumerate(self.chunks)}

    def plan(self, question: str) -> QueryPlan:
        """Normalise the question, detect its language and find the glossary terms it names."""
        text = self.glossary.normalize(normalize_query(question))
        lang = "zh" if is_chinese(text) else "en"
        matches = self.glossary.match_chinese(text) + self.glossary.match_english(text)
        expansion: dict[str, float] = {}
        for m in matches:
            weights = [(m.term.zh, 1.0)] + [(r, self.related_weight) for r in m.term.related]
            for word, weight in weights:
                if word not in text:
                    expansion[word] = max(expansion.get(word, 0.0), weight)
        return QueryPlan(text, lang, matches, expansion, split_parts(text))

    def _keyword_ranks(self, plan: QueryPlan) -> tuple[dict[str, int], np.ndarray]:
        """The keyword ranking of one query (top `pool`) and every chunk's weighted BM25 score."""
        keyword = self.keyword_index.scores(plan.keyword_tokens(self.bigram_weight))
        order = np.argsort(-keyword, kind="stable")[: min(self.pool, len(keyword))]
        return {self._ids[i]: r for r, i in enumerate(order, 1) if keyword[i] > 0}, keyword

    def _rank(self, plan: QueryPlan) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
        """Weighted reciprocal-rank fusion of the dense and keyword rankings of one query."""
        hits = self.index.query(
            self.collection, self.embeddings.embed_query(plan.dense_text), min(self.pool, len(self._ids))
        )
        dense = np.zeros(len(self._ids), dtype=np.float32)
        dense_rank = {}
        for rank, hit in enumerate(hits, 1):
            if hit.chunk_id in self._position:
                dense[self._position[hit.chunk_id]] = hit.similarity
                dense_rank[hit.chunk_id] = rank
        keyword_rank, keyword = self._keyword_ranks(plan)
        return _rrf([(dense_rank, self.dense_weight), (keyword_rank, self.keyword_weight)], self.rrf_c), dense, keyword

    def retrieve(self, question: str | QueryPlan, k: int | None = None) -> list[Retrieved]:
        """The top `k` chunks for a question, with fused and per-retriever scores. A multi-part question's
        parts are also ranked by keywords (an embedding each would double the latency for no recall) and
        the rankings fused, so every part finds its section."""
        plan = question if isinstance(question, QueryPlan) else self.plan(question)
        k = k or self.k
        fused, dense, keyword = self._rank(plan)
        if len(plan.parts) > 1:
            lists = [(_ranks(fused), 1.0)]
            for part in plan.parts:
                part_ranks, part_keyword = self._keyword_ranks(self.plan(part))
                lists.append((part_ranks, 1.0))
                keyword = np.maximum(keyword, part_keyword)
            fused = _rrf(lists, self.rrf_c)
        best = sorted(fused, key=lambda cid: -fused[cid])[:k]
        out = []
        for r, cid in enumerate(best, 1):
            i = self._position[cid]
            out.append(Retrieved(self.chunks[i], float(fused[cid]), float(dense[i]), float(keyword[i]), r))
        return out

    @cached_property
    def _with_figures(self) -> np.ndarray:
        return np.array([bool(figures(c.text)) for c in self.chunks])

    def figure_search(self, questions: list[str], exclude: set[str], n: int = 4) -> list[Retrieved]:
        """Passages that give a figure, ranked by keywords, for "how many / how much" questions whose
        retrieved passages hold no figure for them (the number sits in a section that talks less about it)."""
        out: dict[str, Retrieved] = {}
        for question in questions:
            keyword = self.keyword_index.scores(self.plan(question).keyword_tokens(self.bigram_weight))
            keyword = np.where(self._with_figures, keyword, 0.0)
            picked = 0
            for i in np.argsort(-keyword, kind="stable"):
                if picked == n or keyword[i] <= 0:
                    break
                cid = self._ids[i]
                if cid in exclude:
                    continue
                picked += 1
                if cid not in out:
                    out[cid] = Retrieved(self.chunks[i], 0.0, 0.0, float(keyword[i]))
        return list(out.values())

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [r.to_document() for r in self.retrieve(query)]


def _ranks(scores: dict[str, float]) -> dict[str, int]:
    return {cid: r for r, cid in enumerate(sorted(scores, key=lambda c: -scores[c]), 1)}


def _rrf(rankings: list[tuple[dict[str, int], float]], c: int) -> dict[str, float]:
    """Weighted reciprocal rank fusion: sum of weight / (rank + c) over the rankings."""
    fused: dict[str, float] = {}
    for ranks, weight in rankings:
        for cid, rank in ranks.items():
            fused[cid] = fused.get(cid, 0.0) + weight / (rank + c)
    return fused
