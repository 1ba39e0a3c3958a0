"""The feedback log: one JSON line per thumbs up / down on an answer, read by `hqbot eval candidates`.

A line holds `time` (ISO 8601, UTC), `verdict` ("up" / "down"), `comment`, `question`, `resolved_question`,
`answer`, `lang`, `abstained`, `citations` ([{chunk_id, section, quote}]) and `history` (the earlier turns).
Nothing about the user, the login or the settings is written.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.text import has_control_chars
from bot.types import Answer

logger = logging.getLogger(__name__)

#: Longest comment kept (longer ones are cut).
MAX_COMMENT = 2000
VERDICTS = ("up", "down")

_lock = threading.Lock()


def answer_entry(answer: Answer, history: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """What a feedback line says about the answer it judges (everything but verdict, comment and time)."""
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
    path: Path, entry: dict[str, Any], verdict: str, comment: object = "", *, now: datetime | None = None
) -> dict[str, Any]:
    """Append one feedback line to the log (creating its folder on first write); returns the line's object."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
    line = {
        "time": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "verdict": verdict,
        "comment": clean_comment(comment),
        **entry,
    }
    data = json.dumps(line, ensure_ascii=False) + "\n"
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(data)
    logger.info("Feedback %s recorded in %s", verdict, path)
    return line
