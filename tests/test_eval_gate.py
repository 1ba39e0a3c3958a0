"""The regression gate with the real model: every committed set passes against its committed baseline; a
deliberately broken retriever fails it; the CLI exits 1 on a regression."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from evals.suite import COMMITTED_SETS, evaluate, evaluate_all
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_every_committed_set_passes_its_gate(real_settings, real_assistant, tmp_path: Path) -> None:
    outcomes = evaluate_all(real_settings, out_dir=tmp_path / "all", show_progress=False, assistant=real_assistant)
    assert {Path(o.report["dataset"]).stem for o in outcomes} == {p.stem for p in COMMITTED_SETS}
    assert {"conversation", "investors", "complete", "paraphrase"} <= {p.stem for p in COMMITTED_SETS}
    failed = {
        Path(o.report["dataset"]).stem: [f"{r.metric} {r.current} vs {r.baseline}" for r in o.gate if not r.passed]
        for o in outcomes
    }
    assert all(o.gate for o in outcomes) and not any(failed.values()), failed
    conversation = next(o for o in outcomes if "conversation" in o.report["dataset"]).report["metrics"]
    assert conversation["standalone_as_asked"] >= 0.95 and conversation["followup_resolved"] >= 0.90


def test_reference_set_writes_its_reports(real_settings, real_assistant, tmp_path: Path) -> None:
    outcome = evaluate(real_settings, out_dir=tmp_path, peer=False, show_progress=False, assistant=real_assistant)
    assert outcome.gate and outcome.passed
    lines = (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == outcome.report["metrics"]["items"] >= 80
    assert {"metrics", "by_lang", "by_category", "gate"} <= json.loads((tmp_path / "report.json").read_text()).keys()
    assert "## Failed items" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"


def test_a_broken_retriever_fails_the_gate(real_settings, real_assistant, tmp_path: Path, monkeypatch) -> None:
    from bot.qa.retrieve import HybridRetriever

    chunks = real_assistant.engine.retriever.chunks
    original = HybridRetriever.retrieve

    def broken(self, question, k=None):  # the right number of passages, always the same unrelated ones
        good = original(self, question, k=k)
        return [type(r)(chunks[-1 - i], r.score, r.dense, r.keyword, r.rank) for i, r in enumerate(good)]

    monkeypatch.setattr(HybridRetriever, "retrieve", broken)
    outcome = evaluate(real_settings, out_dir=tmp_path, peer=False, show_progress=False, assistant=real_assistant)
    failing = {r.metric for r in outcome.gate if not r.passed}
    assert not outcome.passed
    assert {"context_recall@5", "fact_in_cited"} <= failing


def test_cli_runs_any_dataset_and_exits_1_on_a_regression(real_settings, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HQBOT_DATA_DIR", str(real_settings.data_dir))
    dataset = tmp_path / "mine.jsonl"
    items = [json.loads(line) for line in (ROOT / "evals" / "reference.jsonl").read_text().splitlines()[:6]]
    for i, item in enumerate(items):
        item["id"] = f"custom-{i}"
    dataset.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    impossible = tmp_path / "baseline.json"
    impossible.write_text(json.dumps({"metrics": {"mrr": 1.5}, "tolerances": {"mrr": 0.0}}), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["eval", "--dataset", str(dataset), "--out", str(tmp_path / "out"), "--baseline", str(impossible)]
    )
    assert result.exit_code == 1, result.output
    assert "The gate failed: mrr" in result.stderr
    assert "plain" in result.stdout  # the plain pipeline ran beside the bot
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["peer"]["metrics"]["items"] == 6
    ok = CliRunner().invoke(main, ["eval", "--dataset", str(dataset), "--out", str(tmp_path / "o2"), "--no-gate"])
    assert ok.exit_code == 0, ok.output
