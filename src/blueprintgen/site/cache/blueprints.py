"""Each blueprint file's results, and each blueprint page, kept by what they are made from: a build after
one change loads, analyses and makes a page for that file only.

A *record* is what a build knows of one file once it is loaded and analysed (see survey): the facts
the checks across files read, the keys of its diagram and page, and what it brings to the pages
across blueprints. It is kept by the file's name and bytes, the settings, the project's folder and
our code. A *page* is kept by its page key. Both are sealed JSON files (never pickle: the cache
folder is only as trusted as the project), one each, written atomically; anything unreadable,
damaged or of the wrong shape is a miss, and that file is loaded again.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

from ...wholefiles import read_regular, seal_first_line, unseal_first_line, write_atomically
from .build import read_sealed, sealed_text, write_entry
from .folder import cache_folder

__all__ = ["record_key", "load_record", "store_record", "load_page", "store_page", "page_content_key", "load_file",
           "store_file", "tidy_kept", "check_again", "load_rows_files", "store_rows_files"]

RECORDS, PAGES, FILES = "records", "pages", "files"
# Kept while some build uses them; a record or page no build has used for this long is removed.
MAX_AGE_S = 30 * 24 * 3600
TIDY_EVERY_S = 24 * 3600
TIDIED = ".tidied"   # in records/: when the kept entries were last looked at (see tidy_kept)


def record_key(code: str, shown: str, size: int, sha256: str, settings, root: str) -> str:
    """The key of one file's record: its name as shown, its bytes, the settings, the project folder, our code."""
    identity = repr((code, shown, size, sha256, settings, root))
    return hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()


# A build asks for the same few folders a thousand times: each is checked (cache_folder) once a build,
# when the build first asks (see check_again).
_CHECKED: dict[tuple[str, str], Path | None] = {}


def check_again() -> None:
    """A new build: its folders are checked again when first used."""
    _CHECKED.clear()


def _folder(cache_dir: str, kind: str) -> Path | None:
    where = (os.path.abspath(cache_dir), kind)   # a test or a server may change folders
    if where not in _CHECKED:
        folder = cache_folder(kind, root=cache_dir)
        _CHECKED[where] = Path(os.path.abspath(folder)) if folder is not None else None
    return _CHECKED[where]


def load_record(cache_dir: str, key: str) -> dict | None:
    folder = _folder(cache_dir, RECORDS)
    data = read_sealed(folder / f"{key}.json") if folder is not None else None
    return data if isinstance(data, dict) else None


def store_record(cache_dir: str, key: str, record: dict) -> None:
    folder = _folder(cache_dir, RECORDS)
    if folder is not None:
        write_entry(folder / f"{key}.json", sealed_text(record))


def load_page(cache_dir: str, key: str):
    """The page stored under `key` (a layout.Page), or None when there is none or it is not a page's shape."""
    from ..layout import Page

    folder = _folder(cache_dir, PAGES)
    data = read_sealed(folder / f"{key}.json") if folder is not None else None
    try:
        markdown, blocks, late, title = data
        page = Page(markdown, dict(blocks), dict(late), title)
    except (TypeError, ValueError):
        return None
    texts = (page.markdown, page.title, *page.blocks, *page.blocks.values(), *page.late, *page.late.values())
    return page if all(isinstance(text, str) for text in texts) else None


def store_page(cache_dir: str, key: str, page, unless_kept: bool = False) -> None:
    """Keep `page` under `key`; `unless_kept`: the key is its content's, so one already kept is the same."""
    folder = _folder(cache_dir, PAGES)
    if folder is not None and not (unless_kept and os.path.isfile(folder / f"{key}.json")):
        write_entry(folder / f"{key}.json", sealed_text([page.markdown, page.blocks, page.late, page.title]))


def page_content_key(page) -> str:
    """A key for a page from its content alone (for the pages across blueprints: most stay as they were)."""
    digest = hashlib.sha256()
    for text in (page.markdown, page.title, *[part for item in (*page.blocks.items(), *page.late.items())
                                              for part in item]):
        data = text.encode("utf-8", "surrogatepass")
        digest.update(f"{len(data)}\0".encode("ascii") + data)
    return digest.hexdigest()


def load_file(cache_dir: str, key: str) -> bytes | None:
    """A generated file kept under the sha256 of its bytes (`key`), or None when missing or not those bytes."""
    folder = _folder(cache_dir, FILES)
    data = unseal_first_line(read_regular(folder / f"{key}.json")) if folder is not None else None
    return data if data is not None and hashlib.sha256(data).hexdigest() == key else None


def store_file(cache_dir: str, key: str, data: bytes) -> None:
    """Keep a generated file's bytes under their sha256 (`key`), unless kept already."""
    folder = _folder(cache_dir, FILES)
    if folder is not None and not os.path.isfile(folder / f"{key}.json"):
        write_entry_bytes(folder / f"{key}.json", seal_first_line(data))


# What each "Show more" file of the long lists was made from (layout.RowsFile's key) -> the sha256 of
# its bytes, kept in `files/`: a build after one change makes only the files whose rows changed.
ROWS_FILES = "rows-files.json"
KEPT_ROWS_FILES = 4   # the index keeps up to this many builds' worth of names (several layouts, a branch)


def load_rows_files(cache_dir: str) -> dict[str, str]:
    """The index of "Show more" files: key -> sha256, newest first (empty when there is none or it is damaged)."""
    folder = _folder(cache_dir, FILES)
    data = read_sealed(folder / ROWS_FILES) if folder is not None else None
    try:
        index = {key: sha for key, sha in data}
    except (TypeError, ValueError):
        return {}
    return index if all(isinstance(key, str) and isinstance(sha, str) for key, sha in index.items()) else {}


def store_rows_files(cache_dir: str, made: dict[str, str]) -> None:
    """Add this build's "Show more" files (key -> sha256) to the index, dropping the oldest names."""
    folder = _folder(cache_dir, FILES)
    if folder is None or not made:
        return
    known = load_rows_files(cache_dir)
    if sorted(list(known.items())[:len(made)]) == sorted(made.items()):
        return   # this build's names head the index already: not written again
    older = [[key, sha] for key, sha in known.items() if key not in made]
    write_entry(folder / ROWS_FILES,
                sealed_text(sorted([key, sha] for key, sha in made.items()) + older[:(KEPT_ROWS_FILES - 1) * len(made)]))


def _touch(path: Path) -> None:
    """`path`'s time set to now, made empty if missing; never through a link, never a FIFO or device."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except OSError:
        return   # a cache that cannot be written only costs disk
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.utime(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_entry_bytes(path: Path, data: bytes) -> None:
    try:
        write_atomically(path, data, mode=None)
    except OSError:
        pass   # a cache that cannot be written only costs time


def tidy_kept(cache_dir: str, records: set[str], pages: set[str], files: set[str] = frozenset()) -> None:
    """Mark the records and pages this build used as fresh; remove ours no build has used for MAX_AGE_S.

    Done once every TIDY_EVERY_S (the first build of a day does it): it looks at every entry, which
    a build after one change should not pay for. Only names of our own entries (a sha256 and `.json`)
    are touched; a temporary file a killed build left is removed once it is a day old.
    """
    now = time.time()
    records_folder = _folder(cache_dir, RECORDS)
    if records_folder is None:
        return
    stamp = records_folder / TIDIED
    try:
        if 0 <= now - os.lstat(stamp).st_mtime < TIDY_EVERY_S:
            return
    except OSError:
        pass   # never tidied
    _touch(stamp)
    for kind, used in ((RECORDS, records), (PAGES, pages), (FILES, files)):
        folder = _folder(cache_dir, kind)
        if folder is None:
            continue
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            stem = name[:-5] if name.endswith(".json") else None
            try:
                if stem is not None and len(stem) == 64 and all(c in "0123456789abcdef" for c in stem):
                    if stem in used:
                        os.utime(folder / name, (now, now), follow_symlinks=False)
                    elif now - os.lstat(folder / name).st_mtime > MAX_AGE_S:
                        os.unlink(folder / name)
                elif name.startswith(".") and name.endswith(".tmp") and now - os.lstat(folder / name).st_mtime > 86400:
                    os.unlink(folder / name)
            except OSError:
                pass   # another build tidied first: only costs disk
