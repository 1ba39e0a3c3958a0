"""Chroma as a server: a real `chroma run` on loopback in tmp_path; ingest and answer through it; a server
that is down, unreachable or hung gives a one-sentence error within seconds; the same Assistant recovers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bot.assistant import Assistant
from bot.cli import main
from bot.errors import StoreUnavailableError
from bot.settings import load_settings
from ingest.pipeline import run_ingest
from ingest.store import open_index, read_timeout
from tests.conftest import FakeEmbeddings, edit_corpus

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).parent / "chroma"
QUESTION = "北虹桥片区重点发展哪些产业？"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """`chroma run --path DIR --host 127.0.0.1 --port N`, started and stopped by the test."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path, self.port = path, port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        cmd = [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)]
        with (self.path.parent / f"chroma-{self.port}.log").open("ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).raise_for_status()
                return self
            except httpx.HTTPError:
                assert self.proc.poll() is None, "chroma run exited; see its log next to the data folder"
                time.sleep(0.1)
        raise AssertionError("chroma run did not answer its heartbeat within 30 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ChromaServer]:
    srv = ChromaServer(tmp_path / "chroma-server").start()
    yield srv
    if srv.proc and srv.proc.poll() is None:
        os.kill(srv.proc.pid, signal.SIGCONT)  # in case a test left it stopped
    srv.stop()


def one_sentence(message: str) -> bool:
    return message.endswith(".") and "\n" not in message and ". " not in message and "Traceback" not in message


def test_ingest_and_answer_through_the_server(server: ChromaServer, fake_embeddings) -> None:
    settings = load_settings(chroma_url=server.url)
    first = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    assert first.added == first.records == 2 * first.chunks and first.chunks > 150  # each chunk and its English
    again = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    assert (again.added, again.removed, again.chunks) == (0, 0, first.chunks)
    answer = Assistant(settings, embeddings=fake_embeddings).ask(QUESTION)
    assert not answer.abstained and "汽车新势力" in answer.text
    assert not settings.index_dir.exists()  # nothing embedded on the client's side
    assert (server.path / "chroma.sqlite3").is_file()


def test_incremental_ingest_and_rebuild_through_the_server(
    server: ChromaServer, fake_embeddings, corpus_copy: Path, tmp_path: Path
) -> None:
    settings = load_settings(chroma_url=server.url, corpus_dir=corpus_copy)
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    edit_corpus(corpus_copy)
    changed = run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    clean = load_settings(corpus_dir=corpus_copy, data_dir=tmp_path / "clean")  # embedded, for comparison
    run_ingest(clean, embeddings=FakeEmbeddings(), show_progress=False)

    def contents(s):
        index = open_index(s)
        return [(c.chunk_id, c.text, c.metadata) for c in index.chunks(index.require(fake_embeddings.model_id))]

    expected = contents(clean)
    assert contents(settings) == expected and 64 < changed.added < len(expected)  # unchanged chunks copied
    rebuilt = run_ingest(settings, embeddings=fake_embeddings, rebuild=True, show_progress=False)
    assert rebuilt.added == len(expected) and contents(settings) == expected
    index = open_index(settings)
    assert {c.name for c in index.client.list_collections()} == {"hqbot-registry", index.active_name()}
    assert "汽车新势力" in Assistant(settings, embeddings=fake_embeddings).ask(QUESTION).text


def test_server_down_then_back_same_assistant(server: ChromaServer, fake_embeddings) -> None:
    settings = load_settings(chroma_url=server.url, chroma_timeout=2)
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    assistant = Assistant(settings, embeddings=fake_embeddings)
    assert not assistant.ask(QUESTION).abstained
    server.stop()
    for _ in range(2):  # the failing request, then the reconnect attempt on the next question
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError) as err:
            assistant.ask(QUESTION)
        assert time.monotonic() - started < 10
        assert one_sentence(str(err.value)) and server.url in str(err.value)
    server.start()  # same port, same folder
    answer = assistant.ask(QUESTION)
    assert not answer.abstained and "汽车新势力" in answer.text


def test_web_handlers_say_so_and_recover(server: ChromaServer, fake_embeddings) -> None:
    from bot.web.chat import WebBot

    settings = load_settings(chroma_url=server.url, chroma_timeout=2)
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    web = WebBot(settings, Assistant(settings, embeddings=fake_embeddings), embeddings=fake_embeddings)
    assert "汽车新势力" in web.ask_json(QUESTION)["answer"]
    server.stop()
    started = time.monotonic()
    down = web.ask_json(QUESTION)
    assert time.monotonic() - started < 10
    assert set(down) == {"error"} and one_sentence(down["error"]) and "Chroma server" in down["error"]
    chat, _ = web.respond(QUESTION)
    assert "Chroma server" in chat.messages[-1]["content"] and "Traceback" not in chat.messages[-1]["content"]
    server.start()
    assert "汽车新势力" in web.ask_json(QUESTION)["answer"]
    chat, _ = web.respond(QUESTION, chat)
    assert "汽车新势力" in chat.messages[-1]["content"]


def test_index_rebuilt_on_a_new_server_is_picked_up(server: ChromaServer, tmp_path: Path, fake_embeddings) -> None:
    settings = load_settings(chroma_url=server.url, chroma_timeout=2)
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    assistant = Assistant(settings, embeddings=fake_embeddings)
    old = assistant.engine.retriever.collection.name
    server.stop()
    with pytest.raises(StoreUnavailableError):
        assistant.ask(QUESTION)
    replacement = ChromaServer(tmp_path / "replacement", port=server.port).start()
    try:
        run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
        assert not assistant.ask(QUESTION).abstained  # reopened: the old collection id no longer exists
        assert assistant.engine.retriever.collection.name != old
    finally:
        replacement.stop()


def _silent_port() -> tuple[socket.socket, int]:
    """A port that accepts connections and never answers: a hung or blackholed server."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock, sock.getsockname()[1]


@pytest.mark.parametrize("where", ["closed-port", "silent-port", "unroutable", "unknown-host"])
def test_unreachable_server_fails_fast_in_one_sentence(where: str, fake_embeddings) -> None:
    sock = None
    if where == "closed-port":
        url = f"http://127.0.0.1:{free_port()}"
    elif where == "silent-port":
        sock, port = _silent_port()
        url = f"http://127.0.0.1:{port}"
    elif where == "unroutable":
        url = "http://10.255.255.1:8000"
    else:
        url = "http://no-such-host.invalid:8000"
    settings = load_settings(chroma_url=url, chroma_timeout=2)
    try:
        for attempt in (
            lambda: open_index(settings),
            lambda: Assistant(settings, embeddings=fake_embeddings),
            lambda: run_ingest(settings, embeddings=fake_embeddings, show_progress=False),
        ):
            started = time.monotonic()
            with pytest.raises(StoreUnavailableError) as err:
                attempt()
            assert time.monotonic() - started < 10
            assert one_sentence(str(err.value)) and "HQBOT_CHROMA_URL" in str(err.value)
    finally:
        if sock:
            sock.close()


def test_hung_server_times_out_then_recovers(server: ChromaServer, fake_embeddings) -> None:
    settings = load_settings(chroma_url=server.url, chroma_timeout=2)
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    assistant = Assistant(settings, embeddings=fake_embeddings)
    os.kill(server.proc.pid, signal.SIGSTOP)  # accepts connections (the kernel does), never replies
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError) as err:
            assistant.ask(QUESTION)
        assert time.monotonic() - started < read_timeout(2) + 5
        assert one_sentence(str(err.value))
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)
    assert not assistant.ask(QUESTION).abstained


def test_cli_through_the_server_with_the_real_model(server: ChromaServer, tmp_path: Path, monkeypatch) -> None:
    corpus = tmp_path / "small"
    corpus.mkdir()
    (corpus / "zones.txt").write_text(
        "一、片区\n\n北虹桥片区。重点发展汽车新势力、低碳新能源等产业。\n\n南虹桥片区。重点发展高端医疗服务等产业。\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("HQBOT_CHROMA_URL", server.url)
    runner = CliRunner()
    ingested = runner.invoke(main, ["ingest", "--corpus", str(corpus), "--json"])
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout.strip().splitlines()[-1])["chunks"] == 2
    monkeypatch.setenv("HQBOT_CORPUS_DIR", str(corpus))
    asked = runner.invoke(main, ["ask", "--json", QUESTION])
    assert asked.exit_code == 0, asked.output
    assert "汽车新势力" in json.loads(asked.stdout)["contexts"][0]["text"]  # retrieved through the server
    server.stop()
    monkeypatch.setenv("HQBOT_CHROMA_TIMEOUT", "2")
    started = time.monotonic()
    down = runner.invoke(main, ["ask", QUESTION])
    assert time.monotonic() - started < 10
    assert down.exit_code == 1 and "Traceback" not in down.output
    assert down.stderr.startswith("Error: The Chroma server at") and one_sentence(down.stderr.strip()[7:])


def test_app_started_while_the_server_is_down_recovers(server: ChromaServer, fake_embeddings, monkeypatch) -> None:
    import ingest.embed
    from bot.web.chat import WebBot
    from bot.web.live import LiveAssistant

    monkeypatch.setattr(ingest.embed, "load_embeddings", lambda name=None: fake_embeddings)
    monkeypatch.setattr(LiveAssistant, "RETRY_SECONDS", 0.0)
    settings = load_settings(chroma_url=server.url, chroma_timeout=2)
    run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
    server.stop()
    bot = WebBot(settings)
    bot.live.load()  # what the background thread does at start-up
    assert bot.live.state == "error" and "Chroma server" in bot.live.message
    assert set(bot.ask_json(QUESTION)) == {"error"}
    server.start()
    assert "汽车新势力" in bot.ask_json(QUESTION)["answer"]  # no restart needed
    assert bot.live.state == "ready"
