"""Blueprint search with Pagefind: a static index in chunks, so a query fetches a little, whatever the site's size.

The only place the `pagefind` binary (from the `pagefind[bin]` package) runs. It reads the
searchable part of each of our pages (see Indexing) and skips what is marked
`data-search-exclude` (figures, tables of numbers, the diagram).

The index is a pure function of those pages and of Pagefind, so it is kept in the cache by
the hash of both: a build whose pages did not change copies it back instead of running
Pagefind again (about 1 s at 100 blueprints, 10 s at 1,000).
"""

from __future__ import annotations

import atexit
import hashlib
import html
import importlib.util
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

__all__ = ["SearchIndexError", "Indexing", "BUNDLE"]

BUNDLE = "pagefind"   # folder of the index and its UI, at the site's root
SOURCE = ".pagefind-pages"   # the pages as Pagefind reads them, inside the site while it is built
PID_FILE = "pagefind.pid"    # in SOURCE: a build killed outright leaves it for the next build (stop_left_over)
# What Pagefind skips: figures, tables of numbers, the diagram, and the ¶ links the toc
# extension puts in headings (a section's title would otherwise end in "¶" in the results).
# And navigation, whose words belong to the page it leads to: on a page across blueprints
# (OVERVIEW: the dashboard, rule, team and tag pages), its tables and its links to other pages
# (a blueprint page marks its own: a step's "Next" and "Breaks here"). So a name is found on the
# page about it, not on every page that links there.
OVERVIEW = "data-bpg-overview"
_HEADING = re.compile(r"<h1\b")
EXCLUDE = f"[data-search-exclude], a.headerlink, [{OVERVIEW}] table, [{OVERVIEW}] a[href]:not([href^='#'])"


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
    written as small numbered HTML files into `<site>/.pagefind-pages/` and Pagefind starts on another
    core, unless the cache has the index of exactly these pages; `wait()` then takes its
    bundle. Nothing that Material's templates add to the article (an edit button, a title it
    makes up) is anything people search for.
    """

    def __init__(self, site_dir: str, language: str = "en", cache_dir: str | None = None, timeout: float = 600):
        self.site_dir, self.language, self.cache_dir, self.timeout = site_dir, language, cache_dir, timeout
        self.source = os.path.join(site_dir, SOURCE)
        self._pages: dict[str, str] = {}
        self._process: subprocess.Popen | None = None
        self._messages = None
        self._key: str | None = None
        self._started = 0.0
        self._launcher: threading.Thread | None = None
        self._cancelled = False
        self._error: SearchIndexError | None = None

    def add(self, path: str, title: str, content: str, overview: bool = False) -> None:
        """The searchable HTML of the page written to `path` (relative to the site); `overview`: a page
        across blueprints (dashboard, rule, team, tag pages), whose tables and links lead to other pages."""
        self._pages[path] = searchable_page(self.language, title, content, page_url(path), overview)

    def start(self) -> None:
        """Every page is added: index them (or take the bundle from the cache)."""
        program = _pagefind()
        bundle = os.path.join(self.site_dir, BUNDLE)
        self._key = _index_key(self._pages, program) if self.cache_dir is not None else None
        if self._key is not None and _copy_cached(os.path.join(self.cache_dir, self._key), bundle):
            self._key = None   # nothing to wait for or to store
            self._pages.clear()
            return
        # Writing the pages is file-system work the main thread need not wait for: a thread
        # writes them and starts Pagefind, while MkDocs goes on rendering.
        self._messages = tempfile.TemporaryFile()   # a file, not a pipe: a full pipe would stall Pagefind
        self._started = time.monotonic()
        with _RUNNING_LOCK:
            _RUNNING.add(self)
        self._launcher = threading.Thread(target=self._launch, args=(program, bundle, dict(self._pages)),
                                          daemon=True, name="blueprintgen-search")
        self._pages.clear()
        self._launcher.start()

    def _launch(self, program: list[str], bundle: str, pages: dict[str, str]) -> None:
        try:
            # One folder of numbered files, not the site's tree: creating files and folders is
            # the slow part of writing them, and each page carries its URL (see searchable_page).
            os.makedirs(self.source, exist_ok=True)
            for number, (path, page) in enumerate(sorted(pages.items())):
                if self._cancelled:
                    return
                with open(os.path.join(self.source, f"{number}.html"), "w", encoding="utf-8") as handle:
                    handle.write(page)
            with _RUNNING_LOCK:   # stop() takes the process under the same lock: it is never missed
                if not self._cancelled:
                    self._process = _start_pagefind([*program, "--site", self.source, "--output-path", bundle,
                                                     "--exclude-selectors", EXCLUDE, "--silent"], self._messages)
            if self._process is not None:
                with open(os.path.join(self.source, PID_FILE), "w", encoding="ascii") as handle:
                    handle.write(str(self._process.pid))
        except SearchIndexError as error:
            self._error = error
        except OSError as error:
            self._error = SearchIndexError(f"cannot write the pages for Pagefind: {error.strerror or error}"
                                           + (f" ({error.filename})" if error.filename else ""))

    def wait(self) -> None:
        """Wait until the bundle is in the site; SearchIndexError if Pagefind failed."""
        if self._launcher is not None:
            self._launcher.join()
            self._launcher = None
        process, self._process = self._process, None
        if process is None:
            error, self._error = self._error, None
            self.stop()
            if error is not None:
                raise error
            return
        try:
            try:
                process.wait(max(0.0, self.timeout - (time.monotonic() - self._started)))
            except subprocess.TimeoutExpired:
                raise SearchIndexError(f"Pagefind took longer than {self.timeout:.0f}s to index "
                                       "the site's pages") from None
            if process.returncode != 0:
                self._messages.seek(0)
                detail = self._messages.read().decode("utf-8", "replace").strip()[-2000:]
                if "No module named pagefind" in detail:
                    detail = "Pagefind is not installed: pip install 'pagefind[bin]'"
                if process.returncode < 0:   # it crashed: say how, and what to do
                    name = signal.Signals(-process.returncode).name if -process.returncode in signal.valid_signals() \
                        else f"signal {-process.returncode}"
                    detail = (f"{detail + '; ' if detail else ''}it was ended by {name}; build again, and if it "
                              "happens again reinstall it with pip install --force-reinstall 'pagefind[bin]'")
                # Not the folder it indexed: that is the build's work folder, gone once the build stops.
                raise SearchIndexError(f"Pagefind could not index the site's pages: "
                                       f"{detail or f'exit status {process.returncode}'}")
            wrong = _incomplete(os.path.join(self.site_dir, BUNDLE))
            if wrong:   # Pagefind can exit 0 on a full disk, leaving empty files
                raise SearchIndexError(f"Pagefind wrote an incomplete search index: {wrong}; check that the "
                                       "disk has space, then build again")
            if self._key is not None:
                _store(os.path.join(self.site_dir, BUNDLE), self.cache_dir, self._key)
        finally:
            _end(process)
            self._discard()
            with _RUNNING_LOCK:
                _RUNNING.discard(self)

    def stop(self) -> None:
        """The build failed or was stopped: Pagefind is stopped and its pages removed."""
        with _RUNNING_LOCK:
            self._cancelled = True
            process, self._process = self._process, None
        if self._launcher is not None:
            self._launcher.join()
            self._launcher = None
        if process is not None:
            _end(process)
        self._discard()
        with _RUNNING_LOCK:
            _RUNNING.discard(self)

    def _discard(self) -> None:
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


def page_url(path: str) -> str:
    """The URL of the page written to `path`, relative to the site's root, as Pagefind would make it from the path."""
    folder, _, name = path.rpartition("/")
    if name == "index.html":
        return f"{folder}/" if folder else "./"
    return path


def searchable_page(language: str, title: str, content: str, url: str, overview: bool = False) -> str:
    """The page as Pagefind reads it: the language for its word stemming, the title, the article, and its URL.

    The URL is metadata (`url`, which Pagefind's interface links to instead of the file's
    own path): the pages are written as numbered files, and our script puts the site's base
    in front of it and of each section's link (assets/blueprintgen.js).
    """
    # MkDocs gives the title as HTML (the heading's text, with character references): read it
    # as text first, so the title is escaped once.
    if overview:
        # An overview page is about what its heading names (a team, a rule, a tag): that heading
        # outweighs the same words in a blueprint's text, so a team's name finds its page first.
        content = _HEADING.sub(r'<h1 data-pagefind-weight="10"', content, count=1)
    return (f'<!doctype html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(html.unescape(title))}</title></head>\n"
            f'<body><article data-pagefind-body data-pagefind-meta="url:{html.escape(url)}"'
            f'{" " + OVERVIEW if overview else ""}>\n'
            f"{content}\n</article></body></html>\n")


def _start_pagefind(command: list[str], messages) -> subprocess.Popen:
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=messages, stderr=messages)
    except OSError as error:
        raise SearchIndexError(f"cannot run Pagefind ({command[0]}): {error.strerror or error}; "
                               "reinstall it with pip install 'pagefind[bin]'") from None


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


def _index_key(pages: dict[str, str], program: list[str]) -> str | None:
    """The hash of every page Pagefind reads (path and text) and of the Pagefind binary."""
    digest = hashlib.sha256(f"{EXCLUDE}\0".encode())
    try:
        identity = os.stat(program[0])
    except OSError:
        return None   # then Pagefind runs, and reports what is wrong
    digest.update(f"{program}\0{identity.st_size}\0{identity.st_mtime_ns}\0".encode())
    for path, page in sorted(pages.items()):
        data = page.encode("utf-8", "surrogateescape")
        digest.update(f"{path}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
        digest.update(data)
    return digest.hexdigest()


# A cached bundle is one archive file (stored, not compressed: Pagefind's files are compressed
# already): one file to write instead of one per index chunk and page fragment.
_ARCHIVE = ".zip"
_OUR_NAME = re.compile(r"[0-9a-f]{64}(\.zip)?|\.[0-9a-f]{64}\.[A-Za-z0-9_]+\.tmp")
_EPOCH = (1980, 1, 1, 0, 0, 0)   # the same bytes for the same bundle


def _incomplete(bundle: str) -> str | None:
    """What is wrong with a Pagefind bundle (no entry file, empty files), or None when it is whole."""
    import json

    try:
        with open(os.path.join(bundle, "pagefind-entry.json"), "rb") as handle:
            entry = json.loads(handle.read())
        if not isinstance(entry, dict) or not entry.get("languages"):
            return "its pagefind-entry.json names no language"
        empty = [os.path.join(root, name) for root, _, names in os.walk(bundle) for name in names
                 if os.path.getsize(os.path.join(root, name)) == 0]
    except (OSError, ValueError) as error:
        return f"its pagefind-entry.json cannot be read ({getattr(error, 'strerror', None) or error})"
    if empty:
        return f"{len(empty)} of its files are empty"
    return None


def _copy_cached(entry: str, bundle: str) -> bool:
    """Unpack the cached bundle `entry` (without its suffix) into `bundle`; False if there is none or it is damaged."""
    path = entry + _ARCHIVE
    if not os.path.isfile(path) or os.path.islink(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                parts = info.filename.split("/")
                # Only plain relative names: a changed entry cannot write outside the bundle.
                if info.is_dir() or any(part in ("", ".", "..") or "\\" in part for part in parts):
                    raise zipfile.BadZipFile(f"unexpected name {info.filename!r}")
                target = os.path.join(bundle, *parts)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with archive.open(info) as source, open(target, "wb") as copy:
                    shutil.copyfileobj(source, copy)
        if _incomplete(bundle):
            raise zipfile.BadZipFile("not a whole bundle")
        return True
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        shutil.rmtree(bundle, ignore_errors=True)
        return False


def _store(bundle: str, cache_dir: str, key: str) -> None:
    """Keep this bundle as the only cached one; it is written to a temporary file and renamed, so an
    entry is always whole (a killed build leaves only a `.tmp` file, removed by the next store)."""
    temporary = None
    try:
        os.makedirs(cache_dir, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=cache_dir, prefix=f".{key}.", suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
            for root, dirs, files in os.walk(bundle):
                dirs.sort()
                for name in sorted(files):
                    path = os.path.join(root, name)
                    info = zipfile.ZipInfo(os.path.relpath(path, bundle).replace(os.sep, "/"), _EPOCH)
                    with open(path, "rb") as source:
                        archive.writestr(info, source.read())
        os.replace(temporary, os.path.join(cache_dir, key + _ARCHIVE))
        temporary = None
        for name in os.listdir(cache_dir):
            # Only names of our own entries (an earlier version kept each as a folder) and of our
            # temporary files: anything else in the folder is not ours to delete.
            if name == key + _ARCHIVE or not _OUR_NAME.fullmatch(name):
                continue
            path = os.path.join(cache_dir, name)
            if stat.S_ISDIR(os.lstat(path).st_mode):   # lstat: a link is unlinked, never followed
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
    except (OSError, zipfile.BadZipFile):
        pass   # a cache that cannot be written only costs time
    finally:
        if temporary is not None:   # a full disk, or a folder where the entry goes: no half archive left
            try:
                os.unlink(temporary)
            except OSError:
                pass
