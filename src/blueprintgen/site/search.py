"""Blueprint search with Pagefind: a static index in chunks, so a query fetches a little, whatever the site's size.

The only place the `pagefind` binary (from the `pagefind[bin]` package) runs. It reads the
searchable part of each of our pages (see Indexing) and skips what is marked
`data-search-exclude` (figures, tables of numbers, the diagram).

The index is in parts: the pages across blueprints (the dashboard, rule, team and tag pages)
in the primary bundle `pagefind/`, the blueprint pages in a few parts (`pagefind/part-1/`...)
by a stable hash of their URL; the search box merges them (`parts.js` names them). Each part
is a pure function of its pages and of Pagefind, so it is kept in the cache by the hash of
both: a build copies back every part whose pages did not change, and runs Pagefind only on
the others (one blueprint changed: its part, and the primary when an overview page changed).
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ..wholefiles import write_atomically
from .search_cache import PARTS_SCRIPT, copy_cached, forget_others, incomplete, index_key, store
from .search_pages import EXCLUDE, index_parts, page_url, searchable_page, without_excluded

__all__ = ["SearchIndexError", "Indexing", "BUNDLE", "PARTS_SCRIPT", "stop_left_over", "page_url", "searchable_page"]

BUNDLE = "pagefind"   # folder of the index and its UI, at the site's root
SOURCE = ".pagefind-pages"   # the pages as Pagefind reads them, inside the site while it is built
PID_FILE = "pagefind.pid"    # in SOURCE: a build killed outright leaves it for the next build (stop_left_over)
NICENESS = 10   # Pagefind's priority below the build's


class SearchIndexError(Exception):
    """Pagefind could not index the site."""


def _pagefind() -> list[str]:
    """The command that runs Pagefind: its binary itself when the package can name it.

    Running the binary, not `python -m pagefind`, means the interpreter is never started a
    second time: a user who may run blueprintgen may not always exec its interpreter's path
    (e.g. a virtual environment whose Python lives in another user's home).
    """
    # Found as pagefind.service finds it (the extended binary first), without importing that
    # module: it imports asyncio and more, about 75 ms of every build.
    for package, names in (("pagefind_bin_extended", ("pagefind_extended",)),
                           ("pagefind_bin", ("pagefind_extended", "pagefind"))):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            for name in names:
                binary = os.path.join(os.path.dirname(spec.origin), name)
                if os.path.isfile(binary):
                    return [os.path.realpath(binary)]
    return [sys.executable, "-m", "pagefind"]   # another package layout: `python -m pagefind` finds it


class Indexing:
    """Pagefind indexing our pages in the background while MkDocs renders its templates.

    Search needs only the searchable part of each page (its article, as on_page_content gives
    it). Those are collected as the pages are made; once the last one is (on_env), they are
    split into the primary bundle and the parts (index_parts); each part the cache has for
    exactly its pages is unpacked, and the pages of the others are written as small numbered
    HTML files into `<site>/.pagefind-pages/<part>/`, where Pagefind indexes them one part after
    another on another core; `wait()` waits for the last. Nothing that Material's templates add to the article (an edit button, a title it
    makes up) is anything people search for.
    """

    def __init__(self, site_dir: str, language: str = "en", cache_dir: str | None = None, timeout: float = 600):
        self.site_dir, self.language, self.cache_dir, self.timeout = site_dir, language, cache_dir, timeout
        self.source = os.path.join(site_dir, SOURCE)
        self._pages: dict[str, str] = {}
        self._overview: set[str] = set()
        self._process: subprocess.Popen | None = None
        self._messages = None
        self.indexed: list[str] = []   # the bundles Pagefind made in this build ("" the primary, "part-1"...)
        self.cached: list[str] = []    # the bundles copied from the cache
        self._started = 0.0
        self._launcher: threading.Thread | None = None
        self._cancelled = False
        self._error: SearchIndexError | None = None

    def add(self, path: str, title: str, content: str, overview: bool = False) -> None:
        """The searchable HTML of the page written to `path` (relative to the site); `overview`: a page
        across blueprints (dashboard, rule, team, tag pages), whose tables and links lead to other pages."""
        url = page_url(path)
        self._pages[url] = searchable_page(self.language, title, content, url, overview)
        if overview:
            self._overview.add(url)
        else:
            self._overview.discard(url)

    def start(self) -> None:
        """Every page is added: index them (or take each part of the index from the cache)."""
        program = _pagefind()
        root = os.path.join(self.site_dir, BUNDLE)
        bundles = index_parts(self._pages, self._overview)
        keys = {name: index_key(pages, program, name, len(bundles)) if self.cache_dir is not None else None
                for name, pages in bundles.items()}
        jobs = []
        # The primary first: a damaged entry is removed with its folder, which holds the parts.
        for name, pages in sorted(bundles.items()):
            key = keys[name]
            if key is not None and copy_cached(os.path.join(self.cache_dir, key), os.path.join(root, name), name):
                self.cached.append(name)
            else:
                jobs.append((name, key, pages))
        try:
            _write_parts_script(root, [name for name in sorted(bundles) if name])
        except OSError as error:
            raise SearchIndexError(f"cannot write the search index's list of parts: {error.strerror or error}"
                                   + (f" ({error.filename})" if error.filename else "")) from None
        self._pages.clear()
        self._overview.clear()
        used = {key for key in keys.values() if key is not None}
        if not jobs:
            forget_others(self.cache_dir, used)
            return
        # Writing the pages is file-system work the main thread need not wait for: a thread
        # writes them and runs Pagefind on each part to make, while MkDocs goes on rendering.
        self._messages = tempfile.TemporaryFile()   # a file, not a pipe: a full pipe would stall Pagefind
        self._started = time.monotonic()
        with _RUNNING_LOCK:
            _RUNNING.add(self)
        self._launcher = threading.Thread(target=self._launch, args=(program, root, jobs, used),
                                          daemon=True, name="blueprintgen-search")
        self._launcher.start()

    def _launch(self, program: list[str], root: str, jobs: list, used: set[str]) -> None:
        try:
            running = None   # the part Pagefind indexes now: (its name, its cache key, the process)
            for name, key, pages in jobs:
                # A part's pages are written while Pagefind indexes the part before: one at a
                # time, each Pagefind uses every core it is given.
                if not self._write_pages(name, pages) or (running and not self._finish(root, *running)):
                    return
                running = self._run(program, root, name, key)
                if running is None:
                    return
            if self._finish(root, *running):
                forget_others(self.cache_dir, used)
        except SearchIndexError as error:
            self._error = error
        except OSError as error:
            self._error = SearchIndexError(f"cannot write the pages for Pagefind: {error.strerror or error}"
                                           + (f" ({error.filename})" if error.filename else ""))

    def _write_pages(self, name: str, pages: dict[str, str]) -> bool:
        """The part's pages, as Pagefind reads them; False if the build was stopped meanwhile.

        One folder of numbered files per part, not the site's tree: creating files and folders is
        the slow part of writing them, and each page carries its URL (see searchable_page).
        """
        folder = os.path.join(self.source, name or "primary")
        os.makedirs(folder, exist_ok=True)
        for number, (_, page) in enumerate(sorted(pages.items())):
            if self._cancelled:
                return False
            with open(os.path.join(folder, f"{number}.html"), "w", encoding="utf-8") as handle:
                # What Pagefind would skip is left out here (only for the parts it reads: a cached
                # part's pages are never scanned): less for it to read, the same index.
                handle.write(without_excluded(page))
        return True

    def _run(self, program: list[str], root: str, name: str, key: str | None):
        """Pagefind started on the part `name`: (name, key, process), or None if the build was stopped."""
        self._messages.seek(0)   # only this run's messages explain its failure
        self._messages.truncate()
        with _RUNNING_LOCK:   # stop() takes the process under the same lock: it is never missed
            if self._cancelled:
                return None
            self._process = process = _start_pagefind(
                [*program, "--site", os.path.join(self.source, name or "primary"), "--output-path",
                 os.path.join(root, name), "--exclude-selectors", EXCLUDE, "--silent"], self._messages)
        # Whole or not at all: a build killed while writing it must not leave an empty one the next
        # build cannot read (it would leave that Pagefind running).
        write_atomically(Path(self.source, PID_FILE), str(process.pid).encode("ascii"))
        return name, key, process

    def _finish(self, root: str, name: str, key: str | None, process: subprocess.Popen) -> bool:
        """Wait for Pagefind on the part `name`, check its bundle and cache it; False if the build was stopped."""
        process.wait()
        with _RUNNING_LOCK:
            self._process = None
        if self._cancelled:
            return False
        if process.returncode != 0:
            raise SearchIndexError(self._failure(process.returncode))
        bundle = os.path.join(root, name)
        wrong = incomplete(bundle, name)
        if wrong:   # Pagefind can exit 0 on a full disk, leaving empty files
            raise SearchIndexError(f"Pagefind wrote an incomplete search index: {wrong}; check that the "
                                   "disk has space, then build again")
        self.indexed.append(name)
        if key is not None:
            store(bundle, self.cache_dir, key, name)
        return True

    def _failure(self, code: int) -> str:
        """What went wrong when Pagefind exited with `code`."""
        self._messages.seek(0)
        detail = self._messages.read().decode("utf-8", "replace").strip()[-2000:]
        if "No module named pagefind" in detail:
            detail = "Pagefind is not installed: pip install 'pagefind[bin]'"
        if code < 0:   # it crashed: say how, and what to do
            name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
            detail = (f"{detail + '; ' if detail else ''}it was ended by {name}; build again, and if it "
                      "happens again reinstall it with pip install --force-reinstall 'pagefind[bin]'")
        # Not the folder it indexed: that is the build's work folder, gone once the build stops.
        return f"Pagefind could not index the site's pages: {detail or f'exit status {code}'}"

    def wait(self) -> None:
        """Wait until every part of the index is in the site; SearchIndexError if Pagefind failed."""
        launcher, self._launcher = self._launcher, None
        if launcher is not None:
            launcher.join(max(0.0, self.timeout - (time.monotonic() - self._started)))
            if launcher.is_alive():
                self._launcher = launcher
                self.stop()
                raise SearchIndexError(f"Pagefind took longer than {self.timeout:.0f}s to index "
                                       "the site's pages")
        error, self._error = self._error, None
        self.stop()
        if error is not None:
            raise error

    def stop(self) -> None:
        """The build failed or was stopped: Pagefind is stopped and its pages removed."""
        with _RUNNING_LOCK:
            self._cancelled = True
            process, self._process = self._process, None
        if process is not None:   # first: the launcher waits for it
            _end(process)
        if self._launcher is not None:
            self._launcher.join()
            self._launcher = None
        self._discard()
        with _RUNNING_LOCK:
            _RUNNING.discard(self)

    def _discard(self) -> None:
        with _RUNNING_LOCK:   # a Pagefind still running holds its folder open: it is stopped first
            process, self._process = self._process, None
        if process is not None:
            _end(process)
        shutil.rmtree(self.source, ignore_errors=True)
        if self._messages is not None:
            self._messages.close()
            self._messages = None


def stop_left_over(site_dir: str) -> None:
    """Stop the Pagefind a killed build left indexing `site_dir`, before its folder is removed.

    SIGKILL gives a build no chance to stop it, and a Pagefind whose pages vanish under it can
    hang for good. Only a process that is still Pagefind is stopped (Linux: /proc tells; where
    it cannot be told, nothing is).
    """
    try:
        with open(os.path.join(site_dir, SOURCE, PID_FILE), encoding="ascii") as handle:
            pid = int(handle.read(32))
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = handle.read()
    except (OSError, ValueError):
        return
    if b"pagefind" in command:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _write_parts_script(root: str, parts: list[str]) -> None:
    """The script that names the parts for the search box, in the primary bundle."""
    import json

    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, PARTS_SCRIPT), "w", encoding="utf-8") as handle:
        handle.write(f"window.blueprintgenSearchParts = {json.dumps([f'{name}/' for name in parts])};\n")


def _start_pagefind(command: list[str], messages) -> subprocess.Popen:
    started: list = []

    def start() -> None:
        _lower_priority()
        try:
            started.append(subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=messages, stderr=messages))
        except OSError as error:
            started.append(error)
    # Started from a thread of its own, which lowers its priority first: the process inherits it.
    spawner = threading.Thread(target=start, daemon=True, name="blueprintgen-search-start")
    spawner.start()
    spawner.join()
    [process] = started
    if isinstance(process, OSError):
        raise SearchIndexError(f"cannot run Pagefind ({command[0]}): {process.strerror or process}; "
                               "reinstall it with pip install 'pagefind[bin]'") from None
    return process


def _lower_priority() -> None:
    """This thread, and the process it starts, run behind MkDocs, which renders the templates
    meanwhile: Pagefind takes the cores that leaves (measured: a build with one change no
    longer waits for it).

    Linux only, where a priority is a thread's and a child inherits its parent thread's: set
    on the process once started is too late for the threads Pagefind makes at once, preexec_fn
    is unsafe in a process with threads, and the build's own thread would hold the interpreter
    lock at a low priority. Elsewhere the whole build would be lowered: nothing changes.
    """
    if sys.platform.startswith("linux"):
        try:
            thread = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + NICENESS))
        except (AttributeError, OSError):
            pass   # it runs as it is


def _end(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()


def _stop_all() -> None:
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for indexing in running:
        indexing.stop()


# Pagefind runs now; a process that ends (e.g. `mkdocs build` stopped by Ctrl-C) stops it first.
_RUNNING: set[Indexing] = set()
_RUNNING_LOCK = threading.Lock()
getattr(threading, "_register_atexit", atexit.register)(_stop_all)
