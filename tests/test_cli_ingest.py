"""`hqbot ingest` through click's runner with the real bundled model on a small corpus."""

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from tests.conftest import small_corpus


def test_ingest_json_reports_counts(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", "--corpus", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["chunks"] == report["added"] == 2
    assert report["removed"] == 0 and report["seconds"] >= 0
    again = json.loads(runner.invoke(main, ["ingest", "--corpus", str(corpus), "--json"]).stdout.strip())
    assert (again["chunks"], again["added"], again["removed"]) == (2, 0, 0)


def test_ingest_summary_line_and_skipped_file(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path)
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00\x00garbage" * 10)
    (corpus / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "latin1.txt is not UTF-8 text" in result.stderr
    assert "Indexed 2 document(s)" in result.stdout or "Indexed 1 document(s)" in result.stdout


def test_missing_corpus_is_one_sentence_and_nonzero(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: The corpus folder") and "does not exist" in result.stderr
    assert "Traceback" not in result.output


def test_nothing_ingestable_is_nonzero(tmp_path: Path) -> None:
    corpus = tmp_path / "bad"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes(b"")
    (corpus / "b.pdf").write_bytes(b"not a pdf")
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus)])
    assert result.exit_code == 1
    assert "Nothing could be ingested" in result.stderr
    assert "Traceback" not in result.output


def test_a_file_name_that_is_not_utf8_is_one_warning_not_a_failed_ingest(tmp_path: Path) -> None:
    import os

    corpus = small_corpus(tmp_path)
    with open(os.path.join(os.fsencode(corpus), b"caf\xe9.txt"), "wb") as f:
        f.write("东虹桥片区重点发展航空服务经济。".encode())
    runner = CliRunner()
    for extra in ([], ["--rebuild"]):
        result = runner.invoke(main, ["ingest", "--corpus", str(corpus), "--json", *extra])
        assert result.exit_code == 0, result.output
        warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
        assert len(warnings) == 1 and "caf\\xe9.txt" in warnings[0] and "--rebuild" not in warnings[0]
        report = json.loads(result.stdout.strip().splitlines()[-1])
        assert (report["documents"], report["chunks"]) == (1, 2)
