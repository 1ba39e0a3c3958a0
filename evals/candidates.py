"""Turn the UI's feedback log into candidate eval items: thumbs-down answers, with the fields a
maintainer must fill marked TODO.

The log is read line by line on "\\n" only (a Unicode line separator inside a JSON string is text, not a line
break). An answer rated several times counts once, by its last rating: lines share an `answer_id` (older logs
without one share question and answer)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from bot.qa.text import is_chinese
from evals.dataset import CATEGORIES, DatasetError

TODO = "TODO"


def candidate(record: dict[str, object], n: int) -> dict[str, object]:
    """One eval item in the reference schema from one feedback record."""
    question = str(record.get("question", "")).strip()
    history = record.get("history") or []
    item: dict[str, object] = {
        "id": f"feedback-{n:03d}",
        "lang": "zh" if is_chinese(question) else "en",
        "category": f"{TODO}: one of {', '.join(CATEGORIES)}",
        "question": question,
        "answer": TODO + ": the correct answer (the bot said: " + str(record.get("answer", ""))[:300] + ")",
        "must_include": [TODO + ": short strings copied verbatim from the corpus"],
        "evidence": [TODO + ": verbatim corpus quotes that hold the answer (empty if unanswerable)"],
        "feedback": {"comment": record.get("comment", ""), "time": record.get("time", "")},
    }
    if history:
        item["history"] = history
    return item


def read_log(source: Path) -> list[dict[str, object]]:
    """The records of one feedback log, in order; a line that is not a JSON object is an error naming it."""
    records = []
    for n, line in enumerate(source.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise DatasetError(f"{source.name}:{n} is not valid JSON.") from None
        if not isinstance(record, dict):
            raise DatasetError(f"{source.name}:{n} is not a JSON object.")
        records.append(record)
    return records


def latest_ratings(records: Iterable[dict[str, object]]) -> list[dict[str, object]]:
    """The last record of each rated answer (records in the order written), in the order answers were first rated."""
    latest: dict[object, dict[str, object]] = {}
    for record in records:
        key = record.get("answer_id") or (record.get("question"), record.get("resolved_question"), record.get("answer"))
        latest[key] = record
    return list(latest.values())


def from_feedback(sources: Path | list[Path], out_path: Path) -> int:
    """Write one candidate per answer whose last rating is a thumbs-down (several logs: oldest first, as
    `feedback.jsonl.2 feedback.jsonl.1 feedback.jsonl`); returns how many."""
    paths = [sources] if isinstance(sources, Path) else list(sources)
    records = [record for path in paths for record in read_log(path)]
    items = []
    for record in latest_ratings(records):
        if record.get("verdict") == "down" and str(record.get("question", "")).strip():
            items.append(candidate(record, len(items) + 1))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return len(items)
