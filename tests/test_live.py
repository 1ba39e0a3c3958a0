"""The running app follows the index: an ingest that switches the active collection is served from the next
question, no question fails during the switch (one that hit the old collection is asked again on the new one), and
no deleted chunk is cited (or shown among the closest passages) after it. Embedded Chroma, fake model; the
two-process server version is in test_workers.py."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.settings import Settings, load_settings
from bot.types import Answer
from bot.web.live import LiveAssistant
from ingest.pipeline import run_ingest
from ingest.store import open_index
from tests.conftest import FakeEmbeddings, small_corpus
from tests.loops import QuestionLoop

NEW_DOC = "中虹桥片区重点发展哪些产业？"
DELETED = "东虹桥片区重点发展哪些产业？"
QUESTIONS = ["北虹桥片区重点发展哪些产业？", DELETED, NEW_DOC, "南虹桥片区重点发展哪些产业？"]


def _corpus(tmp_path: Path) -> Path:
    corpus = small_corpus(tmp_path)
    (corpus / "east.txt").write_text(
        "一、片区\n\n西虹桥片区。重点发展会展经济、数字贸易等产业。\n\n东虹桥片区。重点发展航空服务经济、临空总部等产业。\n",
        encoding="utf-8",
    )
    return corpus


def _change(corpus: Path) -> None:
    """Delete a paragraph and add a document."""
    east = corpus / "east.txt"
    east.write_text(east.read_text(encoding="utf-8").split("东虹桥片区。")[0], encoding="utf-8")
    centre = "一、片区\n\n中虹桥片区。重点发展量子计算、量子通信等未来产业。\n"
    (corpus / "centre.txt").write_text(centre, encoding="utf-8")


def _live(tmp_path: Path) -> tuple[Settings, FakeEmbeddings, LiveAssistant]:
    fake = FakeEmbeddings()
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=_corpus(tmp_path))
    run_ingest(settings, embeddings=fake, show_progress=False)
    live = LiveAssistant(settings, embeddings=fake)
    live.load()
    return settings, fake, live


def _shown(answer: Answer) -> set[tuple[str, str]]:
    """(chunk id, source) of every passage an answer cites or shows as one of the closest."""
    return {(c.chunk_id, c.source) for c in answer.citations} | {(c.chunk_id, c.source) for c in answer.contexts}


def _loop(live: LiveAssistant, threads: int = 3) -> QuestionLoop:
    """Questions asked over and over on the live assistant: the chunks each answer cited or showed."""
    return QuestionLoop(lambda q: {chunk for chunk, _ in _shown(live.ask(q))}, QUESTIONS, threads)


def _cites(live: LiveAssistant, question: str) -> set[str]:
    return {chunk for chunk, _ in _shown(live.ask(question))}


def _sources(live: LiveAssistant, question: str) -> set[str]:
    return {source for _, source in _shown(live.ask(question))}


@pytest.mark.parametrize("rebuild", [True, False], ids=["rebuild", "incremental"])
def test_the_app_serves_a_changed_corpus_from_the_next_question(tmp_path: Path, rebuild: bool) -> None:
    settings, fake, live = _live(tmp_path)
    answer = live.ask(DELETED)
    deleted = {c.chunk_id for c in [*answer.citations, *answer.contexts] if "东虹桥片区。" in c.text}
    assert deleted and "centre.txt" not in _sources(live, NEW_DOC)
    before = live.generation
    with _loop(live) as loop:
        time.sleep(0.3)
        _change(settings.corpus_dir)
        run_ingest(settings, embeddings=fake, show_progress=False, rebuild=rebuild)
        ingested = time.monotonic()
        assert open_index(settings).active_name() != before  # every ingest switches to a new collection
        time.sleep(live.CHECK_SECONDS)  # the next question checks the registry
        assert "centre.txt" in _sources(live, NEW_DOC)
        assert not _cites(live, DELETED) & deleted
        settled = time.monotonic()
        deadline = settled + 30  # wait for questions that end after the switch (slow under load), not a fixed 0.5 s
        while not any(ended > settled for ended, _, _ in loop.answers) and time.monotonic() < deadline:
            time.sleep(0.1)
    assert loop.errors == []
    assert live.generation != before
    late = [cited for ended, _, cited in loop.answers if ended > settled]
    assert late and not any(cited & deleted for cited in late)  # no deleted chunk cited after the switch
    assert any(ended > ingested for ended, _, _ in loop.answers)


def test_a_rebuild_while_serving_fails_no_question(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Questions that never check the registry learn of each switch only by failing on the deleted collection:
    each is asked again, once, on the new index, and nobody sees an error."""
    settings, fake, live = _live(tmp_path)
    monkeypatch.setattr(LiveAssistant, "CHECK_SECONDS", 3600.0)
    generations = {live.generation}
    with _loop(live, threads=4) as loop:
        for _ in range(3):
            time.sleep(0.3)
            run_ingest(settings, embeddings=fake, show_progress=False, rebuild=True)
            generations.add(open_index(settings).active_name())
        newest = open_index(settings).active_name()
        deadline = time.monotonic() + 30  # the next question to fail on the old index moves to it (slower under load)
        while live.generation != newest and time.monotonic() < deadline:
            time.sleep(0.1)
    assert loop.errors == []
    assert len(generations) == 4 and live.generation == open_index(settings).active_name()
    assert len(loop.answers) > 20


def test_a_switch_during_a_swap_labels_what_it_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild that lands between reading the registry and loading the new assistant: the generation is the
    collection the assistant opened (the newest), not the name read a moment before, so no question is left on a
    label that no failure will ever correct."""
    settings, fake, live = _live(tmp_path)
    run_ingest(settings, embeddings=fake, show_progress=False, rebuild=True)
    seen = open_index(settings).active_name()
    original = LiveAssistant._active_name

    def read_then_rebuild(self: LiveAssistant) -> str | None:
        name = original(self)
        run_ingest(settings, embeddings=fake, show_progress=False, rebuild=True)  # lands before the load
        return name

    monkeypatch.setattr(LiveAssistant, "_active_name", read_then_rebuild)
    assert live.refresh(force=True)
    newest = open_index(settings).active_name()
    assert newest != seen and live.generation == newest == live.assistant.collection


def test_the_background_check_swaps_while_nobody_asks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, fake, live = _live(tmp_path)
    monkeypatch.setattr(LiveAssistant, "POLL_SECONDS", 0.05)
    old = live.assistant
    thread = threading.Thread(target=live.watch)  # what `start` runs after loading
    thread.start()
    try:
        run_ingest(settings, embeddings=fake, show_progress=False, rebuild=True)
        deadline = time.monotonic() + 30
        while live.assistant is old and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live.assistant is not old and live.generation == open_index(settings).active_name()
    finally:
        live.stop()
        thread.join(30)


def test_a_failure_on_the_same_index_is_not_hidden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.errors import IndexCorruptError

    _, _, live = _live(tmp_path)
    calls: list[str] = []

    def broken(question: str, history: object = None) -> object:
        calls.append(question)
        raise IndexCorruptError("The index could not be read (x): run `hqbot ingest --rebuild`.")

    monkeypatch.setattr(live.assistant, "ask", broken)
    with pytest.raises(IndexCorruptError):
        live.ask(QUESTIONS[0])
    assert calls == [QUESTIONS[0]]  # not asked again: nothing was switched
