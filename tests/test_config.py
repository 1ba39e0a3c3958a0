"""Dependencies flow one way: ingest imports nothing from bot; bot's settings and errors satisfy ingest's types."""

from __future__ import annotations

import subprocess
import sys

import bot.errors
import ingest.errors
from bot.settings import load_settings
from ingest.config import IngestSettings, StoreSettings
from tests.conftest import ROOT


def test_ingest_imports_nothing_from_bot() -> None:
    modules = ", ".join(f"ingest.{p.stem}" for p in sorted((ROOT / "ingest").glob("*.py")) if p.stem != "__init__")
    code = f"import sys, {modules}\nprint(sorted(m for m in sys.modules if m == 'bot' or m.startswith('bot.')))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_settings_satisfy_the_ingest_protocols() -> None:
    settings = load_settings()
    assert isinstance(settings, IngestSettings) and isinstance(settings, StoreSettings)


def test_bot_errors_are_the_ingest_errors() -> None:
    for name in ingest.errors.__dict__:
        value = getattr(ingest.errors, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert getattr(bot.errors, name) is value
    assert issubclass(bot.errors.QuestionError, ingest.errors.HqbotError)
    assert issubclass(bot.errors.LLMError, bot.errors.HqbotError)
