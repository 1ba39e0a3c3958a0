"""Progress of a long ingest step on stderr: done / total, rate and time left.

On a terminal it is a live tqdm bar; elsewhere (a log file, a pipe, a service) it is one plain line every
`LOG_EVERY` seconds, which tqdm would not write. A step that ends within `delay` seconds shows nothing.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

#: Seconds between two progress lines when stderr is not a terminal.
LOG_EVERY = 10.0


def _amount(n: float, unit: str) -> str:
    if unit == "character" and n >= 10_000:
        return f"{n / 1e6:.1f}M" if n >= 1e6 else f"{n / 1e3:.0f}k"
    return f"{n:,.0f}"


def _duration(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class Progress:
    """Counts work done towards `total` units (`update(n)`), shown as `desc: done/total unit (pct), rate, left`."""

    def __init__(self, desc: str, total: int, unit: str, *, stream: TextIO | None = None, delay: float = 0.0) -> None:
        self.desc, self.total, self.unit = desc, total, unit
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self._delay = delay
        self._last_line = self.started  # the first line after LOG_EVERY seconds (and `delay`)
        self._lines = 0
        self._bar: Any = None
        if self.stream.isatty():
            from tqdm import tqdm

            scale = unit == "character"
            unit_name = "char" if scale else unit
            self._bar = tqdm(total=total, desc=desc, unit=unit_name, unit_scale=scale, file=self.stream, delay=delay)

    def update(self, n: int) -> None:
        """Record `n` more units done."""
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        now = time.monotonic()
        if now - self._last_line >= LOG_EVERY and now - self.started >= self._delay:
            self._last_line = now
            self._write(self.line())

    def line(self) -> str:
        """`Embedding: 1,500/3,334 chunks (45%), 14.9 chunks/s, about 2:03 left`."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        pct = 100 * self.done / self.total if self.total else 100.0
        done, total = _amount(self.done, self.unit), _amount(self.total, self.unit)
        head = f"{self.desc}: {done}/{total} {self.unit}s ({pct:.0f}%)"
        speed = f"{_amount(rate, self.unit) if rate >= 10 else f'{rate:.1f}'} {self.unit}s/s"
        if self.done >= self.total:
            return f"{head} in {_duration(elapsed)}, {speed}"
        left = f"about {_duration((self.total - self.done) / rate)} left" if rate > 0 else "time left unknown"
        return f"{head}, {speed}, {left}"

    def close(self) -> None:
        """End the display: a terminal bar is closed; a final line is written if any line was."""
        if self._bar is not None:
            self._bar.close()
        elif self._lines:
            self._write(self.line())

    def _write(self, line: str) -> None:
        self._lines += 1
        print(line, file=self.stream, flush=True)
