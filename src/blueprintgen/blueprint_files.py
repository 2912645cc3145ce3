"""Finding the blueprint files under the paths given: folders searched, symbolic links kept inside them."""

from __future__ import annotations

import errno
import os

from .problems import Problem

__all__ = ["BLUEPRINT_SUFFIXES", "is_blueprint_name", "find_files", "as_pathlib_writes"]

BLUEPRINT_SUFFIXES = (".yaml", ".yml")


def is_blueprint_name(name: str) -> bool:
    """A blueprint file's name: .yaml or .yml in any case (`REFUND.YAML` is saved so on Windows)."""
    return name.lower().endswith(BLUEPRINT_SUFFIXES)


def find_files(paths: list[str]) -> tuple[list[str], list[Problem]]:
    """Blueprint files under `paths`, sorted; folders are searched recursively.

    Symbolic links are followed only while they stay inside the folder given;
    loops and links that leave it are reported, never followed.
    """
    files: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        if os.path.isdir(path) and not is_blueprint_name(str(path)):
            try:
                root = os.path.realpath(path)
            except OSError as error:   # /proc/1: a link on the way cannot be read
                problems.append(_unreadable(str(path), error))
                continue
            _walk(as_pathlib_writes(path), root, files, problems, set())
        elif os.path.islink(path) and not os.path.exists(path):
            problems.append(_link_problem(path))
        else:
            files.append(path)
    return sorted(dict.fromkeys(files)), problems


def _link_problem(path: str) -> Problem:
    try:
        os.stat(path)
        message = "the symbolic link points outside the blueprint folder"
    except OSError as error:
        looped = error.errno == errno.ELOOP
        message = "the symbolic link loops back on itself" if looped else "the symbolic link is broken"
    return Problem(str(path), 1, 1, message, "replace the link with the blueprint file itself")


def as_pathlib_writes(path: str) -> str:
    """`path` as str(pathlib.Path(path)) writes it, without importing pathlib (slow for `check`).

    File names are reported as found, so they must not change: no empty or `.` parts, no
    trailing separator, `..` kept, and POSIX's two leading slashes kept.
    """
    if os.sep != "/":
        from pathlib import Path

        return str(Path(path))
    root = "//" if path.startswith("//") and not path.startswith("///") else "/" if path.startswith("/") else ""
    return root + "/".join(part for part in path.split("/") if part and part != ".") or "."


def _unreadable(folder: str, error: OSError) -> Problem:
    return Problem(folder, 1, 1, f"cannot read the folder: {error.strerror or error}",
                   "make it readable (`chmod a+rx`), or move it out of the blueprint folder")


def _walk(top: str, root: str, files: list[str], problems: list[Problem], seen: set[str]) -> None:
    """Depth first, in name order, with a stack of its own: folders nested thousands deep are no
    recursion limit."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            real = os.path.realpath(folder)
            if real in seen:
                continue
            seen.add(real)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:   # e.g. mode 000 or 311: report it, and go on with the other folders
            problems.append(_unreadable(str(folder), error))
            continue
        below = []
        for entry in entries:
            path = entry.name if folder == "." else os.path.join(folder, entry.name)   # as pathlib joins
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(path)
                    if not os.path.exists(path) or not _inside(target, root):
                        if is_blueprint_name(entry.name) or not os.path.exists(path) or os.path.isdir(path):
                            problems.append(_link_problem(str(path)))
                        continue
                is_dir = entry.is_dir()
            except OSError as error:
                problems.append(_unreadable(str(path), error))
                continue
            if is_dir:
                below.append(path)
            elif is_blueprint_name(entry.name):
                files.append(str(path))
        stack.extend(reversed(below))   # the first folder is searched next, as a recursive walk would


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root + os.sep)
