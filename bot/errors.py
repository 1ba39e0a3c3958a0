"""One error hierarchy: every failure a user can cause or fix is an HqbotError with a one-sentence message.

The base class and the errors ingest raises live in `ingest.errors` (ingest imports nothing from bot);
they are re-exported here, so `from bot.errors import X` works for every error.
"""

from __future__ import annotations

from ingest.errors import (
    ConfigError,
    CorpusError,
    DocumentError,
    EmbeddingModelError,
    HqbotError,
    IndexCorruptError,
    IndexMissingError,
    ModelMismatchError,
    StoreUnavailableError,
)

__all__ = [
    "ConfigError",
    "CorpusError",
    "DocumentError",
    "EmbeddingModelError",
    "HqbotError",
    "IndexCorruptError",
    "IndexMissingError",
    "LLMError",
    "ModelMismatchError",
    "QuestionError",
    "StoreUnavailableError",
]


class QuestionError(HqbotError):
    """The question is empty, too long, or has control characters."""


class BusyError(HqbotError):
    """Too many questions at once: every answering slot and queue place is taken."""


class LLMError(HqbotError):
    """The optional LLM endpoint failed or timed out."""
