"""The REST API in process (FastAPI's test client over the real app, fake model): `/api/ask` answers with the JSON
of `hqbot ask --json`, errors are one sentence with a fitting status, `/api/feedback` keeps one rating per answer,
`/api/health` says whether the app can answer, `/api/docs` documents it all without external scripts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.assistant import Assistant
from bot.errors import BusyError, StoreUnavailableError
from bot.settings import load_settings
from bot.types import Answer
from bot.web.app import create_server
from bot.web.chat import WebBot
from bot.web.limits import BUSY, Gate
from bot.web.live import NOT_READY, LiveAssistant

ZH = "北虹桥片区重点发展哪些产业？"


@pytest.fixture(scope="module")
def assistant(fake_index) -> Assistant:
    settings, embeddings = fake_index
    return Assistant(settings, embeddings=embeddings)


@pytest.fixture
def live(assistant: Assistant, fake_index) -> LiveAssistant:
    settings, embeddings = fake_index
    return LiveAssistant(settings, assistant, embeddings=embeddings)


@pytest.fixture
def client(live: LiveAssistant) -> Iterator[TestClient]:
    app = create_server(load_settings(), WebBot(load_settings(), live=live))
    with TestClient(app) as http:
        yield http


def test_ask_returns_the_cli_json(client: TestClient, assistant: Assistant) -> None:
    response = client.post("/api/ask", json={"question": ZH})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    data = response.json()
    expected = assistant.ask(ZH).to_json()
    assert set(data) == set(expected) | {"answer_id"}
    assert data["answer"] == expected["answer"] and data["citations"] == expected["citations"]
    assert all(c["quote"] in c["text"] for c in data["citations"])


def test_ask_with_history_follows_up(client: TestClient) -> None:
    first = client.post("/api/ask", json={"question": ZH}).json()
    history = [{"role": "user", "content": ZH}, {"role": "assistant", "content": first["answer"]}]
    follow = client.post("/api/ask", json={"question": "那南虹桥呢？", "history": history}).json()
    assert "南虹桥" in follow["resolved_question"] and follow["citations"]


def test_lang_reaches_an_engine_that_takes_it(client: TestClient, live: LiveAssistant, monkeypatch) -> None:
    seen: list[object] = []
    real = live.assistant.ask

    def with_lang(question: str, history: object = None, *, lang: str = "auto") -> Answer:
        seen.append(lang)
        return real(question, history)

    assert client.post("/api/ask", json={"question": ZH, "lang": "en"}).status_code == 200  # today's engine: ignored
    monkeypatch.setattr(live.assistant, "ask", with_lang)
    client.post("/api/ask", json={"question": ZH, "lang": "en"})
    client.post("/api/ask", json={"question": ZH})
    assert seen == ["en", "auto"]  # "auto" is left to the engine's default
    assert client.post("/api/ask", json={"question": ZH, "lang": "fr"}).status_code == 400


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"question": ""}, 400, "The question is empty"),
        ({"question": "问" * 2001}, 400, "the limit is 2,000"),
        ({"question": "北虹桥\u2028片区"}, 400, "control characters"),
        ({"question": 42}, 400, "question is not valid"),
        ({}, 400, "question is not valid"),
        ({"question": ZH, "history": [{"role": "system", "content": "x"}]}, 400, "history.0.role"),
        ({"question": ZH, "extra": 1}, 400, "extra is not valid"),
        ("not json", 400, "must be a JSON object"),
    ],
)
def test_bad_requests_are_400_with_one_sentence(client: TestClient, body: object, status: int, says: str) -> None:
    if isinstance(body, str):
        response = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    else:
        response = client.post("/api/ask", json=body)
    assert response.status_code == status
    message = response.json()["error"]
    assert says in message and message.endswith(".") and "\n" not in message and "Traceback" not in message


def test_not_ready_busy_and_store_down_are_503_and_429(client: TestClient, live: LiveAssistant, monkeypatch) -> None:
    def raising(error: Exception):
        def ask(*args: object, **kwargs: object) -> Answer:
            raise error

        return ask

    cases = [
        (BusyError(BUSY), 429),
        (StoreUnavailableError("The Chroma server at http://x is not answering: start it."), 503),
    ]
    for exc, status in cases:
        monkeypatch.setattr(live, "ask", raising(exc))
        response = client.post("/api/ask", json={"question": ZH})
        assert response.status_code == status and response.json() == {"error": str(exc)}
        assert response.headers["retry-after"] == "5"
    monkeypatch.setattr(live, "ask", raising(RuntimeError("boom")))
    response = client.post("/api/ask", json={"question": ZH})
    assert response.status_code == 500 and "boom" not in response.text


def test_while_the_index_builds_ask_is_503_and_health_says_why(live: LiveAssistant) -> None:
    building = LiveAssistant(load_settings())
    building.state, building.message = "building", "Building the index from the documents."
    app = create_server(load_settings(), WebBot(load_settings(), live=building))
    with TestClient(app) as http:
        response = http.post("/api/ask", json={"question": ZH})
        assert response.status_code == 503 and response.json() == {"error": NOT_READY}
        health = http.get("/api/health")
        assert health.status_code == 503
        assert health.json()["status"] == "building" and health.json()["ready"] is False


def test_health_reports_the_index(client: TestClient, assistant: Assistant, fake_index) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    data = response.json()
    assert data["ready"] is True and data["status"] == "ready" and data["chunks"] == assistant.chunk_count
    assert data["model"] == fake_index[1].model_id and data["collection"].startswith("hqbot-")
    assert data["store"] == {"mode": "embedded", "url": None, "reachable": True}


def test_feedback_keeps_one_rating_per_answer(client: TestClient) -> None:
    answer = client.post("/api/ask", json={"question": ZH}).json()
    rate = {"answer": answer, "verdict": "down", "comment": "missing platforms"}
    assert client.post("/api/feedback", json=rate).json() == {"recorded": True, "replaced": False}
    for _ in range(10):
        assert client.post("/api/feedback", json=rate).json()["recorded"] is False
    changed = client.post("/api/feedback", json={**rate, "verdict": "up"}).json()
    assert changed == {"recorded": True, "replaced": True}
    log = load_settings().feedback_log.read_text(encoding="utf-8").split("\n")
    lines = [json.loads(x) for x in log if x]
    assert [ln["verdict"] for ln in lines] == ["down", "up"]
    assert {ln["answer_id"] for ln in lines} == {answer["answer_id"]} and lines[0]["question"] == ZH
    bad = client.post("/api/feedback", json={"answer": {"question": ZH}, "verdict": "down"})
    assert bad.status_code == 400 and "answer_id" in bad.json()["error"]


def test_docs_page_and_openapi_need_no_external_script(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert {"/api/ask", "/api/feedback", "/api/health"} <= set(spec["paths"])
    page = client.get("/api/docs")
    assert page.status_code == 200 and "POST /api/ask" in page.text and "北虹桥片区重点发展哪些产业" in page.text
    assert "<script" not in page.text and "cdn" not in page.text


def test_oversized_bodies_are_refused(client: TestClient) -> None:
    response = client.post("/api/ask", content=b"x" * (3 * 1024 * 1024), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_the_gate_bounds_answering_and_waiting() -> None:
    gate = Gate(running=1, waiting=1)
    release, inside = threading.Event(), threading.Event()

    def hold() -> None:
        with gate.slot():
            inside.set()
            release.wait(30)

    holders = [threading.Thread(target=hold) for _ in range(2)]
    holders[0].start()
    inside.wait(30)
    holders[1].start()  # waits in line
    while gate.inside < 2:
        time.sleep(0.01)
    with pytest.raises(BusyError), gate.slot():
        pass
    release.set()
    for t in holders:
        t.join(30)
    with gate.slot():
        assert gate.inside == 1
