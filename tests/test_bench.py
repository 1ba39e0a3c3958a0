"""`hqbot bench` pieces, cheaply: a tiny plan with the fake model writes bench.json with the documented keys
and a PNG, in a temporary folder only; the corpus copies get distinct document ids; the load script's guards."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from bot.bench import CHUNK_SHAPES, BenchPlan, generated_text, percentiles, proc_memory_mb, replicate, run_bench
from bot.settings import load_settings
from ingest.load import load_corpus
from tests.conftest import CORPUS, ROOT

KEYS = {
    "version",
    "quick",
    "started",
    "machine",
    "plan",
    "model_load_seconds",
    "config",
    "ingest",
    "ask",
    "cold_start_seconds",
    "http_ask",
    "routes",
    "workers",
    "server",
    "scaling",
    "peak_rss_mb",
    "seconds_total",
    "plot",
    "chunking",
}


def test_bench_json_has_the_documented_keys(tmp_path: Path, fake_embeddings) -> None:
    settings = load_settings()
    plan = BenchPlan(
        factors=(1, 2), asks=3, http_calls=0, cold_runs=0, scale_asks=2, chunk_sizes_mb=(0.01, 0.04), load_questions=0
    )
    lines: list[str] = []
    result = run_bench(settings, tmp_path / "out", plan=plan, embeddings=fake_embeddings, echo=lines.append)
    written = json.loads((tmp_path / "out" / "bench.json").read_text(encoding="utf-8"))
    assert written == result and set(written) == KEYS
    assert (tmp_path / "out" / "bench.png").read_bytes()[:4] == b"\x89PNG"
    assert {"cpus", "cpu_model", "ram_gb", "python", "platform", "load_average_at_start"} <= set(written["machine"])
    assert written["ingest"]["chunks"] > 150 and written["ingest"]["chunks_per_second"] > 0
    assert written["ingest"]["reingest_seconds"] >= 0 and written["ask"]["n"] == 3
    assert written["http_ask"]["p95_ms"] is None and written["http_ask"]["reason"] == "skipped"
    assert written["routes"] == {"reason": "skipped"} and written["workers"] == {"reason": "skipped"}
    points = written["scaling"]["points"]
    assert [p["factor"] for p in points] == [1, 2] and points[1]["chunks"] == 2 * points[0]["chunks"]
    assert points[1]["added"] == points[0]["chunks"]  # each step embeds only the new copies
    assert {"query_p50_ms", "query_p95_ms", "chunks_per_second", "ingest_seconds"} <= set(points[0])
    assert written["peak_rss_mb"]["bench_process"] > 0
    chunking = written["chunking"]
    assert [(p["shape"], p["mb"]) for p in chunking["points"]] == [
        (shape, mb) for shape in ("punctuated", "unpunctuated", "one_line") for mb in (0.01, 0.04)
    ]
    assert all(p["seconds_per_mb"] >= 0 and p["longest_chunk_chars"] <= 1200 for p in chunking["points"])
    assert set(chunking["largest_to_smallest"]) == {"punctuated", "unpunctuated", "one_line"}
    assert chunking["bound"] == 5.0  # 20 for 16x the text; 4x here
    assert not settings.data_dir.exists()  # the user's data folder is never touched
    assert any(line.startswith("Wrote ") for line in lines)


def test_generated_text_has_the_size_and_shape_asked() -> None:
    for shape in CHUNK_SHAPES:
        text = generated_text(shape, 1)
        assert abs(len(text.encode()) - 2**20) < 200
        assert ("\n" in text) == (shape != "one_line") and ("。" in text) == (shape == "punctuated")


def test_quick_plan_skips_scaling_steps_past_its_budget(tmp_path: Path, fake_embeddings) -> None:
    plan = BenchPlan(
        factors=(1, 50), asks=1, http_calls=0, cold_runs=0, scale_asks=1, budget_seconds=1, load_questions=0
    )
    result = run_bench(load_settings(), tmp_path, plan=plan, embeddings=fake_embeddings, echo=lambda _: None)
    assert result["scaling"]["skipped_factors"] == [1, 50] and result["scaling"]["points"] == []
    assert BenchPlan.quick().budget_seconds < 300


def test_replicated_corpus_has_distinct_document_ids(tmp_path: Path) -> None:
    replicate(CORPUS, tmp_path, 3)
    docs = load_corpus(tmp_path).documents
    originals = load_corpus(CORPUS).documents
    assert len(docs) == 3 * len(originals) == len({d.doc_id for d in docs})
    assert any(d.doc_id.startswith("copy02-") for d in docs)
    titles = {d.doc_id: d.title for d in docs}
    assert all(titles[f"copy01-{d.doc_id}"] == d.title for d in originals)  # the manifest follows the copies


def test_measuring_helpers() -> None:
    assert percentiles([]) == {"n": 0, "p50_ms": None, "p95_ms": None, "mean_ms": None}
    stats = percentiles([float(i) for i in range(1, 101)])
    assert (stats["n"], stats["p50_ms"], round(stats["p95_ms"])) == (100, 50.5, 95)
    assert proc_memory_mb(os.getpid())["rss_mb"] > 0


def _load_script():
    spec = importlib.util.spec_from_file_location("load_script", ROOT / "scripts" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_load_script_refuses_non_loopback_urls(capsys) -> None:
    load = _load_script()
    assert load.is_loopback("http://127.0.0.1:7860/") and load.is_loopback("http://localhost:7860")
    assert load.is_loopback("http://[::1]:7860/")
    for url in ("http://10.0.0.5:7860/", "http://example.com/", "ftp://127.0.0.1/", "http://127.0.0.1.nip.io/"):
        assert not load.is_loopback(url)
    assert load.main(["--url", "http://192.168.1.10:7860/"]) == 2
    assert "loopback only" in capsys.readouterr().err
