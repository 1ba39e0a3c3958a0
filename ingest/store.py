"""The Chroma index: embedded (`PersistentClient` under the data directory) or a server (`HQBOT_CHROMA_URL`).

A registry collection names the active chunk collection. Each chunk collection records the embedding
model and dimension that built it. Every ingest builds the new index where queries cannot see it and
switches the registry to it in one step when it is complete: a first build and `--rebuild` embed every
chunk into `<prefix>-staging`; an incremental ingest copies the unchanged chunks' stored vectors from the
active collection into `<prefix>-update` and embeds only the new ones. The collection replaced is deleted
once the switch is done, and so are the folders Chroma leaves behind for a deleted collection (embedded).
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ingest.config import StoreSettings
from ingest.errors import (
    ConfigError,
    IndexCorruptError,
    IndexMissingError,
    ModelMismatchError,
    StoreUnavailableError,
)

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
#: HNSW's search breadth. Chroma's default (100) is approximate: on this corpus (330 records) it missed a nearest
#: passage in about one question in 250, and not the same one in every process (the graph is rebuilt when a process
#: opens the index), so the same question could get different answers from two workers. A breadth at least the
#: number of records makes the search exhaustive, exact and the same everywhere, at no cost worth measuring here.
EF_SEARCH = 2000
_BATCH = 64  # chunks embedded (and stored) at a time, at most
_BATCH_CHARS = 16_000  # characters embedded at a time, at most: long chunks still report progress every few seconds
_COPY_BATCH = 512  # chunks copied, updated or deleted at a time
_SEGMENT_DIR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the index."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]


@dataclass(frozen=True)
class Hit:
    """A dense-retrieval hit: the chunk id and its cosine similarity to the query."""

    chunk_id: str
    similarity: float


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _server_address(url: str) -> tuple[str, int, bool]:
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"HQBOT_CHROMA_URL={url!r} is not an http://HOST:PORT address.")
    return parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 8000), parsed.scheme == "https"


def _check_server(url: str, timeout: float) -> None:
    import httpx

    host, port, ssl = _server_address(url)
    base = f"{'https' if ssl else 'http'}://{host}:{port}"
    try:
        httpx.get(f"{base}/api/v2/heartbeat", timeout=timeout).raise_for_status()
    except httpx.HTTPError as exc:
        raise StoreUnavailableError(
            f"The Chroma server at {base} is not answering ({type(exc).__name__}): start it or fix HQBOT_CHROMA_URL."
        ) from None


def open_client(settings: StoreSettings, *, create: bool) -> Any:
    """A Chroma client; embedded unless `HQBOT_CHROMA_URL` is set. `create=False` never creates folders."""
    import chromadb

    if settings.chroma_url:
        _check_server(settings.chroma_url, settings.chroma_timeout)
        host, port, ssl = _server_address(settings.chroma_url)
        try:
            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_chroma_settings())
        except Exception as exc:  # connection and protocol errors from httpx or chroma
            raise StoreUnavailableError(
                f"The Chroma server at {settings.chroma_url} refused the connection ({type(exc).__name__}): "
                "check that it is running."
            ) from None
        import httpx

        session = getattr(getattr(client, "_server", None), "_session", None)
        if session is not None:  # chroma's client waits forever by default; bound every request
            session.timeout = httpx.Timeout(settings.chroma_timeout, read=read_timeout(settings.chroma_timeout))
        return client
    path = settings.index_dir
    if not (path / "chroma.sqlite3").is_file():
        _forget_client(path)  # a client cached before the folder was deleted would write into deleted files
        if not create:
            raise IndexMissingError(f"There is no index at {path}: run `hqbot ingest` first.")
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    except Exception as exc:  # sqlite and rust-binding errors all mean the folder is unusable
        _forget_client(path)  # chroma caches the half-started client: without this, no reopen in this process works
        raise IndexCorruptError(
            f"The index at {path} cannot be opened ({type(exc).__name__}): run `hqbot ingest --rebuild`."
        ) from None


def read_timeout(timeout: float) -> float:
    """Seconds to wait for a Chroma server's reply: long enough for a batch upsert, short enough for a user."""
    return max(10.0, 2 * timeout)


def _forget_client(path: Path) -> None:
    """Drop chroma's in-process cache entry for an embedded index folder."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)


def set_aside(settings: StoreSettings) -> Any:
    """Move an unreadable embedded index folder to `chroma.corrupt-<time>` and open a fresh one (`--rebuild` only)."""
    path = settings.index_dir
    backup = path.with_name(f"{path.name}.corrupt-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}")
    path.rename(backup)
    logger.warning("The index at %s could not be opened; moved it to %s and building a fresh one.", path, backup)
    return open_client(settings, create=True)


class Index:
    """The chunk collections of one Chroma client, with the registry that names the active one."""

    def __init__(
        self,
        client: Any,
        prefix: str = "hqbot",
        *,
        url: str | None = None,
        broken: IndexCorruptError | None = None,
        reset: Callable[[], Any] | None = None,
        path: Path | None = None,
    ) -> None:
        self._client = client
        self._broken = broken  # why `client` is None: an embedded folder that could not be opened
        self._reset = reset  # what `sync(rebuild=True)` does about it: set the folder aside, open a fresh one
        self.prefix = prefix
        self.url = url
        self.path = path  # the embedded index folder (None for a server)
        self.registry_name = f"{prefix}-registry"
        self.staging_name = f"{prefix}-staging"  # a fresh build: every chunk embedded into it
        self.update_name = f"{prefix}-update"  # an incremental build: the active chunks copied, the new embedded

    @property
    def client(self) -> Any:
        """The Chroma client; raises the open error for an unreadable index folder."""
        if self._client is None:
            raise self._broken or IndexCorruptError("The index cannot be opened: run `hqbot ingest --rebuild`.")
        return self._client

    def _call(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except (IndexMissingError, ModelMismatchError, IndexCorruptError, StoreUnavailableError):
            raise  # already one sentence that names the fix
        except Exception as exc:
            if self.url:
                raise StoreUnavailableError(
                    f"The Chroma server at {self.url} failed a request ({type(exc).__name__}): "
                    "check that it is running."
                ) from None
            raise IndexCorruptError(
                f"The index could not be read ({type(exc).__name__}: {exc}): run `hqbot ingest --rebuild`."
            ) from None

    # --- registry -------------------------------------------------------------------------------
    def _registry(self) -> Any:
        return self.client.get_or_create_collection(
            self.registry_name, metadata={"active": ""}, embedding_function=None
        )

    def _collection_names(self) -> list[str]:
        return [getattr(c, "name", c) for c in self.client.list_collections()]

    def active_name(self) -> str | None:
        """The name of the collection queries use, or None before the first complete ingest."""

        def read() -> str | None:
            if self.registry_name not in self._collection_names():
                return None
            name = (self.client.get_collection(self.registry_name, embedding_function=None).metadata or {}).get(
                "active"
            )
            return name or None

        return self._call(read)

    def active(self) -> Any | None:
        """The active chunk collection, or None."""
        name = self.active_name()
        if not name:
            return None
        return self._call(lambda: self.client.get_collection(name, embedding_function=None))

    def require(self, model_id: str) -> Any:
        """The active collection, refusing one built with another embedding model."""
        collection = self.active()
        if collection is None:
            raise IndexMissingError("The index is empty: run `hqbot ingest` first.")
        check_model(collection.metadata or {}, model_id)
        return collection

    def _activate(self, collection: Any) -> None:
        """Switch queries to a complete collection in one step, then delete what it replaces."""
        final = f"{self.prefix}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
        fresh = collection.name == self.staging_name
        collection.modify(name=final)
        previous = self.active_name()
        self._point_registry(final)
        keep = {final, self.registry_name, self.staging_name} | (set() if fresh else {self.update_name})
        for name in self._collection_names():  # the previous index and any orphan of a stopped switch
            if name.startswith(f"{self.prefix}-") and name not in keep:
                logger.info("Deleting old collection %s (was active: %s)", name, name == previous)
                self.client.delete_collection(name)
        self._remove_orphan_folders()

    def _point_registry(self, name: str) -> None:
        self._registry().modify(metadata={"active": name, "switched": _now()})

    def _remove_orphan_folders(self) -> None:
        """Delete the vector folders no collection uses: Chroma 1.5 deletes a collection's rows but leaves its
        folder in an embedded index (chroma-core/chroma#5259), so every rebuild would leave one behind."""
        if self.path is None or self.url:
            return  # a server's disk is the server's
        folders = [p for p in self.path.iterdir() if p.is_dir() and _SEGMENT_DIR.match(p.name)]
        try:  # read after listing: a folder listed is a segment created earlier, so a live one is in this read
            with sqlite3.connect(f"file:{self.path / 'chroma.sqlite3'}?mode=ro", uri=True, timeout=5) as db:
                live = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
        except sqlite3.Error as exc:
            logger.info("Left old index folders in place: the segment list could not be read (%s).", exc)
            return
        if not live:
            return  # not the layout this code knows: delete nothing
        for folder in folders:
            if folder.name not in live:
                logger.info("Deleting the folder of a deleted collection: %s", folder)
                shutil.rmtree(folder, ignore_errors=True)

    # --- writing --------------------------------------------------------------------------------
    def _build_target(self, name: str, embeddings: Any) -> Any:
        """The collection a build fills: one left by a stopped build of the same model is resumed."""
        meta = {
            "embedding_model": embeddings.model_id,
            "dimension": embeddings.dim,
            "engine": getattr(embeddings, "engine", ""),
            "schema": SCHEMA_VERSION,
        }
        if name in self._collection_names():
            existing = self.client.get_collection(name, embedding_function=None)
            if all((existing.metadata or {}).get(k) == v for k, v in meta.items()):
                return existing
            self.client.delete_collection(name)
        meta = {**meta, "created": _now()}
        hnsw = {"space": "cosine", "ef_search": EF_SEARCH}
        return self.client.create_collection(name, metadata=meta, configuration={"hnsw": hnsw}, embedding_function=None)

    def _drop(self, name: str) -> None:
        if name in self._collection_names():
            self.client.delete_collection(name)

    def sync(
        self,
        chunks: list[Any],
        embeddings: Any,
        *,
        rebuild: bool = False,
        progress: Callable[[int], Any] | None = None,
        on_total: Callable[[int], Any] | None = None,
    ) -> tuple[int, int, int]:
        """Make the index hold exactly `chunks`; returns (added: chunks embedded, removed, total).

        The active collection is never written: an ingest stopped at any point leaves it answering, and
        the next run resumes from what the stopped one stored. `on_total(n)` hears how many chunks will be
        embedded, `progress(n)` each batch stored."""
        if rebuild and self._client is None and self._reset is not None:
            self._client = self._reset()

        def run() -> tuple[int, int, int]:
            wanted = {c.chunk_id: c for c in chunks}
            live = None if rebuild else self.active()  # a rebuild reads nothing of the index it replaces
            if live is not None:
                check_model(live.metadata or {}, embeddings.model_id)
            stored = _rows(live) if live is not None else {}
            if live is not None and _same(stored, wanted):
                self._drop(self.update_name)  # a stopped update the corpus no longer needs
                return 0, 0, len(wanted)
            previous = stored.keys() if live is not None else self._previous_ids()
            target = self._build_target(self.staging_name if live is None else self.update_name, embeddings)
            added = self._fill(target, wanted, live, stored, embeddings, progress, on_total)
            self._activate(target)
            return added, len(previous - wanted.keys()), target.count()

        return self._call(run)

    def _previous_ids(self) -> set[str]:
        """The chunk ids of the active collection, for the count of removed chunks a rebuild reports; none
        when it cannot be read (a rebuild must not depend on the index it replaces)."""
        try:
            live = self.active()
            return set(_ids(live)) if live is not None else set()
        except Exception:  # an unreadable index is what a rebuild is for
            return set()

    def _fill(
        self,
        target: Any,
        wanted: dict[str, Any],
        source: Any | None,
        source_rows: dict[str, tuple[Any, Any]],
        embeddings: Any,
        progress: Callable[[int], Any] | None,
        on_total: Callable[[int], Any] | None,
    ) -> int:
        """Make `target` hold exactly the `wanted` chunks: keep what a stopped build stored, copy unchanged
        chunks' vectors from `source`, embed the rest. Returns how many chunks were embedded."""
        have = _rows(target)
        for batch in _batches(sorted(have.keys() - wanted.keys()), _COPY_BATCH):
            target.delete(ids=batch)
        moved = [c for cid, c in wanted.items() if cid in have and have[cid] != (c.metadata(), c.text)]
        for batch in _batches(moved, _COPY_BATCH):  # same text, new place (an edit above it)
            target.update(ids=[c.chunk_id for c in batch], metadatas=[c.metadata() for c in batch])
        missing = [c for cid, c in wanted.items() if cid not in have]
        if source is not None:
            self._copy(source, target, [c for c in missing if c.chunk_id in source_rows])
        new = [c for c in missing if c.chunk_id not in source_rows]
        if on_total:
            on_total(len(new))
        for batch in _embed_batches(new):
            vectors = embeddings.embed_documents([c.embed_text for c in batch])
            _store(target, batch, vectors)
            if progress:
                progress(len(batch))
        return len(new)

    def _copy(self, source: Any, target: Any, chunks: list[Any]) -> None:
        """Store `chunks` in `target` with the vectors `source` holds for them (same ids, same text)."""
        for batch in _batches(chunks, _COPY_BATCH):
            got = source.get(ids=[c.chunk_id for c in batch], include=["embeddings"])
            vectors = dict(zip(got["ids"], got["embeddings"], strict=True))
            _store(target, batch, [vectors[c.chunk_id] for c in batch])

    # --- reading --------------------------------------------------------------------------------
    def chunks(self, collection: Any) -> list[StoredChunk]:
        """Every chunk of a collection, in document order."""

        def read() -> list[StoredChunk]:
            data = collection.get(include=["documents", "metadatas"])
            rows = [
                StoredChunk(cid, doc or "", dict(meta or {}))
                for cid, doc, meta in zip(data["ids"], data["documents"], data["metadatas"], strict=True)
            ]
            return sorted(rows, key=lambda r: (str(r.metadata.get("doc_id", "")), int(r.metadata.get("position", 0))))

        return self._call(read)

    def query(self, collection: Any, vector: list[float], k: int) -> list[Hit]:
        """The `k` nearest chunks to a query vector, with cosine similarity."""

        def run() -> list[Hit]:
            res = collection.query(query_embeddings=[vector], n_results=k, include=["distances"])
            return [Hit(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

        return self._call(run)


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _embed_batches(chunks: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """Consecutive chunks, at most `_BATCH` of them and `_BATCH_CHARS` characters of embedded text (at least one)."""
    start = 0
    while start < len(chunks):
        end, size = start, 0
        while (
            end < len(chunks)
            and end - start < _BATCH
            and (end == start or size + len(chunks[end].embed_text) <= _BATCH_CHARS)
        ):
            size += len(chunks[end].embed_text)
            end += 1
        yield chunks[start:end]
        start = end


def _store(collection: Any, chunks: Sequence[Any], vectors: Sequence[Any]) -> None:
    collection.upsert(
        ids=[c.chunk_id for c in chunks],
        embeddings=list(vectors),
        documents=[c.text for c in chunks],
        metadatas=[c.metadata() for c in chunks],
    )


def _ids(collection: Any) -> list[str]:
    return list(collection.get(include=[])["ids"])


def _rows(collection: Any) -> dict[str, tuple[Any, Any]]:
    """Every chunk of a collection: id → (metadata, text)."""
    data = collection.get(include=["metadatas", "documents"])
    return dict(zip(data["ids"], zip(data["metadatas"], data["documents"], strict=True), strict=True))


def _same(stored: dict[str, tuple[Any, Any]], wanted: dict[str, Any]) -> bool:
    """True when a collection holds exactly the wanted chunks, each in its place."""
    return stored.keys() == wanted.keys() and all(stored[cid] == (c.metadata(), c.text) for cid, c in wanted.items())


def check_model(meta: dict[str, Any], model_id: str) -> None:
    """Refuse an index built with another embedding model, naming both and the fix."""
    built = meta.get("embedding_model")
    if built != model_id:
        raise ModelMismatchError(
            f"The index was built with {built!r} but HQBOT_EMBEDDINGS is {model_id!r}: "
            "set HQBOT_EMBEDDINGS back or run `hqbot ingest --rebuild`."
        )


def open_index(settings: StoreSettings, *, create: bool = False) -> Index:
    """The index named by the settings. With `create` (ingest), an unreadable embedded folder gives an Index
    that raises its error on use, except `sync(rebuild=True)`, which sets the folder aside and starts afresh."""
    try:
        client = open_client(settings, create=create)
    except IndexCorruptError as exc:
        if not create or settings.chroma_url:
            raise
        return Index(None, settings.collection, broken=exc, reset=lambda: set_aside(settings), path=settings.index_dir)
    path = None if settings.chroma_url else settings.index_dir
    return Index(client, settings.collection, url=settings.chroma_url, path=path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
