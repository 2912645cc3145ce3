"""Diagrams drawn in the background while the pages are made: in a forked process on Linux, else a thread.

Making DOT is Python work. In a thread it would share the interpreter lock with the page
making of the main thread, and each file the main thread writes would wait for the lock to
come back; a forked process draws on the other core instead (Graphviz runs in its own
processes either way) and hands back what `render_many` gave, pickled through a pipe.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
import threading
import time

from ..graphviz import Rendered, StopFlag, stop_running
from ..stopping import stop_requested

__all__ = ["Drawing", "STOP_WAIT"]

# How long a stopped build waits for its drawing to notice (killed, Graphviz ends at once).
STOP_WAIT = 10.0
_RESEND = 0.25   # seconds between SIGTERMs to a drawing process that has not ended yet


class Drawing:
    """`draw(stopped=event)` running in the background; `wait()` gives its Rendered, `stop()` ends it."""

    def __init__(self, draw, process: bool | None = None):
        self._results: Rendered | None = None
        self._error: BaseException | None = None
        self._pid: int | None = None
        self._stopped = threading.Event()
        if process is None:
            process = _can_fork()
        if process:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:   # the drawing process: it never returns into the build
                os.close(read_end)
                _draw_and_exit(draw, write_end)
            os.close(write_end)
            self._pid = pid
            self._thread = threading.Thread(target=self._receive, args=(read_end,), daemon=True,
                                            name="blueprintgen-diagrams")
        else:
            self._thread = threading.Thread(target=self._run, args=(draw,), daemon=True, name="blueprintgen-diagrams")
        self._thread.start()

    def _run(self, draw) -> None:
        try:
            self._results = draw(stopped=self._stopped)
        except BaseException as error:   # handed to the thread that waits
            self._error = error

    def _receive(self, read_end: int) -> None:
        # Unpickled as it comes: the diagrams are held once, not also as the bytes that carried them
        # (at 1,000 blueprints that is 200 MB, twice, at the build's busiest moment).
        with os.fdopen(read_end, "rb") as pipe:
            try:
                kind, value = pickle.load(pipe)
            except Exception:   # nothing came (it was killed) or it was cut short
                kind, value = "error", None
            while pipe.read(1 << 16):   # whatever follows: the process may exit only once it is read
                pass
        _, status = os.waitpid(self._pid, 0)
        if kind == "error" and value is None:
            value = RuntimeError(f"the drawing process ended without its diagrams (wait status {status})")
        if kind == "done":
            self._results = value
        else:
            self._error = value

    def wait(self) -> Rendered:
        try:
            # In steps, so that a stop whose KeyboardInterrupt was lost on the way still ends the wait.
            while self._thread.is_alive():
                if stop_requested():
                    raise KeyboardInterrupt
                self._thread.join(0.1)
        except BaseException:   # Ctrl-C or SIGTERM while waiting: nothing will want these diagrams
            self.stop()
            raise
        if self._error is not None:
            raise self._error
        return self._results

    def stop(self) -> None:
        """The build failed or was stopped: no new Graphviz run starts, running ones are killed."""
        self._stopped.set()
        if self._pid is None:
            stop_running()
            # Killed, Graphviz ends at once; the bound only guards against drawing stuck elsewhere
            # (the thread is a daemon, so it never keeps the process alive).
            self._thread.join(STOP_WAIT)
            return
        # SIGTERM: the drawing process stops its Graphviz runs and ends. Sent again until it has:
        # a signal that reaches it just after the fork, before Python has set itself up in the
        # new process, is dropped by Python.
        deadline = time.monotonic() + STOP_WAIT
        while self._thread.is_alive() and time.monotonic() < deadline:
            _signal(self._pid, signal.SIGTERM)
            self._thread.join(_RESEND)
        if self._thread.is_alive():
            _signal(self._pid, signal.SIGKILL)
            self._thread.join(STOP_WAIT)


def _can_fork() -> bool:
    # Only Linux, where fork is cheap and safe, and only with no other thread running: a
    # forked child gets a copy of every lock, and one held by another thread would stay held.
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except OSError:
        pass   # it has ended already


def _draw_and_exit(draw, write_end: int) -> None:
    """In the forked process: draw, send back what came of it, and exit without running the build's exit code."""
    status = 0
    try:
        stopped = StopFlag()   # set by the handler below: no lock (see StopFlag)

        def stop(number, frame):
            if not stopped.is_set():   # the build may send SIGTERM more than once
                stopped.set()
                stop_running()

        for number in (signal.SIGTERM, signal.SIGINT):   # Ctrl-C at a terminal reaches the whole group
            signal.signal(number, stop)
        parent = os.getppid()
        _stop_with_parent()
        if os.getppid() != parent:   # the build died before the line above
            stop(None, None)
        try:
            outcome = ("done", draw(stopped=stopped))
        except BaseException as error:   # noqa: BLE001 - handed to the build, which raises it
            outcome = ("error", error)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            data = pickle.dumps(("error", RuntimeError(repr(outcome[1]))))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
    except BaseException:   # noqa: BLE001 - the build sees a drawing that ended without diagrams
        status = 1
    finally:
        os._exit(status)


def _stop_with_parent() -> None:
    """Linux: SIGTERM this process when the build that forked it dies (e.g. killed with SIGKILL)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)   # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


class PartlyKept:
    """The diagrams the cache had, and a drawing (or what render_many gave) of the others: one Rendered for all."""

    def __init__(self, kept: list, drawing):
        self.kept, self.drawing = kept, drawing

    def wait(self) -> Rendered:
        drawn = self.drawing.wait() if isinstance(self.drawing, Drawing) else self.drawing
        results, more = list(self.kept), iter(drawn.results)
        for index, result in enumerate(results):
            if result is None:
                results[index] = next(more)
        return Rendered(results=results, runs=drawn.runs, cached=drawn.cached + sum(r is not None for r in self.kept))

    def stop(self) -> None:
        if isinstance(self.drawing, Drawing):
            self.drawing.stop()
