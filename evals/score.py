"""Per-item metric values from one `ask --json` output: retrieval, facts, refusals, parts, citations,
conversation reading and answer language. `evals/run.py` aggregates them."""

from __future__ import annotations

from typing import Any

from evals.dataset import EvalItem
from evals.metrics import (
    cited_precision,
    context_recall,
    coverage,
    facts_in,
    in_language,
    quote_in_documents,
    reciprocal_rank,
)
from ingest.figures import figures_of


def _aligned(text: str, parts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The answer's part that asks what an expected part asks: the one sharing the longest run of characters
    with it (an expected part is quoted from the question; the answer's parts are the question split)."""
    return max(parts, key=lambda p: coverage(text.lower(), str(p.get("text", "")).lower()), default=None)


def _wrongly_not_stated(item: EvalItem, out: dict[str, Any]) -> tuple[float, float]:
    """(expected-answered parts the answer marks "not stated", expected-answered parts): a part the documents
    answer, told to the reader as one they leave open."""
    answered = [p for p in item.parts if p.status == "answered"]
    if out.get("abstained"):
        return 0.0, 0.0
    parts = list(out.get("parts") or [])
    wrong = sum((_aligned(p.text, parts) or {}).get("status") == "not_stated" for p in answered)
    return float(wrong), float(len(answered))


def _parts(item: EvalItem, out: dict[str, Any], cited: str) -> tuple[float, float]:
    """(expected parts covered, expected parts): an answered part's facts are in the answer or its cited
    passages; a part the documents leave open is marked not stated (not refused as a whole)."""
    marked = [p for p in out.get("parts") or [] if p.get("status") == "not_stated"]
    covered = 0
    for part in item.parts:
        if part.status == "answered":
            covered += not out.get("abstained") and facts_in(list(part.must_include), cited)
        else:
            covered += not out.get("abstained") and bool(marked)
    return float(covered), float(len(item.parts))


def item_values(item: EvalItem, out: dict[str, Any], documents: str | None = None) -> dict[str, float]:
    """Every metric value an item has (a value is absent when the metric does not apply to the item)."""
    values: dict[str, float] = {}
    contexts = [c["text"] for c in out.get("contexts", [])]
    citations = out.get("citations", [])
    answer = str(out.get("answer", ""))
    abstained = bool(out.get("abstained"))
    values["verbatim_quotes"] = float(sum(c["quote"] in c["text"] for c in citations))
    values["quotes"] = float(len(citations))
    if documents is not None:
        values["quotes_in_documents"] = float(sum(quote_in_documents(c["quote"], documents) for c in citations))
    # What an answer cites: its passages with their headings (a heading names what the passage is about).
    cited = answer + "\n" + "\n".join(f"{c.get('section', '')}\n{c['text']}" for c in citations)
    if item.answerable:
        for k in (1, 3, 5):
            values[f"context_recall@{k}"] = context_recall(item.evidence, contexts, k)
        values["rr"] = reciprocal_rank(item.evidence, contexts)
        values["fact_in_cited"] = float(not abstained and facts_in(item.must_include, cited))
        if item.lang == "en" and out.get("answer_lang", item.lang) == "en":
            # An English answer gives the facts in English: each figure in an equivalent form (500 billion yuan
            # for 5000 亿元), each name through its cited Chinese quote.
            figures = [f for s in item.must_include for f in figures_of(s)]
            in_english = all(f.in_text(answer) for f in figures)
            values["fact_in_answer"] = float(values["fact_in_cited"] and in_english)
        else:
            values["fact_in_answer"] = float(not abstained and facts_in(item.must_include, answer))
        values["false_abstain"] = float(abstained)
        passages = list({c["chunk_id"]: c["text"] for c in citations}.values())
        if passages:
            values["precise_citations"], values["citations"] = map(float, cited_precision(item.evidence, passages))
    else:
        values["abstained_correctly"] = float(abstained)
        marked = any(p.get("status") == "not_stated" for p in out.get("parts") or [])
        values["answered_as_covered"] = float(not abstained and not marked)
    if item.parts:
        values["parts_covered"], values["parts"] = _parts(item, out, cited)
        values["parts_wrongly_not_stated"], values["parts_answerable"] = _wrongly_not_stated(item, out)
    resolved = str(out.get("resolved_question") or item.question)
    if item.turn == "standalone":
        values["standalone_as_asked"] = float(resolved.strip() == item.question.strip())
    elif item.turn == "followup":
        low = resolved.lower()
        read = resolved.strip() != item.question.strip() and any(s.lower() in low for s in item.subject)
        values["followup_resolved"] = float(read)
    if not abstained:
        values["in_question_language"] = float(in_language(answer, item.lang))
    return values
