"""The Chroma index: embedded (`PersistentClient` under the data directory) or a server (`HQBOT_CHROMA_URL`).

A registry collection names the active chunk collection. Each chunk collection records the embedding
model and dimension that built it. `--rebuild` (and a first build) fill a staging collection and
switch the registry to it only when it is complete.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
_BATCH = 64


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
    ) -> None:
        self._client = client
        self._broken = broken  # why `client` is None: an embedded folder that could not be opened
        self._reset = reset  # what `sync(rebuild=True)` does about it: set the folder aside, open a fresh one
        self.prefix = prefix
        self.url = url
        self.registry_name = f"{prefix}-registry"
        self.staging_name = f"{prefix}-staging"

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
        final = f"{self.prefix}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
        collection.modify(name=final)
        previous = self.active_name()
        self._registry().modify(metadata={"active": final, "switched": _now()})
        for name in self._collection_names():  # the previous index and any orphan of a killed switch
            if name.startswith(f"{self.prefix}-") and name not in (final, self.registry_name, self.staging_name):
                logger.info("Deleting old collection %s (was active: %s)", name, name == previous)
                self.client.delete_collection(name)

    # --- writing --------------------------------------------------------------------------------
    def _staging(self, model_id: str, dim: int, engine: str) -> Any:
        if self.staging_name in self._collection_names():
            staging = self.client.get_collection(self.staging_name, embedding_function=None)
            meta = staging.metadata or {}
            if meta.get("embedding_model") == model_id and meta.get("schema") == SCHEMA_VERSION:
                return staging  # resume an interrupted build
            self.client.delete_collection(self.staging_name)
        return self.client.create_collection(
            self.staging_name,
            metadata={
                "hnsw:space": "cosine",
                "embedding_model": model_id,
                "dimension": dim,
                "engine": engine,
                "schema": SCHEMA_VERSION,
                "created": _now(),
            },
            embedding_function=None,
        )

    def sync(
        self,
        chunks: list[Any],
        embeddings: Any,
        *,
        rebuild: bool = False,
        progress: Callable[[int], Any] | None = None,
        on_total: Callable[[int], Any] | None = None,
    ) -> tuple[int, int, int]:
        """Make the index hold exactly `chunks`; returns (added, removed, total)."""
        if rebuild and self._client is None and self._reset is not None:
            self._client = self._reset()

        def run() -> tuple[int, int, int]:
            target = None if rebuild else self.active()
            if target is not None:
                check_model(target.metadata or {}, embeddings.model_id)
            else:
                target = self._staging(embeddings.model_id, embeddings.dim, getattr(embeddings, "engine", ""))
            stored = target.get(include=["metadatas", "documents"])
            existing = dict(zip(stored["ids"], zip(stored["metadatas"], stored["documents"], strict=True), strict=True))
            wanted = {c.chunk_id: c for c in chunks}
            new = [c for cid, c in wanted.items() if cid not in existing]
            stale = sorted(existing.keys() - wanted.keys())
            moved = [c for cid, c in wanted.items() if cid in existing and existing[cid] != (c.metadata(), c.text)]
            for start in range(0, len(moved), 512):  # same text, new place (an edit above it): no re-embedding
                batch = moved[start : start + 512]
                target.update(ids=[c.chunk_id for c in batch], metadatas=[c.metadata() for c in batch])
            if on_total:
                on_total(len(new))
            for start in range(0, len(new), _BATCH):
                batch = new[start : start + _BATCH]
                vectors = embeddings.embed_documents([c.embed_text for c in batch])
                target.upsert(
                    ids=[c.chunk_id for c in batch],
                    embeddings=vectors,
                    documents=[c.text for c in batch],
                    metadatas=[c.metadata() for c in batch],
                )
                if progress:
                    progress(len(batch))
            for start in range(0, len(stale), 512):
                target.delete(ids=stale[start : start + 512])
            if target.name == self.staging_name:
                self._activate(target)
            return len(new), len(stale), target.count()

        return self._call(run)

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
        return Index(None, settings.collection, broken=exc, reset=lambda: set_aside(settings))
    return Index(client, settings.collection, url=settings.chroma_url)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
