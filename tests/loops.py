"""A question loop for tests that change the index while questions are being answered."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class QuestionLoop:
    """Threads asking `questions` round-robin until the `with` block ends: what `ask` returned for each, with when it
    returned, and every error (as one line)."""

    def __init__(self, ask: Callable[[str], Any], questions: list[str], threads: int = 3) -> None:
        self.ask, self.questions, self.stop = ask, questions, threading.Event()
        self.answers: list[tuple[float, str, Any]] = []
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]

    def _run(self, offset: int) -> None:
        i = offset
        while not self.stop.is_set():
            question = self.questions[i % len(self.questions)]
            i += 1
            try:
                self.answers.append((time.monotonic(), question, self.ask(question)))
            except Exception as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}"[:300])

    def __enter__(self) -> QuestionLoop:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(120)
