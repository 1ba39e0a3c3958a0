"""`hqbot bench`'s serving figures, measured in one run against `hqbot serve` in subprocesses:

- `http_ask`: Gradio's `/ask`, one client after another (latency without contention);
- `routes`: the REST API and Gradio's `/ask` at N concurrent clients (throughput, p50/p95, errors, and the bot's
  own time per answer, so the rest is visibly queueing and the route), beside the in-process throughput;
- `workers`: the REST API at N clients against 1 and 2 worker processes sharing a `chroma run` server started on a
  copy of the bench's index (never a user's server).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bot.bench import free_port, percentiles, proc_memory_mb, questions
from bot.loadtest import drive, start_app, stop_app, summary, tree_memory_mb, wait_ready

Echo = Callable[[str], Any]


def wait_workers(
    url: str, workers: int, proc: subprocess.Popen[bytes], limit: float = 300, auth: tuple[str, str] | None = None
) -> dict[int, str]:
    """Each worker's pid and active collection, once `workers` distinct processes answer /api/health as ready."""
    seen: dict[int, str] = {}
    deadline = time.monotonic() + limit
    while len(seen) < workers:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with code {proc.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(seen)} of {workers} workers were ready within {limit:.0f} s")
        try:
            with httpx.Client(auth=auth, timeout=10) as http:  # a new connection each time: any worker may take it
                health = http.get(f"{url.rstrip('/')}/api/health")
            if health.status_code == 200:
                seen[health.json()["worker"]] = health.json()["collection"]
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return seen


def serve_routes(
    env: dict[str, str], tmp: Path, plan: Any, in_process: Callable[[], float | None], echo: Echo
) -> dict[str, Any]:
    """One app: `/ask` one call at a time, then each route at `plan.load_clients` clients between two measures of the
    in-process throughput (so that the figures compared share the machine's load), and the app's memory."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start_app(env, port, tmp / "serve.log")
    out: dict[str, Any] = {}
    try:
        wait_ready(url, "api", proc)
        wait_ready(url, "gradio", proc)
        if plan.http_calls > 0:
            one = drive(url, "gradio", questions(plan.http_calls), 1)
            out["http_ask"] = percentiles(one["latencies"]) | {"errors": len(one["errors"])}
            echo(f"/ask over HTTP, one client: p50 {out['http_ask']['p50_ms']} ms, p95 {out['http_ask']['p95_ms']} ms")
        before = in_process()
        echo(f"in process, one question after another: {before} questions/s")
        routes: dict[str, Any] = {"clients": plan.load_clients}
        for route in ("api", "gradio"):
            run = summary(drive(url, route, questions(plan.load_questions), plan.load_clients))
            routes[route] = run
            echo(
                f"{route:>6} at {plan.load_clients} clients: {run['throughput_qps']} questions/s, p50 {run['p50_ms']} "
                f"ms, p95 {run['p95_ms']} ms, {run['errors']} error(s); the bot's own time {run['answer_mean_ms']} ms"
            )
        after = in_process()
        echo(f"in process again, after the routes: {after} questions/s")
        # The larger of the two: the routes are compared with the best the process did on this machine meanwhile.
        in_process_qps = max((q for q in (before, after) if q), default=None)
        routes |= {"in_process_qps": in_process_qps, "in_process_qps_before_after": [before, after]}
        api, gradio = routes["api"]["throughput_qps"], routes["gradio"]["throughput_qps"]
        routes["api_vs_in_process"] = round(api / in_process_qps, 2) if api and in_process_qps else None
        routes["api_vs_gradio"] = round(api / gradio, 2) if api and gradio else None
        out["routes"] = routes
        out["server"] = tree_memory_mb(proc.pid) | {"peak_rss_mb": proc_memory_mb(proc.pid)["peak_rss_mb"]}
    except Exception as exc:
        out.setdefault("routes", {"reason": f"{type(exc).__name__}: {exc}"[:300]})
    finally:
        stop_app(proc)
    return out


def workers(index_dir: Path, env: dict[str, str], tmp: Path, plan: Any, echo: Echo) -> dict[str, Any]:
    """The REST API at `plan.load_clients` clients against 1 and 2 workers on one Chroma server."""
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        return {"reason": "the chroma command is missing"}
    served = tmp / "chroma-server"
    shutil.copytree(index_dir, served)
    port = free_port()
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(served), "--host", "127.0.0.1", "--port", str(port)],
        stdout=(tmp / "chroma.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    out: dict[str, Any] = {"clients": plan.load_clients, "store": "chroma server"}
    try:
        _wait_heartbeat(f"http://127.0.0.1:{port}")
        for n in plan.workers:
            app_port = free_port()
            url = f"http://127.0.0.1:{app_port}/"
            proc = start_app(env | {"HQBOT_CHROMA_URL": f"http://127.0.0.1:{port}"}, app_port, tmp / f"w{n}.log", n)
            try:
                wait_workers(url, n, proc)
                wait_ready(url, "api", proc)
                run = summary(drive(url, "api", questions(plan.load_questions), plan.load_clients))
                out[str(n)] = run | {"rss_mb": tree_memory_mb(proc.pid)["rss_mb"]}
                echo(
                    f"  {n} worker(s): {run['throughput_qps']} questions/s, p50 {run['p50_ms']} ms, "
                    f"p95 {run['p95_ms']} ms, {run['errors']} error(s)"
                )
            finally:
                stop_app(proc)
        one, two = (out.get(str(n), {}).get("throughput_qps") for n in (1, 2))
        out["ratio_2_vs_1"] = round(two / one, 2) if one and two else None
    except Exception as exc:
        out["reason"] = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        stop_app(server)
    return out


def _wait_heartbeat(url: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while True:
        try:
            httpx.get(f"{url}/api/v2/heartbeat", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
