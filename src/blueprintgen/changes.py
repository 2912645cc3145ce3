"""What a change does, read from each side with that side's own settings: the diff document `diff` prints."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from .project import Project, shown_path
from .settings import Settings

__all__ = ["SideSpec", "diff_document", "setting_changes"]


@dataclass(frozen=True)
class SideSpec:
    """One side as given: a revision, a folder, or None for the working tree; and its commit."""

    spec: str | None
    commit: str | None


def diff_document(project: Project, base: SideSpec, head: SideSpec, paths: list[str], config_file: str | None,
                  current: Settings, fail_on: str | None, scope: str | None) -> dict:
    """Compare the two sides. A revision is read with the settings it had (its own mkdocs.yml or
    pyproject.toml), the working tree and folders with today's; `paths` (given by the user) are
    read on both sides, else each side's own blueprint folder.

    Head's blueprints are also judged by base's settings, where base's settings look: a pull
    request that changes the settings cannot hide what they would find, nor pass the gate that way.
    """
    from .analysis import analyse
    from .diff import compare
    from .gate import gate_from_settings
    from .revisions import read_side

    settings = [_settings_of(project, side, config_file, current) for side in (base, head)]
    folders = [list(paths) if paths else [s.blueprints_dir] for s in settings]
    sides = [read_side(side.spec, where, project) for side, where in zip((base, head), folders)]
    analysed = [[analyse(b, s) for b in side.loaded.blueprints] for side, s in zip(sides, settings)]
    changes = setting_changes(settings[0], settings[1], project)
    rechecked = None
    if changes:
        again = read_side(head.spec, folders[0], project) if folders[0] != folders[1] else sides[1]
        rechecked = [analyse(b, settings[0]) for b in again.loaded.blueprints]
    gates = [gate_from_settings(s, fail_on=fail_on, scope=scope) for s in settings]
    document = compare(analysed[0], list(sides[0].loaded.problems), analysed[1], list(sides[1].loaded.problems),
                       gates[1], (sides[0].label, sides[1].label), rechecked=rechecked, base_gate=gates[0],
                       settings=changes, renames=_renames(project, base, head))
    # The commits the names stood for, so a reviewer sees the branch and where it was.
    return {**document, "base_commit": base.commit, "head_commit": head.commit}


def _settings_of(project: Project, side: SideSpec, config_file: str | None, current: Settings) -> Settings:
    if side.commit is None:
        return current
    from .revision_settings import settings_at

    return settings_at(project, side.commit, config_file)


# The settings that change what is found or what fails; dot_timeout changes neither.
_WATCHED = ("blueprints_dir", "fail_on", "gate", "baseline")


def setting_changes(before: Settings, after: Settings, project: Project) -> list[dict]:
    """Each setting that differs between two sides and changes what is gated or found, in a fixed order."""
    changes = []
    for name in _WATCHED:
        old, new = getattr(before, name), getattr(after, name)
        if name in ("blueprints_dir", "baseline"):
            old, new = (shown_path(value, project.root) if value else None for value in (old, new))
        if old != new:
            changes.append({"setting": name, "before": old, "after": new})
    for group in ("severities", "rule_options"):
        old, new = getattr(before, group), getattr(after, group)
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                name = f"severities.{key}" if group == "severities" else key
                changes.append({"setting": name, "before": _plain(old.get(key)), "after": _plain(new.get(key))})
    return changes


def _plain(value):
    """A setting's value as JSON can hold it (a duration as its text)."""
    return value if value is None or isinstance(value, (str, int, float, bool)) else getattr(value, "text", str(value))


def _renames(project: Project, base: SideSpec, head: SideSpec) -> dict[str, str]:
    """Files git sees renamed between the sides (paths from the repository root), for blueprints whose id
    changed with their file name. Empty when either side is a folder, or git cannot tell."""
    if base.commit is None or (head.spec is not None and head.commit is None):
        return {}
    command = ["git", "-C", project.root, "diff", "-z", "--name-status", "-M", "--no-ext-diff", "--end-of-options",
               base.commit, *([head.commit] if head.commit else []), "--"]
    try:
        listed = subprocess.run(command, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if listed.returncode != 0:
        return {}
    fields = listed.stdout.split(b"\0")
    renames, at = {}, 0
    while at < len(fields) and fields[at]:
        status = fields[at].decode("ascii", "replace")
        if status.startswith(("R", "C")):
            old, new = (os.fsdecode(name) for name in fields[at + 1:at + 3])
            if status.startswith("R"):
                renames[old] = new
            at += 3
        else:
            at += 2
    return renames
