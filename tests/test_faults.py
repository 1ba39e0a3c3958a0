"""Faults people hit: ingest killed with SIGKILL, a deleted or corrupted index folder, an index built with another
model, unreadable corpus files. Each ends in a one-sentence error naming the fix, and the fix works."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.assistant import Assistant
from bot.cli import main
from bot.errors import IndexCorruptError, IndexMissingError
from bot.settings import load_settings
from ingest.embed import load_embeddings
from ingest.pipeline import corpus_chunks, run_ingest
from ingest.store import open_index
from ingest.translations import ParallelText, english_records
from tests.conftest import ROOT, edit_corpus, small_corpus

QUESTION = "北虹桥片区重点发展哪些产业？"


def staged(index_dir: Path, collection: str = "hqbot-staging") -> int:
    """Rows stored in a collection, read from Chroma's sqlite file without opening a client (0 if unreadable)."""
    try:
        with sqlite3.connect(f"file:{index_dir / 'chroma.sqlite3'}?mode=ro", uri=True, timeout=1) as db:
            row = db.execute(
                "SELECT count(*) FROM embeddings e JOIN segments s ON e.segment_id = s.id "
                "JOIN collections c ON s.collection = c.id WHERE c.name = ?",
                (collection,),
            ).fetchone()
            return int(row[0])
    except sqlite3.Error:
        return 0


def kill_when_staged(
    args: list[str], index_dir: Path, rows: int = 64, limit: float = 240, collection: str = "hqbot-staging"
) -> None:
    """Run `hqbot ARGS` and SIGKILL it once the building collection holds `rows` chunks."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + limit
    try:
        while staged(index_dir, collection) < rows:
            assert proc.poll() is None, "ingest finished before it could be killed"
            assert time.monotonic() < deadline, "ingest stored nothing in time"
            time.sleep(0.2)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


def _ids(settings, model_id: str) -> list[str]:
    index = open_index(settings)
    return [c.chunk_id for c in index.chunks(index.require(model_id))]


@pytest.mark.slow
def test_ingest_killed_mid_way_resumes_to_a_clean_build(corpus_copy: Path, real_settings, monkeypatch) -> None:
    monkeypatch.setenv("HQBOT_CORPUS_DIR", str(corpus_copy))
    settings = load_settings()
    model_id = open_index(real_settings).active().metadata["embedding_model"]
    clean = sorted(_ids(real_settings, model_id))

    kill_when_staged(["ingest", "--json"], settings.index_dir)
    with pytest.raises(IndexMissingError):  # a half-built index is never served
        open_index(settings).require(model_id)
    done = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", "--json"], cwd=ROOT, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert report["chunks"] + report["english"] == len(clean) and 0 < report["added"] < len(clean)  # resumed
    ids = _ids(settings, model_id)
    assert len(ids) == len(set(ids)) and sorted(ids) == clean  # no duplicate, none missing

    old = open_index(settings).active_name()
    kill_when_staged(["ingest", "--rebuild", "--json"], settings.index_dir)
    index = open_index(settings)
    assert index.active_name() == old  # the killed rebuild did not replace the complete index
    assert sorted(_ids(settings, model_id)) == clean

    # An incremental ingest (a paragraph inserted, one deleted, a document added) killed once it has copied
    # the unchanged chunks and embedded a batch of the new ones: the live index is untouched.
    edit_corpus(corpus_copy)
    embeddings = load_embeddings(settings.embeddings)
    chunks = corpus_chunks(settings, embeddings)[0]
    records = [*chunks, *english_records(chunks, ParallelText.load(corpus_copy))]
    expected = sorted(c.chunk_id for c in records)
    kept, new = len(set(expected) & set(clean)), len(set(expected) - set(clean))
    assert new > 64
    kill_when_staged(["ingest", "--json"], settings.index_dir, rows=kept + 64, collection="hqbot-update")
    assert open_index(settings).active_name() == old and sorted(_ids(settings, model_id)) == clean
    assert not Assistant(settings, embeddings=embeddings).ask(QUESTION).abstained  # and it still answers
    done = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", "--json"], cwd=ROOT, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert report["chunks"] + report["english"] == len(expected) and 0 < report["added"] < new  # resumed
    ids = _ids(settings, model_id)
    assert len(ids) == len(set(ids)) and sorted(ids) == expected  # exactly the chunks of a clean build


def test_deleted_index_folder_names_the_fix_and_ingest_recovers(fake_embeddings) -> None:
    settings = load_settings()
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    Assistant(settings, embeddings=fake_embeddings).ask(QUESTION)  # the index is open in this process
    shutil.rmtree(settings.index_dir)
    with pytest.raises(IndexMissingError, match=r"run `hqbot ingest` first\.$"):
        Assistant(settings, embeddings=fake_embeddings)
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    assert (settings.index_dir / "chroma.sqlite3").is_file()  # written to the new folder, not the deleted one
    assert not Assistant(settings, embeddings=fake_embeddings).ask(QUESTION).abstained


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_index_folder_names_the_fix_and_rebuild_recovers(damage: str, tmp_path: Path, caplog) -> None:
    corpus = small_corpus(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", "--corpus", str(corpus)]).exit_code == 0
    settings = load_settings()
    sqlite_file = settings.index_dir / "chroma.sqlite3"
    data = sqlite_file.read_bytes()
    broken = os.urandom(4096) * 8 if damage == "garbage" else data[: len(data) // 3]
    sqlite_file.write_bytes(broken)

    with pytest.raises(IndexCorruptError, match=r"cannot be opened .*run `hqbot ingest --rebuild`\.$"):
        open_index(settings)
    for args in (["ask", QUESTION], ["ingest", "--corpus", str(corpus)]):  # plain ingest does not touch it
        result = runner.invoke(main, args)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert result.stderr.startswith("Error: The index at") and "`hqbot ingest --rebuild`" in result.stderr
    assert sqlite_file.read_bytes() == broken

    rebuilt = runner.invoke(main, ["ingest", "--corpus", str(corpus), "--rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "moved it to" in caplog.text  # a warning on stderr outside pytest
    (backup,) = settings.data_dir.glob("chroma.corrupt-*")
    assert (backup / "chroma.sqlite3").read_bytes() == broken  # kept for inspection, not deleted
    asked = runner.invoke(main, ["ask", "--json", QUESTION])
    assert asked.exit_code == 0, asked.output
    assert "汽车新势力" in json.loads(asked.stdout)["contexts"][0]["text"]


def test_empty_sqlite_file_is_an_empty_index() -> None:
    settings = load_settings()
    settings.index_dir.mkdir(parents=True)
    (settings.index_dir / "chroma.sqlite3").write_bytes(b"")
    with pytest.raises(IndexMissingError, match="run `hqbot ingest` first"):
        open_index(settings).require("any")


def test_index_of_another_model_is_refused_through_the_cli(tmp_path: Path, fake_embeddings) -> None:
    corpus = small_corpus(tmp_path)
    run_ingest(load_settings(corpus_dir=corpus), embeddings=fake_embeddings, show_progress=False)
    runner = CliRunner()
    for args in (["ask", QUESTION], ["ingest", "--corpus", str(corpus)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "built with 'fake-bigram-64' but HQBOT_EMBEDDINGS is 'intfloat/multilingual-e5-small" in result.stderr
        assert "set HQBOT_EMBEDDINGS back or run `hqbot ingest --rebuild`." in result.stderr
    assert runner.invoke(main, ["ingest", "--corpus", str(corpus), "--rebuild"]).exit_code == 0
    assert runner.invoke(main, ["ask", QUESTION]).exit_code == 0


def test_bad_corpus_files_are_named_and_the_rest_ingested(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path)
    bad = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 4,
        "gbk.txt": "虹桥国际中央商务区产业发展规划".encode("gb18030"),
        "broken.pdf": b"%PDF-1.4\n this is not a pdf",
        "fake.docx": b"PK\x03\x04 not really a zip",
    }
    for name, content in bad.items():
        (corpus / name).write_bytes(content)
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert sorted(name for name in bad if any(name in w for w in warnings)) == sorted(bad)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert (report["documents"], report["chunks"], len(report["skipped"])) == (1, 2, len(bad))
