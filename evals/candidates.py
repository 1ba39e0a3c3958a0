"""Turn the UI's feedback log into candidate eval items: thumbs-down answers, with the fields a
maintainer must fill marked TODO."""

from __future__ import annotations

import json
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


def from_feedback(source: Path, out_path: Path) -> int:
    """Write one candidate per thumbs-down record; returns how many."""
    items = []
    for n, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise DatasetError(f"{source.name}:{n} is not valid JSON.") from None
        if record.get("verdict") == "down" and str(record.get("question", "")).strip():
            items.append(candidate(record, len(items) + 1))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return len(items)
