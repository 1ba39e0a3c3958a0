"""The REST API beside the chat page: `POST /api/ask`, `POST /api/feedback`, `GET /api/health`, and its OpenAPI
description at `/api/openapi.json`, shown at `/api/docs` (a page with no external script, so it works offline).

Errors are `{"error": one sentence}` with a fitting status: 400 a bad question or body, 401 no valid login, 429 the
queue is full (or too many failed logins), 503 the index is being built or its store is down, 500 anything else.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import threading
from collections import OrderedDict
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from bot.errors import (
    BusyError,
    HqbotError,
    IndexCorruptError,
    IndexMissingError,
    ModelMismatchError,
    QuestionError,
    StoreUnavailableError,
)
from bot.settings import Settings
from bot.web.chat import FAILED, UNWRITABLE, new_answer_id
from bot.web.feedback import record_feedback
from bot.web.live import LiveAssistant
from bot.web.session import MAX_TEXT

logger = logging.getLogger(__name__)

#: Ratings remembered per process, so the same rating of an answer by one client is written once.
MAX_RATINGS = 10_000
STATUS: list[tuple[type[HqbotError], int]] = [
    (QuestionError, 400),
    (BusyError, 429),
    (IndexMissingError, 503),
    (StoreUnavailableError, 503),
    (IndexCorruptError, 503),
    (ModelMismatchError, 503),
]


class Message(BaseModel):
    """One earlier turn of the conversation."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TEXT)


class AskRequest(BaseModel):
    """A question, with the conversation so far for follow-ups (its last HQBOT_HISTORY_TURNS turns are used)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "北虹桥片区重点发展哪些产业？"}]},
    )
    question: str = Field(description="The question, in Chinese or English (at most HQBOT_MAX_QUESTION_CHARS).")
    history: list[Message] = Field(default_factory=list, max_length=1000, description="Earlier turns, oldest first.")
    lang: Literal["auto", "zh", "en"] = Field("auto", description="Answer language; auto follows the question.")


class FeedbackRequest(BaseModel):
    """A rating of an answer `/api/ask` returned: send that answer back as it came."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"answer": {"answer_id": "…", "question": "…", "answer": "…"}, "verdict": "down"}]
        }
    )
    answer: dict[str, Any] = Field(description="The JSON `/api/ask` returned (`answer_id`, `question`, `answer`, …).")
    verdict: Literal["up", "down", "none"] = Field(description='"none" takes an earlier rating back.')
    comment: str = Field("", max_length=2000)
    history: list[Message] = Field(default_factory=list, max_length=1000)


def worker() -> dict[str, str]:
    """Which app process answered (several workers share one port)."""
    return {"X-Hqbot-Worker": str(os.getpid())}


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def error_for(exc: HqbotError) -> JSONResponse:
    """The status and sentence of a project error."""
    status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
    return error(status, str(exc), {"Retry-After": "5"} if status in (429, 503) else None)


def api_router(live: LiveAssistant, settings: Settings) -> APIRouter:
    """The `/api` routes over the process's live assistant."""
    router = APIRouter(prefix="/api")
    ratings: OrderedDict[tuple[str, str], tuple[str, str]] = OrderedDict()
    lock = threading.Lock()

    @router.post(
        "/ask",
        summary="Ask a question",
        responses={400: {"description": "A bad question or body"}, 401: {}, 429: {}, 503: {}},
    )
    async def ask(body: AskRequest) -> JSONResponse:
        """The cited answer: the JSON of `hqbot ask --json` (`answer`, `citations`, `contexts`, …) and an
        `answer_id` to rate it with."""
        history = [m.model_dump() for m in body.history][-2 * settings.history_turns :]
        try:
            answer = await run_in_threadpool(live.ask, body.question, history, body.lang)
        except HqbotError as exc:
            return error_for(exc)
        except Exception:
            logger.exception("The bot failed on a REST question")
            return error(500, FAILED)
        return JSONResponse({**answer.to_json(), "answer_id": new_answer_id()}, headers=worker())

    @router.post("/feedback", summary="Rate an answer", responses={400: {}, 401: {}})
    def feedback(body: FeedbackRequest, request: Request) -> JSONResponse:
        """Record a thumbs up or down (with an optional comment) in the feedback log. One rating per answer: the
        same one again is not written twice, a different one replaces it."""
        answer = body.answer
        answer_id, question, text = answer.get("answer_id"), answer.get("question"), answer.get("answer")
        if not (isinstance(answer_id, str) and 0 < len(answer_id) <= 64 and isinstance(question, str)):
            return error(400, "The answer must be the JSON /api/ask returned, with its answer_id and question.")
        if not isinstance(text, str) or len(text) > MAX_TEXT or len(question) > MAX_TEXT:
            return error(400, "The answer must be the JSON /api/ask returned, with its answer text.")
        key = (_client(request), answer_id)
        rating = (body.verdict, body.comment.strip() if body.verdict != "none" else "")
        with lock:
            before = ratings.get(key)
        if before == rating or (body.verdict == "none" and before is None):
            return JSONResponse({"recorded": False, "note": "Already recorded."})
        citations = answer.get("citations") if isinstance(answer.get("citations"), list) else []
        entry = {
            "question": question,
            "resolved_question": str(answer.get("resolved_question") or "")[:MAX_TEXT],
            "answer": text,
            "lang": str(answer.get("lang") or "")[:8],
            "abstained": bool(answer.get("abstained")),
            "citations": [
                {k: str(c.get(k, ""))[:MAX_TEXT] for k in ("chunk_id", "section", "quote")}
                for c in citations[:50]
                if isinstance(c, dict)
            ],
            "history": [m.model_dump() for m in body.history][-2 * settings.history_turns :],
        }
        try:
            max_bytes = int(settings.feedback_max_mb * 1024 * 1024)
            record_feedback(
                settings.feedback_log, entry, body.verdict, body.comment, answer_id=answer_id, max_bytes=max_bytes
            )
        except OSError:
            logger.warning("Could not write the feedback log %s", settings.feedback_log)
            return error(503, UNWRITABLE)
        with lock:
            ratings[key] = rating
            ratings.move_to_end(key)
            while len(ratings) > MAX_RATINGS:
                ratings.popitem(last=False)
        return JSONResponse({"recorded": True, "replaced": before is not None})

    @router.get("/health", summary="Is the app ready?", responses={503: {"description": "Not ready"}})
    def health() -> JSONResponse:
        """Index ready, embedding model, passages, the active collection, and whether the Chroma store answers."""
        report = live.health()
        return JSONResponse(report, status_code=200 if report["ready"] else 503)

    return router


def install(app: FastAPI, live: LiveAssistant, settings: Settings) -> None:
    """Add the API, its error format and its docs page to the app."""
    app.include_router(api_router(live, settings))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        if not where or first.get("type") in ("json_invalid", "model_attributes_type"):
            return error(400, 'The body must be a JSON object such as {"question": "北虹桥片区重点发展哪些产业？"}.')
        return error(400, f"The field {where} is not valid: {first.get('msg', 'invalid').rstrip('.')}.")

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_page(app.openapi()))


def _client(request: Request) -> str:
    """Who is rating: the login user or token when there is one, else the client address."""
    auth = request.headers.get("authorization") or request.headers.get("cookie") or ""
    if auth:
        return hashlib.sha256(auth.encode()).hexdigest()[:24]  # never the credential itself
    return request.client.host if request.client else "?"


def docs_page(spec: dict[str, Any]) -> str:
    """The API reference from its OpenAPI description: each route, its body, an example and its statuses."""
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>API · Hongqiao CBD policy '
        "assistant</title><style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:1rem auto;"
        "padding:0 1rem;line-height:1.5}pre{background:#f1f5f9;padding:.6rem;overflow:auto}"
        "code{background:#f1f5f9}h2{border-top:1px solid #ddd;padding-top:.8rem}</style></head><body>",
        f"<h1>{html.escape(spec['info']['title'])} API</h1>",
        '<p>JSON in, JSON out; errors are <code>{"error": "one sentence"}</code>. With a login set, send HTTP '
        "Basic credentials or <code>Authorization: Bearer TOKEN</code>. Machine-readable: "
        '<a href="/api/openapi.json">/api/openapi.json</a>.</p>',
    ]
    schemas = spec.get("components", {}).get("schemas", {})
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            parts.append(
                f"<h2><code>{method.upper()} {html.escape(path)}</code> · {html.escape(op.get('summary', ''))}</h2>"
            )
            parts.append(f"<p>{html.escape(op.get('description', ''))}</p>")
            ref = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
            if ref:
                schema = schemas.get(ref.rsplit("/", 1)[-1], {})
                rows = "".join(
                    f"<li><code>{html.escape(name)}</code>{' (required)' if name in schema.get('required', []) else ''}"
                    f": {html.escape(field.get('description', ''))}</li>"
                    for name, field in schema.get("properties", {}).items()
                )
                example = (schema.get("examples") or [None])[0]
                parts.append(f"<ul>{rows}</ul>")
                if example:
                    parts.append(f"<pre>{html.escape(json.dumps(example, ensure_ascii=False, indent=2))}</pre>")
            codes = ", ".join(sorted(op.get("responses", {})))
            parts.append(f"<p>Statuses: {html.escape(codes)}</p>")
    parts.append("</body></html>")
    return "".join(parts)
