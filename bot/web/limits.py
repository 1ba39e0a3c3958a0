"""Bounded work: how many questions are answered at once and how many wait (shared by the chat, `/ask` and the
REST API), and the largest request body the app reads."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

from bot.errors import BusyError

#: Questions answered at once in one process; the rest wait, up to QUEUE_SIZE, then get BusyError (429).
CONCURRENCY = 4
QUEUE_SIZE = 64
#: The largest request body read (the chat's state, a question with its history, a login form).
MAX_BODY_BYTES = 2 * 1024 * 1024
BUSY = "The assistant is answering too many questions at once; ask again in a moment."


class Gate:
    """At most `running` holders at once and `waiting` more blocked in line; anyone beyond gets BusyError."""

    def __init__(self, running: int = CONCURRENCY, waiting: int = QUEUE_SIZE) -> None:
        self._slots = threading.Semaphore(running)
        self._lock = threading.Lock()
        self._inside = 0
        self.limit = running + waiting

    @property
    def inside(self) -> int:
        """Holders answering or waiting now."""
        return self._inside

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one answering slot (waiting for it in line), or raise BusyError when the line is full."""
        with self._lock:
            if self._inside >= self.limit:
                raise BusyError(BUSY)
            self._inside += 1
        try:
            with self._slots:
                yield
        finally:
            with self._lock:
                self._inside -= 1


class BodyLimit:
    """ASGI middleware: a request body larger than `max_bytes` gets 413 (by its Content-Length) or is cut off."""

    def __init__(self, app: Any, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.max_bytes:
            await send_json(send, 413, {"error": f"The request is larger than {self.max_bytes // 1024:,} KB."})
            return
        seen = 0

        async def bounded() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            return {"type": "http.disconnect"} if seen > self.max_bytes else message

        await self.app(scope, bounded, send)


async def send_json(send: Any, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()) -> None:
    """Send a whole JSON response from ASGI middleware."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": data})
