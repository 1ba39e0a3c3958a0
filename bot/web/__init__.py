"""The web app: the chat page and its handlers, the REST API, logins, rendering and feedback.

`build_app`, `create_server` and `launch` (in `bot.web.app`) are imported on first use, so the light modules
(feedback, session, render) load without Gradio."""

from __future__ import annotations

from typing import Any

__all__ = ["build_app", "create_server", "launch"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from bot.web import app

        return getattr(app, name)
    raise AttributeError(name)
