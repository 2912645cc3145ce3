"""The search index's parts in the cache: one archive per part, named by the hash of what Pagefind read for it.

Only as trusted as the project: an archive is checked (plain relative names, a whole bundle)
before it is used, and one that is not is indexed again.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import zipfile

from . import search_pages

__all__ = ["index_key", "copy_cached", "store", "forget_others", "incomplete", "PARTS_SCRIPT"]

PARTS_SCRIPT = "parts.js"   # in the primary bundle: the parts the search box merges (assets/blueprintgen.js)
_PART_NAME = re.compile(r"part-[0-9]+")


def index_key(pages: dict[str, str], program: list[str], name: str = "", bundles: int = 1) -> str | None:
    """The hash of every page of one part Pagefind reads (URL and text), of the Pagefind binary, and
    of the part's place in the layout (its name, how many there are)."""
    digest = hashlib.sha256(f"{search_pages.EXCLUDE}\0{name}\0{bundles}\0{search_pages.PART_PAGES}\0{search_pages.MAX_PARTS}\0".encode())
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


def incomplete(bundle: str, name: str = "") -> str | None:
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


def copy_cached(entry: str, bundle: str, name: str = "") -> bool:
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
        if incomplete(bundle, name):
            raise zipfile.BadZipFile("not a whole bundle")
        return True
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        shutil.rmtree(bundle, ignore_errors=True)   # the primary's folder holds the parts: it is unpacked first
        return False


def store(bundle: str, cache_dir: str, key: str, name: str = "") -> None:
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


def forget_others(cache_dir: str | None, used: set[str]) -> None:
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
