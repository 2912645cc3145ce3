"""Work folders next to an output (a site, a docs folder): made marked and locked, and a killed run's leftovers removed."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import sys
import time
from pathlib import Path

try:
    import fcntl
except ImportError:   # Windows: no flock; leftovers are removed only once they are a day old
    fcntl = None

__all__ = ["work_name", "work_folder", "lock", "unlock", "remove", "remove_left_overs"]

# Without locks, only leftovers this old are surely not a running build's.
UNLOCKED_AGE_S = 24 * 3600
MAKING_AGE_S = 3600


def work_name(out: Path, kind: str) -> Path:
    return out.parent / f".{out.name}.{kind}-{secrets.token_hex(6)}"


def work_folder(out: Path, kind: str, marker: str | None, text: str = "") -> tuple[Path, int | None]:
    """A new work folder next to `out`, marked (unless `marker` is None) and locked: (folder, the lock).

    Made with mkdir's mode, so the output gets what a plain `mkdocs build` gives (0755 under
    umask 022), not mkdtemp's 0700 that a web server running as another user cannot read.
    """
    # Made under a name no other run removes, locked and marked there, then renamed into place
    # (the lock is on the folder, so it moves with it): another build tidying up at that moment can
    # never take a folder that is still being made for a left-over.
    while True:
        making = out.parent / f".{out.name}.making-{secrets.token_hex(6)}"
        try:
            making.mkdir(0o777)
            break
        except FileExistsError:
            continue
    descriptor = lock(making)
    try:
        if marker is not None:   # an empty folder counts as ours too
            (making / marker).write_text(text)
        folder = work_name(out, kind)   # 48 random bits: no other folder has this name
        os.rename(making, folder)
        return folder, descriptor
    except BaseException:
        unlock(descriptor)
        shutil.rmtree(making, ignore_errors=True)
        raise


def lock(folder: Path, wait: bool = True) -> int | None:
    """Lock `folder` until the descriptor is closed or the process dies (even by SIGKILL), so a
    later run can tell a killed run's leftovers from a running one's work.

    Returns the descriptor, or None when the folder is locked by another process (with
    `wait=False`) or the platform has no `flock` (then nothing is locked).
    """
    if fcntl is None:
        return None
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def unlock(descriptor: int | None) -> None:
    if descriptor is not None:
        os.close(descriptor)


def remove(folder: Path, what: str = "an earlier site or a stopped build") -> str | None:
    """Remove a work folder; a warning (what is left and why) when that fails."""
    failures: list[OSError] = []
    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=lambda function, path, error: failures.append(error))
    else:
        shutil.rmtree(folder, onerror=lambda function, path, info: failures.append(info[1]))
    if not failures:
        return None
    return f"could not remove {folder}: {failures[0].strerror or failures[0]}; it holds {what}, delete it yourself"


def remove_left_overs(out: Path, kinds: tuple[str, ...], marker: str, before=None) -> list[str]:
    """Remove what killed runs left next to `out`; warnings for what cannot be removed.

    Only our work folders are touched: named like them, real folders (not links), carrying
    `marker` or empty, and not locked by a run that is still going. `before(folder)` runs first
    (e.g. to stop a process a killed run left working there).
    """
    pattern = re.compile(rf"\.{re.escape(out.name)}\.({'|'.join(kinds)}|making)-[A-Za-z0-9_]+")
    warnings = []
    try:
        names = sorted(name for name in os.listdir(out.parent) if pattern.fullmatch(name))
    except OSError:
        return []
    for name in names:
        folder = out.parent / name
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode) or not (
                    (folder / marker).is_file() or not any(folder.iterdir())):
                continue
            if fcntl is None and time.time() - os.lstat(folder).st_mtime < UNLOCKED_AGE_S:
                continue
            # One being made is locked a moment after it is made: only an old one is a killed run's.
            if ".making-" in name and time.time() - os.lstat(folder).st_mtime < MAKING_AGE_S:
                continue
            descriptor = lock(folder, wait=False)
        except OSError:
            continue
        if fcntl is not None and descriptor is None:
            continue   # a run is going on there
        try:
            if before is not None:
                before(str(folder))
            warning = remove(folder)
        finally:
            unlock(descriptor)
        if warning:
            warnings.append(warning)
    return warnings
