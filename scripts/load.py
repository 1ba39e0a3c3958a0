"""A bounded load test of the running app over HTTP: CLIENTS concurrent clients ask QUESTIONS questions through the
REST API (`--route api`, POST /api/ask) or Gradio's `/ask` endpoint (`--route gradio`), ROUNDS times, then it stops.
Loopback only.

    .venv/bin/python scripts/load.py                                  # starts `hqbot serve` on a free port itself
    .venv/bin/python scripts/load.py --route gradio --rounds 10       # memory after each of 10 rounds
    .venv/bin/python scripts/load.py --url http://127.0.0.1:7860/     # an app already running (PID found by port)

Prints, per round, the zero-error check, throughput, p50/p95 latency and the app's resident memory (all its
processes), writes the figures as JSON (default out/load.json) and exits 1 if any question failed.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from bot.bench import free_port, machine, questions
from bot.loadtest import ROUTES, drive, pid_listening_on, start_app, stop_app, summary, tree_memory_mb, wait_ready


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="The running app (loopback only); default: start one on a free port.")
    parser.add_argument("--route", choices=ROUTES, default="api", help="REST API or Gradio's /ask (default: api).")
    parser.add_argument("--pid", type=int, help="The app's process id, for its memory (default: found by port).")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--questions", type=int, default=320, help="Questions per round.")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="Workers of the app this script starts.")
    parser.add_argument("--timeout", type=float, default=120.0, help="Seconds one question may take.")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="Stop sending new questions after this.")
    parser.add_argument("--data-dir", help="HQBOT_DATA_DIR of the app this script starts.")
    parser.add_argument("--auth", help="user:password when the app asks for a login.")
    parser.add_argument("--token", help="A bearer token from HQBOT_API_TOKENS.")
    parser.add_argument("--out", default="out/load.json", help="Where to write the figures.")
    args = parser.parse_args(argv)
    started = datetime.now(UTC).isoformat(timespec="seconds")

    if args.url and not is_loopback(args.url):
        print(f"Error: load.py targets loopback only, not {urlparse(args.url).hostname}.", file=sys.stderr)
        return 2
    proc = None
    if args.url is None:
        port = free_port()
        env = dict(os.environ) | {"HQBOT_AUTH": "", "HQBOT_API_TOKENS": "", "HQBOT_LLM_BASE_URL": ""}
        if args.data_dir:
            env["HQBOT_DATA_DIR"] = args.data_dir
        fd, name = tempfile.mkstemp(prefix="hqbot-load-", suffix=".log")
        os.close(fd)
        print(f"Starting the app on 127.0.0.1:{port} (log: {name}) …", flush=True)
        proc = start_app(env, port, Path(name), args.workers)
        args.url = f"http://127.0.0.1:{port}/"
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    rounds: list[dict] = []
    try:
        wait_ready(args.url, args.route, proc, auth=auth, token=args.token)  # also warms it up
        pid = args.pid or (proc.pid if proc else pid_listening_on(urlparse(args.url).port or 80))
        before = tree_memory_mb(pid) if pid else {}
        print(f"{args.rounds} round(s) of {args.questions} questions, {args.clients} clients, route {args.route} …")
        print(f"app memory before: {before.get('rss_mb')} MB", flush=True)
        for n in range(1, args.rounds + 1):
            run = drive(args.url, args.route, questions(args.questions), args.clients, timeout=args.timeout,
                        max_seconds=args.max_seconds, auth=auth, token=args.token)  # fmt: skip
            memory = tree_memory_mb(pid) if pid else {}
            rounds.append(summary(run) | {"round": n, "rss_mb": memory.get("rss_mb")})
            r = rounds[-1]
            print(
                f"round {n}: {'PASS' if not r['errors'] else 'FAIL'} {r['questions']}/{args.questions} answered, "
                f"{r['errors']} error(s), {r['throughput_qps']} questions/s, p50 {r['p50_ms']} ms, "
                f"p95 {r['p95_ms']} ms; app memory {r['rss_mb']} MB",
                flush=True,
            )
            for sample in r["error_samples"]:
                print(f"  error: {sample}")
    finally:
        stop_app(proc)

    report = {
        "started": started,
        "url": args.url,
        "route": args.route,
        "clients": args.clients,
        "questions_per_round": args.questions,
        "zero_errors": all(not r["errors"] for r in rounds),
        "server": {
            "pid": pid,
            "rss_before_mb": before.get("rss_mb"),
            "rss_after_round_mb": [r["rss_mb"] for r in rounds],
        },
        "rounds": rounds,
        "machine": machine(),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {out}")
    return 0 if report["zero_errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
