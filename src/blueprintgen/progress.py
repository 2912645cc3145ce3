"""Build progress for people: a bar with counts and time left on a terminal, plain lines in CI, nothing when quiet."""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, TextIO

__all__ = ["Progress"]

BAR_WIDTH = 20
# A terminal is redrawn at most this often; a pipe or CI log gets a line at most this often per stage.
REDRAW_S = 0.1
LOG_EVERY_S = 5.0


class Progress:
    """Called as progress(stage, done, total) while a build works through its stages.

    On a terminal, one line is redrawn in place: the stage, the counts, a bar and the time left.
    In a pipe or a CI log (and on a `TERM=dumb` terminal, which has no cursor control), a plain
    line when a stage ends and every few seconds while a long one runs, never an escape code.
    """

    def __init__(self, stream: TextIO | None = None, quiet: bool = False, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic):
        stream = stream or sys.stderr   # looked up now, not at import: tests and tools swap it
        self.stream = stream
        self.quiet = quiet
        if tty is None:
            tty = stream.isatty() and os.environ.get("TERM", "") != "dumb"
        self.tty = tty
        self.clock = clock
        self._stage: str | None = None
        self._started = self._shown = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        now = self.clock()
        if stage != self._stage:   # a terminal shows a new stage at once; a log after a few seconds
            self._stage, self._started, self._shown = stage, now, now if not self.tty else float("-inf")
        finished = done >= total
        if not self.tty:
            # CI logs: a line per finished stage, and one every few seconds while a long stage runs.
            if finished or now - self._shown >= LOG_EVERY_S:
                self._shown = now
                left = "" if finished else self._left(now, done, total)
                print(f"{stage}: {done}/{total}{left}", file=self.stream, flush=True)
            return
        if finished or now - self._shown >= REDRAW_S:
            self._shown = now
            if finished:
                print(f"\r\x1b[2K{stage}: {done}/{total}", file=self.stream, flush=True)
            else:
                print(f"\r\x1b[2K{stage}: {done}/{total} {_bar(done, total)}{self._left(now, done, total)}",
                      end="", file=self.stream, flush=True)

    def _left(self, now: float, done: int, total: int) -> str:
        """`, about 40 s left` from the pace so far; nothing until there is a pace to go by."""
        spent = now - self._started
        if done <= 0 or spent < 1.0:
            return ""
        left = spent / done * (total - done)
        return f", about {_duration(left)} left"


def _bar(done: int, total: int) -> str:
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    return "[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "]"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"
