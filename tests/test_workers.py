"""More than one app process: `hqbot serve --workers 2` on one `chroma run` server (real model, small corpus)
answers a load with both processes and no error, keeps a login and a conversation valid whichever process
answers, and picks up an ingest into the server in both processes without a restart, no question failing during
the switch. An embedded index refuses more than one worker."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.loadtest import start_app, stop_app
from bot.settings import load_settings
from bot.throughput import wait_workers
from ingest.pipeline import run_ingest
from tests.loops import QuestionLoop
from tests.test_server import ChromaServer, free_port

USER, PASSWORD = "alice", "pw-for-workers"
QUESTIONS = ["北虹桥片区重点发展哪些产业？", "南虹桥片区重点发展哪些产业？", "中虹桥片区重点发展哪些产业？"]


def test_an_embedded_index_refuses_more_than_one_worker() -> None:
    result = CliRunner().invoke(main, ["serve", "--workers", "2", "--port", str(free_port())])
    assert result.exit_code == 1
    message = str(result.exception.code)
    assert message.startswith("Error: 2 workers need a Chroma server") and "HQBOT_CHROMA_URL" in message


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zones.txt").write_text(
        "一、片区\n\n北虹桥片区。重点发展汽车新势力、低碳新能源等产业。\n\n南虹桥片区。重点发展高端医疗服务等产业。\n",
        encoding="utf-8",
    )
    return corpus


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], subprocess.Popen[bytes], Path]]:
    """`hqbot serve --workers 2` over a fresh Chroma server, with a login; the index is built by `serve` itself."""
    chroma = ChromaServer(tmp_path / "chroma-server").start()
    port = free_port()
    env = dict(os.environ) | {
        "HQBOT_CHROMA_URL": chroma.url,
        "HQBOT_DATA_DIR": str(tmp_path / "data"),
        "HQBOT_CORPUS_DIR": str(_corpus(tmp_path)),
        "HQBOT_AUTH": f"{USER}:{PASSWORD}",
        "HQBOT_LLM_BASE_URL": "",
    }
    log = tmp_path / "serve.log"
    proc = start_app(env, port, log, workers=2)
    try:
        yield f"http://127.0.0.1:{port}", env, proc, log
    finally:
        stop_app(proc)
        chroma.stop()


def _workers_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> dict[int, str]:
    """Each worker's pid and collection, once both answer /api/health as ready."""
    try:
        return wait_workers(url, 2, proc, limit=240, auth=(USER, PASSWORD))
    except (RuntimeError, TimeoutError) as exc:
        raise AssertionError(f"{exc}\n{log.read_text(errors='replace')}") from None


def _load(url: str, clients: int = 4) -> QuestionLoop:
    """Clients asking QUESTIONS through the REST API: which process answered and the sources it cited or showed."""

    def ask(question: str) -> tuple[int, set[str]]:
        with httpx.Client(auth=(USER, PASSWORD), timeout=60) as http:
            response = http.post(f"{url}/api/ask", json={"question": question})
        assert response.status_code == 200, f"{response.status_code}: {response.text[:200]}"
        data = response.json()
        shown = {c["source"] for c in data["citations"]} | {c["source"] for c in data["contexts"]}
        return int(response.headers["x-hqbot-worker"]), shown

    return QuestionLoop(ask, QUESTIONS, clients)


def _chat_turn(http: httpx.Client, url: str, question: str, state: object) -> tuple[object, str]:
    """One turn of the chat page as the browser sends it: the ask button's event with the page's state."""
    config = http.get(f"{url}/config").json()
    submit = next(d for d in config["dependencies"] if d.get("api_name") == "submit_2")  # the Ask button
    body = {"data": [question, state, "auto"], "fn_index": submit["id"], "trigger_id": submit["targets"][0][0]}
    response = http.post(f"{url}/gradio_api/run/predict", json=body | {"session_hash": os.urandom(6).hex()})
    assert response.status_code == 200, response.text[:300]
    _, new_state, evidence, _ = response.json()["data"]
    return new_state, evidence


@pytest.mark.slow
def test_two_workers_share_one_chroma_server_and_follow_its_index(served) -> None:
    url, env, proc, log = served
    pids = _workers_ready(url, proc, log)
    assert len(set(pids.values())) == 1

    # A load answered by both processes, without an error.
    with _load(url) as load:
        while len({pid for _, _, (pid, _) in load.answers}) < 2 and len(load.answers) < 400:
            time.sleep(0.2)
    assert load.errors == [] and {pid for _, _, (pid, _) in load.answers} == set(pids)

    # A login cookie and a conversation are valid whichever process answers.
    with httpx.Client(timeout=30) as http:
        assert http.post(f"{url}/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        assert http.get(f"{url}/gradio_api/info").json()["named_endpoints"] == {}  # Gradio's /ask: one process only
        assert all(http.get(f"{url}/api/health").status_code == 200 for _ in range(10))
        state: object = None
        for _ in range(3):
            state, _ = _chat_turn(http, url, QUESTIONS[0], state)
            state, evidence = _chat_turn(http, url, "那南虹桥呢？", state)
            assert "南虹桥片区重点发展哪些产业" in evidence  # the follow-up read the previous turn
        assert len(state["turns"]) == 6

    # An ingest into the server while both serve: picked up by both, no question failing meanwhile.
    corpus = Path(env["HQBOT_CORPUS_DIR"])
    (corpus / "centre.txt").write_text(
        "一、片区\n\n中虹桥片区。重点发展量子计算、量子通信等未来产业。\n", encoding="utf-8"
    )
    settings = load_settings(
        chroma_url=env["HQBOT_CHROMA_URL"], corpus_dir=corpus, data_dir=Path(env["HQBOT_DATA_DIR"])
    )
    with _load(url) as load:
        time.sleep(1)
        run_ingest(settings, rebuild=True, show_progress=False)
        new = {pid: False for pid in pids}
        deadline = time.monotonic() + 60
        while not all(new.values()) and time.monotonic() < deadline:
            for _, question, (pid, shown) in list(load.answers):
                if question == QUESTIONS[2] and "centre.txt" in shown:
                    new[pid] = True
            time.sleep(0.2)
    assert load.errors == []
    assert all(new.values()), new  # both processes answer from the new index
    assert len({pid for _, _, (pid, _) in load.answers}) == 2

    output = log.read_text(errors="replace")
    assert "share=True" not in output and "public link" not in output  # no Gradio share hint
    assert output.count("Ready: ") == 2 and "in 2 worker processes" in output
    assert json.loads(httpx.get(f"{url}/api/health", auth=(USER, PASSWORD)).text)["chunks"] == 3
