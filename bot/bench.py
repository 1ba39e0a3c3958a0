"""`hqbot bench`: ingest speed, cold start, query latency in process and over HTTP, throughput of the REST API and
Gradio's `/ask` at 16 clients beside the in-process figure, 1 vs 2 worker processes, memory, how ingest
throughput and query latency grow with the corpus replicated ×1, ×5, ×20, and how cleaning and chunking time
grows with the size of a file (1, 4, 16 MB of generated text). Writes bench.json and bench.png.

Everything runs in a temporary folder with an embedded index (the workers share a `chroma run` server started on a
copy of it): the user's data folder and any Chroma server named by HQBOT_CHROMA_URL are never touched. The optional
LLM is switched off: this measures the local pipeline.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT, Settings
from ingest.load import MANIFEST, discover
from ingest.pipeline import run_ingest

Echo = Callable[[str], Any]
REFERENCE = PROJECT_ROOT / "evals" / "reference.jsonl"


@dataclass(frozen=True)
class BenchPlan:
    """How much to measure: replication factors, questions asked in process and over HTTP, cold starts."""

    factors: tuple[int, ...] = (1, 5, 20)
    asks: int = 100
    http_calls: int = 60
    cold_runs: int = 3
    scale_asks: int = 50
    budget_seconds: float | None = None  # scaling steps that would end past it are skipped (and listed)
    chunk_sizes_mb: tuple[float, ...] = (1, 4, 16)  # generated text cleaned and chunked, per shape
    chunk_repeats: int = 3  # the best of this many runs per size (a shared machine adds noise, never speed)
    load_questions: int = 320  # per route and per worker count, at `load_clients` clients (0: not measured)
    load_clients: int = 16
    workers: tuple[int, ...] = (1, 2)

    @classmethod
    def quick(cls) -> BenchPlan:
        """A few minutes on 2 cores: the bundled model embeds about 4-8 chunks a second."""
        return cls(
            factors=(1, 2, 5), asks=50, http_calls=30, cold_runs=1, scale_asks=20, budget_seconds=270, chunk_repeats=2
        )


# --- small measuring helpers (shared with scripts/load.py) ------------------------------------------------
def percentiles(ms: list[float]) -> dict[str, float | int | None]:
    """n, p50, p95 and mean of a list of milliseconds (None when empty)."""
    import numpy as np

    if not ms:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "mean_ms": None}
    a = np.asarray(ms, dtype=float)
    return {
        "n": len(ms),
        "p50_ms": round(float(np.percentile(a, 50)), 1),
        "p95_ms": round(float(np.percentile(a, 95)), 1),
        "mean_ms": round(float(a.mean()), 1),
    }


def proc_memory_mb(pid: int) -> dict[str, float | None]:
    """Resident memory now (VmRSS) and at its peak (VmHWM) of a process, from /proc."""
    out: dict[str, float | None] = {"rss_mb": None, "peak_rss_mb": None}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def machine() -> dict[str, Any]:
    """CPU, memory, Python and OS of this machine, and its load when the run started (shared machines vary)."""
    cpu_model = ram_gb = None
    try:
        cpu_model = next(
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        )
        kb = next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
        ram_gb = round(int(kb.split()[1]) / 1024**2, 1)
    except (OSError, StopIteration):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def questions(n: int) -> list[str]:
    """`n` questions from the reference set, in its mixed zh/en order, repeated if needed."""
    rows = [json.loads(ln)["question"] for ln in REFERENCE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [rows[i % len(rows)] for i in range(n)]


def app_env(settings: Settings) -> dict[str, str]:
    """The environment of a bench subprocess: the bench's embedded index, no LLM, no login, no share link."""
    return dict(os.environ) | {
        "HQBOT_DATA_DIR": str(settings.data_dir),
        "HQBOT_CORPUS_DIR": str(settings.corpus_dir),
        "HQBOT_EMBEDDINGS": settings.embeddings,
        "HQBOT_CHROMA_URL": "",
        "HQBOT_LLM_BASE_URL": "",
        "HQBOT_AUTH": "",
        "HQBOT_API_TOKENS": "",
        "HQBOT_SHARE": "false",
    }


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the measurements --------------------------------------------------------------------------------------
def _settings(settings: Settings, data_dir: Path, corpus_dir: Path | None = None) -> Settings:
    values = settings.model_dump() | {"data_dir": data_dir, "chroma_url": None, "llm_base_url": None}
    if corpus_dir is not None:
        values["corpus_dir"] = corpus_dir
    return type(settings)(**values)


def _ask_latencies(settings: Settings, embeddings: Any, qs: list[str]) -> list[float]:
    from bot.assistant import Assistant

    assistant = Assistant(settings, embeddings=embeddings)
    assistant.ask(qs[0])  # warm-up: jieba, caches
    out = []
    for q in qs:
        started = time.perf_counter()
        assistant.ask(q)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _cold_start(env: dict[str, str], runs: int) -> float | None:
    """Median seconds from process start to the printed answer of `hqbot ask` (None if it failed)."""
    times = []
    cmd = [sys.executable, "-m", "bot.cli", "ask", "--json", "北虹桥片区重点发展哪些产业？"]
    for _ in range(runs):
        started = time.perf_counter()
        if subprocess.run(cmd, env=env, cwd=PROJECT_ROOT, capture_output=True).returncode != 0:
            return None
        times.append(time.perf_counter() - started)
    return round(sorted(times)[len(times) // 2], 2) if times else None


def _serving(base: Settings, env: dict[str, str], tmp: Path, plan: BenchPlan, embeddings: Any, echo: Echo) -> dict:
    """`/ask` one call at a time, the REST API and Gradio's `/ask` at N clients, 1 vs 2 workers (bot/throughput.py)."""
    skipped = percentiles([]) | {"reason": "skipped"}
    if plan.http_calls <= 0 and plan.load_questions <= 0:
        return {"http_ask": skipped, "routes": {"reason": "skipped"}, "workers": {"reason": "skipped"}, "server": None}
    try:
        from bot import throughput
    except ImportError as exc:
        reason = f"{exc}: pip install -e '.[dev]'"
        return {
            "http_ask": percentiles([]) | {"reason": reason},
            "routes": {"reason": reason},
            "workers": {},
            "server": None,
        }

    def in_process() -> float | None:
        """Questions per second of Assistant.ask over the routes' questions, one after another."""
        mean = percentiles(_ask_latencies(base, embeddings, questions(plan.load_questions or plan.asks)))["mean_ms"]
        return round(1000 / mean, 2) if mean else None

    echo("Serving:")
    out = {"http_ask": skipped, "server": None} | throughput.serve_routes(env, tmp, plan, in_process, echo)
    out["workers"] = {"reason": "skipped"}
    if plan.load_questions > 0 and plan.workers:
        echo(f"Workers on one Chroma server, REST API at {plan.load_clients} clients:")
        out["workers"] = throughput.workers(base.index_dir, env, tmp, plan, echo)
    return out


# --- cleaning and chunking time against file size --------------------------------------------------------
#: Shapes of generated text: paragraphs that end a sentence; lines that never do, so cleaning joins them all
#: into one paragraph (quadratic before); one line with no line break and no sentence end.
CHUNK_SHAPES = {
    "punctuated": "商务区重点发展数字贸易和总部经济，推动产业融合创新发展。加快建设国际会展之都！\n\n",
    "unpunctuated": "商务区重点发展数字贸易和总部经济，推动产业融合创新发展\n",
    "one_line": "商务区重点发展数字贸易和总部经济，推动产业融合创新发展，",
}
#: The largest size may take at most this many times the smallest (16x the text: linear plus slack).
CHUNK_BOUND = 20


def generated_text(shape: str, mb: float) -> str:
    """About `mb` MB (UTF-8) of policy-like Chinese text of one of the `CHUNK_SHAPES`."""
    unit = CHUNK_SHAPES[shape]
    return unit * max(1, round(mb * 2**20 / len(unit.encode())))


def chunking_bench(sizes_mb: tuple[float, ...], echo: Echo, repeats: int = 3) -> dict[str, Any]:
    """Seconds per MB to clean and chunk generated text of each shape and size (no model, no index; the best
    of `repeats` runs), and the ratio of the largest size's time to the smallest's: at most 20 for 16 times
    the text (in proportion for other sizes), which only linear work meets."""
    import gc

    from ingest.chunk import chunk_document

    points, ratios = [], {}
    for shape in CHUNK_SHAPES:
        row = []
        for mb in sizes_mb:
            text, seconds = generated_text(shape, mb), float("inf")
            for _ in range(max(1, repeats)):
                chunks = None
                gc.collect()  # the previous run's chunks are not this run's garbage
                started = time.perf_counter()
                chunks = chunk_document("bench", text, label="bench")
                seconds = min(seconds, time.perf_counter() - started)
            row.append(
                {
                    "shape": shape,
                    "mb": mb,
                    "chunks": len(chunks),
                    "seconds": round(seconds, 3),
                    "seconds_per_mb": round(seconds / mb, 4),
                    "longest_chunk_chars": max(len(c.text) for c in chunks),
                }
            )
        ratios[shape] = round(row[-1]["seconds"] / max(row[0]["seconds"], 1e-6), 2)
        per_mb = ", ".join(f"{p['mb']:g} MB {p['seconds_per_mb']:.3f}" for p in row)
        echo(f"  {shape}: seconds per MB {per_mb}; {sizes_mb[-1]:g} MB took {ratios[shape]}x {sizes_mb[0]:g} MB")
        points.extend(row)
    bound = round(CHUNK_BOUND * sizes_mb[-1] / sizes_mb[0] / 16, 2)
    return {
        "sizes_mb": list(sizes_mb),
        "points": points,
        "largest_to_smallest": ratios,
        "bound": bound,
        "within_bound": all(r <= bound for r in ratios.values()),
    }


def replicate(source: Path, dest: Path, factor: int) -> None:
    """`dest` holds the corpus `factor` times: the originals plus `copyNN-<name>` copies (distinct document ids)."""
    manifest_file = source / MANIFEST
    manifest = yaml.safe_load(manifest_file.read_text(encoding="utf-8")) if manifest_file.is_file() else None
    manifest = manifest or {}
    for copy in range(factor):
        for path in discover(source):
            rel = path.relative_to(source)
            target = dest / (rel if copy == 0 else rel.with_name(f"copy{copy:02d}-{rel.name}"))
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
            if copy and path.name in manifest:
                manifest[target.name] = manifest[path.name]
    (dest / MANIFEST).write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")


def _scaling(base: Settings, embeddings: Any, first: Any, plan: BenchPlan, deadline: float, echo: Echo) -> dict:
    """Grow the bench index step by step (×1 → ×5 → ×20): each step embeds only the new copies; ×1 is the
    first ingest. A step expected to end past the deadline is skipped."""
    points: list[dict[str, Any]] = []
    skipped: list[int] = []
    corpus, rate, done = base.data_dir.parent / "scaled-corpus", first.chunks / first.seconds, 1
    scaled = _settings(base, base.data_dir, corpus)
    for factor in plan.factors:
        expected = (factor - done) * first.chunks / rate + 15
        if time.monotonic() + expected > deadline:
            skipped.append(factor)
            echo(f"  ×{factor}: skipped (about {expected:.0f} s would pass the time budget)")
            continue
        replicate(base.corpus_dir, corpus, factor)
        report = run_ingest(scaled, embeddings=embeddings, show_progress=False)
        if factor == 1 and not report.added:
            report = first  # the same corpus and index: nothing new to embed
        latencies = percentiles(_ask_latencies(scaled, embeddings, questions(plan.scale_asks)))
        point = {
            "factor": factor,
            "chunks": report.chunks,
            "added": report.added,
            "ingest_seconds": report.seconds,
            "chunks_per_second": round(report.added / report.seconds, 2) if report.added else None,
            "query_p50_ms": latencies["p50_ms"],
            "query_p95_ms": latencies["p95_ms"],
        }
        echo(
            f"  ×{factor}: {point['chunks']} chunks, {point['chunks_per_second']} chunks/s, "
            f"query p95 {point['query_p95_ms']} ms"
        )
        points.append(point)
        rate, done = point["chunks_per_second"] or rate, factor
    out: dict[str, Any] = {"embedder": embeddings.model_id, "points": points}
    if skipped:
        out |= {"skipped_factors": skipped, "skipped_reason": f"time budget of {plan.budget_seconds:.0f} s"}
    return out


def run_bench(
    settings: Settings,
    out_dir: Path,
    quick: bool = False,
    echo: Echo = print,
    *,
    plan: BenchPlan | None = None,
    embeddings: Any = None,
) -> dict[str, Any]:
    """Measure, write `out_dir/bench.json` and `out_dir/bench.png`, and return the figures."""
    from ingest.embed import load_embeddings

    plan = plan or (BenchPlan.quick() if quick else BenchPlan())
    started, out_dir = time.monotonic(), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"version": 1, "quick": quick, "started": datetime.now(UTC).isoformat(timespec="seconds")}
    result["machine"] = machine()
    result["plan"] = asdict(plan) | {
        "factors": list(plan.factors),
        "workers": list(plan.workers),
        "chunk_sizes_mb": list(plan.chunk_sizes_mb),
    }
    with tempfile.TemporaryDirectory(prefix="hqbot-bench-") as tmp_name:
        tmp = Path(tmp_name)
        base = _settings(settings, tmp / "data")
        t0 = time.perf_counter()
        embeddings = embeddings or load_embeddings(settings.embeddings)
        result["model_load_seconds"] = round(time.perf_counter() - t0, 2)
        result["config"] = {
            "embedding_model": embeddings.model_id,
            "store": "embedded",
            "llm": False,
            "top_k": base.top_k,
        }
        sizes = ", ".join(f"{mb:g}" for mb in plan.chunk_sizes_mb)
        echo(f"Cleaning and chunking generated text ({sizes} MB per shape; no model):")
        result["chunking"] = chunking_bench(plan.chunk_sizes_mb, echo, plan.chunk_repeats)
        echo(f"Ingesting {settings.corpus_dir} into a fresh index in {tmp} …")
        first = run_ingest(base, embeddings=embeddings, show_progress=False)
        again = run_ingest(base, embeddings=embeddings, show_progress=False)
        result["ingest"] = {
            "documents": first.documents,
            "chunks": first.chunks,
            "seconds": first.seconds,
            "chunks_per_second": round(first.chunks / first.seconds, 2),
            "reingest_seconds": again.seconds,
        }
        echo(f"  {first.chunks} chunks in {first.seconds:.1f} s; re-ingest {again.seconds:.2f} s")
        result["ask"] = percentiles(_ask_latencies(base, embeddings, questions(plan.asks)))
        echo(f"Warm ask (in process): p50 {result['ask']['p50_ms']} ms, p95 {result['ask']['p95_ms']} ms")
        env = app_env(base)
        result["cold_start_seconds"] = _cold_start(env, plan.cold_runs)
        cli_peak = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1) if plan.cold_runs else None
        echo(f"Cold start (process start to first answer): {result['cold_start_seconds']} s")
        serving = time.monotonic()
        result |= _serving(base, env, tmp, plan, embeddings, echo)
        serving = time.monotonic() - serving  # not counted in the scaling budget
        echo(f"Scaling (corpus ×{', ×'.join(map(str, plan.factors))}, each step embeds only the new copies):")
        deadline = started + serving + (plan.budget_seconds or float("inf"))
        result["scaling"] = _scaling(base, embeddings, first, plan, deadline, echo)
    result["peak_rss_mb"] = {
        "bench_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cli_process": cli_peak,
        "server": (result.get("server") or {}).get("peak_rss_mb"),
    }
    result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds_total"] = round(time.monotonic() - started, 1)
    result["plot"] = plot(result, out_dir / "bench.png")
    (out_dir / "bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    echo(f"Wrote {out_dir / 'bench.json'} and {out_dir / 'bench.png'} in {result['seconds_total']} s.")
    return result


def plot(result: dict[str, Any], path: Path) -> str:
    """Three panels: scaling (ingest chunks/s and query p95 against index size), the latency summary, and
    throughput (in process, each route at N clients, 1 and 2 workers)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = result["scaling"]["points"]
    fig, (left, right, third) = plt.subplots(1, 3, figsize=(15, 4.2))
    sizes = [p["chunks"] for p in points]
    left.plot(sizes, [p["chunks_per_second"] or 0 for p in points], "o-", color="tab:blue", label="ingest chunks/s")
    left.set_xlabel("index size (chunks)")
    left.set_ylabel("ingest chunks/s", color="tab:blue")
    twin = left.twinx()
    twin.plot(sizes, [p["query_p95_ms"] or 0 for p in points], "s--", color="tab:red", label="query p95")
    twin.set_ylabel("query p95 (ms)", color="tab:red")
    left.set_ylim(bottom=0)
    twin.set_ylim(bottom=0)
    for p in points:
        left.annotate(f"×{p['factor']}", (p["chunks"], p["chunks_per_second"] or 0), textcoords="offset points",
                      xytext=(4, 6))  # fmt: skip
    left.set_title("Scaling: corpus replicated")
    bars = {
        f"{name} {p}": result[key][f"{p}_ms"] or 0
        for key, name in (("ask", "ask"), ("http_ask", "HTTP"))
        for p in ("p50", "p95")
    }
    right.bar(list(bars), list(bars.values()), color=["tab:green", "tab:green", "tab:purple", "tab:purple"])
    right.set_ylabel("milliseconds")
    cold = result.get("cold_start_seconds")
    right.set_title(f"Query latency (cold start {cold} s)" if cold else "Query latency")
    routes, workers = result.get("routes") or {}, result.get("workers") or {}
    qps = {
        "in process": routes.get("in_process_qps"),
        "REST": (routes.get("api") or {}).get("throughput_qps"),
        "Gradio": (routes.get("gradio") or {}).get("throughput_qps"),
        **{f"{n} worker{'s' * (n != '1')}": (workers.get(n) or {}).get("throughput_qps") for n in ("1", "2")},
    }
    third.bar(list(qps), [v or 0 for v in qps.values()], color="tab:orange")
    third.set_ylabel("questions per second")
    third.set_title(f"Throughput at {routes.get('clients', '?')} clients")
    third.tick_params(axis="x", labelrotation=20)
    fig.suptitle(f"hqbot bench · {result['config']['embedding_model']} · {result['machine']['cpus']} CPUs")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name
