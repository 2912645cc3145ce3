"""Graphviz runs here and nowhere else: DOT text -> SVG, PNG or PDF bytes, one or many at a time.

The DOT text from `diagram.blueprint_dot` carries every position, so it is drawn
with `neato -n2` (use the positions and edge routes as given). Rendering many
diagrams runs Graphviz processes in parallel threads; a cache (see
site/cache/diagrams.py) can answer unchanged diagrams so they are never drawn again.
"""

from __future__ import annotations

import atexit
import os
import re
import signal
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Protocol, Sequence

from .pipes import CappedReader
from .stopping import StopFlag

__all__ = [
    "FORMATS", "PROGRAM", "ARGUMENTS", "RenderError", "Rendered", "graphviz_version", "render", "render_checked",
    "render_many", "check_format", "missing_once", "StopFlag", "Stopped", "stop_running", "ENDINGS",
    "MAX_OUTPUT_BYTES", "render_view",
]

FORMATS = ("svg", "png", "pdf", "dot")
PROGRAM = "neato"
ARGUMENTS = ("-n2",)
INSTALL_HINT = "install Graphviz, e.g. `sudo apt-get install graphviz` (macOS: `brew install graphviz`)"


class RenderError(Exception):
    """Graphviz is missing, failed or took too long; the message says which and what to do."""


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown diagram format '{fmt}'; use one of: {', '.join(FORMATS)}")


# Graphviz output is read into memory whole, so it is capped. A big real diagram (200 steps)
# is about 1 MiB of SVG; anything near the cap is a broken or hostile Graphviz.
MAX_OUTPUT_BYTES = 32 * 1024 * 1024
# Warnings and errors Graphviz prints: the start is kept and shown, the rest is counted.
MAX_STDERR_BYTES = 8 * 1024
# Graphviz processes running now, so an interrupted build stops them instead of waiting.
_RUNNING: set[subprocess.Popen] = set()
# Reentrant: the drawing process calls stop_running from its signal handler, which may run
# while that same thread is inside a `with _RUNNING_LOCK` block (asking Graphviz its version).
_RUNNING_LOCK = threading.RLock()
# Set by stop_running: a render that a worker starts after the stop must not run (it would hold
# the interrupted process until its timeout). Cleared when the next batch of renders begins.
_STOPPED = StopFlag()


class Stopped(Exception):
    """Drawing was stopped from another thread (the build that wanted the diagrams failed)."""


def _stop_group(process: subprocess.Popen) -> None:
    """Kill the process and everything it started (a wrapper script's children too)."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:
        pass   # it has ended already


def stop_running() -> None:
    """Stop every Graphviz process still running (an interrupted build does not wait for them)."""
    with _RUNNING_LOCK:
        _STOPPED.set()
        running = list(_RUNNING)
    for process in running:
        _stop_group(process)


# A process that ends while a background thread still draws (e.g. `mkdocs build` stopped by
# Ctrl-C) must neither wait for Graphviz nor leave it running in its own session. At exit,
# Python joins thread pools' workers before atexit handlers run, and runs its thread-exit
# hooks newest first: registered after the pool's own (imported above), this one runs first.
getattr(threading, "_register_atexit", atexit.register)(stop_running)


def _feed(process: subprocess.Popen, data: bytes) -> None:
    try:
        process.stdin.write(data)
        process.stdin.close()
    except (OSError, ValueError):
        pass   # it stopped reading (it failed, or was stopped); its exit status tells


def _run(arguments: list[str], data: bytes, timeout: float) -> subprocess.CompletedProcess:
    """Run Graphviz in its own process group, with a time limit and capped output."""
    process = _start(arguments)
    writer = None
    try:
        writer = threading.Thread(target=_feed, args=(process, data), daemon=True)
        writer.start()
        output, errors, timed_out = _collect(process, timeout)
    except BaseException:
        _stop_group(process)
        raise
    finally:
        _reap(process, writer)
    if timed_out:
        raise RenderError(f"Graphviz timed out after {timeout:g} s and was stopped; "
                          "the diagram may be too large, or raise the timeout")
    if output.over:
        raise RenderError(f"Graphviz wrote more than {MAX_OUTPUT_BYTES // (1024 * 1024)} MiB for one diagram "
                          "and was stopped; a diagram is far smaller, so check the installed Graphviz "
                          f"(`{PROGRAM} -V`)")
    stderr = bytes(errors.data)
    if errors.over:
        stderr += f"\n… ({errors.extra:,} more bytes of Graphviz messages not shown)".encode("utf-8")
    return subprocess.CompletedProcess(process.args, process.returncode, bytes(output.data), stderr)


def _start(arguments: list[str]) -> subprocess.Popen:
    """Graphviz started in a session of its own, and listed so that a stop reaches it."""
    if _STOPPED.is_set():   # the build was stopped: start nothing (the check below covers a race)
        raise RenderError("Graphviz was not started: the build was stopped")
    try:
        # Its own session: on timeout the whole group is killed, not only the first process.
        process = subprocess.Popen([PROGRAM, *arguments], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=os.name == "posix")
    except FileNotFoundError:
        raise RenderError(f"Graphviz is not installed: the `{PROGRAM}` program was not found; {INSTALL_HINT}") from None
    except OSError as error:
        raise RenderError(f"cannot run Graphviz (`{PROGRAM}`): {error.strerror or error}; {INSTALL_HINT}") from None
    with _RUNNING_LOCK:
        _RUNNING.add(process)
        stopped = _STOPPED.is_set()
    if stopped:   # started just as the build was stopped: stop it too, and do not wait for it
        _stop_group(process)
    return process


def _collect(process: subprocess.Popen, timeout: float) -> tuple[CappedReader, CappedReader, bool]:
    """Its output and messages, capped, until it closes them or `timeout` passes (then it is stopped)."""
    output = CappedReader(process.stdout, MAX_OUTPUT_BYTES, on_over=lambda: _stop_group(process))
    errors = CappedReader(process.stderr, MAX_STDERR_BYTES)
    output.thread.join(timeout)
    timed_out = output.thread.is_alive()
    if timed_out:
        _stop_group(process)
    output.thread.join()
    errors.thread.join(5)
    if errors.thread.is_alive():   # something it started still holds stderr open
        _stop_group(process)
    return output, errors, timed_out


def _reap(process: subprocess.Popen, writer: threading.Thread | None) -> None:
    """However the run ended: the process waited for, its feeding thread ended, its pipes closed."""
    # The group is only ever killed before the process is reaped: until then its id
    # cannot be reused by an unrelated process.
    with _RUNNING_LOCK:
        _RUNNING.discard(process)
    process.wait()
    # Every thread of a run has ended when it returns: a build forks its drawing process only
    # when no other thread runs (drawing._can_fork), and `neato -V` runs just before.
    if writer is not None:
        writer.join(5)
    for stream in (process.stdin, process.stdout, process.stderr):
        try:
            stream.close()
        except OSError:
            pass


@lru_cache(maxsize=None)
def graphviz_version() -> str:
    """The version line of the installed Graphviz, e.g. `neato - graphviz version 2.43.0 (0)`."""
    completed = _run(["-V"], b"", 30.0)
    text = (completed.stderr or completed.stdout).decode("utf-8", "replace").strip()
    if completed.returncode != 0 or not text:
        raise RenderError(f"cannot tell the Graphviz version: {text or 'no output'}; {INSTALL_HINT}")
    return text


def render_checked(dot_text: str, fmt: str = "svg", timeout: float = 30.0) -> tuple[bytes, str]:
    """Render and also return Graphviz's warnings (its stderr), e.g. for tests."""
    check_format(fmt)
    if fmt == "dot":
        return dot_text.encode("utf-8"), ""
    completed = _run([*ARGUMENTS, f"-T{fmt}"], dot_text.encode("utf-8"), timeout)
    stderr = completed.stderr.decode("utf-8", "replace").strip()
    if completed.returncode != 0:
        raise RenderError(f"Graphviz failed (exit status {completed.returncode}): {stderr or 'no message'}")
    if not completed.stdout:
        raise RenderError(f"Graphviz produced no {fmt} output: {stderr or 'no message'}")
    if not (completed.stdout[:512].lstrip().startswith(BEGINNINGS[fmt])
            and completed.stdout[-64:].rstrip().endswith(ENDINGS[fmt])):
        # A broken or substituted Graphviz that still exits 0: its output is never published or cached.
        raise RenderError(f"Graphviz's {fmt} output is not a whole {fmt} file ({len(completed.stdout)} bytes"
                          f"{': ' + stderr if stderr else ''}); check the Graphviz install (`{PROGRAM} -V`)")
    if fmt == "pdf":   # cairo stamps the time of drawing (SOURCE_DATE_EPOCH is not read here): same input, same bytes
        return _PDF_DATE.sub(_FIXED_PDF_DATE, completed.stdout, count=1), stderr
    return completed.stdout, stderr


# The date is replaced by one of the same length, so the file's table of byte offsets stays right.
_PDF_DATE = re.compile(rb"/CreationDate \(D:\d{14}Z\)")
_FIXED_PDF_DATE = b"/CreationDate (D:20000101000000Z)"


def missing_once(lines: list[str]) -> list[str]:
    """Lines about failed diagrams, with Graphviz missing (which every diagram meets) said once."""
    missing = "Graphviz is not installed"
    if len(lines) > 1 and all(missing in line for line in lines):
        return [f"no diagram could be drawn ({len(lines)} blueprints): " + lines[0][lines[0].index(missing):]]
    return lines


def render(dot_text: str, fmt: str = "svg", timeout: float = 30.0) -> bytes:
    """DOT text -> the diagram in `fmt` (svg, png, pdf; dot returns the text itself).

    Raises RenderError when Graphviz is missing, fails (with its message) or runs
    longer than `timeout` seconds (it is then killed).
    """
    return render_checked(dot_text, fmt, timeout)[0]



def render_view(dot_text: str, box: tuple[float, float, float, float], zoom: float, timeout: float = 30.0) -> bytes:
    """A PDF of one part of a diagram: `box` (left, bottom, right, top, in DOT units) at `zoom` points per unit.

    Graphviz's own `viewport` clips the drawing, with no margin, and leaves out what lies wholly outside.
    """
    left, bottom, right, top = box
    view = (f'  viewport="{(right - left) * zoom:.2f},{(top - bottom) * zoom:.2f},{zoom:g},'
            f'{(left + right) / 2:.2f},{(bottom + top) / 2:.2f}"; margin=0; pad=0;\n}}\n')
    return render(dot_text.rstrip().removesuffix("}") + view, "pdf", timeout)


# How each format's output ends: a file cut short (a crash mid-write) is not a whole one.
ENDINGS = {"svg": b"</svg>", "png": b"IEND\xaeB`\x82", "pdf": b"%%EOF"}
# How each begins: Graphviz's SVG starts with an XML declaration (or the svg element itself).
BEGINNINGS = {"svg": (b"<?xml", b"<svg", b"<!--"), "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}


@dataclass
class Rendered:
    """What `render_many` did: one result per job, in order, and how it got them."""

    results: list[bytes | RenderError] = field(default_factory=list)
    runs: int = 0       # Graphviz processes started
    cached: int = 0     # results read from the cache

    @property
    def errors(self) -> list[tuple[int, RenderError]]:
        return [(index, result) for index, result in enumerate(self.results) if isinstance(result, RenderError)]


class Cache(Protocol):
    """What `render_many` asks of a diagram cache (site/cache/diagrams.py keeps one on disk)."""

    def open(self) -> bool: ...                                     # usable now (False: render without it)
    def input_entry(self, input_key: str, fmt: str) -> str: ...     # the name an input key is kept under
    def by_input(self, entry: str, fmt: str) -> bytes | None: ...   # the diagram an input entry stands for
    def dot_key(self, dot_text: str, fmt: str) -> str: ...
    def by_dot(self, dot_key: str, fmt: str) -> bytes | None: ...
    def store(self, dot_key: str, fmt: str, diagram: bytes) -> None: ...
    def remember(self, entry: str, dot_key: str, fmt: str) -> None: ...   # this input gave that diagram
    def tidy(self) -> None: ...                                     # after a batch: drop what no run used


def render_many(jobs: Sequence[str | Callable[[], str]], fmt: str = "svg", timeout: float = 30.0,
                workers: int | None = None, cache: Cache | None = None, progress=None,
                inputs: Sequence[str | None] | None = None, stopped: threading.Event | StopFlag | None = None) -> Rendered:
    """Render many DOT texts in parallel; a failure is returned in its place and the rest go on.

    A job is a DOT text or a function that makes one. With `cache`, a result is kept by its
    DOT text, the format and the Graphviz version, and read back instead of rendering again.
    `inputs` optionally gives each job a key for what its DOT is made from: the cache then
    remembers which DOT it gave, and an unchanged job is answered without making its DOT at
    all. Each DOT is handed to Graphviz as soon as it is made, so Python and Graphviz work
    side by side. Once `stopped` is set (from another thread), no further DOT is made and it
    raises Stopped.
    """
    check_format(fmt)
    jobs = list(jobs)
    batch = _Batch(jobs, list(inputs) if inputs is not None else [None] * len(jobs), fmt, timeout, stopped)
    rendered = batch.rendered
    if fmt == "dot":
        rendered.results = [batch.text_of(index).encode("utf-8") for index in range(len(jobs))]
        return rendered
    _STOPPED.clear()   # a new batch: an earlier stop does not apply to it
    if cache is not None:
        try:
            graphviz_version()
        except RenderError as error:
            rendered.results = [error] * len(jobs)
            return rendered
        batch.cache = cache if cache.open() else None
    pool = ThreadPoolExecutor(max_workers=max(1, workers or os.cpu_count() or 1))
    try:
        for index in range(len(jobs)):
            if progress:
                progress("diagrams prepared", index + 1, len(jobs))
            batch.prepare(index, pool)
        batch.collect(progress)
    except BaseException:
        # A job that fails to make its DOT, or Ctrl-C: do not wait for the queued or running renders.
        pool.shutdown(wait=False, cancel_futures=True)
        stop_running()
        raise
    pool.shutdown()
    rendered.runs = len(batch.futures)
    if batch.cache is not None:
        batch.cache.tidy()
    return rendered


class _Batch:
    """The jobs of one render_many: each answered from the cache, or its DOT rendered once for all it answers."""

    def __init__(self, jobs: list, inputs: list, fmt: str, timeout: float, stopped):
        self.jobs, self.inputs, self.fmt, self.timeout, self.stopped = jobs, inputs, fmt, timeout, stopped
        self.cache: Cache | None = None
        self.rendered = Rendered(results=[b""] * len(jobs))
        self.waiting: dict[str, list[int]] = {}   # DOT key -> the jobs it answers; identical DOT renders once
        self.futures: dict = {}

    def text_of(self, index: int) -> str:
        if self.stopped is not None and self.stopped.is_set():
            raise Stopped("the build was stopped")
        job = self.jobs[index]
        return job() if callable(job) else job

    def prepare(self, index: int, pool: ThreadPoolExecutor) -> None:
        """Job `index` answered from the cache (by its input, else by its DOT), or its DOT sent to `pool`."""
        cache, fmt, rendered = self.cache, self.fmt, self.rendered
        entry = cache.input_entry(self.inputs[index], fmt) if cache is not None and self.inputs[index] else None
        output = cache.by_input(entry, fmt) if entry else None
        if output is not None:
            rendered.results[index] = output
            rendered.cached += 1
            return
        dot_text = self.text_of(index)
        dot_key = cache.dot_key(dot_text, fmt) if cache is not None else dot_text
        output = cache.by_dot(dot_key, fmt) if cache is not None else None
        if output is not None:
            rendered.results[index] = output
            rendered.cached += 1
            if entry:
                cache.remember(entry, dot_key, fmt)
            return
        if dot_key not in self.waiting:
            self.waiting[dot_key] = []
            self.futures[pool.submit(self._one, dot_text)] = dot_key
        self.waiting[dot_key].append(index)

    def _one(self, job: str) -> bytes | RenderError:
        try:
            return render(job, self.fmt, self.timeout)
        except RenderError as error:
            return error

    def collect(self, progress) -> None:
        """As each render ends: its result for every job it answers, and kept in the cache."""
        cache, fmt = self.cache, self.fmt
        for done, future in enumerate(as_completed(self.futures), start=1):
            dot_key = self.futures[future]
            output = future.result()
            for index in self.waiting[dot_key]:
                self.rendered.results[index] = output
            if cache is not None and isinstance(output, bytes):
                cache.store(dot_key, fmt, output)
                for index in self.waiting[dot_key]:
                    if self.inputs[index]:
                        cache.remember(cache.input_entry(self.inputs[index], fmt), dot_key, fmt)
            if progress:
                progress("diagrams rendered", done, len(self.futures))
