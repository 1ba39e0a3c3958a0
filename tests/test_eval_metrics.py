"""The eval suite's deterministic parts: metrics, schema validation, the gate's comparison, candidates."""

import json
from pathlib import Path

import pytest

from evals.candidates import from_feedback
from evals.dataset import DatasetError, corpus_text, load_dataset, validate
from evals.gate import compare, format_rows, write_baseline
from evals.metrics import context_recall, coverage, facts_in, percentile, reciprocal_rank
from evals.run import aggregate, score_item
from tests.conftest import CORPUS, ROOT


def test_coverage_is_longest_common_substring_and_whitespace_insensitive() -> None:
    assert coverage("北虹桥 片区", "……北虹桥片区。以智慧……") == 1.0
    assert coverage("abcdefghij", "xxabcdefgh") == 0.8
    assert coverage("abc", "xyz") == 0.0
    # A quote copied across the cells of a catalogue row matches the row stored one field per line.
    row = "细分领域：双碳服务\n发展方向：零碳技术研发\n发展重点：二氧化碳的捕集、封存、利用和转化"
    assert coverage("零碳技术研发\t二氧化碳的捕集、封存、利用和转化", row) == 1.0
    assert coverage("零碳技术研发\t碳交易服务", row) < 0.8


def test_recall_and_rank() -> None:
    contexts = ["无关段落", "北虹桥片区。重点发展汽车新势力", "南虹桥片区"]
    evidence = ["北虹桥片区。重点发展汽车新势力"]
    assert context_recall(evidence, contexts, 1) == 0.0
    assert context_recall(evidence, contexts, 3) == 1.0
    assert reciprocal_rank(evidence, contexts) == 0.5
    assert context_recall(evidence + ["不存在的证据文本"], contexts, 3) == 0.5


def test_facts_and_percentiles() -> None:
    assert facts_in(["5000 亿元", "1500"], "商品销售额超过5000亿元，企业超过 1500 家")
    assert not facts_in(["2035"], "到 2025 年")
    assert percentile([10, 20, 30, 40], 50) == 20 and percentile([10, 20, 30, 40], 95) == 40


def test_committed_sets_follow_the_schema_and_quote_the_corpus() -> None:
    text = corpus_text(CORPUS)
    for name in ("reference.jsonl", "heldout.jsonl", "blind.jsonl", "fresh.jsonl", "complete.jsonl"):
        items = load_dataset(ROOT / "evals" / name)
        assert validate(items, text) == []
        english = sum(i.lang == "en" for i in items) / len(items)
        assert english >= 0.3 and sum(not i.answerable for i in items) >= 6
    conversation = load_dataset(ROOT / "evals" / "conversation.jsonl")
    assert validate(conversation, text) == [] and len({tuple(i.history[0].values()) for i in conversation}) >= 30
    assert sum(i.turn == "standalone" for i in conversation) >= len(conversation) / 3
    investors = load_dataset(ROOT / "evals" / "investors.jsonl")
    assert validate(investors, text) == [] and len(investors) >= 40 and {i.lang for i in investors} == {"en"}
    complete = load_dataset(ROOT / "evals" / "complete.jsonl")
    assert sum(len(i.parts) > 1 for i in complete) >= len(complete) / 3 - 1
    assert sum(i.category == "partial" for i in complete) >= 10
    paraphrase = load_dataset(ROOT / "evals" / "paraphrase.jsonl")
    groups = {i.group for i in paraphrase}
    assert validate(paraphrase, text) == [] and len(groups) >= 40 and len(paraphrase) == 3 * len(groups)
    assert len(load_dataset(ROOT / "evals" / "reference.jsonl")) >= 80


def test_schema_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "lang": "fr", "category": "zone", "question": "q", "answer": "a"}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad\.jsonl:1: lang"):
        load_dataset(bad)
    bad.write_text('{"id": "a", "lang": "en", "category": "zone", "question": "q", "answer": "a"}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="needs `must_include` and `evidence`"):
        load_dataset(bad)


def _item_output(abstained: bool, answer: str = "北虹桥片区重点发展汽车新势力 [1]") -> dict:
    text = "北虹桥片区。重点发展汽车新势力"
    return {
        "answer": answer,
        "abstained": abstained,
        "citations": [] if abstained else [{"chunk_id": "c1", "quote": "重点发展汽车新势力", "text": text}],
        "contexts": [{"text": text}],
        "latency_ms": 12.0,
    }


def test_item_scoring_and_aggregation(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    rows = [
        {
            "id": "x1",
            "lang": "zh",
            "category": "zone",
            "question": "q",
            "answer": "a",
            "must_include": ["汽车新势力"],
            "evidence": ["北虹桥片区。重点发展汽车新势力"],
        },
        {"id": "x2", "lang": "en", "category": "unanswerable", "question": "q", "answer": "none"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    answerable, unanswerable = load_dataset(path)
    results = [score_item(answerable, _item_output(False)), score_item(unanswerable, _item_output(True))]
    metrics = aggregate(results)
    assert metrics["context_recall@1"] == 1.0 and metrics["fact_in_answer"] == 1.0
    assert metrics["abstain_on_unanswerable"] == 1.0 and metrics["false_abstain_rate"] == 0.0
    assert metrics["verbatim_citation_rate"] == 1.0
    wrong = aggregate([score_item(answerable, _item_output(True)), score_item(unanswerable, _item_output(False))])
    assert wrong["false_abstain_rate"] == 1.0 and wrong["abstain_on_unanswerable"] == 0.0


def _item(**fields) -> object:
    from evals.dataset import parse_item

    base = {
        "id": "i",
        "lang": "zh",
        "category": "zone",
        "question": "北虹桥呢？",
        "answer": "a",
        "must_include": ["汽车新势力"],
        "evidence": ["北虹桥片区。重点发展汽车新势力"],
    }
    return parse_item(base | fields, "test")


def test_conversation_metrics_compare_the_reading_with_the_question() -> None:
    standalone = _item(turn="standalone")
    assert (
        score_item(standalone, _item_output(False) | {"resolved_question": "北虹桥呢？"}).values["standalone_as_asked"]
        == 1.0
    )
    assert (
        score_item(standalone, _item_output(False) | {"resolved_question": "南虹桥？ 北虹桥呢？"}).values[
            "standalone_as_asked"
        ]
        == 0.0
    )
    followup = _item(turn="followup", subject=["北虹桥片区", "North Hongqiao"])
    read = score_item(followup, _item_output(False) | {"resolved_question": "北虹桥片区重点发展哪些产业？"})
    unread = score_item(followup, _item_output(False) | {"resolved_question": "北虹桥呢？"})
    assert read.values["followup_resolved"] == 1.0 and unread.values["followup_resolved"] == 0.0


def test_parts_precision_documents_and_language() -> None:
    parts = [
        {"text": "哪个片区", "status": "answered", "must_include": ["汽车新势力"]},
        {"text": "租金多少", "status": "not_stated"},
    ]
    item = _item(category="partial", parts=parts)
    marked = _item_output(False) | {"parts": [{"text": "租金多少", "status": "not_stated", "citations": []}]}
    assert score_item(item, marked).values["parts_covered"] == 2.0
    assert score_item(item, _item_output(False)).values["parts_covered"] == 1.0  # the open part is not marked
    off = {"chunk_id": "c2", "quote": "抄送：南虹桥公司", "text": "抄送：南虹桥公司、东虹办"}
    noisy = _item_output(False) | {"citations": [*_item_output(False)["citations"], off]}
    assert aggregate([score_item(_item(), noisy)])["citation_precision"] == 0.5
    documents = "北虹桥片区。重点发展汽车新势力"
    composed = noisy["citations"] + [{"chunk_id": "o", "quote": "（八）汽车新势力的细分领域：…", "text": "x"}]
    values = score_item(_item(), noisy | {"citations": composed}, documents).values
    assert values["quotes_in_documents"] == 1.0 and values["quotes"] == 3.0
    english = _item(lang="en", question="Which zone?")
    assert (
        score_item(english, _item_output(False, "North Hongqiao focuses on New Automotive Forces [1]")).values[
            "in_question_language"
        ]
        == 1.0
    )
    assert score_item(english, _item_output(False)).values["in_question_language"] == 0.0


def test_a_part_the_documents_answer_marked_not_stated_is_counted() -> None:
    parts = [
        {"text": "北虹桥片区重点发展什么", "status": "answered", "must_include": ["汽车新势力"]},
        {"text": "依托哪些载体", "status": "answered", "must_include": ["临港嘉定科技城"]},
        {"text": "租金多少", "status": "not_stated"},
    ]
    item = _item(category="partial", parts=parts)
    answer_parts = [  # the question as the engine split it: each expected part matched to the part it overlaps most
        {"text": "北虹桥片区重点发展什么", "status": "answered", "citations": [1]},
        {"text": "依托哪些载体", "status": "not_stated", "citations": []},
        {"text": "租金多少", "status": "not_stated", "citations": []},
    ]
    values = score_item(item, _item_output(False) | {"parts": answer_parts}).values
    assert (values["parts_wrongly_not_stated"], values["parts_answerable"]) == (1.0, 2.0)
    assert (
        aggregate([score_item(item, _item_output(False) | {"parts": answer_parts})])["part_wrongly_not_stated"] == 0.5
    )
    refused = score_item(item, _item_output(True)).values  # a refusal is counted by the refusal metrics, not here
    assert refused["parts_answerable"] == 0.0


def test_paraphrase_agreement_needs_the_same_evidence_and_the_same_refusal() -> None:
    group = [_item(id=f"g-{v}", group="g", variant=v) for v in ("formal", "casual", "noisy")]
    same = [score_item(i, _item_output(False)) for i in group]
    assert aggregate(same)["paraphrase_agreement"] == 1.0
    mixed = [*same[:2], score_item(group[2], _item_output(True))]
    assert aggregate(mixed)["paraphrase_agreement"] == 0.0
    assert "paraphrase_agreement" not in aggregate([score_item(_item(), _item_output(False))])


def test_gate_passes_within_tolerance_and_fails_past_it(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    write_baseline({"context_recall@5": 0.95, "false_abstain_rate": 0.02, "latency_p95_ms": 80.0}, baseline)
    base = json.loads(baseline.read_text())
    ok = compare({"context_recall@5": 0.94, "false_abstain_rate": 0.03, "latency_p95_ms": 90.0}, base)
    assert all(r.passed for r in ok)
    bad = compare({"context_recall@5": 0.80, "false_abstain_rate": 0.10, "latency_p95_ms": 90.0}, base)
    assert [r.metric for r in bad if not r.passed] == ["context_recall@5", "false_abstain_rate"]
    assert "FAIL" in format_rows(bad) and "-0.15" in format_rows(bad)


def test_feedback_becomes_candidate_items(tmp_path: Path) -> None:
    log = tmp_path / "feedback.jsonl"
    records = [
        {"verdict": "down", "question": "写字楼租金多少？", "answer": "…", "comment": "should refuse", "time": "t"},
        {"verdict": "up", "question": "北虹桥？", "answer": "…"},
        {
            "verdict": "down",
            "question": "And the west zone?",
            "answer": "…",
            "history": [{"role": "user", "content": "East zone?"}],
        },
    ]
    log.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    out = tmp_path / "candidates.jsonl"
    assert from_feedback(log, out) == 2
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert items[0]["lang"] == "zh" and items[1]["lang"] == "en" and items[1]["history"]
    assert all(i["must_include"][0].startswith("TODO") and i["category"].startswith("TODO") for i in items)
    assert items[0]["feedback"]["comment"] == "should refuse"
