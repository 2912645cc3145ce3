"""HEAD's first-parent history as git keeps it: each commit's date and the files it changed, read in one run of git."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .blueprint_files import is_blueprint_name
from .project import Project
# The same git runner, version check and blob reading as `diff` (one `git cat-file` run per batch).
from .revisions import SideError, _blob_sizes, _check_git_version, _git, _read_blobs

__all__ = ["NeedsHistory", "NOT_GIT", "SHALLOW", "NO_COMMIT", "UNREADABLE", "Commit", "first_parent_commits", "tags_on", "read_blobs", "SETTINGS_SUFFIXES"]

# The files a revision's settings are read from (mkdocs.yml and what it INHERITs, pyproject.toml).
SETTINGS_SUFFIXES = (".toml",)
# A regular file's modes in a tree; a link or a submodule is never a blueprint.
REGULAR = ("100644", "100755")
# Why there is no history, as NeedsHistory.reason: the site says what to do without naming local paths.
NOT_GIT, SHALLOW, NO_COMMIT, UNREADABLE = "not-git", "shallow", "no-commit", "unreadable"


class NeedsHistory(SideError):
    """No history to read: not a git repository, a shallow clone or no commit yet. One line saying what is
    needed (for the terminal), and the reason, one of the four above (for the site)."""

    def __init__(self, message: str, reason: str = "unreadable"):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Commit:
    """One commit of the first-parent history: its id, its committer date as recorded (ISO 8601, the
    committer's own offset), and the blueprint and settings files it changed from its first parent
    (path, blob id; None where the file went or stopped being a regular file)."""

    sha: str
    date: str
    changes: tuple[tuple[str, str | None], ...]


def _kept(path: str) -> bool:
    """Whether history follows this file: a possible blueprint or settings file."""
    return is_blueprint_name(path) or path.endswith(SETTINGS_SUFFIXES)


def _check_history(project: Project) -> None:
    """NeedsHistory unless `project` is in a git work tree with the whole history of HEAD."""
    if not os.path.exists(os.path.join(project.root, ".git")):
        raise NeedsHistory(f"{project.root} is not a git repository, so it has no history to read (hint: trends "
                           "need the blueprints in a git repository: run inside a clone of the one that has them, or "
                           "`git init` and commit them)", NOT_GIT)
    _check_git_version(project)
    shallow = _git(project, "rev-parse", "--is-shallow-repository")
    if shallow.returncode != 0:
        raise NeedsHistory(f"git cannot read the repository at {project.root}: "
                           f"{shallow.stderr.decode(errors='replace').strip() or 'no answer'}", UNREADABLE)
    if shallow.stdout.strip() == b"true":
        raise NeedsHistory("this is a shallow clone, without the history trends are read from (hint: "
                           "`git fetch --unshallow`; in CI, actions/checkout with fetch-depth: 0)", SHALLOW)
    if _git(project, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").returncode != 0:
        raise NeedsHistory(f"the repository at {project.root} has no commit yet: trends start with the first commit",
                           NO_COMMIT)


def first_parent_commits(project: Project, head: str = "HEAD") -> list[Commit]:
    """Every commit on the first-parent history of `head`, oldest first, with the files it changed.

    One `git log --raw` run: a merge is compared with its first parent (what the branch it landed on
    saw change), so applying the changes in order gives each commit's files without listing its tree.
    """
    _check_history(project)
    found = _git(project, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{head}^{{commit}}")
    if found.returncode != 0 or not found.stdout.strip():
        raise SideError(f"unknown revision '{head}': no commit, branch or tag of that name in {project.root} "
                        "(hint: check the name with `git log --oneline`)")
    head = found.stdout.decode("ascii", "replace").strip()
    listed = _git(project, "log", "--first-parent", "--reverse", "--root", "-m", "--raw", "-z", "--no-renames",
                  "--no-abbrev", "--format=%x01%H %cI", "--end-of-options", head, "--")
    if listed.returncode != 0:
        raise SideError(f"cannot read the history of '{head}': {listed.stderr.decode(errors='replace').strip()}")
    commits: list[Commit] = []
    sha = date = None
    changes: list[tuple[str, str | None]] = []
    meta = None
    for token in listed.stdout.split(b"\0"):
        if meta is not None:   # the path after a change's modes and blobs, byte for byte
            path = os.fsdecode(token)
            if _kept(path):
                changes.append((path, meta))
            meta = None
            continue
        token = token.lstrip(b"\n")
        if token.startswith(b"\x01"):
            if sha is not None:
                commits.append(Commit(sha, date, tuple(changes)))
            sha, _, date = token[1:].decode("ascii", "replace").partition(" ")
            changes = []
        elif token.startswith(b":"):
            # ":old_mode new_mode old_blob new_blob status"
            parts = token[1:].decode("ascii", "replace").split()
            meta = parts[3] if len(parts) >= 5 and parts[1] in REGULAR and parts[4] != "D" else ""
    if sha is not None:
        commits.append(Commit(sha, date, tuple(changes)))
    return [Commit(c.sha, c.date, tuple((path, blob or None) for path, blob in c.changes)) for c in commits]


def tags_on(project: Project, commits: list[Commit]) -> list[tuple[str, int]]:
    """(tag, index in `commits`) of every tag whose commit is on that history, oldest commit first, then by name."""
    listed = _git(project, "for-each-ref", "--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)",
                  "refs/tags")
    if listed.returncode != 0:
        raise SideError(f"cannot list the tags: {listed.stderr.decode(errors='replace').strip()}")
    where = {commit.sha: index for index, commit in enumerate(commits)}
    found = []
    for line in listed.stdout.decode("utf-8", "replace").splitlines():
        name, _, rest = line.partition("\0")
        target, _, peeled = rest.partition("\0")
        index = where.get(peeled or target)
        if index is not None:
            found.append((index, name))
    return [(name, index) for index, name in sorted(found)]


def read_blobs(project: Project, blobs: list[tuple[str, str]], limit: int) -> list[bytes | None]:
    """The contents of `blobs` ((path, blob id)); None for one over `limit` bytes (never read).
    Sizes in one `git cat-file --batch-check` run, contents in one `git cat-file --batch` run."""
    sizes = _blob_sizes(project, [blob for _, blob in blobs])
    for (path, blob), size in zip(blobs, sizes):
        if size is None:
            raise SideError(f"the file '{path}' (blob {blob[:12]}) is missing from the repository (hint: fetch the "
                            "whole history, e.g. `git fetch --unshallow`, and check it with `git fsck`)")
    small = [entry for entry, size in zip(blobs, sizes) if size <= limit]
    contents = iter(_read_blobs(project, "history", small))
    return [next(contents) if size <= limit else None for size in sizes]
