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

__all__ = ["SearchIndexError", "Indexing", "BUNDLE", "PARTS_SCRIPT", "part_count", "part_of", "without_excluded"]

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
# The parts of the index: one per PART_PAGES blueprint pages, at most MAX_PARTS. Fewer parts mean
# fewer files a query fetches (each part its own entry, metadata and chunks: at 1,000 blueprints,
# 8 parts fetch 545 KiB for "refund", one index 354 KiB); smaller ones, less indexed again after a
# change (Pagefind's time grows with its input: about 0.8 s of CPU per 100 blueprint pages).
PART_PAGES = 125
MAX_PARTS = 8
PART = "part-{}"   # a part's folder in the bundle
PARTS_SCRIPT = "parts.js"   # in the bundle: the parts the search box merges (assets/blueprintgen.js)
_PART_NAME = re.compile(r"part-[0-9]+")
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
    written as small numbered HTML files into `<site>/.pagefind-pages/` and Pagefind starts on another
    core, unless the cache has the index of exactly these pages; `wait()` then takes its
    bundle. Nothing that Material's templates add to the article (an edit button, a title it
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
        keys = {name: _index_key(pages, program, name, len(bundles)) if self.cache_dir is not None else None
                for name, pages in bundles.items()}
        jobs = []
        # The primary first: a damaged entry is removed with its folder, which holds the parts.
        for name, pages in sorted(bundles.items()):
            key = keys[name]
            if key is not None and _copy_cached(os.path.join(self.cache_dir, key), os.path.join(root, name), name):
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
            _forget_others(self.cache_dir, used)
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
        _lower_priority()
        try:
            # One folder of numbered files per part, not the site's tree: creating files and folders
            # is the slow part of writing them, and each page carries its URL (see searchable_page).
            for name, _, pages in jobs:
                folder = os.path.join(self.source, name or "primary")
                os.makedirs(folder, exist_ok=True)
                for number, (_, page) in enumerate(sorted(pages.items())):
                    if self._cancelled:
                        return
                    with open(os.path.join(folder, f"{number}.html"), "w", encoding="utf-8") as handle:
                        # What Pagefind would skip is left out here (only for the parts it reads: a
                        # cached part's pages are never scanned): less for it to read, the same index.
                        handle.write(without_excluded(page))
            # One Pagefind at a time: each uses every core it is given.
            for name, key, _ in jobs:
                bundle = os.path.join(root, name)
                with _RUNNING_LOCK:   # stop() takes the process under the same lock: it is never missed
                    if self._cancelled:
                        return
                    self._process = _start_pagefind(
                        [*program, "--site", os.path.join(self.source, name or "primary"), "--output-path", bundle,
                         "--exclude-selectors", EXCLUDE, "--silent"], self._messages)
                    process = self._process
                with open(os.path.join(self.source, PID_FILE), "w", encoding="ascii") as handle:
                    handle.write(str(process.pid))
                process.wait()
                with _RUNNING_LOCK:
                    self._process = None
                if self._cancelled:
                    return
                if process.returncode != 0:
                    raise SearchIndexError(self._failure(process.returncode))
                wrong = _incomplete(bundle, name)
                if wrong:   # Pagefind can exit 0 on a full disk, leaving empty files
                    raise SearchIndexError(f"Pagefind wrote an incomplete search index: {wrong}; check that the "
                                           "disk has space, then build again")
                self.indexed.append(name)
                if key is not None:
                    _store(bundle, self.cache_dir, key, name)
            _forget_others(self.cache_dir, used)
        except SearchIndexError as error:
            self._error = error
        except OSError as error:
            self._error = SearchIndexError(f"cannot write the pages for Pagefind: {error.strerror or error}"
                                           + (f" ({error.filename})" if error.filename else ""))

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


# A start or end tag (attribute values are escaped: `>` is never inside one), or a comment.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:\s[^>]*)?)>|<!--.*?-->", re.S)
_EXCLUDED = re.compile(r"\sdata-search-exclude(?=[\s=/]|$)")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def without_excluded(content: str) -> str:
    """The HTML without its elements marked `data-search-exclude` (and what they hold).

    Pagefind skips them anyway (EXCLUDE), but reading them is most of its work: on a blueprint
    page they are most of the bytes (fix hints, the "Next" lists). One scan of the tags, counting
    the nesting of the excluded element's own tag name; one never closed is left for Pagefind.
    """
    if "data-search-exclude" not in content:
        return content
    kept, position, scan = [], 0, 0
    while True:
        start = _next_excluded(content, scan)
        if start is None:
            break
        match, name = start
        if name in _VOID or match.group(3).rstrip().endswith("/"):
            end = match.end()
        else:
            end = _closing(content, match.end(), name)
            if end is None:
                scan = match.end()
                continue
        kept.append(content[position:match.start()])
        position = scan = end
    kept.append(content[position:])
    return "".join(kept)


def _next_excluded(content: str, at: int):
    """The next start tag marked data-search-exclude from `at`, with its lower-case name."""
    while True:
        found = content.find("data-search-exclude", at)
        if found < 0:
            return None
        opening = content.rfind("<", 0, found)
        if content.rfind("<!--", 0, found) > content.rfind("-->", 0, found):   # inside a comment
            at = content.find("-->", found)
            if at < 0:
                return None
            continue
        match = _TAG.match(content, opening) if opening >= 0 else None
        if match is not None and match.group(2) and not match.group(1) and match.end() > found \
                and _EXCLUDED.search(match.group(3)):
            return match, match.group(2).lower()
        at = found + len("data-search-exclude")


def _closing(content: str, at: int, name: str) -> int | None:
    """Where the element `name` opened just before `at` ends (after its end tag), or None."""
    same = _SAME_NAME.get(name)
    if same is None:   # the tags of this name only: the others are skipped by the regex engine
        same = _SAME_NAME[name] = re.compile(rf"<(/?){re.escape(name)}((?:\s[^>]*)?)>|<!--.*?-->", re.S | re.I)
    depth = 1
    for match in same.finditer(content, at):
        if match.group(1) is None:   # a comment
            continue
        if match.group(1):
            depth -= 1
            if depth == 0:
                return match.end()
        elif not match.group(2).rstrip().endswith("/"):
            depth += 1
    return None


_SAME_NAME: dict[str, re.Pattern] = {}


def part_count(blueprint_pages: int) -> int:
    """How many parts hold `blueprint_pages` blueprint pages: one per PART_PAGES, at most MAX_PARTS."""
    return max(1, min(MAX_PARTS, -(-blueprint_pages // PART_PAGES)))


def part_of(url: str, parts: int) -> str:
    """The part (its folder in the bundle) of the blueprint page at `url`: a hash of the URL, the same in every build."""
    number = int.from_bytes(hashlib.sha256(url.encode("utf-8", "surrogateescape")).digest()[:8], "big") % parts
    return PART.format(number + 1)


def index_parts(pages: dict[str, str], overview: set[str]) -> dict[str, dict[str, str]]:
    """The pages of each bundle: "" (the primary) the overview pages, each part its blueprint pages.

    Without overview pages (a site of blueprint pages only) every page is in the primary.
    A part no page falls in is not made (Pagefind makes no index of nothing).
    """
    if not overview:
        return {"": dict(pages)} if pages else {}
    bundles: dict[str, dict[str, str]] = {"": {}}
    parts = part_count(len(pages) - len(overview))
    for url, page in pages.items():
        bundles.setdefault("" if url in overview else part_of(url, parts), {})[url] = page
    return bundles


def _write_parts_script(root: str, parts: list[str]) -> None:
    """The script that names the parts for the search box, in the primary bundle."""
    import json

    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, PARTS_SCRIPT), "w", encoding="utf-8") as handle:
        handle.write(f"window.blueprintgenSearchParts = {json.dumps([f'{name}/' for name in parts])};\n")


def _start_pagefind(command: list[str], messages) -> subprocess.Popen:
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=messages, stderr=messages)
    except OSError as error:
        raise SearchIndexError(f"cannot run Pagefind ({command[0]}): {error.strerror or error}; "
                               "reinstall it with pip install 'pagefind[bin]'") from None
    return process


def _lower_priority() -> None:
    """This thread (the launcher) and the Pagefind it starts run behind MkDocs, which renders the
    templates meanwhile: Pagefind takes the cores that leaves.

    Linux only, where a priority is a thread's and a child inherits its parent thread's: after a
    start, too late for the threads Pagefind makes at once, and preexec_fn is unsafe in a process
    with threads. Elsewhere the whole build would be lowered: nothing changes.
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


def _index_key(pages: dict[str, str], program: list[str], name: str = "", bundles: int = 1) -> str | None:
    """The hash of every page of one part Pagefind reads (URL and text), of the Pagefind binary, and
    of the part's place in the layout (its name, how many there are)."""
    digest = hashlib.sha256(f"{EXCLUDE}\0{name}\0{bundles}\0{PART_PAGES}\0{MAX_PARTS}\0".encode())
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


def _own_files(bundle: str, name: str):
    """The files of the bundle `name` in its folder: the primary's without the parts inside it."""
    for root, dirs, files in os.walk(bundle):
        if root == bundle and not name:
            dirs[:] = [folder for folder in dirs if not _PART_NAME.fullmatch(folder)]
            files = [file for file in files if file != PARTS_SCRIPT]
        dirs.sort()
        for file in sorted(files):
            yield os.path.join(root, file)


def _incomplete(bundle: str, name: str = "") -> str | None:
    """What is wrong with a Pagefind bundle (no entry file, empty files), or None when it is whole."""
    import json

    try:
        with open(os.path.join(bundle, "pagefind-entry.json"), "rb") as handle:
            entry = json.loads(handle.read())
        if not isinstance(entry, dict) or not entry.get("languages"):
            return "its pagefind-entry.json names no language"
        empty = [path for path in _own_files(bundle, name) if os.path.getsize(path) == 0]
    except (OSError, ValueError) as error:
        return f"its pagefind-entry.json cannot be read ({getattr(error, 'strerror', None) or error})"
    if empty:
        return f"{len(empty)} of its files are empty"
    return None


def _copy_cached(entry: str, bundle: str, name: str = "") -> bool:
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
        if _incomplete(bundle, name):
            raise zipfile.BadZipFile("not a whole bundle")
        return True
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        shutil.rmtree(bundle, ignore_errors=True)   # the primary's folder holds the parts: it is unpacked first
        return False


def _store(bundle: str, cache_dir: str, key: str, name: str = "") -> None:
    """Keep this bundle (`name`: "" the primary, or a part) in the cache; it is written to a temporary file
    and renamed, so an entry is always whole (a killed build leaves only a `.tmp` file, removed by
    _forget_others)."""
    temporary = None
    try:
        os.makedirs(cache_dir, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=cache_dir, prefix=f".{key}.", suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
            for path in _own_files(bundle, name):
                info = zipfile.ZipInfo(os.path.relpath(path, bundle).replace(os.sep, "/"), _EPOCH)
                with open(path, "rb") as source:
                    archive.writestr(info, source.read())
        os.replace(temporary, os.path.join(cache_dir, key + _ARCHIVE))
        temporary = None
    except (OSError, zipfile.BadZipFile):
        pass   # a cache that cannot be written only costs time
    finally:
        if temporary is not None:   # a full disk, or a folder where the entry goes: no half archive left
            try:
                os.unlink(temporary)
            except OSError:
                pass


def _forget_others(cache_dir: str | None, used: set[str]) -> None:
    """Remove the cached parts this build does not use (and temporary files killed builds left)."""
    if cache_dir is None:
        return
    try:
        names = os.listdir(cache_dir)
    except OSError:
        return
    for name in names:
        # Only names of our own entries (an earlier version kept each as a folder) and of our
        # temporary files: anything else in the folder is not ours to delete.
        if not _OUR_NAME.fullmatch(name) or name.removesuffix(_ARCHIVE) in used:
            continue
        path = os.path.join(cache_dir, name)
        try:
            if stat.S_ISDIR(os.lstat(path).st_mode):   # lstat: a link is unlinked, never followed
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass
