"""The tool's own cache folder: used only when it is surely ours, and never followed through a link.

A cache is read back into the published site, so a folder someone else can write to, or one
a repository committed, would let them put pages or diagrams (with script) into it; and the
cache's clean-up deletes, so a folder that is a link would let a clone delete outside itself.
Such a folder is not used: the build says so once, and goes on without a cache.
"""

from __future__ import annotations

import logging
import os
import stat

from ...project import tracked_by_git

__all__ = ["CACHE_DIR", "cache_folder"]

CACHE_DIR = os.path.join(".cache", "blueprintgen")

log = logging.getLogger("blueprintgen.cache")
_warned: set[str] = set()
_tracked: dict[tuple[str, int], bool] = {}


def cache_folder(*parts: str, root: str = CACHE_DIR) -> str | None:
    """`root/parts…` (relative to the current folder), made where missing; None when it is not ours.

    Every folder from `.cache` down must be a real folder (not a link) owned by the user running
    us and writable by nobody else, and the repository must not track anything in it.
    """
    path = ""
    for part in [*root.split(os.sep), *parts]:
        path = os.path.join(path, part) if path else part
        problem = _not_ours(path)
        if problem:
            _warn(f"the cache folder {path} is not used: {problem}; the build goes on without a cache "
                  f"(hint: delete {path} and build again; it is made anew)")
            return None
    tracked = _tracked_by_git(root)
    if tracked:
        _warn(f"the cache folder {root} is not used: the repository tracks files in it, and a cache is only "
              f"what this machine made (hint: `git rm -r --cached {root}`, and keep `.cache/` in .gitignore)")
        return None
    return path


def _not_ours(path: str) -> str | None:
    """What makes `path` not a folder of ours (making it when missing), or None."""
    try:
        os.mkdir(path, 0o755)
    except FileExistsError:
        pass
    except OSError as error:
        return f"it cannot be made ({error.strerror or error})"
    try:
        info = os.lstat(path)
    except OSError as error:
        return f"it cannot be read ({error.strerror or error})"
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return f"it belongs to another user (uid {info.st_uid})"
    # Group-writable is fine for a user's own private group (umask 002 systems); others never.
    if info.st_mode & stat.S_IWOTH or (info.st_mode & stat.S_IWGRP and hasattr(os, "getegid")
                                       and info.st_gid != os.getegid()):
        return "other users can write to it"
    return None


def _tracked_by_git(folder: str) -> bool:
    """project.tracked_by_git, asked once per folder and process (a live preview builds again and again)."""
    try:
        key = (os.path.abspath(folder), os.lstat(folder).st_ino)
    except OSError:
        return False
    if key not in _tracked:
        _tracked[key] = tracked_by_git(folder)
    return _tracked[key]


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning(f"warning: {message}")
