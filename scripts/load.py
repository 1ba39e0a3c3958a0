"""A bounded load test of the running app over HTTP: CLIENTS concurrent clients ask QUESTIONS questions
through its `/ask` endpoint, then it stops. Loopback only.

    .venv/bin/python scripts/load.py                                  # starts `hqbot serve` on a free port
    .venv/bin/python scripts/load.py --url http://127.0.0.1:7860/     # an app already running (PID found by port)

Prints the zero-error check, p50/p95 latency, throughput and the server's memory before and after, writes the
figures as JSON (default out/load.json) and exits 1 if any question failed.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.bench import free_port, machine, percentiles, proc_memory_mb, questions, start_app, wait_ready


def is_loopback(url: str) -> bool:
    """True for http(s) URLs whose host is localhost or a loopback address."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if parsed.scheme not in ("http", "https"):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def pid_listening_on(port: int) -> int | None:
    """The process listening on a TCP port, found through /proc (no psutil needed)."""
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
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                return int(proc.name)
        except OSError:
            continue
    return None


def drive(url: str, qs: list[str], clients: int, timeout: float, deadline: float, auth: Any) -> dict[str, Any]:
    """Ask every question once, `clients` at a time; each client is its own gradio_client connection."""
    from gradio_client import Client

    todo: queue.Queue[str] = queue.Queue()
    for q in qs:
        todo.put(q)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            client = Client(url, verbose=False, download_files=False, auth=auth)
        except Exception as exc:
            with lock:
                errors.append(f"connect: {type(exc).__name__}: {exc}"[:200])
            return
        while time.monotonic() < deadline:
            try:
                q = todo.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            try:
                result = client.submit(q, api_name="/ask").result(timeout=timeout)
                problem = None if isinstance(result, dict) and "answer" in result else str(result)[:200]
            except Exception as exc:  # timeouts, dropped connections, queue full
                problem = f"{type(exc).__name__}: {exc}"[:200]
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                if problem:
                    errors.append(problem)

    threads = [threading.Thread(target=worker, name=f"client-{i}") for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    unsent = todo.qsize()
    if unsent:
        errors.append(f"{unsent} question(s) not sent before the time limit")
    return {"latencies": latencies, "errors": errors, "unsent": unsent, "wall_seconds": wall}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="The running app (loopback only); default: start one on a free port.")
    parser.add_argument("--pid", type=int, help="The app's process id, for its memory (default: found by port).")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--questions", type=int, default=320)
    parser.add_argument("--timeout", type=float, default=120.0, help="Seconds one question may take.")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="Stop sending new questions after this.")
    parser.add_argument("--data-dir", help="HQBOT_DATA_DIR of the app this script starts.")
    parser.add_argument("--auth", help="user:password when the app asks for a login.")
    parser.add_argument("--out", default="out/load.json", help="Where to write the figures.")
    args = parser.parse_args(argv)
    started = datetime.now(UTC).isoformat(timespec="seconds")

    if args.url and not is_loopback(args.url):
        print(f"Error: load.py targets loopback only, not {urlparse(args.url).hostname}.", file=sys.stderr)
        return 2
    proc = None
    if args.url is None:
        port = free_port()
        env = dict(os.environ) | {"HQBOT_AUTH": "", "HQBOT_SHARE": "false", "HQBOT_LLM_BASE_URL": ""}
        if args.data_dir:
            env["HQBOT_DATA_DIR"] = args.data_dir
        fd, name = tempfile.mkstemp(prefix="hqbot-load-", suffix=".log")
        os.close(fd)
        log = Path(name)
        print(f"Starting the app on 127.0.0.1:{port} (log: {log}) …", flush=True)
        proc = start_app(env, port, log)
        args.url = f"http://127.0.0.1:{port}/"
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    try:
        wait_ready(args.url, proc)  # also warms the app up: memory "before" is after loading
        pid = args.pid or (proc.pid if proc else pid_listening_on(urlparse(args.url).port or 80))
        before = proc_memory_mb(pid) if pid else {}
        print(f"Asking {args.questions} questions with {args.clients} concurrent clients at {args.url} …", flush=True)
        qs = questions(args.questions)
        run = drive(args.url, qs, args.clients, args.timeout, time.monotonic() + args.max_seconds, auth)
        after = proc_memory_mb(pid) if pid else {}
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()

    lat = percentiles(run["latencies"])
    report = {
        "started": started,
        "url": args.url,
        "clients": args.clients,
        "questions": args.questions,
        "completed": len(run["latencies"]),
        "errors": len(run["errors"]),
        "zero_errors": not run["errors"],
        "error_samples": run["errors"][:5],
        "wall_seconds": round(run["wall_seconds"], 2),
        "throughput_qps": round(len(run["latencies"]) / run["wall_seconds"], 2) if run["wall_seconds"] else None,
        "latency": lat | {"max_ms": round(max(run["latencies"]), 1) if run["latencies"] else None},
        "server": {"pid": pid, "rss_before_mb": before.get("rss_mb"), "rss_after_mb": after.get("rss_mb")}
        | {"peak_rss_mb": after.get("peak_rss_mb")},
        "machine": machine(),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"{'PASS' if report['zero_errors'] else 'FAIL'}: {report['completed']}/{args.questions} answered, "
        f"{report['errors']} error(s) in {report['wall_seconds']} s ({report['throughput_qps']} questions/s)\n"
        f"latency p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, max {report['latency']['max_ms']} ms\n"
        f"server memory (pid {pid}): {before.get('rss_mb')} MB before, {after.get('rss_mb')} MB after, "
        f"peak {after.get('peak_rss_mb')} MB\nWrote {out}"
    )
    for sample in report["error_samples"]:
        print(f"  error: {sample}")
    return 0 if report["zero_errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
