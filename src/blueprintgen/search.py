"""Blueprint search with Pagefind: a static index in chunks, so a query fetches a little, whatever the site's size.

The only place the `pagefind` binary (from the `pagefind[bin]` package) runs. It reads
the built HTML of the pages that carry `data-pagefind-body` (ours) and skips what is
marked `data-search-exclude` (figures, tables of numbers, the diagram).

The index is a pure function of the site's HTML and of Pagefind, so it is kept in the
cache by the hash of both: a build whose pages did not change copies it back instead of
running Pagefind again (about 1.5 s at 100 blueprints, 15 s at 1,000).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

__all__ = ["SearchIndexError", "index_site", "BUNDLE"]

BUNDLE = "pagefind"   # folder of the index and its UI, at the site's root
EXCLUDE = "[data-search-exclude]"   # what Pagefind skips: figures, tables of numbers, the diagram


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


def index_site(site_dir: str, timeout: float = 600, cache_dir: str | None = None) -> None:
    """Write the Pagefind bundle into `site_dir`, from `cache_dir` when the same HTML was indexed before."""
    program = _pagefind()
    key = _index_key(site_dir, program) if cache_dir is not None else None
    bundle = os.path.join(site_dir, BUNDLE)
    if key is not None and _copy_cached(os.path.join(cache_dir, key), bundle):
        return
    _run_pagefind([*program, "--site", site_dir, "--output-subdir", BUNDLE,
                   "--exclude-selectors", EXCLUDE, "--silent"], site_dir, timeout)
    if key is not None:
        _store(bundle, cache_dir, key)


def _index_key(site_dir: str, program: list[str]) -> str | None:
    """The hash of every HTML file Pagefind reads (path and bytes) and of the Pagefind binary."""
    digest = hashlib.sha256(f"{EXCLUDE}\0".encode())
    try:
        identity = os.stat(program[0])
        digest.update(f"{program}\0{identity.st_size}\0{identity.st_mtime_ns}\0".encode())
        for root, dirs, files in os.walk(site_dir):
            dirs[:] = sorted(d for d in dirs if not (root == site_dir and d == BUNDLE))
            for name in sorted(files):
                if name.endswith(".html"):
                    path = os.path.join(root, name)
                    with open(path, "rb") as handle:
                        data = handle.read()
                    digest.update(f"{os.path.relpath(path, site_dir)}\0{len(data)}\0".encode())
                    digest.update(data)
    except OSError:
        return None   # then Pagefind runs
    return digest.hexdigest()


def _copy_cached(entry: str, bundle: str) -> bool:
    if not os.path.isdir(entry) or os.path.islink(entry):
        return False
    try:
        shutil.copytree(entry, bundle, symlinks=True)
        return True
    except (OSError, shutil.Error):
        shutil.rmtree(bundle, ignore_errors=True)
        return False


def _store(bundle: str, cache_dir: str, key: str) -> None:
    """Keep this bundle as the only cached one; it is written to a temporary folder and renamed, so an
    entry is always whole (a killed build leaves only a `.tmp` folder, removed by the next store)."""
    try:
        os.makedirs(cache_dir, exist_ok=True)
        temporary = tempfile.mkdtemp(dir=cache_dir, prefix=f".{key}.", suffix=".tmp")
        shutil.copytree(bundle, temporary, dirs_exist_ok=True)
        entry = os.path.join(cache_dir, key)
        shutil.rmtree(entry, ignore_errors=True)
        os.rename(temporary, entry)
        for name in os.listdir(cache_dir):
            if name != key:
                shutil.rmtree(os.path.join(cache_dir, name), ignore_errors=True)
    except (OSError, shutil.Error):
        pass   # a cache that cannot be written only costs time


def _run_pagefind(command: list[str], site_dir: str, timeout: float) -> None:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except OSError as error:
        raise SearchIndexError(f"cannot run Pagefind ({command[0]}): {error.strerror or error}; "
                               "reinstall it with pip install 'pagefind[bin]'") from None
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"Pagefind took longer than {timeout:.0f}s to index {site_dir}") from None
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()[-2000:]
        if "No module named pagefind" in detail:
            detail = "Pagefind is not installed: pip install 'pagefind[bin]'"
        raise SearchIndexError(f"Pagefind could not index {site_dir}: {detail}")
