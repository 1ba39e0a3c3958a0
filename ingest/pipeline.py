"""The ingest job: load → clean and chunk → embed → store, with progress on stderr and a summary."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.chunk import Chunk, chunk_document
from ingest.config import DEFAULT_MAX_CHUNK_CHARS, IngestSettings
from ingest.embed import IndexEmbeddings, load_embeddings
from ingest.errors import CorpusError
from ingest.load import load_corpus
from ingest.progress import Progress
from ingest.store import open_index
from ingest.translations import ParallelText, english_records

logger = logging.getLogger(__name__)

#: Seconds chunking may take before its progress is shown (the bundled corpus takes a fraction of one).
CHUNK_PROGRESS_DELAY = 1.0


@dataclass
class IngestReport:
    """What an ingest run did."""

    chunks: int
    added: int
    removed: int
    seconds: float
    documents: int
    by_kind: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    embedding_model: str = ""
    english: int = 0  # English records (one per chunk with English, its own vector)
    untranslated: int = 0  # units of the chunks that have no English yet (`hqbot translate --missing`)

    @property
    def records(self) -> int:
        """What the index stores: each chunk and each English record (its own vector)."""
        return self.chunks + self.english

    def summary(self) -> str:
        """The one-line summary printed at the end of a run."""
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.by_kind.items()))
        skipped = f"; skipped {len(self.skipped)} file(s)" if self.skipped else ""
        missing = f"; {self.untranslated} unit(s) have no English" if self.untranslated else ""
        return (
            f"Indexed {self.documents} document(s) into {self.chunks} chunks ({kinds}) with {self.english} "
            f"English records: {self.added} added, {self.removed} removed in {self.seconds:.1f}s{skipped}{missing}."
        )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def chunk_corpus(
    corpus_dir: Path,
    count_tokens=None,
    max_tokens: int = 400,
    max_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    *,
    show_progress: bool = False,
) -> tuple[list[Chunk], int, list[str]]:
    """Load and chunk every document: (chunks, number of documents, problems). With `show_progress`, a chunking
    step that lasts over a second shows the characters read on stderr."""
    loaded = load_corpus(corpus_dir)
    chunks: list[Chunk] = []
    problems = list(loaded.problems)
    kwargs = {"count_tokens": count_tokens} if count_tokens else {}
    total = sum(len(doc.text) for doc in loaded.documents)
    bar = Progress("Chunking", total, "character", delay=CHUNK_PROGRESS_DELAY) if show_progress else None
    for doc in loaded.documents:
        read = 0

        def advance(n: int, size: int = len(doc.text)) -> None:
            nonlocal read
            step = max(0, min(n, size - read))  # cleaning counts line ends itself: keep to the file's length
            read += step
            if bar is not None:
                bar.update(step)

        doc_chunks = chunk_document(
            doc.doc_id,
            doc.text,
            source=doc.source,
            title=doc.title,
            label=doc.label,
            max_tokens=max_tokens,
            max_chars=max_chars,
            progress=advance,
            **kwargs,
        )
        advance(len(doc.text))
        if not doc_chunks:
            problems.append(f"{doc.source} has no text left after cleaning; skipped it.")
            continue
        chunks.extend(doc_chunks)
    if bar is not None:
        bar.close()
    if not chunks:
        detail = f" ({problems[0]})" if problems else ""
        raise CorpusError(f"Nothing could be ingested from {corpus_dir}{detail}.")
    return chunks, len({c.doc_id for c in chunks}), problems


def corpus_chunks(
    settings: IngestSettings,
    embeddings: IndexEmbeddings,
    corpus_dir: Path | None = None,
    *,
    show_progress: bool = False,
) -> tuple[list[Chunk], int, list[str]]:
    """The chunks an ingest stores for the corpus folder with this model: (chunks, documents, problems)."""
    budget = min(embeddings.max_tokens, 512) - 24  # room for the model's prefix and special tokens
    return chunk_corpus(
        corpus_dir or settings.corpus_dir,
        embeddings.count_tokens,
        budget,
        settings.max_chunk_chars,
        show_progress=show_progress,
    )


def run_ingest(
    settings: IngestSettings,
    *,
    corpus_dir: Path | None = None,
    rebuild: bool = False,
    show_progress: bool = True,
    embeddings: IndexEmbeddings | None = None,
) -> IngestReport:
    """Bring the index in line with the corpus folder; only new or changed chunks are embedded."""
    started = time.perf_counter()
    embeddings = embeddings or load_embeddings(settings.embeddings)
    corpus = corpus_dir or settings.corpus_dir
    chunks, documents, problems = corpus_chunks(settings, embeddings, corpus, show_progress=show_progress)
    parallel = ParallelText.load(corpus)
    problems += parallel.problems
    english = english_records(chunks, parallel)
    untranslated = len(parallel.missing(chunks)) if parallel.entries else 0
    if untranslated:
        problems.append(f"{untranslated} unit(s) have no English translation: run `hqbot translate --missing`.")
    for problem in problems:
        logger.info(problem)
    index = open_index(settings, create=True)

    bar: Progress | None = None

    def on_total(total: int) -> None:
        nonlocal bar
        if total and show_progress:
            bar = Progress("Embedding", total, "chunk")

    added, removed, _ = index.sync(
        [*chunks, *english],
        embeddings,
        rebuild=rebuild,
        on_total=on_total,
        progress=lambda n: bar.update(n) if bar else None,
    )
    if bar is not None:
        bar.close()
    return IngestReport(
        chunks=len(chunks),
        added=added,
        removed=removed,
        seconds=round(time.perf_counter() - started, 3),
        documents=documents,
        by_kind=dict(Counter(c.kind for c in chunks)),
        skipped=problems,
        embedding_model=embeddings.model_id,
        english=len(english),
        untranslated=untranslated,
    )
