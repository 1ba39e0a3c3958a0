"""Driving a running app with concurrent clients, shared by `scripts/load.py` and `hqbot bench`.

Two routes: `api` posts to the REST API (`/api/ask`, one httpx client per thread), `gradio` calls Gradio's `/ask`
endpoint (one gradio_client per thread, as a Gradio integration would). Also: where an app listens, how much
memory its processes hold, and starting `hqbot serve` in a subprocess.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT

ROUTES = ("api", "gradio")
PROBE = "北虹桥片区重点发展哪些产业？"


def start_app(env: dict[str, str], port: int, log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    """`hqbot serve` on 127.0.0.1:port in a subprocess (its output in `log`)."""
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers)]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, env=env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT)


def stop_app(proc: subprocess.Popen[bytes] | None) -> None:
    """Terminate a process this code started (killed if it does not end within 30 s)."""
    if proc is None:
        return
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _client(url: str, route: str, auth: tuple[str, str] | None, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if route == "api":
        import httpx

        return httpx.Client(base_url=url.rstrip("/"), auth=auth, headers=headers, timeout=120)
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, auth=auth, headers=headers or None)


def _ask(client: Any, route: str, question: str, timeout: float) -> tuple[dict[str, Any] | None, str | None]:
    """(answer JSON, None) or (None, what went wrong)."""
    if route == "api":
        response = client.post("/api/ask", json={"question": question}, timeout=timeout)
        data = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        if response.status_code != 200:
            return None, f"{response.status_code}: {str(data.get('error', response.text))[:150]}"
        return data, None
    result = client.submit(question, api_name="/ask").result(timeout=timeout)
    return (result, None) if isinstance(result, dict) and "answer" in result else (None, str(result)[:200])


def wait_ready(
    url: str,
    route: str = "api",
    proc: subprocess.Popen[bytes] | None = None,
    limit: float = 300,
    auth: tuple[str, str] | None = None,
    token: str | None = None,
) -> None:
    """Return once the app gives a real answer through `route` (it loads its index in the background)."""
    deadline, last = time.monotonic() + limit, "no answer"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the app exited with code {proc.returncode}")
        try:
            client = _client(url, route, auth, token)
            try:
                answer, problem = _ask(client, route, PROBE, 60)
            finally:
                client.close()
            if answer is not None:
                return
            last = problem or last
        except Exception as exc:  # connection refused while it starts
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(1)
    raise TimeoutError(f"{route} did not answer within {limit:.0f} s ({last[:200]})")


def drive(
    url: str,
    route: str,
    questions: list[str],
    clients: int,
    *,
    timeout: float = 120,
    max_seconds: float = 900,
    auth: tuple[str, str] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """Ask every question once, `clients` at a time: latencies (ms, client-side), the bot's own time per answer
    (`latency_ms` of each answer), errors, wall seconds."""
    todo: queue.Queue[str] = queue.Queue()
    for q in questions:
        todo.put(q)
    latencies: list[float] = []
    inside: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        try:
            client = _client(url, route, auth, token)
        except Exception as exc:
            with lock:
                errors.append(f"connect: {type(exc).__name__}: {exc}"[:200])
            return
        try:
            ask_all(client)
        finally:
            client.close()  # gradio_client: its heartbeat stream; httpx: its connections

    def ask_all(client: Any) -> None:
        while time.monotonic() < deadline:
            try:
                q = todo.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            try:
                answer, problem = _ask(client, route, q, timeout)
            except Exception as exc:  # timeouts, dropped connections
                answer, problem = None, f"{type(exc).__name__}: {exc}"[:200]
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                if problem:
                    errors.append(problem)
                else:
                    inside.append(float(answer.get("latency_ms") or 0.0))

    threads = [threading.Thread(target=worker, name=f"client-{i}") for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if unsent := todo.qsize():
        errors.append(f"{unsent} question(s) not sent before the time limit")
    return {"latencies": latencies, "answer_ms": inside, "errors": errors, "unsent": unsent, "wall_seconds": wall}


def summary(run: dict[str, Any]) -> dict[str, Any]:
    """Throughput, client latency percentiles, the bot's own mean time per answer, and errors of one run."""
    from bot.bench import percentiles

    done = len(run["latencies"])
    lat = percentiles(run["latencies"])
    inside = run["answer_ms"]
    return {
        "questions": done,
        "errors": len(run["errors"]),
        "error_samples": run["errors"][:5],
        "wall_seconds": round(run["wall_seconds"], 2),
        "throughput_qps": round(done / run["wall_seconds"], 2) if run["wall_seconds"] else None,
        "p50_ms": lat["p50_ms"],
        "p95_ms": lat["p95_ms"],
        "mean_ms": lat["mean_ms"],
        "max_ms": round(max(run["latencies"]), 1) if run["latencies"] else None,
        "answer_mean_ms": round(sum(inside) / len(inside), 1) if inside else None,
    }


def pid_listening_on(port: int) -> int | None:
    """The process listening on a TCP port, found through /proc (no psutil needed); with several workers sharing
    the socket, their parent (the lowest pid holding it)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            f = row.split()
            if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == "0A":  # 0A = LISTEN
                inodes.add(f"socket:[{f[9]}]")
    holders = [int(proc.name) for proc in Path("/proc").iterdir() if proc.name.isdigit() and _holds(proc, inodes)]
    return min(holders) if holders else None


def _holds(proc: Path, inodes: set[str]) -> bool:
    try:
        fds = list((proc / "fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(fd) in inodes:
                return True
        except OSError:  # closed meanwhile
            continue
    return False


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (an app and its workers)."""
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parents[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def tree_memory_mb(pid: int) -> dict[str, Any]:
    """Resident memory of an app's processes: each, and their sum."""
    from bot.bench import proc_memory_mb

    each = {p: proc_memory_mb(p)["rss_mb"] for p in process_tree(pid)}
    each = {p: mb for p, mb in each.items() if mb is not None}
    return {"rss_mb": round(sum(each.values()), 1), "processes": each}
