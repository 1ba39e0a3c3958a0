"""The feedback log: whole lines with several writer processes, rotation at its size limit, no character a reader
could take for a line break, and `eval candidates` reading it line by line with each answer once."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from bot.assistant import check_question
from bot.errors import QuestionError
from bot.web.feedback import KEEP, record_feedback
from evals.candidates import from_feedback, read_log

ENTRY = {"question": "北虹桥？", "resolved_question": "北虹桥？", "answer": "…", "lang": "zh", "abstained": False}


def _lines(path: Path) -> list[dict]:
    files = [path.with_name(f"{path.name}.{n}") for n in range(KEEP, 0, -1)] + [path]
    return [json.loads(line) for f in files if f.exists() for line in f.read_text(encoding="utf-8").split("\n") if line]


def _writer(path: str, worker: int, count: int, max_bytes: int) -> None:
    for i in range(count):
        entry = {**ENTRY, "answer": f"worker {worker} line {i} " + "字" * (i % 50)}
        record_feedback(Path(path), entry, "down", "c", answer_id=f"{worker}-{i}", max_bytes=max_bytes)


@pytest.mark.parametrize("max_bytes", [0, 48_000], ids=["no-rotation", "rotating"])
def test_several_writer_processes_leave_every_line_whole(tmp_path: Path, max_bytes: int) -> None:
    log = tmp_path / "data" / "feedback.jsonl"
    workers, count = 4, 150
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(log), w, count, max_bytes)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    lines = _lines(log)  # every line parses: none was interleaved or cut
    assert sorted(ln["answer_id"] for ln in lines) == sorted(f"{w}-{i}" for w in range(workers) for i in range(count))
    if max_bytes:
        assert log.with_name("feedback.jsonl.1").exists()
        assert all(f.stat().st_size <= max_bytes for f in log.parent.glob("feedback.jsonl*") if f.suffix != ".lock")


def test_rotation_keeps_a_bounded_number_of_old_logs(tmp_path: Path) -> None:
    log = tmp_path / "feedback.jsonl"
    for i in range(400):
        record_feedback(log, {**ENTRY, "answer": "x" * 200}, "up", answer_id=str(i), max_bytes=2_000)
    kept = sorted(p.name for p in tmp_path.glob("feedback.jsonl*") if not p.name.endswith(".lock"))
    assert kept == ["feedback.jsonl"] + [f"feedback.jsonl.{n}" for n in range(1, KEEP + 1)]
    assert sum(p.stat().st_size for p in tmp_path.glob("feedback.jsonl*")) <= (KEEP + 1) * 2_000
    assert _lines(log)[-1]["answer_id"] == "399"  # the newest is never lost


def test_line_separators_never_reach_the_log_raw(tmp_path: Path) -> None:
    for ch in ("\u2028", "\u2029", "\x85"):
        with pytest.raises(QuestionError, match="control characters"):
            check_question(f"北虹桥{ch}片区", 2000)
    log = tmp_path / "feedback.jsonl"
    record_feedback(log, {**ENTRY, "answer": "a\u2028b\u2029c"}, "down", "x\u2028y")
    raw = log.read_text(encoding="utf-8")
    assert "\u2028" not in raw and "\u2029" not in raw and len(raw.splitlines()) == 1
    [line] = read_log(log)
    assert line["answer"] == "a\u2028b\u2029c" and line["comment"] == "xy"  # control characters leave comments


def test_candidates_read_an_old_log_with_raw_separators_line_by_line(tmp_path: Path) -> None:
    log = tmp_path / "feedback.jsonl"
    old = {"verdict": "down", "question": "北虹桥\u2028片区？", "answer": "…", "comment": "line\u2029sep"}
    log.write_text(json.dumps(old, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "candidates.jsonl"
    assert from_feedback(log, out) == 1
    assert json.loads(out.read_text(encoding="utf-8"))["feedback"]["comment"] == "line\u2029sep"


def test_repeated_ratings_become_one_candidate_per_answer(tmp_path: Path) -> None:
    old, new = tmp_path / "feedback.jsonl.1", tmp_path / "feedback.jsonl"
    for n in range(1000):  # a flood of repeats of three answers, across a rotation
        record_feedback(old if n < 500 else new, {**ENTRY, "question": f"q{n % 3}？"}, "down", answer_id=f"a{n % 3}")
    record_feedback(new, ENTRY, "up", answer_id="a1")  # changed its mind
    for _ in range(50):  # older lines without an id: the same answer counts once
        record_feedback(new, {**ENTRY, "question": "old？"}, "down")
    out = tmp_path / "candidates.jsonl"
    assert from_feedback([old, new], out) == 3
    questions = [json.loads(line)["question"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert questions == ["q0？", "q2？", "old？"]
