"""The history cache: a commit's counts and a blueprint file's judgement, one sealed JSON file each, in the tool's cache folder."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from ...wholefiles import read_regular, seal_first_line, unseal_first_line, write_atomically
from .diagrams import CACHE_MAX_AGE_S, code_digest
from .folder import cache_folder

__all__ = ["HistoryStore", "history_store"]

_KEY = re.compile(r"[0-9a-f]{64}")
_ENTRY = re.compile(r"(commit|file)-[0-9a-f]{64}\.json")
_KINDS = ("commit", "file")
# Far above any entry we write (a commit of thousands of blueprints): a larger file is not ours.
_MAX_ENTRY_BYTES = 64 * 1024 * 1024


class HistoryStore:
    """Entries by kind and key in one checked folder. A file cut short or changed is a miss (its seal);
    a folder that cannot be written only costs time."""

    def __init__(self, folder: str):
        self.folder = Path(folder)
        self.used: set[str] = set()   # entries this run read or wrote

    def _path(self, kind: str, key: str) -> Path:
        if kind not in _KINDS or not _KEY.fullmatch(key):
            raise ValueError(f"not a history cache entry: {kind} {key}")
        return self.folder / f"{kind}-{key}.json"

    def get(self, kind: str, key: str):
        path = self._path(kind, key)
        body = unseal_first_line(read_regular(path, _MAX_ENTRY_BYTES))
        if body is None:
            return None
        self.used.add(path.name)
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def put(self, kind: str, key: str, value: dict) -> None:
        # ASCII: a file name git gave as undecodable bytes (lone surrogates) is kept as its escape.
        body = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":")).encode("ascii")
        try:
            write_atomically(self._path(kind, key), seal_first_line(body))
            self.used.add(self._path(kind, key).name)
        except OSError:
            pass

    def tidy(self) -> None:
        """Mark the entries this run used as fresh; remove ours no run has used for CACHE_MAX_AGE_S (the
        diagram cache's 30 days), so the folder does not grow without end. Nothing else is touched."""
        now = time.time()
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if not _ENTRY.fullmatch(name):
                continue
            path = self.folder / name
            try:
                if name in self.used:
                    os.utime(path, (now, now))
                elif now - path.stat().st_mtime > CACHE_MAX_AGE_S:
                    path.unlink()
            except OSError:
                pass   # another run may be tidying too


def history_store() -> tuple[HistoryStore | None, str | None]:
    """(the store in `.cache/blueprintgen/history`, our code's digest); no store when the folder is not surely
    ours (cache_folder says why, once) or our code cannot be identified."""
    code = code_digest()
    folder = cache_folder("history") if code else None
    return (HistoryStore(folder) if folder else None), code
