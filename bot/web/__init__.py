"""The web app: the chat page, its handlers, rendering, feedback and logins."""

from bot.web.app import build_app, launch

__all__ = ["build_app", "launch"]
