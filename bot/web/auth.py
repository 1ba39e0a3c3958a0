"""Logins: with HQBOT_AUTH (people) or HQBOT_API_TOKENS (machines) set, nothing but the login page answers before a
login. People log in on `/login` (a signed cookie, valid in every worker) or send HTTP Basic; machines send
`Authorization: Bearer TOKEN`. Failed logins are counted per client address: after HQBOT_LOGIN_ATTEMPTS of them it
is locked out for HQBOT_LOGIN_LOCKOUT seconds, right password or not. The chat's private handlers are never
callable by name, and Gradio's deep links (one session's page shown to another user) are off, login or not."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from bot.errors import ConfigError
from bot.settings import Settings
from bot.web.limits import send_json

COOKIE = "hqbot_session"
#: Hours a login lasts.
SESSION_HOURS = 12
#: Shortest bearer token accepted.
MIN_TOKEN = 16
#: Addresses remembered for failed logins (the oldest are forgotten first).
MAX_CLIENTS = 10_000
#: Paths that answer before a login.
PUBLIC = ("/login", "/logout", "/favicon.ico")
NEEDS_LOGIN = (
    "Log in first: send the HTTP Basic credentials of an HQBOT_AUTH user or a bearer token from HQBOT_API_TOKENS."
)
_BY_NAME = re.compile(r"^/gradio_api/(?:run|api|call)/(?:v2/)?([^/]+)")
#: Gradio routes the app does not use: a deep link would show one session's page, state included, to another user.
UNUSED = ("/gradio_api/deep_link",)


def parse_auth(spec: str | None) -> list[tuple[str, str]] | None:
    """Logins from HQBOT_AUTH: "user:pass,user2:pass2" or a file with one user:password per line."""
    if not spec or not spec.strip():
        return None
    path = Path(spec.strip()).expanduser()
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        entries = [(f"Line {i} of {path}", ln.strip()) for i, ln in enumerate(lines, 1)]
        entries = [(where, e) for where, e in entries if e and not e.startswith("#")]
    elif ":" not in spec:
        raise ConfigError(f"HQBOT_AUTH names no existing file ({path}) and holds no user:password pair: fix it.")
    else:
        entries = [(f"Entry {i} of HQBOT_AUTH", e.strip()) for i, e in enumerate(spec.split(","), 1) if e.strip()]
    pairs = []
    for where, entry in entries:
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password.strip():
            raise ConfigError(f"{where} is not in user:password form: fix it (passwords are never shown).")
        pairs.append((user.strip(), password.strip()))
    if not pairs:
        raise ConfigError(f"HQBOT_AUTH ({path}) lists no user:password pair: add one or leave HQBOT_AUTH empty.")
    return pairs


def parse_tokens(spec: str | None) -> list[str]:
    """Bearer tokens from HQBOT_API_TOKENS: comma-separated, or a file with one per line ('#' starts a comment)."""
    if not spec or not spec.strip():
        return []
    path = Path(spec.strip()).expanduser()
    if path.is_file():
        raw = [
            (f"Line {i} of {path}", ln.strip()) for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        ]
        raw = [(where, t) for where, t in raw if t and not t.startswith("#")]
    else:
        raw = [(f"Token {i} of HQBOT_API_TOKENS", t.strip()) for i, t in enumerate(spec.split(","), 1) if t.strip()]
    for where, token in raw:
        if len(token) < MIN_TOKEN or any(c.isspace() for c in token):
            raise ConfigError(
                f"{where} is shorter than {MIN_TOKEN} characters or holds spaces: use a long random token "
                "(python -c 'import secrets; print(secrets.token_urlsafe(32))')."
            )
    if not raw:
        raise ConfigError(f"HQBOT_API_TOKENS ({path}) lists no token: add one or leave it empty.")
    return [t for _, t in raw]


@dataclass
class Lockout:
    """Failed logins per client address: `attempts` within `seconds` lock it out for `seconds`."""

    attempts: int = 5
    seconds: float = 60.0
    _failures: OrderedDict[str, list[float]] = field(default_factory=OrderedDict)
    _locked: dict[str, float] = field(default_factory=dict)

    def wait(self, client: str, now: float | None = None) -> float:
        """Seconds the client must still wait (0 when it may try)."""
        now = time.monotonic() if now is None else now
        until = self._locked.get(client, 0.0)
        if until <= now:
            self._locked.pop(client, None)
            return 0.0
        return until - now

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        recent = [t for t in self._failures.pop(client, []) if now - t < self.seconds] + [now]
        if len(recent) >= self.attempts:
            self._locked[client] = now + self.seconds
            recent = []
        else:
            self._failures[client] = recent
        while len(self._failures) > MAX_CLIENTS:
            self._failures.popitem(last=False)
        if len(self._locked) > MAX_CLIENTS:
            self._locked = {c: u for c, u in self._locked.items() if u > now}

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)


class Logins:
    """The users, tokens and cookie key of one app; `user_of` says who a request's credentials belong to."""

    def __init__(self, users: list[tuple[str, str]], tokens: list[str], secret: bytes, lockout: Lockout) -> None:
        self.users = dict(users)
        self.tokens = [t.encode() for t in tokens]
        self.secret = secret
        self.lockout = lockout

    @classmethod
    def from_settings(cls, settings: Settings) -> Logins | None:
        """None when neither HQBOT_AUTH nor HQBOT_API_TOKENS is set."""
        users = parse_auth(settings.auth) or []
        tokens = parse_tokens(settings.api_tokens.get_secret_value() if settings.api_tokens else None)
        if not users and not tokens:
            return None
        key = (
            settings.session_secret.get_secret_value().encode() if settings.session_secret else secrets.token_bytes(32)
        )
        return cls(users, tokens, key, Lockout(settings.login_attempts, settings.login_lockout))

    def check_password(self, user: str, password: str) -> bool:
        expected = self.users.get(user)
        return expected is not None and hmac.compare_digest(expected.encode(), password.encode())

    def check_token(self, token: str) -> bool:
        given = token.encode()
        return any(hmac.compare_digest(t, given) for t in self.tokens)  # every token compared: no early exit

    def cookie(self, user: str, now: float | None = None) -> str:
        """A signed login cookie value for `user`, valid SESSION_HOURS."""
        expires = int((now or time.time()) + SESSION_HOURS * 3600)
        body = f"{base64.urlsafe_b64encode(user.encode()).decode()}.{expires}"
        return f"{body}.{self._sign(body)}"

    def cookie_user(self, value: str, now: float | None = None) -> str | None:
        """The user a login cookie belongs to, or None (forged, expired, or the user is gone)."""
        body, _, sig = value.rpartition(".")
        if not body or not hmac.compare_digest(sig, self._sign(body)):
            return None
        name, _, expires = body.partition(".")
        try:
            user = base64.urlsafe_b64decode(name.encode()).decode()
        except ValueError:
            return None
        if not expires.isdigit() or int(expires) < (now or time.time()) or user not in self.users:
            return None
        return user

    def _sign(self, body: str) -> str:
        digest = hmac.new(self.secret, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class AuthMiddleware:
    """ASGI middleware in front of everything: the login page, the login check, and no call by name of the chat's
    private handlers (`private_names`, filled once the Gradio app is built)."""

    def __init__(self, app: Any, logins: Logins | None, private_names: set[str] | None = None) -> None:
        self.app, self.logins = app, logins
        self.private_names = private_names if private_names is not None else set()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        named = _BY_NAME.match(path)
        if (named and named.group(1) in self.private_names) or path.rstrip("/") in UNUSED:
            await send_json(send, 404, {"detail": "Not Found"})
            return
        if self.logins is None:
            await self.app(scope, receive, send)
            return
        if path in PUBLIC and scope["type"] == "http":
            await self._login_routes(scope, receive, send, path)
            return
        headers = _headers(scope)
        client = (scope.get("client") or ("?", 0))[0]
        if self._cookie_user(headers) is not None:
            await self.app(scope, receive, send)
            return
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        if scheme.lower() in ("basic", "bearer") and credential:
            if wait := self.logins.lockout.wait(client):
                await _locked(send, wait)
                return
            if self._credential_ok(scheme.lower(), credential.strip()):
                self.logins.lockout.succeeded(client)
                await self.app(scope, receive, send)
                return
            self.logins.lockout.failed(client)
        await self._refuse(scope, send, path, headers)

    def _cookie_user(self, headers: dict[str, str]) -> str | None:
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and (user := self.logins.cookie_user(value)):
                return user
        return None

    def _credential_ok(self, scheme: str, credential: str) -> bool:
        if scheme == "bearer":
            return self.logins.check_token(credential)
        try:
            user, _, password = base64.b64decode(credential, validate=True).decode().partition(":")
        except ValueError:
            return False
        return self.logins.check_password(user, password)

    async def _refuse(self, scope: dict[str, Any], send: Any, path: str, headers: dict[str, str]) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        page = scope.get("method") in ("GET", "HEAD") and "text/html" in headers.get("accept", "")
        if page and not path.startswith("/gradio_api/") and (path == "/api/docs" or not path.startswith("/api/")):
            await _redirect(send, f"/login?next={quote(path)}")
            return
        challenge = b'Basic realm="hqbot", charset="UTF-8"' if path.startswith("/api/") else b'Bearer realm="hqbot"'
        await send_json(send, 401, {"error": NEEDS_LOGIN}, [(b"www-authenticate", challenge)])

    async def _login_routes(self, scope: dict[str, Any], receive: Any, send: Any, path: str) -> None:
        if path == "/favicon.ico":
            await self.app(scope, receive, send)
            return
        if path == "/logout":
            await _redirect(send, "/login", f"{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        target = _safe_next(query.get("next", ["/"])[0])
        if scope.get("method") != "POST":
            await _html(send, 200, login_page(target))
            return
        form = parse_qs((await _body(receive)).decode("utf-8", "replace"))
        user, password = form.get("username", [""])[0], form.get("password", [""])[0]
        target = _safe_next(form.get("next", [target])[0])
        client = (scope.get("client") or ("?", 0))[0]
        if wait := self.logins.lockout.wait(client):
            await _locked(send, wait)
            return
        if not self.logins.check_password(user, password):
            self.logins.lockout.failed(client)
            await _html(send, 401, login_page(target, "Wrong user name or password."))
            return
        self.logins.lockout.succeeded(client)
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{COOKIE}={self.logins.cookie(user)}; Path=/; Max-Age={SESSION_HOURS * 3600}; HttpOnly; SameSite=Lax"
        if "text/html" in _headers(scope).get("accept", ""):
            await _redirect(send, target, cookie + secure)  # a browser's form
        else:
            await send_json(send, 200, {"success": True}, [(b"set-cookie", (cookie + secure).encode())])


def login_page(target: str, error: str = "") -> str:
    """The login form (no script, no external asset)."""
    note = f'<p class="err" role="alert">{html.escape(error)}</p>' if error else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · Hongqiao CBD policy assistant</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;display:flex;justify-content:center;background:#f8fafc}}
form{{margin:12vh 1rem;max-width:22rem;width:100%;background:#fff;padding:1.5rem;border-radius:10px;
box-shadow:0 1px 4px #0002}}h1{{font-size:1.2rem}}label{{display:block;margin:.8rem 0 .3rem}}
input{{width:100%;box-sizing:border-box;font-size:1rem;padding:.6rem;min-height:44px}}
button{{margin-top:1.2rem;width:100%;min-height:44px;font-size:1rem;background:#2563eb;color:#fff;border:0;
border-radius:6px}}.err{{color:#b91c1c}}</style></head><body>
<form method="post" action="/login"><h1>Hongqiao CBD policy assistant<br>虹桥国际中央商务区产业政策助手</h1>{note}
<input type="hidden" name="next" value="{html.escape(target)}">
<label for="u">User name</label><input id="u" name="username" autocomplete="username" required autofocus>
<label for="p">Password</label><input id="p" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in 登录</button></form></body></html>"""


def _safe_next(target: str) -> str:
    """Only a path on this site (never //host or a URL): no open redirect after login."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}


async def _body(receive: Any, limit: int = 64 * 1024) -> bytes:
    data = b""
    while True:
        message = await receive()
        data += message.get("body", b"")
        if not message.get("more_body") or len(data) > limit:
            return data[:limit]


async def _html(send: Any, status: int, page: str) -> None:
    data = page.encode("utf-8")
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def _redirect(send: Any, location: str, cookie: str | None = None) -> None:
    headers = [(b"location", location.encode("latin-1", "replace")), (b"content-length", b"0")]
    if cookie:
        headers.append((b"set-cookie", cookie.encode("latin-1")))
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _locked(send: Any, wait: float) -> None:
    seconds = max(1, round(wait))
    message = f"Too many failed logins from this address: wait {seconds} seconds and try again."
    await send_json(send, 429, {"error": message}, [(b"retry-after", str(seconds).encode())])
