"""Diagrams drawn in the background: the forked drawing process and the thread give the same, and both stop."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from blueprintgen.site.drawing import Drawing
from blueprintgen.graphviz import Rendered, RenderError, Stopped

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the drawing process is Linux only")
MODES = [pytest.param(True, marks=linux_only, id="process"), pytest.param(False, id="thread")]


def _drawn(stopped):
    return Rendered(results=[b"<svg>one</svg>", RenderError("Graphviz failed: syntax error in line 3")], runs=2,
                    cached=1)


def _until_stopped(stopped):   # Graphviz that would draw for ever, unless the build says stop
    while not stopped.is_set():
        time.sleep(0.01)
    raise Stopped("the build was stopped")


def _failing(stopped):
    raise RenderError("Graphviz is not installed")


@pytest.mark.parametrize("process", MODES)
def test_what_was_drawn_comes_back_whole(process):
    rendered = Drawing(_drawn, process=process).wait()
    assert rendered.results[0] == b"<svg>one</svg>"
    assert isinstance(rendered.results[1], RenderError)
    assert str(rendered.results[1]) == "Graphviz failed: syntax error in line 3"
    assert (rendered.runs, rendered.cached) == (2, 1)


@pytest.mark.parametrize("process", MODES)
def test_a_failure_of_the_drawing_is_raised_where_the_build_waits(process):
    with pytest.raises(RenderError, match="Graphviz is not installed"):
        Drawing(_failing, process=process).wait()


@pytest.mark.parametrize("process", MODES)
def test_stop_ends_the_drawing_at_once(process):
    drawing = Drawing(_until_stopped, process=process)
    time.sleep(0.2)
    started = time.monotonic()
    drawing.stop()
    assert time.monotonic() - started < 2
    assert not drawing._thread.is_alive()
    if process:   # reaped: no zombie is left behind
        with pytest.raises(ChildProcessError):
            os.waitpid(drawing._pid, os.WNOHANG)


@linux_only
def test_a_drawing_process_that_dies_is_a_clear_error_not_a_hang():
    drawing = Drawing(_until_stopped, process=True)
    os.kill(drawing._pid, signal.SIGKILL)
    with pytest.raises(RuntimeError, match="the drawing process ended without its diagrams"):
        drawing.wait()


@linux_only
def test_the_drawing_process_is_not_forked_beside_other_threads():
    import threading

    from blueprintgen.site.drawing import _can_fork

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not _can_fork()   # a lock another thread holds would stay held in the copy
    finally:
        release.set()
        other.join()


def _deaf_at_first(stopped):
    """A drawing process that misses the first SIGTERM, as one does that gets it right after the fork."""
    handler = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(0.6)
    signal.signal(signal.SIGTERM, handler)
    return _until_stopped(stopped)


@pytest.mark.slow
@linux_only
def test_a_stop_the_drawing_process_missed_is_sent_again():
    drawing = Drawing(_deaf_at_first, process=True)
    time.sleep(0.2)   # it ignores SIGTERM now
    started = time.monotonic()
    drawing.stop()
    assert time.monotonic() - started < 3   # not STOP_WAIT (10 s) and then SIGKILL
    with pytest.raises(Stopped):   # it stopped as asked: its handler, not a kill
        drawing.wait()


def test_the_stop_flag_takes_no_lock():
    """Signal handlers set it: a lock could be held by the very code the handler interrupted."""
    from blueprintgen.graphviz import StopFlag

    flag = StopFlag()
    assert not flag.is_set()
    flag.set()
    assert flag.is_set()
    flag.clear()
    assert not flag.is_set() and not hasattr(flag, "__dict__") and StopFlag.__slots__ == ("_set",)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the drawing process is forked on Linux only")
def test_a_graphviz_run_leaves_no_thread_behind_so_the_drawing_process_can_be_forked():
    # A build asks Graphviz for its version just before it forks the drawing process, which it
    # does only when no other thread runs: a thread still ending from that run made it draw in a
    # thread instead, and Graphviz then outlived a build killed with SIGKILL.
    import threading

    from blueprintgen import graphviz as render

    before = set(threading.enumerate())   # the test runner's own threads, if any
    for _ in range(20):
        render._run(["-V"], b"", 30.0)
        assert set(threading.enumerate()) - before == set()
