"""Everything `generate` made, kept by what it was made from: a build where nothing changed
neither loads, analyses nor makes a page again.

The key covers the bytes of every blueprint file (found as the loader finds them), the
settings, where pages go, the installed Graphviz and our code. Entries are JSON (never
pickle: the cache folder is only as trusted as the project), written atomically; anything
unreadable, damaged or missing is a miss, and the build then does all the work.
Diagrams are not copied into an entry: it names them by what they are drawn from, finds
them in the diagram cache and checks their sha256.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

from .folder import cache_folder
from ...loader import find_files
from ...wholefiles import read_regular, seal_first_line, unseal_first_line, write_atomically
from ...yamltree import MAX_FILE_BYTES

__all__ = ["read_sealed", "sealed_text", "inputs_key", "load_entry", "newest_entry", "store_entry", "remember_valid", "known_valid", "write_entry"]


def _files_digest(folder: str, read=None) -> tuple[int, str] | None:
    """(number of blueprint files, sha256 of their names and bytes); None when any cannot be read
    plainly (a problem the loader reports, so the build must load).

    With `read` (`Loaded.read`: the files a load read, their sizes and sha256), of those instead of what
    is on disk now. Names count from `folder`, however it was written for the load.
    """
    if read is None:
        files, problems = find_files([folder])
        if problems:
            return None
        read = []
        for path in files:
            try:
                with open(path, "rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except OSError:
                return None
            read.append((path, len(data), hashlib.sha256(data).hexdigest()))
    digest = hashlib.sha256()
    start = os.path.abspath(folder)
    for path, size, sha in read:
        if size > MAX_FILE_BYTES:
            return None
        name = os.path.relpath(os.path.abspath(path), start)
        digest.update(f"{name}\0{size}\0{sha}\0".encode("utf-8", "surrogateescape"))
    return len(read), digest.hexdigest()


def inputs_key(folder: str, settings, *context, read=None) -> tuple[int, str] | None:
    """(number of files, a key for the files under `folder`, the settings, our code and `context`).

    `read`: the files as a load read them (see _files_digest). None when our code cannot be
    identified or a file cannot be read: then nothing is reused.
    """
    from .diagrams import code_digest

    code = code_digest()
    files = _files_digest(folder, read) if code else None
    if files is None:
        return None
    identity = repr((code, settings, os.getcwd(), folder, files[1], context))
    return files[0], hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()


def write_entry(path: Path, text: str) -> None:
    """Write a cache entry atomically (a killed build leaves only a `.tmp` file); failures only cost time."""
    try:
        write_atomically(path, text.encode("utf-8"), mode=None)
    except OSError:
        pass   # a cache that cannot be written only costs time


def sealed_text(data) -> str:
    """An entry's text: the sha256 of its JSON on the first line, then the JSON (see wholefiles)."""
    return seal_first_line(json.dumps(data, sort_keys=True).encode("utf-8")).decode("utf-8")


def read_sealed(path: Path):
    """An entry's data; None when missing, not a regular file (a FIFO would block), damaged or unsealed."""
    body = unseal_first_line(read_regular(path))
    if body is None:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError:   # UnicodeDecodeError is one too
        return None


def _folder(cache_dir: str, kind: str) -> Path | None:
    """The checked subfolder `kind` of the cache (see cachefolder), or None when it is not ours."""
    folder = cache_folder(kind, root=cache_dir)
    return Path(folder) if folder is not None else None


def remember_valid(cache_dir: str, key: str, count: int) -> None:
    """These inputs loaded without a problem: the next build with the same ones need not load them first."""
    folder = _folder(cache_dir, "valid")
    if folder is not None:
        write_entry(folder / f"{key}.json", sealed_text({"blueprints": count}))
        _tidy(folder)


def known_valid(cache_dir: str, key: str) -> int | None:
    """How many blueprints these inputs held when they last loaded without a problem; None if unknown."""
    folder = _folder(cache_dir, "valid")
    data = read_sealed(folder / f"{key}.json") if folder is not None else None
    count = data.get("blueprints") if isinstance(data, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None


# Entries are the size of a site's pages: only the most recently used few are kept (a user
# switching between a few branches still gets hits); markers are tiny.
_KEEP = {"generated": 4, "valid": 64}
_ENTRY = re.compile(r"[0-9a-f]{64}\.json")
_LEFT_OVER_AGE_S = 3600


def _tidy(folder: Path) -> None:
    """Remove all but the newest entries, and temporary files a killed build left; nothing else."""
    try:
        names = os.listdir(folder)
        entries = sorted((name for name in names if _ENTRY.fullmatch(name)),
                         key=lambda name: os.lstat(folder / name).st_mtime, reverse=True)
        for name in entries[_KEEP[folder.name]:]:
            (folder / name).unlink()
        now = time.time()
        for name in names:
            if name.startswith(".") and name.endswith(".tmp") and _ENTRY.fullmatch(name[1:].split(".json.")[0] + ".json"):
                if now - os.lstat(folder / name).st_mtime > _LEFT_OVER_AGE_S:
                    (folder / name).unlink()
    except OSError:
        pass   # another build tidied first, or the folder is read-only: only costs disk


def store_entry(cache_dir: str, key: str, entry: dict) -> None:
    """Keep what generate made (plain JSON data) under `key`."""
    folder = _folder(cache_dir, "generated")
    if folder is not None:
        write_entry(folder / f"{key}.json", sealed_text(entry))
        _tidy(folder)


def load_entry(cache_dir: str, key: str) -> dict | None:
    folder = _folder(cache_dir, "generated")
    if folder is None:
        return None
    path = folder / f"{key}.json"
    data = read_sealed(path)
    if not isinstance(data, dict):
        return None
    try:
        os.utime(path)   # used: kept longest by _tidy
    except OSError:
        pass
    return data


def newest_entry(cache_dir: str) -> dict | None:
    """The most recently stored or used whole-build entry (pagecache reuses its pages); None if none is readable."""
    folder = _folder(cache_dir, "generated")
    if folder is None:
        return None
    try:
        entries = [(os.lstat(folder / name).st_mtime, name) for name in os.listdir(folder) if _ENTRY.fullmatch(name)]
    except OSError:
        return None
    if not entries:
        return None
    data = read_sealed(folder / max(entries)[1])
    return data if isinstance(data, dict) else None
