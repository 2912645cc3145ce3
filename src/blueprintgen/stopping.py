"""Ctrl-C and SIGTERM stop a build alike, except while the new site is being swapped in; and a stop flag for signal handlers."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

__all__ = ["Stopping", "StopFlag", "stop_requested"]

# SIGTERM is what `timeout`, `docker stop` and a cancelled CI job send.
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))
# Set by the signal handler (a plain assignment: a handler must not take locks the interrupted
# code may hold). Long waits look at it, so a stop whose KeyboardInterrupt some library code
# swallowed, or that landed where it could not be raised, still ends the build.
_requested = False


def stop_requested() -> bool:
    """Whether a stop signal arrived inside the active `Stopping` block."""
    return _requested


class Stopping:
    """While active, SIGTERM raises KeyboardInterrupt as Ctrl-C does, so every `finally` cleans up.

    Inside `deferred()` a stop waits until the block is done and is then dropped: the block
    finishes the work (the site is swapped in), so stopping after it changes nothing.
    Signal handlers can only be set in the main thread; elsewhere this does nothing.
    """

    def __init__(self) -> None:
        self._previous: dict = {}
        self._deferring = False

    def __enter__(self) -> "Stopping":
        global _requested
        _requested = False
        if threading.current_thread() is threading.main_thread():
            for number in _SIGNALS:
                self._previous[number] = signal.signal(number, self._stop)
        return self

    def __exit__(self, *exc) -> None:
        global _requested
        _requested = False
        for number, handler in self._previous.items():
            if handler is not None:   # None: set outside Python, cannot be restored from here
                signal.signal(number, handler)
        self._previous.clear()

    def _stop(self, number, frame) -> None:
        global _requested
        if not self._deferring:
            _requested = True
            raise KeyboardInterrupt

    @contextmanager
    def deferred(self):
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False


class StopFlag:
    """A stop flag that signal handlers may set: plain assignments, no lock.

    A handler runs in the middle of whatever its thread was doing; with a lock (as
    threading.Event takes), it could wait for that same thread to let go of it, for ever.
    """

    __slots__ = ("_set",)

    def __init__(self):
        self._set = False

    def set(self) -> None:
        self._set = True

    def clear(self) -> None:
        self._set = False

    def is_set(self) -> bool:
        return self._set
