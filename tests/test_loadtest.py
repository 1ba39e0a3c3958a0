"""Driving a running app: both routes answer concurrent clients without an error, the figures have their keys,
and `scripts/load.py --rounds` reports the app's memory after each round (an in-process app, fake model)."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.loadtest import ROUTES, drive, pid_listening_on, process_tree, summary, tree_memory_mb, wait_ready
from bot.settings import load_settings
from bot.web.app import Server, create_server
from bot.web.chat import WebBot
from bot.web.live import LiveAssistant
from tests.conftest import ROOT

QUESTIONS = ["北虹桥片区重点发展哪些产业？", "Which zone focuses on new energy vehicles?"] * 6


@pytest.fixture(scope="module")
def app_url(fake_index) -> Iterator[str]:
    settings, embeddings = fake_index
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = settings.model_copy(update={"port": port, "host": "127.0.0.1"})
    bot = WebBot(settings, live=LiveAssistant(settings, embeddings=embeddings))
    bot.live.load()
    server = Server(create_server(settings, bot), settings).start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.close()


@pytest.mark.parametrize("route", ROUTES)
def test_both_routes_answer_concurrent_clients(app_url: str, route: str) -> None:
    wait_ready(app_url, route, limit=60)
    result = summary(drive(app_url, route, QUESTIONS, clients=4))
    assert result["errors"] == 0 and result["questions"] == len(QUESTIONS)
    assert result["throughput_qps"] > 0 and result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert result["answer_mean_ms"] > 0  # the bot's own time, from each answer's latency_ms


def test_errors_are_counted_not_raised(app_url: str) -> None:
    run = drive(app_url, "api", ["", "北虹桥片区重点发展哪些产业？"], clients=1)
    assert run["errors"] == ["400: The question is empty: type a question about the plan or the catalogue."]


def test_the_app_and_its_memory_are_found_by_port(app_url: str) -> None:
    port = int(app_url.rsplit(":", 1)[1].strip("/"))
    assert pid_listening_on(port) == os.getpid()
    assert process_tree(os.getpid())[0] == os.getpid()
    memory = tree_memory_mb(os.getpid())
    assert memory["rss_mb"] > 0 and os.getpid() in memory["processes"]


def test_load_script_reports_memory_after_each_round(app_url: str, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("load_script", ROOT / "scripts" / "load.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "load.json"
    argv = ["--url", app_url, "--questions", "6", "--clients", "2", "--rounds", "3", "--out", str(out)]
    assert script.main(argv) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["zero_errors"] and report["route"] == "api" and [r["round"] for r in report["rounds"]] == [1, 2, 3]
    assert all(r["rss_mb"] > 0 for r in report["rounds"]) and len(report["server"]["rss_after_round_mb"]) == 3
    assert load_settings().data_dir != Path(report["url"])  # nothing written to the user's data folder
