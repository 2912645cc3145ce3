"""Blueprints as they are at one side of a change: a git revision, a folder, or the working tree."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

from .loader import Loaded, Problem, check_across, find_files, is_blueprint_name, load_bytes, load_file
from .escape import terminal
from .project import Project, shown_path
from .yamltree import MAX_FILE_BYTES

__all__ = ["SideError", "Side", "read_side", "is_revision", "is_path_syntax", "head_of", "kind", "commit_of",
           "file_at"]

GIT_TIMEOUT = 60


class SideError(Exception):
    """A side that cannot be read (no such revision, not a git repository): one line with a hint."""


@dataclass(frozen=True)
class Side:
    """What one side of a diff holds: its label (the revision or folder as given) and its blueprints."""

    label: str
    loaded: Loaded


class GitMissing(SideError):
    """git is not installed: no name can be a revision, so only folders can be compared."""


def _git(project: Project, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", project.root, *args], input=data, capture_output=True,
                              timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise GitMissing("git is not installed (hint: install git, or compare two folders instead of "
                         "revisions)") from None
    except subprocess.TimeoutExpired:
        raise SideError(f"git {args[0]} took longer than {GIT_TIMEOUT} s (hint: try again; "
                        "or compare two folders)") from None


def is_path_syntax(spec: str) -> bool:
    """Whether `spec` is written as a path, and so is never a revision: `.`, `..`, `./NAME`,
    `../NAME`, an absolute path, or a name ending in `/` (git refuses all of these as ref names)."""
    seps = ("/", os.sep)
    return (spec in (os.curdir, os.pardir) or os.path.isabs(spec) or spec.endswith(seps)
            or spec.startswith(tuple(start + sep for start in (os.curdir, os.pardir) for sep in seps)))


def _in_git(project: Project) -> bool:
    return os.path.exists(os.path.join(project.root, ".git"))


def is_revision(project: Project, spec: str) -> bool:
    """Whether `spec` names a commit in the project's repository (`A...B`: where B left A)."""
    return _commit(project, spec) is not None


# `git rev-parse --end-of-options` came in git 2.30. An older git takes it for an unknown option and
# resolves nothing, which would make every revision name fall back to a folder of that name.
GIT_MINIMUM = (2, 30)
_git_checked: set[str] = set()


def _check_git_version(project: Project) -> None:
    """Refuse (fail closed) a git too old to resolve names safely; asked once per process."""
    if "ok" in _git_checked:
        return
    found = _git(project, "version")
    text = found.stdout.decode("ascii", "replace").strip()
    match = re.search(r"(\d+)\.(\d+)", text)
    if match is None or (int(match[1]), int(match[2])) < GIT_MINIMUM:
        raise SideError(f"{text or 'git'} is too old to compare revisions safely: blueprintgen needs git "
                        f"{GIT_MINIMUM[0]}.{GIT_MINIMUM[1]} or later (hint: update git, or compare two folders, "
                        "written as ./NAME)")
    _git_checked.add("ok")


def _verify(project: Project, name: str) -> str | None:
    """The commit `name` resolves to, as git resolves it; never an option, never a path."""
    _check_git_version(project)
    found = _git(project, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}")
    commit = found.stdout.decode("ascii", "replace").strip()
    return commit if found.returncode == 0 and commit else None


def _commit(project: Project, spec: str) -> str | None:
    """The commit `spec` names, or None. `A...B` is their merge base, as in `git diff A...B`:
    what B changed since it left A, without what A did since (B defaults to HEAD). A spec written
    as a path (`./HEAD`, `HEAD/`) is never a revision; any other name git resolves to a commit is
    one, whatever files or folders of that name exist here."""
    if is_path_syntax(spec) or not _in_git(project):
        return None
    if "..." in spec:
        first, _, second = spec.partition("...")
        ends = [_verify(project, name or "HEAD") for name in (first, second)]
        if None in ends:
            return None
        found = _git(project, "merge-base", "--end-of-options", *ends)
        commit = found.stdout.decode("ascii", "replace").strip()
        return commit if found.returncode == 0 and commit else None
    return _verify(project, spec)


def commit_of(project: Project, spec: str) -> str | None:
    """The commit a revision names (`A...B`: their merge base), or None when `spec` is not one."""
    try:
        return _commit(project, spec)
    except GitMissing:
        return None


def file_at(project: Project, commit: str, path: str) -> bytes | None:
    """The bytes of `path` (relative to the repository root) in `commit`; None when it is not a file
    there. A file over the blueprint size limit is sized first and never read (SideError)."""
    listed = _git(project, "ls-tree", "-z", "--full-tree", commit, "--", path)
    entry = listed.stdout.split(b"\0")[0] if listed.returncode == 0 else b""
    meta, _, name = entry.partition(b"\t")
    parts = meta.decode("ascii", "replace").split()
    if len(parts) != 3 or parts[1] != "blob" or parts[0] not in ("100644", "100755") or not name:
        return None
    [size] = _blob_sizes(project, [parts[2]])
    if size is None or size > MAX_FILE_BYTES:
        raise SideError(f"the file '{terminal(path)}' of {commit[:12]} is larger than {MAX_FILE_BYTES // 1024} KiB "
                        "or missing (hint: mkdocs.yml and pyproject.toml hold settings only)")
    return _read_blobs(project, commit, [(path, parts[2])])[0]


def head_of(spec: str) -> str | None:
    """The head side `A...B` implies, as `git diff A...B` compares: B (HEAD when left out); else None."""
    if "..." not in spec or is_path_syntax(spec):
        return None
    return spec.partition("...")[2] or "HEAD"


def kind(project: Project, spec: str) -> str | None:
    """"revision" when git resolves `spec` to a commit (whatever files or folders exist of that
    name), else "folder" when it is a folder here, else None."""
    try:
        if _commit(project, spec) is not None:
            return "revision"
    except GitMissing:
        pass
    return "folder" if os.path.isdir(spec) else None


def in_revision(project: Project, spec: str, path: str) -> bool:
    """Whether `path` (relative to the current folder) names something in the tree of revision `spec`."""
    commit = _commit(project, spec)
    relative = os.path.relpath(os.path.abspath(path), project.root).replace(os.sep, "/")
    if commit is None or relative.startswith(".."):
        return False
    listed = _git(project, "ls-tree", "-z", "--name-only", "--full-tree", commit, "--", relative)
    return listed.returncode == 0 and bool(listed.stdout.strip(b"\0"))


def read_side(spec: str | None, paths: list[str], project: Project) -> Side:
    """Load the blueprints of one side: None is the working tree; a name git resolves to a commit
    is that revision, whatever files or folders of that name exist here (so a pull request that
    adds a folder `HEAD/` cannot choose what is compared); otherwise a folder is read as it is.
    `./NAME`, `/NAME` and `NAME/` are always folders. `paths` (absolute, or relative to the current
    folder) say where the blueprints are; for a folder side they are ignored (the folder is where
    they are).
    """
    if spec is None:
        return Side("working tree", _load_files(paths, project))
    try:
        commit = _commit(project, spec)
    except GitMissing:
        if not os.path.isdir(spec):
            raise
        commit = None
    if commit is not None:
        return Side(spec, _load_revision(commit, paths, project))
    if os.path.isdir(spec):
        return Side(spec, _load_files([spec], project))
    if is_path_syntax(spec):
        raise SideError(f"'{spec}' is not a folder (hint: a name written as a path, starting with ./ or / "
                        "or ending in /, is always a folder; leave that out for a revision)")
    if not _in_git(project):
        raise SideError(f"'{spec}' is not a folder, and {project.root} is not a git repository, so it cannot be a "
                        "revision (hint: give two folders, or run inside a git repository)")
    raise SideError(f"unknown revision '{spec}': no commit, branch or tag of that name in {project.root} "
                    "(hint: check the name with `git log --oneline`; in CI, fetch the base branch first, "
                    "e.g. actions/checkout with fetch-depth: 0)")


def _load_files(paths: list[str], project: Project) -> Loaded:
    files, problems = find_files(paths)
    problems = [Problem(shown_path(p.file, project.root), p.line, p.column, p.message, p.hint) for p in problems]
    blueprints = []
    for path in files:
        loaded = load_file(path, shown_path(path, project.root))
        blueprints.extend(loaded.blueprints)
        problems.extend(loaded.problems)
    return _checked(blueprints, problems)


def _checked(blueprints: list, problems: list[Problem]) -> Loaded:
    problems = problems + check_across(blueprints)
    invalid = {problem.file for problem in problems}
    return Loaded(tuple(b for b in blueprints if b.file not in invalid), tuple(sorted(problems)))


def _load_revision(revision: str, paths: list[str], project: Project) -> Loaded:
    """Every blueprint file under `paths` in the tree of `revision`, read through git (no checkout)."""
    specs = []
    for path in paths:
        relative = os.path.relpath(os.path.abspath(path), project.root)
        if relative.startswith(os.pardir):
            raise SideError(f"'{path}' is outside the repository {project.root} (hint: give paths inside it)")
        specs.append(relative.replace(os.sep, "/"))
    listed = _git(project, "ls-tree", "-r", "-z", "--full-tree", revision, "--", *specs)
    if listed.returncode != 0:
        raise SideError(f"cannot list the files of '{revision}': {listed.stderr.decode(errors='replace').strip()}")
    blobs, links = [], _folders_not_read(project, revision, specs)
    for entry in listed.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        path = name.decode("utf-8", "surrogateescape")
        if kind == "commit" and is_blueprint_name(path):
            links.append(Problem(path, 1, 1, f"in {revision[:12]} this is a submodule, whose blueprints cannot "
                                 "be compared", "keep blueprints in the repository itself"))
        hidden = any(part.startswith(".") for part in path.split("/"))
        # Regular files only: a symlink's blob is its target's name, not a blueprint.
        if kind == "blob" and mode in ("100644", "100755") and is_blueprint_name(path) and not hidden:
            blobs.append((path, sha))
        elif kind == "blob" and mode == "120000" and is_blueprint_name(path) and not hidden:
            # Said, not skipped: a skipped file would read as a blueprint removed, its breaks as fixed.
            links.append(Problem(path, 1, 1, f"in {revision[:12]} this is a symbolic link, which cannot be "
                                 "compared at a revision", "replace the link with the blueprint file itself"))
    blueprints, problems = [], links
    sizes = _blob_sizes(project, [sha for _, sha in blobs])
    for (path, sha), size in zip(blobs, sizes):
        if size is None:
            raise SideError(f"the file '{terminal(path)}' of {revision[:12]} (blob {sha[:12]}) is missing from "
                            "the repository (hint: fetch the whole history, e.g. `git fetch --unshallow` or "
                            "`git fetch --refetch`, and check it with `git fsck`)")
    small = []
    for (path, sha), size in zip(blobs, sizes):
        if size > MAX_FILE_BYTES:   # said, and never read: a blob of any size costs nothing here
            problems.append(Problem(path, 1, 1, f"the file is larger than {MAX_FILE_BYTES // 1024} KiB",
                                    "split the journey into several blueprints"))
        else:
            small.append((path, sha))
    for (path, _), data in zip(small, _read_blobs(project, revision, small)):
        loaded = load_bytes(data, path, path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        blueprints.extend(loaded.blueprints)
        problems.extend(loaded.problems)
    return _checked(blueprints, problems)


def _folders_not_read(project: Project, revision: str, specs: list[str]) -> list[Problem]:
    """The given paths that are, in `revision`, a symbolic link or a submodule: said, never read as
    empty (an empty folder would read as every blueprint removed, and its breaks as fixed)."""
    if not specs:
        return []
    listed = _git(project, "ls-tree", "-z", "--full-tree", revision, "--", *specs)
    problems = []
    for entry in listed.stdout.split(b"\0") if listed.returncode == 0 else []:
        meta, _, name = entry.partition(b"\t")
        parts = meta.decode("ascii", "replace").split()
        path = name.decode("utf-8", "surrogateescape")
        if len(parts) == 3 and path in specs and (parts[0] == "120000" or parts[1] == "commit"):
            what = "a symbolic link" if parts[0] == "120000" else "a submodule"
            problems.append(Problem(path, 1, 1, f"in {revision[:12]} the blueprint folder is {what}, whose "
                                    "blueprints cannot be compared at a revision",
                                    "keep the blueprints in a real folder of the repository"))
    return problems


def _blob_sizes(project: Project, shas: list[str]) -> list[int | None]:
    """The size of each of `shas` (None: missing), from `git cat-file --batch-check`: no blob is read."""
    if not shas:
        return []
    completed = _git(project, "cat-file", "--batch-check", data=("\n".join(shas) + "\n").encode())
    lines = completed.stdout.decode("ascii", "replace").splitlines()
    if completed.returncode != 0 or len(lines) != len(shas):
        said = completed.stderr.decode(errors="replace").strip()
        if "promisor remote" in said:   # a partial (blobless) clone whose remote cannot be reached now
            raise SideError("the files of this revision are not in this partial clone, and its remote cannot be "
                            f"reached to fetch them: {said.splitlines()[-1]} (hint: fetch them while the remote is "
                            "reachable, or clone without --filter; in CI, actions/checkout with fetch-depth: 0)")
        raise SideError(f"cannot read the sizes of the files from git: {said or 'no answer'} (hint: check the "
                        "repository with `git fsck`)")
    sizes = []
    for line in lines:
        parts = line.split()
        sizes.append(int(parts[2]) if len(parts) == 3 and parts[1] == "blob" and parts[2].isdigit() else None)
    return sizes


def _read_blobs(project: Project, revision: str, blobs: list[tuple[str, str]]) -> list[bytes]:
    """The contents of `blobs` ((path, sha), each already known to be at most MAX_FILE_BYTES), in one
    `git cat-file --batch` run."""
    if not blobs:
        return []
    completed = _git(project, "cat-file", "--batch", data=("\n".join(sha for _, sha in blobs) + "\n").encode())
    out, contents, at = completed.stdout, [], 0
    for path, sha in blobs:
        header_end = out.find(b"\n", at)
        header = out[at:header_end].split() if header_end >= 0 else []
        size = int(header[2]) if len(header) == 3 and header[2].isdigit() else -1
        if not 0 <= size <= MAX_FILE_BYTES or header_end + 1 + size > len(out):
            raise SideError(f"cannot read the file '{terminal(path)}' of {revision[:12]} (blob {sha[:12]}) from git "
                            "(hint: check the repository with `git fsck`)")
        contents.append(out[header_end + 1:header_end + 1 + size])
        at = header_end + 1 + size + 1
    return contents
