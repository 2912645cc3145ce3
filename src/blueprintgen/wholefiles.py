"""Files read and written whole: never through a link, never half-written, and sealed with their sha256 where kept."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["read_regular", "write_atomically", "seal_first_line", "unseal_first_line"]


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


def write_atomically(path: Path, data: bytes, mode: int | None = 0o644) -> None:
    """Write `path` whole or not at all (a killed build leaves only a `.tmp` file); OSError on failure."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(temporary, mode)  # mkstemp makes files private; diagrams are ordinary output
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def seal_first_line(body: bytes) -> bytes:
    """An entry's bytes: the sha256 of `body` on the first line, then `body`. A changed byte
    (a disk's damage, a hand edit) makes the entry a miss, never a wrong page."""
    return hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body


def unseal_first_line(data: bytes | None) -> bytes | None:
    """The body `seal_first_line` sealed, or None when the seal is missing or does not match."""
    if data is None:
        return None
    seal, _, body = data.partition(b"\n")
    return body if hashlib.sha256(body).hexdigest().encode("ascii") == seal else None
