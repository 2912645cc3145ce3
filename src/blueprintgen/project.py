"""Where the project and the repository are, found upward from the current folder; and paths as shown."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

__all__ = ["Project", "find_project", "shown_path", "tracked_by_git"]

# What marks a project's folder, as ruff and pre-commit look for it: its own settings first.
PROJECT_MARKERS = ("mkdocs.yml", "pyproject.toml", ".git")


@dataclass(frozen=True)
class Project:
    """The project folder (settings live there) and the root every reported path is relative to.

    `root` is the git top level when the project is inside a git work tree, else the project
    folder: a monorepo's subfolder project still reports `team/blueprints/x.yaml`, as code
    scanning and pull-request annotations expect.
    """

    folder: str
    root: str
    config_file: str | None      # mkdocs.yml of the project, when there is one
    pyproject: str | None        # pyproject.toml of the project, when there is one


def find_project(start: str | None = None, paths=()) -> Project:
    """The nearest folder at or above `start` (default: the current folder) with a project marker.

    When a command is given `paths`, the project is looked for upward from the first of them
    instead (`cd parent && blueprintgen check repo/blueprints` uses repo's settings), so paths are
    reported from that project's repository root wherever the command runs from.
    """
    here = os.path.abspath(start or os.getcwd())
    given = [p for p in paths if p != "-"]
    if given:
        # As ruff does: the settings nearest the files checked, wherever the command runs from.
        first = os.path.abspath(given[0])
        here = first if os.path.isdir(first) else os.path.dirname(first)
    folder = _upward(here, lambda d: any(os.path.exists(os.path.join(d, m)) for m in PROJECT_MARKERS)) or here
    root = _root_of(here)
    config = os.path.join(folder, "mkdocs.yml")
    pyproject = os.path.join(folder, "pyproject.toml")
    return Project(folder, root, config if os.path.isfile(config) else None,
                   pyproject if os.path.isfile(pyproject) else None)


def _root_of(start: str) -> str:
    folder = _upward(start, lambda d: any(os.path.exists(os.path.join(d, m)) for m in PROJECT_MARKERS)) or start
    return _upward(folder, lambda d: os.path.exists(os.path.join(d, ".git"))) or folder


def _within(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def _upward(start: str, found) -> str | None:
    folder = start
    while True:
        if found(folder):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def shown_path(path: str, root: str) -> str:
    """`path` as reported: relative to `root` with forward slashes when inside it, else absolute."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root)
    if relative == os.curdir or relative.startswith(os.pardir + os.sep) or relative == os.pardir:
        return absolute if relative != os.curdir else "."
    return relative.replace(os.sep, "/")


def tracked_by_git(path: str) -> bool:
    """Whether the git repository around `path` tracks it or anything under it (False outside git,
    or without git): what a repository commits is the repository's, not this machine's."""
    folder, name = os.path.split(os.path.abspath(path))
    try:
        listed = subprocess.run(["git", "-C", folder, "ls-files", "-z", "--", name or "."], capture_output=True,
                                timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return listed.returncode == 0 and bool(listed.stdout)
