"""Stage 2, retrieve: hybrid retrieval as a LangChain `BaseRetriever`: dense (Chroma + the ingest model)
fused with BM25 (bm25s over jieba words and character bigrams), with glossary terms brought into the query.

Fusion is weighted reciprocal rank (the formula of LangChain's `EnsembleRetriever`), computed here
because the answerer and the abstention check need the fused and per-retriever scores, which
`EnsembleRetriever` does not return.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from bot.qa.analyse import Analyser, PartAnalysis, QueryAnalysis
from bot.qa.config import EngineConfig
from bot.qa.text import figures, tokens, weighted_tokens
from ingest.chunk import is_cover
from ingest.store import Index, StoredChunk

#: Glossary kinds of proper names (a company, a platform): a passage either says one word for word or is not about it.
NAME_KINDS = frozenset({"org", "platform"})


def keyword_tokens(part: PartAnalysis, bigram_weight: float) -> dict[str, float]:
    """What BM25 scores for one part of a question: its tokens and its document words, with weights."""
    out: dict[str, float] = {}
    for tok, w in weighted_tokens(part.text, bigram_weight):
        out[tok] = max(out.get(tok, 0.0), w)
    for term, weight in part.expansion:
        for tok, w in weighted_tokens(term, bigram_weight):
            out[tok] = max(out.get(tok, 0.0), w * weight)
    return out


def dense_text(analysis: QueryAnalysis, config: EngineConfig) -> str:
    """What the dense retriever embeds: the question's first characters, plus the documents' words for
    English questions (the multilingual model matches Chinese passages better with them)."""
    question = analysis.text[: config.dense_chars]
    if analysis.lang == "en" and analysis.whole.expansion:
        main = [t for t, w in analysis.whole.expansion if w >= 1.0][: config.dense_terms]
        return f"{question} ({'，'.join(main)})" if main else question
    return question


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


def searchable(c: StoredChunk) -> str:
    """What keyword search reads of a chunk: its heading path and text, and their English where it has one."""
    m = c.metadata
    return f"{m.get('section', '')}\n{c.text}\n{m.get('section_en', '')}\n{m.get('text_en', '')}"


class KeywordIndex:
    """BM25 over the chunks' heading paths and text, in Chinese and, where a chunk has it, in English."""

    def __init__(self, chunks: list[StoredChunk]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
        self.chunks = chunks
        # (not the documents' covers: a title and a month, found by meaning for a question asking when, whose words
        # would change every other passage's keyword weights)
        self._kept = np.array([i for i, c in enumerate(chunks) if not is_cover(c.metadata)], dtype=np.int64)
        docs = [tokens(searchable(chunks[i])) for i in self._kept]
        self.vocabulary = {t for d in docs for t in d}
        self._bm25 = bm25s.BM25()
        self._bm25.index(docs, show_progress=False)
        self._lock = threading.Lock()

    def scores(self, query_tokens: dict[str, float]) -> np.ndarray:
        """Weighted BM25 score of every chunk: the sum over query tokens of weight × BM25 (unknown tokens add 0;
        a cover scores 0)."""
        kept = np.zeros(len(self._kept), dtype=np.float32)
        with self._lock:
            for tok, weight in query_tokens.items():
                if tok in self.vocabulary and weight > 0:
                    kept += weight * np.asarray(self._bm25.get_scores([tok]), dtype=np.float32)
        total = np.zeros(len(self.chunks), dtype=np.float32)
        total[self._kept] = kept
        return total


class HybridRetriever(BaseRetriever):
    """Dense + keyword retrieval fused by weighted reciprocal rank."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Index
    collection: Any
    embeddings: Any
    keyword_index: KeywordIndex
    analyser: Analyser
    config: EngineConfig
    parents: dict[str, str] = Field(default_factory=dict)  # an English record's id → the chunk it translates
    k: int = 5

    @classmethod
    def build(
        cls,
        index: Index,
        collection: Any,
        embeddings: Any,
        analyser: Analyser,
        chunks: list[StoredChunk],
        parents: dict[str, str] | None = None,
        **kw: Any,
    ) -> HybridRetriever:
        """The keyword index over the chunks, next to the dense one (whose English records map to `parents`)."""
        return cls(
            index=index,
            collection=collection,
            embeddings=embeddings,
            keyword_index=KeywordIndex(chunks),
            analyser=analyser,
            config=analyser.config,
            parents=parents or {},
            **kw,
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

    def _keyword_ranks(self, part: PartAnalysis) -> tuple[dict[str, int], np.ndarray]:
        """The keyword ranking of one query (top `rank_depth`) and every chunk's weighted BM25 score."""
        keyword = self.keyword_index.scores(keyword_tokens(part, self.config.bigram_weight))
        order = np.argsort(-keyword, kind="stable")[: min(self.config.rank_depth, len(keyword))]
        return {self._ids[i]: r for r, i in enumerate(order, 1) if keyword[i] > 0}, keyword

    def _rank(self, analysis: QueryAnalysis, dated: bool = True) -> tuple[dict[str, float], np.ndarray, np.ndarray]:
        """Weighted reciprocal-rank fusion of the dense and keyword rankings of one query (without the documents'
        covers unless `dated`: the keyword index holds none)."""
        c = self.config
        vector = self.embeddings.embed_query(dense_text(analysis, c))
        records = len(self._ids) + len(self.parents)  # a chunk's Chinese and English vectors both lead to it
        # (the covers' Chinese and English records are fetched on top: skipped, they take no other passage's place)
        hits = self.index.query(self.collection, vector, min(2 * c.rank_depth + 2 * len(self._covers), records))
        dense = np.zeros(len(self._ids), dtype=np.float32)
        dense_rank: dict[str, int] = {}
        for hit in hits:
            cid = self.parents.get(hit.chunk_id, hit.chunk_id)
            if cid in self._position and cid not in dense_rank and len(dense_rank) < c.rank_depth:
                if not dated and cid in self._covers:
                    continue
                dense[self._position[cid]] = hit.similarity
                dense_rank[cid] = len(dense_rank) + 1
        keyword_rank, keyword = self._keyword_ranks(analysis.whole)
        fused = _rrf([(dense_rank, c.dense_weight), (keyword_rank, c.keyword_weight)], c.rrf_c)
        return fused, dense, keyword

    def retrieve(self, question: str | QueryAnalysis, k: int | None = None) -> list[Retrieved]:
        """The top `k` chunks for a question, with fused and per-retriever scores. A multi-part question's
        parts are also ranked by keywords (an embedding each would double the latency for no recall) and
        the rankings fused, so every part finds its section."""
        analysis = question if isinstance(question, QueryAnalysis) else self.analyser.analyse(question)
        k = k or self.k
        # A document's cover (its title and month) is evidence only of when the document is dated: for any other
        # question it takes no place in a ranking, where its title words would push down a passage that says something.
        dated = analysis.asks_date
        fused, dense, keyword = self._rank(analysis, dated)
        if len(analysis.parts) > 1:
            lists = [(_ranks(fused), 1.0)]
            for part in analysis.parts:
                part_ranks, part_keyword = self._keyword_ranks(part)
                lists.append((part_ranks, 1.0))
                keyword = np.maximum(keyword, part_keyword)
            fused = _rrf(lists, self.config.rrf_c)
        # …and for one asking when a document is dated ("plan + catalogue dated when?"), every cover ranks with the
        # best (there is one per document; a launch date asked is no document's).
        if dated and fused and any(t.kind == "document" for t in analysis.topics):
            top = max(fused.values())
            fused = {**fused, **{cid: max(fused.get(cid, 0.0), top) for cid in self._covers}}
        best = sorted(fused, key=lambda cid: -fused[cid])[:k]
        out = []
        for r, cid in enumerate(best, 1):
            i = self._position[cid]
            out.append(Retrieved(self.chunks[i], float(fused[cid]), float(dense[i]), float(keyword[i]), r))
        return out

    @cached_property
    def _covers(self) -> frozenset[str]:
        return frozenset(c.chunk_id for c in self.chunks if is_cover(c.metadata))

    @cached_property
    def _with_figures(self) -> np.ndarray:
        return np.array([bool(figures(c.text)) for c in self.chunks])

    def figure_search(self, parts: list[PartAnalysis], exclude: set[str]) -> list[Retrieved]:
        """Passages that give a figure, ranked by keywords, for "how many / how much" questions whose
        retrieved passages hold no figure for them (the number sits in a section that talks less about it)."""
        return self.search_among(parts, self._with_figures, exclude)

    def kind_search(self, parts: list[PartAnalysis], kinds: frozenset[str], exclude: set[str]) -> list[Retrieved]:
        """Passages that name a thing of one of the kinds (a zone), ranked by keywords, for "which zone suits X"
        questions whose retrieved passages name no zone that states X."""
        if kinds not in self._naming:
            named = self.analyser.glossary.kinds_named
            self._naming[kinds] = np.array(
                [bool(kinds & named(f"{c.metadata.get('section', '')}\n{c.text}")) for c in self.chunks]
            )
        return self.search_among(parts, self._naming[kinds], exclude)

    def section_search(self, parts: list[PartAnalysis], headings: frozenset[str], exclude: set[str]) -> list[Retrieved]:
        """Passages under the given headings (the state of play), ranked by keywords, for questions about the
        present whose candidates come from targets and measures."""
        if headings not in self._naming:
            self._naming[headings] = np.array(
                [any(h in str(c.metadata.get("section", "")) for h in headings) for c in self.chunks]
            )
        return self.search_among(parts, self._naming[headings], exclude)

    def name_search(self, parts: list[PartAnalysis], names: frozenset[str], exclude: set[str]) -> list[Retrieved]:
        """Passages that say one of the names (a company, a platform) word for word, ranked by keywords, for
        questions whose candidates miss it: a name in a long list of names weighs little in a passage's score."""
        key = frozenset(f"name:{n}" for n in names)
        if key not in self._naming:
            self._naming[key] = np.array([any(n in c.text for n in names) for c in self.chunks])
        return self.search_among(parts, self._naming[key], exclude)

    @cached_property
    def _naming(self) -> dict[frozenset[str], np.ndarray]:
        return {}

    def search_among(self, parts: list[PartAnalysis], allowed: np.ndarray, exclude: set[str]) -> list[Retrieved]:
        """The best passages by keywords among those `allowed`, `figure_search` many per part."""
        out: dict[str, Retrieved] = {}
        n = self.config.figure_search
        for part in parts:
            keyword = self.keyword_index.scores(keyword_tokens(part, self.config.bigram_weight))
            keyword = np.where(allowed, keyword, 0.0)
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
