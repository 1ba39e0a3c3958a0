"""One error hierarchy: every failure a user can cause or fix is an HqbotError with a one-sentence message."""

from __future__ import annotations


class HqbotError(Exception):
    """Base class; `str(err)` is a one-sentence message that says what happened and what to do."""


class ConfigError(HqbotError):
    """A setting is invalid (a bad URL, an unknown model name, a bad login spec)."""


class CorpusError(HqbotError):
    """The corpus folder is missing, empty, or none of its files could be read."""


class DocumentError(HqbotError):
    """One corpus file could not be read (binary, wrongly encoded, unreadable PDF); the others go on."""


class EmbeddingModelError(HqbotError):
    """The embedding model could not be loaded (missing extra, wrong path, no weights offline)."""


class IndexMissingError(HqbotError):
    """There is no index yet."""


class IndexCorruptError(HqbotError):
    """The index folder exists but cannot be opened or read."""


class ModelMismatchError(HqbotError):
    """The index was built with another embedding model than the one configured."""


class StoreUnavailableError(HqbotError):
    """The Chroma server cannot be reached."""


class QuestionError(HqbotError):
    """The question is empty, too long, or has control characters."""


class BusyError(HqbotError):
    """Too many questions at once: every answering slot and queue place is taken."""


class LLMError(HqbotError):
    """The optional LLM endpoint failed or timed out."""
