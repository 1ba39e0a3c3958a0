"""Logins: the settings they come from, signed cookies, the lock-out after failed logins, and the app's routes
(every one answers only after a login, except the login page; the chat's handlers are never callable by name)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.assistant import Assistant
from bot.errors import ConfigError
from bot.settings import load_settings
from bot.web.app import create_server
from bot.web.auth import COOKIE, Lockout, Logins, parse_auth, parse_tokens
from bot.web.chat import WebBot
from bot.web.live import LiveAssistant

PASSWORD = "s3cret-Pw-4417"
TOKEN = "tok-" + "x" * 28
ZH = "北虹桥片区重点发展哪些产业？"


def test_auth_pairs_and_file(tmp_path: Path) -> None:
    assert parse_auth(None) is None and parse_auth("  ") is None
    assert parse_auth("alice:s3cret, bob:pa:ss") == [("alice", "s3cret"), ("bob", "pa:ss")]
    users = tmp_path / "users.txt"
    users.write_text("# staff logins\nalice:one\n\n bob : two\n", encoding="utf-8")
    assert parse_auth(str(users)) == [("alice", "one"), ("bob", "two")]


@pytest.mark.parametrize(
    ("spec", "where"),
    [
        ("alice:secret,bobsecret", "Entry 2 of HQBOT_AUTH"),
        ("alice:", "Entry 1"),
        (":secret", "Entry 1"),
        ("/no/file", ""),
    ],
)
def test_bad_auth_is_a_config_error_without_the_password(spec: str, where: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_auth(spec)
    assert where in str(err.value) and "secret" not in str(err.value)


def test_bad_auth_file_line_names_the_line(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_text("alice:one\nbobtwo\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Line 2 of"):
        parse_auth(str(users))


def test_api_tokens_from_the_setting_or_a_file(tmp_path: Path) -> None:
    assert parse_tokens(None) == [] and parse_tokens(" ") == []
    assert parse_tokens(f"{TOKEN}, {TOKEN}2") == [TOKEN, TOKEN + "2"]
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(f"# crm\n{TOKEN}\n", encoding="utf-8")
    assert parse_tokens(str(tokens)) == [TOKEN]
    with pytest.raises(ConfigError, match="Token 2 of HQBOT_API_TOKENS is shorter than 16") as err:
        parse_tokens(f"{TOKEN},short-secret")
    assert "short-secret" not in str(err.value)


def test_cookies_are_signed_expire_and_name_a_current_user() -> None:
    logins = Logins([("alice", "pw")], [], b"k" * 32, Lockout())
    value = logins.cookie("alice", now=1000.0)
    assert logins.cookie_user(value, now=1001.0) == "alice"
    assert logins.cookie_user(value, now=1000.0 + 13 * 3600) is None  # expired
    _, expires, sig = value.split(".")
    forged = f"{base64.urlsafe_b64encode(b'mallory').decode()}.{expires}.{sig}"
    assert logins.cookie_user(forged, now=1001.0) is None
    assert Logins([("alice", "pw")], [], b"other-key" * 4, Lockout()).cookie_user(value, now=1001.0) is None
    assert Logins([("bob", "pw")], [], b"k" * 32, Lockout()).cookie_user(value, now=1001.0) is None  # user removed


def test_lockout_after_repeated_failures_then_it_expires() -> None:
    lock = Lockout(attempts=3, seconds=60)
    for t in (0.0, 1.0):
        lock.failed("1.2.3.4", now=t)
        assert lock.wait("1.2.3.4", now=t) == 0
    lock.failed("1.2.3.4", now=2.0)
    assert lock.wait("1.2.3.4", now=3.0) == pytest.approx(59.0) and lock.wait("5.6.7.8", now=3.0) == 0
    assert lock.wait("1.2.3.4", now=63.0) == 0  # over
    lock.failed("9.9.9.9", now=0.0)
    lock.failed("9.9.9.9", now=100.0)  # failures further apart than the window do not add up
    lock.failed("9.9.9.9", now=101.0)
    assert lock.wait("9.9.9.9", now=101.0) == 0


@pytest.fixture(scope="module")
def assistant(fake_index) -> Assistant:
    settings, embeddings = fake_index
    return Assistant(settings, embeddings=embeddings)


@pytest.fixture
def app(assistant: Assistant, fake_index) -> Iterator[TestClient]:
    """The real app with a login, two attempts before a lock-out (no network: FastAPI's test client)."""
    settings = load_settings(auth=f"alice:{PASSWORD}", api_tokens=TOKEN, login_attempts=2)
    index_settings, embeddings = fake_index
    bot = WebBot(settings, live=LiveAssistant(index_settings, assistant, embeddings=embeddings))
    with TestClient(create_server(settings, bot), follow_redirects=False) as http:
        yield http


def _paths(routes: list, prefix: str = "") -> Iterator[str]:
    """Every route path of the app, through included routers and the mounted page."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _paths(route.original_router.routes, prefix + route.include_context.prefix)
        elif not hasattr(route, "endpoint") and hasattr(getattr(route, "app", None), "routes"):
            yield from _paths(route.app.routes, prefix + route.path)
        elif getattr(route, "path", ""):
            yield prefix + route.path


def _routes(http: TestClient) -> list[str]:
    public = ("/login", "/logout", "/favicon.ico")
    paths = {re.sub(r"\{[^}]*\}", "x", p) for p in _paths(http.app.routes)}
    return sorted(p for p in paths if not p.rstrip("/").endswith(public))


def test_no_route_answers_before_the_login(app: TestClient) -> None:
    routes = _routes(app)
    assert "/api/ask" in routes and "/gradio_api/cancel" in routes and "/gradio_api/reset" in routes
    for path in [*routes, "/", "/config", "/theme.css", "/assets/index.js", "/gradio_api/info"]:
        for method in ("GET", "POST"):
            response = app.request(method, path, json={})
            assert response.status_code in (401, 404, 405), (method, path, response.status_code)
            if response.status_code == 401:
                assert response.json()["error"].startswith("Log in first")
    page = app.get("/", headers={"accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/"
    login = app.get("/login")
    assert login.status_code == 200 and 'name="password"' in login.text and "<script" not in login.text


def test_login_page_basic_and_bearer_all_let_in(app: TestClient) -> None:
    assert app.post("/api/ask", json={"question": ZH}, auth=("alice", PASSWORD)).status_code == 200
    assert app.post("/api/ask", json={"question": ZH}, headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
    form = {"username": "alice", "password": PASSWORD, "next": "/api/docs"}
    browser = app.post("/login", data=form, headers={"accept": "text/html"})
    assert browser.status_code == 303 and browser.headers["location"] == "/api/docs"
    assert "HttpOnly" in browser.headers["set-cookie"] and "SameSite=Lax" in browser.headers["set-cookie"]
    assert app.get("/config").status_code == 200 and app.get("/api/health").status_code == 200
    assert app.get("/logout").headers["set-cookie"].startswith(f"{COOKIE}=;")
    app.cookies.clear()
    assert app.get("/config").status_code == 401
    scripted = app.post("/login", data={"username": "alice", "password": PASSWORD})  # gradio_client's way
    assert scripted.status_code == 200 and scripted.json() == {"success": True}
    evil = app.post("/login", data={**form, "next": "//evil.example/"}, headers={"accept": "text/html"})
    assert evil.headers["location"] == "/"  # no open redirect


def test_failed_logins_lock_the_client_out(app: TestClient) -> None:
    wrong = {"username": "alice", "password": "wrong"}
    assert app.post("/login", data=wrong).status_code == 401
    assert app.post("/login", data=wrong).status_code == 401  # the second failure locks the address
    right = app.post("/login", data={"username": "alice", "password": PASSWORD})
    assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
    assert "Too many failed logins" in right.json()["error"] and PASSWORD not in right.text
    assert app.post("/api/ask", json={"question": ZH}, auth=("alice", PASSWORD)).status_code == 429
    assert app.get("/api/health", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 429


def test_wrong_basic_and_bearer_credentials_count_as_failures(app: TestClient) -> None:
    assert app.get("/api/health", auth=("alice", "nope")).status_code == 401
    assert app.get("/api/health", headers={"authorization": "Bearer nope"}).status_code == 401
    assert app.get("/api/health", auth=("alice", PASSWORD)).status_code == 429


def test_private_handlers_are_not_callable_by_name_even_after_login(app: TestClient) -> None:
    app.post("/login", data={"username": "alice", "password": PASSWORD})
    for name in ("submit", "like", "select", "clear", "banner"):
        for route in (f"/gradio_api/call/{name}", f"/gradio_api/run/{name}", f"/gradio_api/call/v2/{name}"):
            assert app.post(route, json={"data": []}).status_code == 404, route
    assert app.post("/gradio_api/call/ask", json={"data": [ZH]}).status_code == 200  # the public endpoint
    assert app.get("/gradio_api/deep_link", params={"session_hash": "x"}).status_code == 404  # no shared pages
