"""Deployment safety: loopback by default, no file of the machine served, only `/ask` public, login enforced,
and no credential in logs, output or the feedback log."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest

from bot.settings import PROJECT_ROOT, Settings, load_settings

PASSWORD = "s3cret-Pw-4417"
API_KEY = "sk-test-SECRET-9931"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_defaults_are_loopback_without_share_or_login() -> None:
    settings = load_settings()
    assert (settings.host, settings.share, settings.auth) == ("127.0.0.1", False, None)
    secret = Settings(llm_api_key=API_KEY, auth=f"alice:{PASSWORD}")
    assert API_KEY not in repr(secret) and API_KEY not in str(secret.model_dump())  # a SecretStr


def _small_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "small"
    corpus.mkdir()
    (corpus / "zones.txt").write_text("一、片区\n\n北虹桥片区。重点发展汽车新势力等产业。\n", encoding="utf-8")
    return corpus


@pytest.fixture
def served(tmp_path: Path, request) -> Iterator[tuple[str, Settings]]:
    """The real app through `bot.web.launch` (as `hqbot serve` runs it, in one process) on a free loopback port."""
    from bot.web import launch

    auth = getattr(request, "param", None)
    settings = load_settings(corpus_dir=_small_corpus(tmp_path), port=free_port(), auth=auth)
    app = launch(settings, block=False)
    try:
        yield f"http://127.0.0.1:{settings.port}", settings
    finally:
        app.close()


SENSITIVE = [
    "/etc/passwd",
    "/proc/self/environ",
    str(PROJECT_ROOT / "pyproject.toml"),
    str(PROJECT_ROOT / "bot" / "settings.py"),
    "pyproject.toml",
    "../../../../etc/passwd",
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.slow
def test_no_file_of_the_machine_is_served(served) -> None:
    url, settings = served
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.feedback_log.write_text('{"question": "private-feedback-line"}\n', encoding="utf-8")
    paths = [*SENSITIVE, str(settings.feedback_log), str(settings.data_dir)]
    assert httpx.get(url).status_code == 200  # the page itself
    with httpx.Client(base_url=url, timeout=10) as http:
        for path in paths:
            for route in ("/gradio_api/file=", "/gradio_api/file/", "/file="):
                response = http.get(route + path)
                assert response.status_code in (403, 404), (route + path, response.status_code)
                assert "root:" not in response.text and "private-feedback-line" not in response.text
        info = http.get("/gradio_api/info").json()
    assert list(info["named_endpoints"]) == ["/ask"] and not info.get("unnamed_endpoints")  # chat handlers private


@pytest.mark.slow
@pytest.mark.parametrize("served", [f"alice:{PASSWORD}"], indirect=True)
def test_login_is_enforced_and_never_echoed(capfd, caplog, served) -> None:
    url, _ = served
    caplog.set_level(logging.DEBUG)
    with httpx.Client(base_url=url, timeout=10) as http:
        assert http.get("/config").status_code == 401
        assert http.get("/gradio_api/info").status_code == 401
        assert http.get("/gradio_api/file=/etc/passwd").status_code == 401
        assert http.post("/gradio_api/call/ask", json={"data": ["北虹桥"]}).status_code == 401
        assert http.post("/gradio_api/upload", files={"files": ("x.txt", b"x")}).status_code == 401
        assert http.post("/gradio_api/cancel", json={"session_hash": "x", "fn_index": 0}).status_code == 401
        assert http.post("/gradio_api/reset", json={"event_id": "x"}).status_code == 401
        assert http.post("/api/ask", json={"question": "北虹桥"}).status_code == 401
        assert http.get("/", headers={"accept": "text/html"}).headers["location"] == "/login?next=/"
        login = http.post("/login", data={"username": "alice", "password": "wrong"})
        assert login.status_code in (400, 401) and PASSWORD not in login.text
        assert http.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 200
        assert http.get("/config").status_code == 200
        assert http.post("/gradio_api/call/submit", json={"data": ["北虹桥", None]}).status_code == 404
        assert http.post("/gradio_api/call/like", json={"data": []}).status_code == 404
        for _ in range(5):
            http.post("/login", data={"username": "alice", "password": "wrong"})
        locked = http.post("/login", data={"username": "alice", "password": PASSWORD})
        assert locked.status_code == 429 and "Too many failed logins" in locked.json()["error"]
    out, err = capfd.readouterr()
    assert "Login required (1 user(s)" in out
    assert "share=True" not in out + err and "public link" not in out + err  # no Gradio share hint at start-up
    assert PASSWORD not in out + err + caplog.text


class _EchoKeyEndpoint(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint that refuses every key and echoes it back (some proxies do)."""

    def do_POST(self) -> None:
        body = json.dumps({"error": {"message": f"Incorrect API key: {self.headers.get('Authorization')}"}}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_api_key_is_not_logged_when_the_endpoint_echoes_it(tmp_path: Path, fake_embeddings, caplog) -> None:
    pytest.importorskip("langchain_openai")
    from bot.assistant import Assistant
    from ingest.pipeline import run_ingest

    server = HTTPServer(("127.0.0.1", 0), _EchoKeyEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = load_settings(
            llm_base_url=f"http://127.0.0.1:{server.server_port}/v1", llm_model="m", llm_api_key=API_KEY
        )
        run_ingest(settings, embeddings=fake_embeddings, show_progress=False)
        caplog.set_level(logging.DEBUG)
        answer = Assistant(settings, embeddings=fake_embeddings).ask("北虹桥片区重点发展哪些产业？")
    finally:
        server.shutdown()
    assert answer.notice and "extractive" in answer.notice  # fell back, said so
    assert API_KEY not in json.dumps(answer.to_json(), ensure_ascii=False)
    assert API_KEY not in caplog.text
