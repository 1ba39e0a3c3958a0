"""Shared fixtures: every test's state lives in tmp_path; unit tests use a deterministic fake embedder."""

from __future__ import annotations

import hashlib
import itertools
import math
import shutil
from pathlib import Path

import pytest

from ingest.embed import IndexEmbeddings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def small_corpus(tmp_path: Path) -> Path:
    """Two passages: cheap to embed with the real model, enough to answer "北虹桥片区重点发展哪些产业？"."""
    corpus = tmp_path / "small"
    corpus.mkdir()
    (corpus / "zones.txt").write_text(
        "一、片区\n\n北虹桥片区。以智慧绿色创新经济与制造服务经济为特色，重点发展汽车新势力、低碳新能源等产业。\n\n"
        "南虹桥片区。重点发展高端医疗服务、生命科学临床转化等产业。\n",
        encoding="utf-8",
    )
    return corpus


def insert_paragraph(corpus: Path) -> None:
    """A new paragraph near the top of the plan (in 一、发展基础)."""
    plan = corpus / "hongqiao-cbd-industry-plan-2022.txt"
    text = plan.read_text(encoding="utf-8")
    anchor = "一、发展基础\n\n"
    new = "商务区坚持规划引领，统筹推进产业布局、功能平台与营商环境建设，各项工作取得积极进展。\n\n"
    plan.write_text(text.replace(anchor, anchor + new, 1), encoding="utf-8")


def edit_corpus(corpus: Path) -> None:
    """An edit of every kind: a paragraph inserted, one deleted, a document added (over 64 new chunks)."""
    insert_paragraph(corpus)
    plan = corpus / "hongqiao-cbd-industry-plan-2022.txt"
    text = plan.read_text(encoding="utf-8")
    deleted = next(p for p in text.split("\n\n") if p.startswith("新兴产业领域开拓初具方向。"))
    plan.write_text(text.replace(deleted + "\n\n", ""), encoding="utf-8")
    catalogue = (corpus / "hongqiao-cbd-key-industry-catalogue-2022.txt").read_text(encoding="utf-8")
    (corpus / "catalogue-2023.txt").write_text(catalogue.replace("2022", "2023"), encoding="utf-8")


class FakeEmbeddings(IndexEmbeddings):
    """Deterministic character-bigram hashing embedder: similar texts get similar vectors, no model needed."""

    def __init__(self, model_id: str = "fake-bigram-64", dim: int = 64) -> None:
        self.model_id = model_id
        self.dim = dim
        self.engine = "fake"
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for a, b in itertools.pairwise(text):
            h = int.from_bytes(hashlib.blake2b((a + b).encode(), digest_size=4).digest(), "little")
            vec[h % self.dim] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point all state at tmp_path and clear settings that would reach outside it."""
    data = tmp_path / "data"
    monkeypatch.setenv("HQBOT_DATA_DIR", str(data))
    monkeypatch.setenv("HQBOT_CORPUS_DIR", str(CORPUS))
    for name in ("HQBOT_CHROMA_URL", "HQBOT_EMBEDDINGS", "HQBOT_AUTH", "HQBOT_LLM_BASE_URL", "HQBOT_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return data


@pytest.fixture
def fake_embeddings() -> FakeEmbeddings:
    """A deterministic fake model, passed explicitly to the code under test."""
    return FakeEmbeddings()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory):
    """Settings for an index of the bundled corpus built once per session with the real bundled model."""
    from bot.settings import load_settings
    from ingest.pipeline import run_ingest

    settings = load_settings(data_dir=tmp_path_factory.mktemp("real-index"), corpus_dir=CORPUS)
    run_ingest(settings, show_progress=False)
    return settings


@pytest.fixture(scope="session")
def real_assistant(real_settings):
    """The assistant over the real index, loaded once per session."""
    from bot.assistant import Assistant

    return Assistant(real_settings)


@pytest.fixture(scope="session")
def glossary():
    """The bundled glossary."""
    from bot.qa.glossary import load_glossary

    return load_glossary(CORPUS / "glossary.yaml")


@pytest.fixture(scope="session")
def analyser(glossary):
    """An analyser over the bundled corpus's chunks (no index, no model: chunked in memory)."""
    from bot.qa.analyse import Analyser
    from bot.qa.config import EngineConfig
    from bot.qa.text import add_words
    from bot.qa.vocabulary import Vocabulary
    from ingest.pipeline import chunk_corpus

    chunks, _, _ = chunk_corpus(CORPUS)
    add_words(glossary.chinese_terms)
    return Analyser(glossary, Vocabulary.of(c.embed_text for c in chunks), EngineConfig())


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory):
    """Settings for an index of the bundled corpus built once per session with the fake model (read-only: tests
    that switch or change an index build their own)."""
    from bot.settings import load_settings
    from ingest.pipeline import run_ingest

    embeddings = FakeEmbeddings()
    settings = load_settings(data_dir=tmp_path_factory.mktemp("fake-index"), corpus_dir=CORPUS)
    settings = settings.model_copy(update={"chroma_url": None, "auth": None, "llm_base_url": None})
    run_ingest(settings, embeddings=embeddings, show_progress=False)
    return settings, embeddings
