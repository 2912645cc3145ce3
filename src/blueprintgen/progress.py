"""Build progress for people: one updating line on a terminal, plain lines in CI, nothing when quiet."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Called as progress(stage, done, total) while a build works through its stages."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False, tty: bool | None = None):
        stream = stream or sys.stderr   # looked up now, not at import: tests and tools swap it
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty() if tty is None else tty
        self._last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        finished = done >= total
        if not self.tty:
            # CI logs: one plain line per finished stage, no carriage returns.
            if finished:
                print(f"{stage}: {done}/{total}", file=self.stream, flush=True)
            return
        now = time.monotonic()
        if finished or now - self._last >= 0.1:
            self._last = now
            end = "\n" if finished else ""
            print(f"\r\x1b[2K{stage}: {done}/{total}", end=end, file=self.stream, flush=True)
