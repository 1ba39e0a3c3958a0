"""The feedback log: one JSON line per rating of an answer, read by `hqbot eval candidates`.

A line holds `time` (ISO 8601, UTC), `answer_id` (the same for every rating of one answer: the last line for an id
is the one that counts), `verdict` ("up", "down", or "none" when a rating is taken back), `comment`, `question`,
`resolved_question`, `answer`, `lang`, `abstained`, `citations` ([{chunk_id, section, quote}]) and `history` (the
earlier turns, at most the conversation's cap). Nothing about the user, the login or the settings is written.

Several processes may write at once: each line is appended whole under an exclusive lock on `<log>.lock`, which also
guards rotation (a line that would take the log past its size limit first moves it to `<log>.1`, `.1` to `.2`, …).
The JSON escapes U+2028 and U+2029, so a line holds no character any reader could take for a line break.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.qa.text import has_control_chars
from bot.types import Answer

logger = logging.getLogger(__name__)

#: Longest comment kept (longer ones are cut).
MAX_COMMENT = 2000
#: "none" takes a rating back.
VERDICTS = ("up", "down", "none")
#: Rotated logs kept beside the live one (feedback.jsonl.1 … .KEEP).
KEEP = 5


def answer_entry(answer: Answer, history: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """What a feedback line says about the answer it judges (everything but id, verdict, comment and time)."""
    return {
        "question": answer.question,
        "resolved_question": answer.resolved_question,
        "answer": answer.text,
        "lang": answer.lang,
        "abstained": answer.abstained,
        "citations": [{"chunk_id": c.chunk_id, "section": c.section, "quote": c.quote} for c in answer.citations],
        "history": [{"role": str(t["role"]), "content": str(t["content"])} for t in history or []],
    }


def clean_comment(comment: object) -> str:
    """The comment as stored: stripped, control characters removed, at most MAX_COMMENT characters."""
    text = comment if isinstance(comment, str) else ""
    if has_control_chars(text):
        text = "".join(ch for ch in text if ch in "\t\n" or ch.isprintable())
    return text.strip()[:MAX_COMMENT]


def record_feedback(
    path: Path,
    entry: dict[str, Any],
    verdict: str,
    comment: object = "",
    *,
    answer_id: str = "",
    max_bytes: int = 0,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Append one feedback line to the log (rotating it first when it would pass `max_bytes`, 0 = never);
    returns the line's object."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
    line = {
        "time": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "answer_id": answer_id,
        "verdict": verdict,
        "comment": clean_comment(comment) if verdict != "none" else "",
        **entry,
    }
    text = json.dumps(line, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    data = (text + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        if max_bytes and path.exists() and path.stat().st_size + len(data) > max_bytes:
            rotate(path)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)  # one write of one whole line
        finally:
            os.close(fd)
    logger.info("Feedback %s recorded in %s", verdict, path)
    return line


def rotate(path: Path, keep: int = KEEP) -> None:
    """Move the log to `<log>.1`, `.1` to `.2`, …, dropping the oldest beyond `keep` (call it under the lock)."""
    for n in range(keep, 0, -1):
        older = path.with_name(f"{path.name}.{n}")
        newer = path.with_name(f"{path.name}.{n - 1}") if n > 1 else path
        if newer.exists():
            os.replace(newer, older)
    logger.info("Rotated the feedback log %s", path)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock shared by every thread and process that writes this log."""
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
