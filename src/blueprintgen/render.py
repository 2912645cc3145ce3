"""Graphviz runs here and nowhere else: DOT text -> SVG, PNG or PDF bytes.

The DOT text from `diagram.blueprint_dot` carries every position, so it is drawn
with `neato -n2` (use the positions and edge routes as given). Rendering many
diagrams runs Graphviz processes in parallel threads, and an optional cache
keyed by the DOT text, the format and the Graphviz version means unchanged
diagrams are never rendered again.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import signal
import stat
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterable, Sequence

from . import __version__
from .escape import terminal
from .model import ID_PATTERN, Blueprint

__all__ = [
    "FORMATS", "PROGRAM", "RenderError", "Rendered", "diagram_input", "graphviz_version", "render", "render_checked",
    "render_many", "render_blueprints", "code_digest", "cached_diagram", "StopFlag", "stop_running",
]

FORMATS = ("svg", "png", "pdf", "dot")
PROGRAM = "neato"
ARGUMENTS = ("-n2",)
INSTALL_HINT = "install Graphviz, e.g. `sudo apt-get install graphviz` (macOS: `brew install graphviz`)"


class RenderError(Exception):
    """Graphviz is missing, failed or took too long; the message says which and what to do."""


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown diagram format '{fmt}'; use one of: {', '.join(FORMATS)}")


# Graphviz output is read into memory whole, so it is capped. A big real diagram (200 steps)
# is about 1 MiB of SVG; anything near the cap is a broken or hostile Graphviz.
MAX_OUTPUT_BYTES = 32 * 1024 * 1024
# Warnings and errors Graphviz prints: the start is kept and shown, the rest is counted.
MAX_STDERR_BYTES = 8 * 1024
_CHUNK = 64 * 1024
# Graphviz processes running now, so an interrupted build stops them instead of waiting.
_RUNNING: set[subprocess.Popen] = set()
# Reentrant: the drawing process calls stop_running from its signal handler, which may run
# while that same thread is inside a `with _RUNNING_LOCK` block (asking Graphviz its version).
_RUNNING_LOCK = threading.RLock()
# Set by stop_running: a render that a worker starts after the stop must not run (it would hold
# the interrupted process until its timeout). Cleared when the next batch of renders begins.
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


_STOPPED = StopFlag()


class Stopped(Exception):
    """Drawing was stopped from another thread (the build that wanted the diagrams failed)."""


class _Capped:
    """Reads one pipe to its end, keeping at most `limit` bytes; `over` says whether more came."""

    def __init__(self, stream, limit: int, on_over=None):
        self.data = bytearray()
        self.extra = 0
        self._stream, self._limit, self._on_over = stream, limit, on_over
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    @property
    def over(self) -> bool:
        return self.extra > 0

    def _read(self) -> None:
        try:
            while chunk := self._stream.read1(_CHUNK):
                room = self._limit - len(self.data)
                self.data += chunk[:room]
                if len(chunk) > room:
                    self.extra += len(chunk) - max(room, 0)
                    if self._on_over:   # no point reading on: stop the writer
                        self._on_over()
                        return
        except (OSError, ValueError):
            pass   # the pipe was closed because the process was stopped


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
    writer = None
    try:
        writer = threading.Thread(target=_feed, args=(process, data), daemon=True)
        writer.start()
        output = _Capped(process.stdout, MAX_OUTPUT_BYTES, on_over=lambda: _stop_group(process))
        errors = _Capped(process.stderr, MAX_STDERR_BYTES)
        output.thread.join(timeout)
        timed_out = output.thread.is_alive()
        if timed_out:
            _stop_group(process)
        output.thread.join()
        errors.thread.join(5)
        if errors.thread.is_alive():   # something it started still holds stderr open
            _stop_group(process)
    except BaseException:
        _stop_group(process)
        raise
    finally:
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
    _check_format(fmt)
    if fmt == "dot":
        return dot_text.encode("utf-8"), ""
    completed = _run([*ARGUMENTS, f"-T{fmt}"], dot_text.encode("utf-8"), timeout)
    stderr = completed.stderr.decode("utf-8", "replace").strip()
    if completed.returncode != 0:
        raise RenderError(f"Graphviz failed (exit status {completed.returncode}): {stderr or 'no message'}")
    if not completed.stdout:
        raise RenderError(f"Graphviz produced no {fmt} output: {stderr or 'no message'}")
    if not (completed.stdout[:512].lstrip().startswith(_BEGINNINGS[fmt])
            and completed.stdout[-64:].rstrip().endswith(_ENDINGS[fmt])):
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


@dataclass
class Rendered:
    """What `render_many` did: one result per job, in order, and how it got them."""

    results: list[bytes | RenderError] = field(default_factory=list)
    runs: int = 0       # Graphviz processes started
    cached: int = 0     # results read from the cache

    @property
    def errors(self) -> list[tuple[int, RenderError]]:
        return [(index, result) for index, result in enumerate(self.results) if isinstance(result, RenderError)]


def _cache_key(dot_text: str, fmt: str) -> str:
    identity = "\0".join([graphviz_version(), PROGRAM, *ARGUMENTS, fmt, dot_text])
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


_SHA256 = re.compile(rb"[0-9a-f]{64}")
# The names of our cache files (and of writes a killed build left); nothing else is touched.
_CACHE_FILE = re.compile(r"[0-9a-f]{64}\.[a-z]+(\.input)?")
_LEFT_OVER = re.compile(r"\.[0-9a-f]{64}\.[a-z]+(\.input)?\.[A-Za-z0-9_]+\.tmp")
_LEFT_OVER_AGE_S = 24 * 3600
# How each format's output ends: a file cut short (a crash mid-write) is not a hit.
_ENDINGS = {"svg": b"</svg>", "png": b"IEND\xaeB`\x82", "pdf": b"%%EOF"}
# How each begins: Graphviz's SVG starts with an XML declaration (or the svg element itself).
_BEGINNINGS = {"svg": (b"<?xml", b"<svg", b"<!--"), "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}
# Entries no build has used for this long are removed, so the cache does not grow forever.
CACHE_MAX_AGE_S = 30 * 24 * 3600


def _input_entry(input_key: str, fmt: str) -> str:
    # The same Graphviz and format as the DOT key: an upgrade never reuses an old entry.
    identity = "\0".join([graphviz_version(), PROGRAM, *ARGUMENTS, fmt, input_key])
    return f"{hashlib.sha256(identity.encode('utf-8')).hexdigest()}.{fmt}.input"


def _code_digest() -> str | None:
    """sha256 of blueprintgen's version and own source, so other code never reuses a diagram.

    None when the source cannot be read (e.g. an install that ships only bytecode):
    diagrams are then found by their DOT text alone.
    """
    digest = hashlib.sha256(__version__.encode("utf-8") + b"\0")
    package = Path(__file__).parent
    try:
        # Every module (the diagram and rules packages too) and the page templates: what pages
        # and diagrams are made from. Assets are copied as they are at every build.
        sources = sorted([*package.rglob("*.py"), *package.glob("templates/*")])
        for path in sources:
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest() if sources else None


# Taken when the code is imported: the code that runs is the code that was read.
_CODE_DIGEST = _code_digest()


def diagram_input(blueprint: Blueprint, findings: Sequence = ()) -> str | None:
    """A key for what a blueprint's diagram is drawn from, cheap to compute without its DOT.

    The DOT text is a pure function of the blueprint, its findings and our code, and
    dataclass reprs show every field, so equal keys mean equal DOT texts. None when
    our code cannot be identified.
    """
    if _CODE_DIGEST is None:
        return None
    identity = f"{_CODE_DIGEST}\0{blueprint!r}\0{tuple(findings)!r}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def code_digest() -> str | None:
    """What our code is, as a hash (None when it cannot be told): other code never reuses a result."""
    return _CODE_DIGEST


def cached_diagram(input_key: str | None, fmt: str, cache_dir: str | os.PathLike) -> bytes | None:
    """The diagram `render_many` cached for this `diagram_input` key, or None."""
    if not input_key:
        return None
    return _remembered(Path(cache_dir), _input_entry(input_key, fmt), fmt)[0]


def _remembered(cache: Path, entry: str, fmt: str) -> tuple[bytes | None, str | None]:
    """(the diagram an input entry stands for, the name of the file it names) or (None, None).

    An entry is a hard link to the diagram itself (see _remember), or, where links cannot be
    made, a file holding the diagram's sha256 name; anything else is a damaged entry, a miss.
    """
    data = _read(cache / entry)
    if data is None:
        return None, None
    if _SHA256.fullmatch(data):   # it names a file of ours, never a path
        name = f"{data.decode('ascii')}.{fmt}"
        return _read(cache / name, fmt), name
    diagram = _unsealed(data, fmt)
    return (diagram, None) if diagram is not None else (None, None)


def _remember(cache: Path, entry: str, dot_key: str, fmt: str) -> None:
    """Note that input `entry` gave the diagram `<dot_key>.<fmt>`.

    As a hard link to that diagram: no new file is created (the slow part of writing many
    small files) and a hit reads one file. Where links cannot be made, a file naming it.
    Written atomically either way: an entry is only ever replaced, never written into.
    """
    temporary = cache / f".{entry}.{os.getpid()}_{threading.get_ident()}.tmp"
    try:
        os.link(cache / f"{dot_key}.{fmt}", temporary)
        os.replace(temporary, cache / entry)
    except OSError:
        _store(cache / entry, dot_key.encode("ascii"))
    finally:
        # Renaming a link over another link to the same file does nothing: remove it then.
        try:
            os.unlink(temporary)
        except OSError:
            pass


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes files private; diagrams are ordinary output
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def read_regular(path, limit: int | None = None) -> bytes | None:
    """A cache file's bytes; None when missing, unreadable, a symlink, not a regular file (a FIFO
    would block), or longer than `limit`."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            data = handle.read() if limit is None else handle.read(limit + 1)
    except OSError:
        return None
    return None if limit is not None and len(data) > limit else data


def _read(path: Path, fmt: str | None = None) -> bytes | None:
    """A cached diagram (with `fmt`: unsealed, None when cut short or changed), or an input entry's bytes."""
    data = read_regular(path, MAX_OUTPUT_BYTES + len(_SEAL_EXAMPLE))
    if data is None:
        return None
    return _unsealed(data, fmt) if fmt is not None else data


# A cached diagram ends with the sha256 of what comes before: a file cut short, or changed by a
# disk's damage or a hand, is a miss and is drawn again, never published. (As an XML comment after
# the root element, a sealed SVG is still a well-formed one.)
_SEAL = re.compile(rb"\n<!-- blueprintgen sha256 ([0-9a-f]{64}) -->\n\Z")
_SEAL_EXAMPLE = b"\n<!-- blueprintgen sha256 " + b"0" * 64 + b" -->\n"


def _sealed(diagram: bytes) -> bytes:
    return diagram + b"\n<!-- blueprintgen sha256 " + hashlib.sha256(diagram).hexdigest().encode("ascii") + b" -->\n"


def _unsealed(data: bytes, fmt: str) -> bytes | None:
    """The diagram a cache file holds, or None when its seal is missing or does not match."""
    seal = _SEAL.search(data, max(0, len(data) - len(_SEAL_EXAMPLE)))
    if seal is None:
        return None
    diagram = data[:seal.start()]
    if hashlib.sha256(diagram).hexdigest().encode("ascii") != seal.group(1):
        return None
    return diagram if diagram[-64:].rstrip().endswith(_ENDINGS.get(fmt, b"")) else None


def _store(path: Path, data: bytes) -> None:
    try:
        _write_atomically(path, data)
    except OSError:
        pass   # an unwritable cache only costs time


def _tidy(cache: Path, used: set[str]) -> None:
    """Mark the entries this run used as fresh, and remove ours that no run has used for a while."""
    now = time.time()
    try:
        names = os.listdir(cache)
    except OSError:
        return
    for name in names:
        if not _CACHE_FILE.fullmatch(name):
            continue
        path = cache / name
        try:
            if name in used:
                os.utime(path, (now, now))
            elif now - path.stat().st_mtime > CACHE_MAX_AGE_S:
                path.unlink()
        except OSError:
            pass   # another build may be tidying too
    for name in names:
        if _LEFT_OVER.fullmatch(name):
            try:
                if now - (cache / name).stat().st_mtime > _LEFT_OVER_AGE_S:
                    (cache / name).unlink()
            except OSError:
                pass


def render_many(jobs: Sequence[str | Callable[[], str]], fmt: str = "svg", timeout: float = 30.0,
                workers: int | None = None, cache_dir: str | os.PathLike | None = None, progress=None,
                inputs: Sequence[str | None] | None = None, stopped: threading.Event | StopFlag | None = None) -> Rendered:
    """Render many DOT texts in parallel; a failure is returned in its place and the rest go on.

    A job is a DOT text or a function that makes one. With `cache_dir`, a result is
    stored in a file named by sha256(DOT text, format, Graphviz version) and read back
    instead of rendering again. `inputs` optionally gives each job a key for what its
    DOT is made from (see `diagram_input`): the cache then remembers which DOT key it
    gave, and an unchanged job is answered without making its DOT at all. Each DOT is
    handed to Graphviz as soon as it is made, so Python and Graphviz work side by side.
    Once `stopped` is set (from another thread), no further DOT is made and it raises Stopped.
    """
    _check_format(fmt)
    jobs = list(jobs)
    inputs = list(inputs) if inputs is not None else [None] * len(jobs)

    def text_of(index: int) -> str:
        if stopped is not None and stopped.is_set():
            raise Stopped("the build was stopped")
        job = jobs[index]
        return job() if callable(job) else job

    rendered = Rendered(results=[b""] * len(jobs))
    if fmt == "dot":
        rendered.results = [text_of(index).encode("utf-8") for index in range(len(jobs))]
        return rendered
    _STOPPED.clear()   # a new batch: an earlier stop does not apply to it
    cache = Path(cache_dir) if cache_dir is not None else None
    if cache is not None:
        try:
            graphviz_version()
            cache.mkdir(parents=True, exist_ok=True)
        except RenderError as error:
            rendered.results = [error] * len(jobs)
            return rendered
        except OSError:
            cache = None

    def one(job: str) -> bytes | RenderError:
        try:
            return render(job, fmt, timeout)
        except RenderError as error:
            return error

    waiting: dict[str, list[int]] = {}   # DOT key -> the jobs it answers; identical DOT renders once
    futures: dict = {}
    used: set[str] = set()   # cache files this run read or wrote
    pool = ThreadPoolExecutor(max_workers=max(1, workers or os.cpu_count() or 1))
    try:
        for index in range(len(jobs)):
            if progress:
                progress("diagrams prepared", index + 1, len(jobs))
            entry = _input_entry(inputs[index], fmt) if cache is not None and inputs[index] else None
            if entry:
                output, cached_name = _remembered(cache, entry, fmt)
                if output is not None:
                    rendered.results[index] = output
                    rendered.cached += 1
                    used.update(name for name in (entry, cached_name) if name)
                    continue
            dot_text = text_of(index)
            dot_key = _cache_key(dot_text, fmt) if cache is not None else dot_text
            output = _read(cache / f"{dot_key}.{fmt}", fmt) if cache is not None else None
            if output is not None:
                rendered.results[index] = output
                rendered.cached += 1
                used.add(f"{dot_key}.{fmt}")
                if entry:
                    _remember(cache, entry, dot_key, fmt)
                    used.add(entry)
                continue
            if dot_key not in waiting:
                waiting[dot_key] = []
                futures[pool.submit(one, dot_text)] = dot_key
            waiting[dot_key].append(index)
        for done, future in enumerate(as_completed(futures), start=1):
            dot_key = futures[future]
            output = future.result()
            for index in waiting[dot_key]:
                rendered.results[index] = output
            if cache is not None and isinstance(output, bytes):
                _store(cache / f"{dot_key}.{fmt}", _sealed(output))
                used.add(f"{dot_key}.{fmt}")
                for index in waiting[dot_key]:
                    if inputs[index]:
                        entry = _input_entry(inputs[index], fmt)
                        _remember(cache, entry, dot_key, fmt)
                        used.add(entry)
            if progress:
                progress("diagrams rendered", done, len(futures))
    except BaseException:
        # A job that fails to make its DOT, or Ctrl-C: do not wait for the queued or running renders.
        pool.shutdown(wait=False, cancel_futures=True)
        stop_running()
        raise
    pool.shutdown()
    rendered.runs = len(futures)
    if cache is not None:
        _tidy(cache, used)
    return rendered


def _inside(path: Path, folder: Path) -> bool:
    return path.parent == folder and path.name not in ("", ".", "..")


def render_blueprints(items: Iterable, out_dir: str | os.PathLike, fmt: str = "svg", timeout: float = 30.0,
                      workers: int | None = None, cache_dir: str | os.PathLike | None = None) -> list[str]:
    """Write `<out_dir>/<blueprint id>.<fmt>` for each blueprint; return the problems, one line each.

    `items` holds `Analysis` objects, `(blueprint, findings)` pairs or bare blueprints.
    A diagram that cannot be rendered is reported and the others are still written.
    """
    from .diagram import blueprint_dot

    _check_format(fmt)
    folder = Path(os.path.realpath(out_dir))
    problems: list[str] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return [terminal(f"{out_dir}: error: cannot create the output folder: {error.strerror or error}")]
    jobs: list[tuple[Blueprint, Path, tuple]] = []
    taken: set[Path] = set()
    for item in items:
        if isinstance(item, Blueprint):
            blueprint, findings = item, ()
        elif hasattr(item, "blueprint") and hasattr(item, "findings"):
            blueprint, findings = item.blueprint, item.findings
        else:
            blueprint, findings = item
        prefix = f"{blueprint.position or blueprint.file}: error:"
        path = folder / f"{blueprint.id}.{fmt}"
        if not ID_PATTERN.fullmatch(blueprint.id or "") or not _inside(path, folder):
            problems.append(terminal(f"{prefix} the blueprint id '{blueprint.id}' cannot name a file in {out_dir}"))
            continue
        if path in taken:
            problems.append(terminal(f"{prefix} another blueprint already wrote {path.name}; "
                                     "give each blueprint its own id"))
            continue
        taken.add(path)
        jobs.append((blueprint, path, tuple(findings)))
    rendered = render_many([partial(blueprint_dot, blueprint, findings) for blueprint, _, findings in jobs], fmt,
                           timeout, workers, cache_dir,
                           inputs=[diagram_input(blueprint, findings) for blueprint, _, findings in jobs]
                           if cache_dir is not None else None)
    for (blueprint, path, _), result in zip(jobs, rendered.results):
        prefix = f"{blueprint.position or blueprint.file}: error:"
        if isinstance(result, RenderError):
            problems.append(terminal(f"{prefix} cannot render the diagram of '{blueprint.id}': {result}"))
            continue
        try:
            _write_atomically(path, result)
        except OSError as error:
            problems.append(terminal(f"{prefix} cannot write {path}: {error.strerror or error}"))
    return problems
