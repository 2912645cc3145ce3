"""A revision's own settings: its mkdocs.yml or pyproject.toml (and what they INHERIT), read from git objects."""

from __future__ import annotations

import os
import shutil
import tempfile

from .config import ConfigError, load_settings
from .project import Project
from .revisions import file_at
from .settings import Settings

__all__ = ["settings_at", "CONFIG_NAMES"]

CONFIG_NAMES = ("mkdocs.yml", "pyproject.toml")
# An INHERIT chain longer than this is not a project's settings.
MAX_INHERITS = 20


def settings_at(project: Project, commit: str, config_file: str | None = None) -> Settings:
    """The settings the project had at `commit`, read as `check` reads them in a checkout of it.

    The configuration files are written from git objects into a private temporary folder laid out
    like the repository (nothing of the working tree is read), and loaded there; the folders the
    settings name are then put back under the real repository root. ConfigError as for the working tree.
    """
    work = tempfile.mkdtemp(prefix="blueprintgen-settings-")
    try:
        folder = os.path.join(work, _relative(project.folder, project.root))
        os.makedirs(folder, exist_ok=True)
        names = [_relative(os.path.abspath(config_file), project.root)] if config_file else \
            [_relative(os.path.join(project.folder, name), project.root) for name in CONFIG_NAMES]
        for name in names:
            _copy(project, commit, name, work)
        _follow_inherits(project, commit, work, names[0])
        there = Project(folder, work, *[_present(work, _relative(os.path.join(project.folder, name), project.root))
                                         for name in CONFIG_NAMES])
        chosen = _present(work, names[0]) if config_file else None
        if config_file and chosen is None:
            return _moved(Settings(), folder, work, project.root)
        settings, _ = load_settings(chosen, None if config_file else there)
        return _moved(settings, folder, work, project.root)
    except ConfigError as error:   # positions in the files as they are in the revision
        raise ConfigError([type(p)(_outside(p.file, work, commit), p.line, p.column, p.message, p.hint)
                           for p in error.problems]) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _relative(path: str, root: str) -> str:
    return os.path.relpath(os.path.abspath(path), root)


def _present(work: str, name: str) -> str | None:
    path = os.path.join(work, name)
    return path if os.path.isfile(path) else None


def _copy(project: Project, commit: str, name: str, work: str) -> bool:
    """Write `name` (relative to the root) as it is in `commit` into `work`; False when it is not there."""
    if name.startswith(os.pardir):
        return False
    data = file_at(project, commit, name.replace(os.sep, "/"))
    if data is None:
        return False
    target = os.path.join(work, name)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(data)
    return True


def _follow_inherits(project: Project, commit: str, work: str, first: str) -> None:
    """Bring in the files an mkdocs.yml INHERITs, from the same commit (the loader reports what is wrong)."""
    from .config import inherited_file

    name = first
    for _ in range(MAX_INHERITS):
        path = _present(work, name)
        if path is None or not path.endswith((".yml", ".yaml")):
            return
        parent = inherited_file(path)
        if parent is None:
            return
        name = _relative(parent, work)
        if os.path.exists(parent) or not _copy(project, commit, name, work):
            return


def _moved(settings: Settings, folder: str, work: str, root: str) -> Settings:
    """Settings whose folders point into `work` made to point at the same places under `root`."""
    from dataclasses import replace

    def back(path):
        if not path:
            return path
        relative = os.path.relpath(os.path.abspath(os.path.join(folder, path)), work)
        return os.path.normpath(os.path.join(root, relative))

    return replace(settings, blueprints_dir=back(settings.blueprints_dir),
                   baseline=back(settings.baseline) if settings.baseline else settings.baseline)


def _outside(file: str, work: str, commit: str) -> str:
    """A configuration file's name as the user knows it: `<short sha>:path`."""
    relative = os.path.relpath(file, work) if os.path.isabs(file) and file.startswith(work) else file
    return f"{commit[:12]}:{relative.replace(os.sep, '/')}"
