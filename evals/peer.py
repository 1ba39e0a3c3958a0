"""The plain LangChain pipeline a user would otherwise build, run beside the bot for comparison:
500-character recursive splits with 50 overlap, dense top-5 with the same embedding model, the top
chunk as the answer."""

from __future__ import annotations

import time
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.load import load_corpus


class PlainRAG:
    """Split, embed, retrieve top-5, answer with the top chunk."""

    def __init__(self, corpus_dir: Path, embeddings: Embeddings, k: int = 5) -> None:
        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        docs = [
            Document(page_content=doc.text, metadata={"source": doc.source})
            for doc in load_corpus(corpus_dir).documents
        ]
        self.chunks = splitter.split_documents(docs)
        self.store = InMemoryVectorStore.from_documents(self.chunks, embeddings)
        self.k = k

    def ask(self, question: str) -> dict[str, object]:
        """The peer's answer: the top chunk, with its top-k contexts."""
        started = time.perf_counter()
        hits = self.store.similarity_search_with_score(question, k=self.k)
        contexts = [{"text": d.page_content, "score": float(s), "source": d.metadata.get("source")} for d, s in hits]
        return {
            "answer": contexts[0]["text"] if contexts else "",
            "abstained": False,
            "citations": [],
            "contexts": contexts,
            "latency_ms": (time.perf_counter() - started) * 1000,
        }
