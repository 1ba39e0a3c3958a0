"""The eval-set schema and its validator: every `must_include` and `evidence` string must occur in the corpus."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import HqbotError

CATEGORIES = (
    "sector",
    "zone",
    "target",
    "base",
    "measure",
    "notice",
    "catalogue",
    "cross",
    "unanswerable",
    "partial",
    "followup",
)
#: A conversation set's turn kinds, a paraphrase set's variants, an expected part's statuses.
TURNS = ("standalone", "followup")
VARIANTS = ("formal", "casual", "noisy")
PART_STATUSES = ("answered", "not_stated")
LANGS = ("zh", "en")
DEFAULT_SET = Path(__file__).resolve().parent / "reference.jsonl"
_WS = re.compile(r"\s+")


class DatasetError(HqbotError):
    """An eval file that does not follow the schema."""


@dataclass(frozen=True)
class ExpectedPart:
    """One part of a multi-part or partly answerable question: answered (with its facts) or not stated."""

    text: str
    status: str
    must_include: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvalItem:
    """One reference question with what a correct answer must contain and where the answer is."""

    id: str
    lang: str
    category: str
    question: str
    answer: str
    must_include: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    history: list[dict[str, str]] = field(default_factory=list)
    parts: tuple[ExpectedPart, ...] = ()
    turn: str | None = None  # conversation sets: a stand-alone question or a follow-up
    subject: tuple[str, ...] = ()  # a follow-up: what it is about once read (any one of these)
    group: str | None = None  # paraphrase sets: the question this item words one way
    variant: str | None = None

    @property
    def answerable(self) -> bool:
        """True unless nothing the question asks is in the documents (a partly answerable item is answerable)."""
        return self.category != "unanswerable"


def squash(text: str) -> str:
    """Whitespace-insensitive form used for every corpus comparison."""
    return _WS.sub("", text)


def _history(value: object, where: str) -> list[dict[str, str]]:
    if value in (None, []):
        return []
    if not isinstance(value, list):
        raise DatasetError(f"{where}: `history` must be a list of turns.")
    turns = []
    for turn in value:
        if isinstance(turn, dict) and {"role", "content"} <= turn.keys():
            turns.append({"role": str(turn["role"]), "content": str(turn["content"])})
        elif isinstance(turn, dict) and "question" in turn:
            turns.append({"role": "user", "content": str(turn["question"])})
            if turn.get("answer"):
                turns.append({"role": "assistant", "content": str(turn["answer"])})
        else:
            raise DatasetError(f"{where}: each history turn needs `role` and `content`.")
    return turns


def _part(obj: object, where: str) -> ExpectedPart:
    if not isinstance(obj, dict) or not obj.get("text") or obj.get("status") not in PART_STATUSES:
        raise DatasetError(f"{where}: each part needs `text` and a `status` in {PART_STATUSES}.")
    facts = obj.get("must_include") or []
    if not isinstance(facts, list) or not all(isinstance(f, str) and f for f in facts):
        raise DatasetError(f"{where}: a part's `must_include` must be a list of non-empty strings.")
    if obj["status"] == "answered" and not facts:
        raise DatasetError(f"{where}: an answered part needs `must_include`.")
    return ExpectedPart(str(obj["text"]), str(obj["status"]), tuple(facts))


def parse_item(obj: object, where: str) -> EvalItem:
    """One JSON object as an EvalItem, or a DatasetError naming what is wrong."""
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: each line must be a JSON object.")
    missing = [k for k in ("id", "lang", "category", "question", "answer") if not obj.get(k)]
    if missing:
        raise DatasetError(f"{where}: missing {', '.join(missing)}.")
    if obj["lang"] not in LANGS:
        raise DatasetError(f"{where}: lang must be one of {LANGS}.")
    if obj["category"] not in CATEGORIES:
        raise DatasetError(f"{where}: category {obj['category']!r} is not one of {', '.join(CATEGORIES)}.")
    for key in ("must_include", "evidence"):
        if not isinstance(obj.get(key, []), list) or not all(isinstance(s, str) and s for s in obj.get(key, [])):
            raise DatasetError(f"{where}: `{key}` must be a list of non-empty strings.")
    parts = tuple(_part(p, where) for p in obj.get("parts") or [])
    if obj.get("turn") is not None and obj["turn"] not in TURNS:
        raise DatasetError(f"{where}: turn must be one of {TURNS}.")
    if obj.get("turn") == "followup" and not obj.get("subject"):
        raise DatasetError(f"{where}: a follow-up needs `subject`, what it is about once read.")
    if obj.get("variant") is not None and (obj["variant"] not in VARIANTS or not obj.get("group")):
        raise DatasetError(f"{where}: a paraphrase needs `group` and a `variant` in {VARIANTS}.")
    item = EvalItem(
        id=str(obj["id"]),
        lang=obj["lang"],
        category=obj["category"],
        question=str(obj["question"]),
        answer=str(obj["answer"]),
        must_include=list(obj.get("must_include", [])),
        evidence=list(obj.get("evidence", [])),
        history=_history(obj.get("history"), where),
        parts=parts,
        turn=obj.get("turn"),
        subject=tuple(str(x) for x in obj.get("subject") or ()),
        group=obj.get("group"),
        variant=obj.get("variant"),
    )
    if item.answerable and not (item.must_include and item.evidence):
        raise DatasetError(f"{where}: an answerable item needs `must_include` and `evidence`.")
    if not item.answerable and item.evidence:
        raise DatasetError(f"{where}: an unanswerable item has no `evidence`.")
    return item


def load_dataset(path: Path) -> list[EvalItem]:
    """Read a JSONL eval set; raise DatasetError on the first line that breaks the schema."""
    if not path.is_file():
        raise DatasetError(f"The eval set {path} does not exist.")
    items: list[EvalItem] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path.name}:{n}: not valid JSON ({exc.msg}).") from None
        item = parse_item(obj, f"{path.name}:{n}")
        if item.id in seen:
            raise DatasetError(f"{path.name}:{n}: duplicate id {item.id!r}.")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise DatasetError(f"The eval set {path} is empty.")
    return items


def corpus_text(corpus_dir: Path) -> str:
    """The whole corpus, whitespace removed, for substring checks."""
    from ingest.load import load_corpus

    return squash("\n".join(doc.text for doc in load_corpus(corpus_dir).documents)).replace("**", "")


def validate(items: list[EvalItem], corpus: str) -> list[str]:
    """Problems: strings that do not occur in the corpus (whitespace-insensitive)."""
    problems = []
    for item in items:
        strings = [("must_include", s) for s in item.must_include] + [("evidence", s) for s in item.evidence]
        strings += [("part must_include", s) for p in item.parts for s in p.must_include]
        for key, s in strings:
            if squash(s) not in corpus:
                problems.append(f"{item.id}: {key} {s!r} is not in the corpus.")
    return problems


def main(argv: list[str] | None = None) -> int:
    """`python -m evals.dataset FILE [CORPUS_DIR]`: validate an eval set and print a summary."""
    from collections import Counter

    args = argv if argv is not None else sys.argv[1:]
    path = Path(args[0]) if args else DEFAULT_SET
    corpus_dir = Path(args[1]) if len(args) > 1 else Path(__file__).resolve().parents[1] / "corpus"
    try:
        items = load_dataset(path)
    except DatasetError as exc:
        print(f"Error: {exc}")
        return 1
    problems = validate(items, corpus_text(corpus_dir))
    for p in problems:
        print(p)
    langs = Counter(i.lang for i in items)
    cats = Counter(i.category for i in items)
    print(f"{len(items)} items; {dict(langs)}; {dict(sorted(cats.items()))}; {len(problems)} problem(s).")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
