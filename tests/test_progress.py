"""Ingest progress on stderr: chunks embedded / total, rate and time left, also while a big file is chunked,
and also when stderr is not a terminal (a log file, a pipe)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import ingest.pipeline
import ingest.progress
from bot.settings import load_settings
from ingest.pipeline import run_ingest
from ingest.progress import Progress

CLAUSE = "商务区重点发展数字贸易和总部经济，推动产业融合创新发展"


def test_a_big_file_shows_chunking_and_embedding_progress(tmp_path: Path, fake_embeddings, monkeypatch, capsys) -> None:
    monkeypatch.setattr(ingest.progress, "LOG_EVERY", 0.0)  # a line per update, not one every 10 s
    monkeypatch.setattr(ingest.pipeline, "CHUNK_PROGRESS_DELAY", 0.0)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "big.txt").write_text("一、产业\n\n" + f"{CLAUSE}，{CLAUSE}\n" * 14_000, encoding="utf-8")  # ~1.5 MB
    report = run_ingest(load_settings(corpus_dir=corpus), embeddings=fake_embeddings)
    lines = capsys.readouterr().err.splitlines()
    chunking = [ln for ln in lines if ln.startswith("Chunking: ")]
    assert len(chunking) >= 3  # updates while the one file is read, not only at its end
    assert re.fullmatch(r"Chunking: \d+k/\d+k characters \(\d+%\), \S+ characters/s, about \d+:\d\d left", chunking[0])
    embedding = [ln for ln in lines if ln.startswith("Embedding: ")]
    total = f"{report.added:,}"
    first = re.fullmatch(rf"Embedding: (\d+)/{total} chunks \(\d+%\), \S+ chunks/s, about \d+:\d\d left", embedding[0])
    assert first and int(first.group(1)) <= 16  # chunks of ~1,200 characters: a step every 13, not every 64
    assert len(embedding) >= report.added // 16
    assert re.fullmatch(rf"Embedding: {total}/{total} chunks \(100%\) in \d+:\d\d, \S+ chunks/s", embedding[-1])


def test_a_short_step_prints_nothing_off_a_terminal() -> None:
    out = io.StringIO()
    bar = Progress("Embedding", 10, "chunk", stream=out)
    bar.update(10)
    bar.close()
    assert out.getvalue() == ""  # the summary says it all


def test_a_terminal_gets_a_live_bar() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    bar = Progress("Embedding", 100, "chunk", stream=out)
    bar.update(40)
    bar.close()
    assert re.search(r"\rEmbedding:  40%.* 40/100 \[.*chunk/s\]", out.getvalue())
