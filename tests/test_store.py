"""The index in real embedded Chroma: idempotent re-ingest, deletions, model refusal, atomic rebuild."""

import sqlite3
from pathlib import Path

import pytest

from bot.errors import IndexMissingError, ModelMismatchError
from bot.settings import load_settings
from ingest.pipeline import run_ingest
from ingest.store import Index, open_index
from tests.conftest import FakeEmbeddings, edit_corpus, insert_paragraph, small_corpus


class FailingEmbeddings(FakeEmbeddings):
    """Dies after embedding `budget` passages, like a process killed mid-ingest."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.budget = budget

    def embed_documents(self, texts):
        if self.calls + len(texts) > self.budget:
            raise KeyboardInterrupt
        return super().embed_documents(texts)


def _ids(settings, model_id="fake-bigram-64"):
    index = open_index(settings)
    return index.chunks(index.require(model_id))


def test_reingest_is_idempotent(fake_embeddings) -> None:
    settings = load_settings()
    first = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    assert first.added == first.records == 2 * first.chunks and first.chunks > 150  # each chunk and its English
    assert first.by_kind["catalogue_row"] == 78
    embedded = fake_embeddings.calls
    active = open_index(settings).active_name()
    second = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    assert (second.added, second.removed, second.chunks) == (0, 0, first.chunks)
    assert open_index(settings).active_name() == active  # nothing changed: nothing rebuilt or switched
    assert fake_embeddings.calls == embedded  # nothing re-embedded
    stored = _ids(settings)
    assert len(stored) == len({c.chunk_id for c in stored}) == first.records


def test_changed_and_removed_documents(fake_embeddings, corpus_copy: Path) -> None:
    settings = load_settings(corpus_dir=corpus_copy)
    first = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    plan = corpus_copy / "hongqiao-cbd-industry-plan-2022.txt"
    plan.write_text(plan.read_text(encoding="utf-8").replace("151.4", "151.9"), encoding="utf-8")
    changed = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    # The changed chunk and its English record (whose sentence has no English any more).
    assert (changed.added, changed.removed, changed.chunks) == (2, 2, first.chunks)
    texts = " ".join(c.text for c in _ids(settings))
    assert "151.9" in texts and "151.4" not in texts
    notice = corpus_copy / "hongqiao-cbd-notice-2022-76.txt"
    n_notice = sum(1 for c in _ids(settings) if c.metadata["doc_id"] == "hongqiao-cbd-notice-2022-76")
    notice.unlink()
    removed = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    assert (removed.added, removed.removed) == (0, n_notice)  # the notice's chunks and their English records
    assert not any(c.metadata["doc_id"] == "hongqiao-cbd-notice-2022-76" for c in _ids(settings))


def test_index_records_model_and_refuses_another(fake_embeddings) -> None:
    settings = load_settings()
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    collection = open_index(settings).active()
    assert collection.metadata["embedding_model"] == "fake-bigram-64"
    assert collection.metadata["dimension"] == 64
    other = FakeEmbeddings("another-model", 64)
    with pytest.raises(ModelMismatchError, match=r"built with 'fake-bigram-64'.*--rebuild"):
        open_index(settings).require(other.model_id)
    with pytest.raises(ModelMismatchError):
        run_ingest(settings, embeddings=other, show_progress=False)
    rebuilt = run_ingest(settings, embeddings=other, rebuild=True, show_progress=False)
    assert rebuilt.added == rebuilt.records
    assert open_index(settings).active().metadata["embedding_model"] == "another-model"


def test_missing_index_says_run_ingest() -> None:
    with pytest.raises(IndexMissingError, match="run `hqbot ingest` first"):
        open_index(load_settings())
    assert not load_settings().data_dir.exists()  # asking does not create anything


def test_interrupted_rebuild_keeps_the_old_index_and_resumes(fake_embeddings) -> None:
    settings = load_settings()
    first = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    old = open_index(settings).active_name()
    with pytest.raises(KeyboardInterrupt):
        run_ingest(settings, embeddings=FailingEmbeddings(budget=100), rebuild=True, show_progress=False)
    index = open_index(settings)
    assert index.active_name() == old  # the half-built staging collection is not in use
    assert index.active().count() == first.records
    resumed_model = FakeEmbeddings()
    resumed = run_ingest(settings, embeddings=resumed_model, rebuild=True, show_progress=False)
    assert resumed.chunks == first.chunks
    assert resumed_model.calls == first.records - 64  # one batch of 64 was stored before the interruption
    assert open_index(settings).active_name() != old
    stored = _ids(settings)
    assert len(stored) == len({c.chunk_id for c in stored}) == first.records


def test_interrupted_first_ingest_leaves_no_index(fake_embeddings) -> None:
    settings = load_settings()
    with pytest.raises(KeyboardInterrupt):
        run_ingest(settings, embeddings=FailingEmbeddings(budget=70), show_progress=False)
    with pytest.raises(IndexMissingError):
        open_index(settings).require("fake-bigram-64")
    report = run_ingest(settings, embeddings=FakeEmbeddings(), show_progress=False)
    assert report.records == len({c.chunk_id for c in _ids(settings)})


def _contents(settings) -> list[tuple[str, str, dict]]:
    """Every stored chunk as (id, text, metadata), in document order."""
    return [(c.chunk_id, c.text, c.metadata) for c in _ids(settings)]


def test_inserting_a_paragraph_reembeds_only_what_changed(fake_embeddings, corpus_copy: Path, tmp_path: Path) -> None:
    settings = load_settings(corpus_dir=corpus_copy)
    first = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    insert_paragraph(corpus_copy)
    report = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    assert report.added <= 2 and report.chunks == first.chunks + 1
    # The chunks after the insert keep their ids and embeddings but follow it in position, as in a clean build.
    clean = load_settings(corpus_dir=corpus_copy, data_dir=tmp_path / "clean")
    run_ingest(clean, embeddings=FakeEmbeddings(), show_progress=False)
    assert _contents(settings) == _contents(clean)


def test_the_chunk_bound_is_a_setting(fake_embeddings, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HQBOT_MAX_CHUNK_CHARS", "100")
    corpus = small_corpus(tmp_path)
    with (corpus / "zones.txt").open("a", encoding="utf-8") as f:
        f.write("\n东虹桥片区" + "，重点发展航空服务经济" * 60 + "。\n")
    settings = load_settings(corpus_dir=corpus)
    assert settings.max_chunk_chars == 100
    report = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    stored = _ids(settings)
    assert report.chunks == len(stored) > 8 and max(len(c.text) for c in stored) <= 100


def _stop_copying(monkeypatch) -> None:
    copy = Index._copy

    def half_then_stop(self, source, target, chunks):
        copy(self, source, target, chunks[: len(chunks) // 2])
        raise KeyboardInterrupt

    monkeypatch.setattr(Index, "_copy", half_then_stop)


def _stop_switching(monkeypatch) -> None:
    def stop(self, name):
        raise KeyboardInterrupt

    monkeypatch.setattr(Index, "_point_registry", stop)


@pytest.mark.parametrize("stop", ["copying", "embedding", "switching"])
def test_a_stopped_incremental_ingest_leaves_the_old_index_and_the_next_ends_clean(
    stop: str, corpus_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    settings = load_settings(corpus_dir=corpus_copy)
    run_ingest(settings, embeddings=FakeEmbeddings(), show_progress=False)
    old_name, old_contents = open_index(settings).active_name(), _contents(settings)
    edit_corpus(corpus_copy)
    with monkeypatch.context() as patch:
        model = FailingEmbeddings(budget=70) if stop == "embedding" else FakeEmbeddings()
        if stop == "copying":
            _stop_copying(patch)
        if stop == "switching":
            _stop_switching(patch)
        with pytest.raises(KeyboardInterrupt):
            run_ingest(settings, embeddings=model, show_progress=False)
    assert open_index(settings).active_name() == old_name  # the live index was not written
    assert _contents(settings) == old_contents

    resumed_model = FakeEmbeddings()
    report = run_ingest(settings, embeddings=resumed_model, show_progress=False)
    clean = load_settings(corpus_dir=corpus_copy, data_dir=tmp_path / "clean")
    clean_report = run_ingest(clean, embeddings=FakeEmbeddings(), show_progress=False)
    assert _contents(settings) == _contents(clean)  # exactly the chunks of a clean build, in their places
    new = len({row[0] for row in _contents(clean)} - {row[0] for row in old_contents})
    assert new > 64 and report.added == resumed_model.calls == (new - 64 if stop == "embedding" else new)
    assert report.chunks == clean_report.chunks
    names = {c.name for c in open_index(settings).client.list_collections()}
    assert names == {"hqbot-registry", open_index(settings).active_name()}  # nothing half-built left


def _segment_folders(settings) -> tuple[set[str], set[str]]:
    """(vector folders on disk, segments Chroma knows) of an embedded index."""
    on_disk = {p.name for p in settings.index_dir.iterdir() if p.is_dir()}
    with sqlite3.connect(settings.index_dir / "chroma.sqlite3") as db:
        known = {row[0] for row in db.execute("SELECT id FROM segments")}
    return on_disk, known


def test_rebuilds_and_updates_leave_no_old_index_folders(fake_embeddings, corpus_copy: Path) -> None:
    settings = load_settings(corpus_dir=corpus_copy)
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    for _ in range(3):
        run_ingest(settings, embeddings=fake_embeddings, rebuild=True, show_progress=False)
    insert_paragraph(corpus_copy)
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    on_disk, known = _segment_folders(settings)
    assert len(on_disk) == 1 and on_disk <= known  # the active collection's vectors, nothing else


def test_the_dense_search_is_exhaustive_so_every_process_finds_the_same_passages(tmp_path: Path) -> None:
    """HNSW's default breadth is approximate (and its misses differ between processes that open the same index); an
    index is created with a breadth above its record count and cosine distance, and a query for a stored vector
    returns that record first."""
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=small_corpus(tmp_path))
    fake = FakeEmbeddings()
    run_ingest(settings, embeddings=fake, show_progress=False)
    index = open_index(settings)
    collection = index.require(fake.model_id)
    hnsw = collection.configuration_json["hnsw"]
    assert hnsw["space"] == "cosine" and hnsw["ef_search"] >= collection.count()
    stored = collection.get(limit=1, include=["embeddings"])
    (first, *_) = index.query(collection, list(stored["embeddings"][0]), collection.count())
    assert first.chunk_id == stored["ids"][0] and first.similarity == pytest.approx(1.0, abs=1e-4)
