"""Blueprint files -> model, collecting every positioned problem instead of stopping at the first."""

from __future__ import annotations

import os
import stat

# The front door: the rest of blueprintgen imports from here. Finding files (blueprint_files), reading
# one value (fields), the steps (steps) and the checks across files (across) each have their own module.
from .across import check_across
from .blueprint_files import BLUEPRINT_SUFFIXES, as_pathlib_writes, find_files, is_blueprint_name
from .fields import DURATION_HINT, MAX_MINUTES, MINUTES, Reader, References, kind_name, reference
from .gcpause import paused_gc
from .model import (ID_PATTERN, KEY_PATTERN, LEVELS, RESERVED_IDS, Blueprint, Channel, Ignore, Opportunity, Owner,
                    Persona, Position)
from .problems import Loaded, Problem, did_you_mean
from .rules import RULE_BY_SLUG
from .schema import OBJECTS
from .steps import read_steps
from .yamltree import MAX_FILE_BYTES, Mapping, Node, Scalar, Sequence, decode, read_tree, shown

__all__ = ["Problem", "Loaded", "did_you_mean", "find_files", "is_blueprint_name", "load_bytes", "load_file",
           "load_paths", "check_across", "redesigned_nearby", "read_file", "default_id",
           # constants read elsewhere (configuration, tests) under their loader names
           "BLUEPRINT_SUFFIXES", "DURATION_HINT", "MAX_MINUTES", "MINUTES", "RESERVED_IDS"]

# Names Windows keeps for devices: a site folder `blueprints/con/` could not be checked out there.
WINDOWS_DEVICE_IDS = frozenset({"con", "nul", "aux", "prn",
                                *(f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10))})
# Past this many problems in one file the rest are counted, not listed: one broken
# indentation can otherwise produce a problem per line of a 1 MiB file.
MAX_PROBLEMS_PER_FILE = 100


def load_paths(paths: list[str], memo: dict | None = None) -> Loaded:
    """Load every blueprint under `paths`, with problems from every file and between files (`memo`: see load_file)."""
    files, problems = find_files(paths)
    blueprints: list[Blueprint] = []
    read: list[tuple[str, int, str]] = []
    for path in files:
        loaded = load_file(path, memo=memo, read=read)
        blueprints.extend(loaded.blueprints)
        problems.extend(loaded.problems)
    nearby = redesigned_nearby(blueprints, lambda blueprint: blueprint.file, files, memo=memo)
    shown_nearby = {blueprint.file for blueprint in nearby}
    problems.extend(p for p in check_across(nearby + blueprints) if p.file not in shown_nearby)
    invalid = {problem.file for problem in problems}
    return Loaded(tuple(b for b in blueprints if b.file not in invalid), tuple(sorted(problems)), tuple(read))


def redesigned_nearby(blueprints: list[Blueprint], path_of, loaded: list[str], shown=None,
                      memo: dict | None = None) -> list[Blueprint]:
    """The blueprints next to those whose `redesigns` none of `blueprints` is: a to-be checked on its own
    finds the as-is blueprint it redesigns in its own folder, when no project folder holds it.

    `path_of(blueprint)` is the file a blueprint was read from; `loaded` the files read already
    (they are not read again); `shown(path)` the name a file is reported as. Only the blueprint
    files directly in each folder are read (no subfolders, no symbolic links), and only when a
    reference is missing, so checking a whole folder reads nothing more.
    """
    ids = {blueprint.id for blueprint in blueprints}
    folders = sorted({os.path.dirname(path_of(blueprint)) or os.curdir for blueprint in blueprints
                      if blueprint.redesigns and blueprint.redesigns not in ids})
    if not folders:
        return []
    seen = {os.path.realpath(path) for path in loaded}
    found: list[Blueprint] = []
    for folder in folders:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or not is_blueprint_name(entry.name) or \
                    not entry.is_file(follow_symlinks=False):
                continue
            path = entry.name if folder == os.curdir else os.path.join(folder, entry.name)
            if os.path.realpath(path) in seen:
                continue
            seen.add(os.path.realpath(path))
            found.extend(load_file(path, shown(path) if shown else None, memo=memo).blueprints)
    return found


def load_file(path: str, name: str | None = None, memo: dict | None = None, read: list | None = None) -> Loaded:
    """Read and load one blueprint file, refusing files that are too large.

    `name` is the file as reported (e.g. relative to the repository root); default: `path`.
    With `memo` (path -> the bytes last read and what they gave), a file whose bytes did not
    change is not loaded again: a live preview reloads only the file that was saved.
    `read`, when given, gets `(path, size, sha256)` of the bytes read appended.
    """
    shown_as = path if name is None else name
    data = read_file(path, shown_as)
    if isinstance(data, Loaded):
        return data
    if read is not None:
        import hashlib   # here: `check` never asks for it, and starts faster without it

        read.append((path, len(data), hashlib.sha256(data).hexdigest()))
    if memo is None:
        return load_bytes(data, shown_as, default_id(path))
    last = memo.get((path, shown_as))
    if last is not None and last[0] == data:
        return last[1]
    loaded = load_bytes(data, shown_as, default_id(path))
    memo[(path, shown_as)] = (data, loaded)
    return loaded


def default_id(path: str) -> str:
    """A blueprint's id when it gives none: its file name without the suffix."""
    return os.path.basename(as_pathlib_writes(path)).rsplit(".", 1)[0]


def read_file(path: str, shown_as: str) -> bytes | Loaded:
    """A blueprint file's bytes, or what stops reading it (a folder, not a regular file, unreadable, too large)."""
    try:
        if os.path.isdir(path):
            return _root_problem(shown_as, 1, 1, "this is a folder, not a blueprint file",
                                 "give a .yaml file or a folder of them")
        if not stat.S_ISREG(os.stat(path).st_mode):
            return _root_problem(shown_as, 1, 1, "this is not a regular file", "give a .yaml file or a folder of them")
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return _root_problem(shown_as, 1, 1, f"cannot read the file: {error.strerror}",
                             "check that it exists and is readable")
    if len(data) > MAX_FILE_BYTES:
        return _root_problem(shown_as, 1, 1, f"the file is larger than {MAX_FILE_BYTES // 1024} KiB",
                             "split the journey into several blueprints")
    return data


def load_bytes(data: bytes, file: str, default_id: str) -> Loaded:
    """Load one blueprint from its bytes (no I/O)."""
    with paused_gc():
        return _load_bytes(data, file, default_id)


def _root_problem(file: str, line: int, column: int, message: str, hint: str | None) -> Loaded:
    return Loaded((), (Problem(file, line, column, message, hint),))


def _capped(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS_PER_FILE:
        return problems
    last = problems[MAX_PROBLEMS_PER_FILE - 1]
    more = len(problems) - MAX_PROBLEMS_PER_FILE + 1
    return problems[:MAX_PROBLEMS_PER_FILE - 1] + [Problem(
        last.file, last.line, last.column, f"{more} more problems in this file are not listed",
        "fix the ones above (often one indentation mistake) and validate again")]


def _load_bytes(data: bytes, file: str, default_id: str) -> Loaded:
    text, error = decode(data)
    if error:
        return _root_problem(file, error.line, error.column, error.message, error.hint)
    root, tree_errors = read_tree(text)
    reader = Reader(file)
    for error in tree_errors:
        reader.problems.append(Problem(file, error.line, error.column, error.message, error.hint))
    if root is None:
        if not tree_errors:
            return _root_problem(file, 1, 1, "the file is empty", "write a blueprint: at least `title:` and `steps:`")
        return Loaded((), tuple(_capped(sorted(reader.problems))))
    if not isinstance(root, Mapping):
        reader.problem(root, f"a blueprint must be a mapping of keys at the top level, not {kind_name(root)}",
                       "start the file with `title: ...` and `steps:`")
        return Loaded((), tuple(sorted(reader.problems)))
    blueprint = _read_blueprint(reader, root, default_id)
    problems = tuple(_capped(sorted(reader.problems)))
    return Loaded(() if problems else (blueprint,), problems)


# -- the top-level keys ----------------------------------------------------------------


def _read_blueprint(reader: Reader, root: Mapping, default_id: str) -> Blueprint | None:
    top = reader.fields(root, "blueprint", "the blueprint") or {}
    blueprint_id = _read_id(reader, top, root, default_id)
    stages = reader.texts(top.get("stages"), "stages")
    _check_unique(reader, top.get("stages"), stages, "stage")
    owners = _read_owners(reader, top.get("owners"))
    owner_keys = {owner.key for owner in owners}
    channels = _read_channels(reader, top.get("channels"), owner_keys)
    steps_node = top.get("steps")
    if isinstance(steps_node, Sequence) and not steps_node.items:
        reader.problem(steps_node, "steps must not be empty", "add at least one step with `id`, `lane` and `action`")
    refs = References(owner_keys, {channel.key for channel in channels}, set(stages))
    steps = read_steps(reader, reader.items(steps_node, "steps"), refs)
    ignores = _read_ignores(reader, reader.items(top.get("ignore"), "ignore"), {step.id for step in steps})
    status = reader.choice(top.get("status"), "status", OBJECTS["blueprint"]["status"].choices) or "as-is"
    redesigns = reader.identifier(top.get("redesigns"), "redesigns")
    if redesigns and status != "to-be":
        reader.problem(top["redesigns"], "only a to-be blueprint can redesign another",
                       "add `status: to-be`, or remove `redesigns:`")
    persona = _read_persona(reader, top.get("persona"))
    opportunities = _read_opportunities(reader, top.get("opportunities"), {step.id for step in steps}, owner_keys)
    realises = _read_realises(reader, top.get("realises"), "redesigns" in top)
    tags = reader.texts(top.get("tags"), "tags")
    _check_unique(reader, top.get("tags"), tags, "tag")
    return Blueprint(
        id=blueprint_id or default_id,
        title=reader.text(top.get("title"), "title") or "",
        file=reader.file,
        summary=reader.text(top.get("summary"), "summary"),
        status=status,
        redesigns=redesigns,
        maintainer=reader.text(top.get("maintainer"), "maintainer"),
        tags=tags,
        stages=stages,
        owners=owners,
        channels=channels,
        steps=steps,
        ignores=ignores,
        position=reader.position(top.get("id", root)),
        redesigns_position=reader.position(top["redesigns"]) if redesigns else None,
        persona=persona,
        opportunities=opportunities,
        realises=realises,
    )


def _read_id(reader: Reader, top: dict[str, Node], root: Mapping, default_id: str) -> str | None:
    """`id:`, or else the file name; neither may name a page of the site or a device on Windows."""
    if "id" in top:
        blueprint_id = reader.identifier(top["id"], "id")
    elif ID_PATTERN.fullmatch(default_id):
        blueprint_id = default_id
    else:
        reader.problem(root, f"the file name '{shown(default_id)}' is not a valid blueprint id",
                       "add `id:` with lowercase letters, digits and '-', or rename the file")
        blueprint_id = None
    if blueprint_id in RESERVED_IDS:
        reader.problem(top.get("id", root), f"the id '{shown(blueprint_id)}' is reserved for a page of the site",
                       f"choose another id; reserved: {', '.join(sorted(RESERVED_IDS))}")
    elif blueprint_id in WINDOWS_DEVICE_IDS:
        reader.problem(top.get("id", root), f"the id '{blueprint_id}' names a device on Windows, where the site "
                       "could not be checked out", "set another `id:` or rename the file, e.g. `con-support`")
    return blueprint_id


def _check_unique(reader: Reader, node: Node | None, values: tuple[str, ...], what: str) -> None:
    if not isinstance(node, Sequence):
        return
    seen: set[str] = set()
    for item in node.items:
        if isinstance(item, Scalar) and item.text in seen:
            reader.problem(item, f"duplicate {what} '{shown(item.text)}'", f"each {what} appears once; remove this one")
        seen.add(getattr(item, "text", None))


def _keyed(reader: Reader, node: Node | None, where: str):
    """(key, value) pairs of an owners/channels mapping with valid keys."""
    if node is None:
        return
    if not isinstance(node, Mapping):
        reader.problem(node, f"{where} must be a mapping from key to details, not {kind_name(node)}",
                       f"write `{where}:` then one `key: {{name: ...}}` entry per line")
        return
    for key, value in node.items:
        if reader.identifier(key, f"{where} key", KEY_PATTERN) is not None:
            yield key, value


def _read_owners(reader: Reader, node: Node | None) -> tuple[Owner, ...]:
    owners = []
    for key, value in _keyed(reader, node, "owners"):
        found = reader.fields(value, "owner", f"owner '{shown(key.text)}'")
        if found is None:
            continue
        where = f"owners.{key.text}"
        owners.append(Owner(key.text, reader.text(found.get("name"), where, "name") or "",
                            reader.text(found.get("team"), where, "team"),
                            reader.text(found.get("contact"), where, "contact"), reader.position(key)))
    return tuple(owners)


def _read_channels(reader: Reader, node: Node | None, owner_keys: set[str]) -> tuple[Channel, ...]:
    channels = []
    for key, value in _keyed(reader, node, "channels"):
        found = reader.fields(value, "channel", f"channel '{shown(key.text)}'")
        if found is None:
            continue
        where = f"channels.{key.text}"
        watched_by = reference(reader, found.get("watched_by"), where, owner_keys, "owner", key="watched_by")
        channels.append(Channel(key.text, reader.text(found.get("name"), where, "name") or "", watched_by,
                                reader.duration(found.get("response"), where, "response"), reader.position(key)))
    return tuple(channels)


def _read_persona(reader: Reader, node: Node | None) -> Persona | None:
    found = None if node is None else reader.fields(node, "persona", "persona")
    if not found:
        return None
    name = reader.text(found.get("name"), "persona", "name")
    summary = reader.text(found.get("summary"), "persona", "summary")
    needs = reader.texts(found.get("needs"), "persona", "needs")
    return Persona(name, summary, needs, reader.position(node)) if name else None


def _read_opportunities(reader: Reader, node: Node | None, step_ids: set[str],
                        owner_keys: set[str]) -> tuple[Opportunity, ...]:
    opportunities: list[Opportunity] = []
    first: dict[str, Node] = {}
    for index, item in enumerate(reader.items(node, "opportunities")):
        where = f"opportunities[{index}]"
        found = reader.fields(item, "opportunity", where)
        if found is None:
            continue
        opportunity_id = reader.identifier(found.get("id"), where, key="id")
        if opportunity_id in first:
            earlier = first[opportunity_id]
            reader.problem(found["id"], f"duplicate opportunity id '{opportunity_id}' (first at line {earlier.line}, "
                           f"column {earlier.column})", "give each opportunity its own id")
            opportunity_id = None
        elif opportunity_id:
            first[opportunity_id] = found["id"]
        what = reader.text(found.get("what"), where, "what")
        steps = tuple(step for index, entry in enumerate(reader.items(found.get("steps"), where, "steps"))
                      if (step := reference(reader, entry, f"{where}.steps[{index}]", step_ids, "step", None)))
        impact = reader.choice(found.get("impact"), where, LEVELS, "impact")
        effort = reader.choice(found.get("effort"), where, LEVELS, "effort")
        owner = reference(reader, found.get("owner"), where, owner_keys, "owner", key="owner")
        if opportunity_id and what:
            opportunities.append(Opportunity(opportunity_id, what, steps, impact, effort, owner, reader.position(item)))
    return tuple(opportunities)


def _read_realises(reader: Reader, node: Node | None, redesigns: bool) -> tuple[tuple[str, Position], ...]:
    """Opportunity ids, checked against the redesigned blueprint in check_across."""
    realised = []
    for index, entry in enumerate(reader.items(node, "realises")):
        opportunity_id = reader.identifier(entry, f"realises[{index}]")
        if opportunity_id:
            realised.append((opportunity_id, reader.position(entry)))
    if node is not None and not redesigns:
        reader.problem(node, "realises names opportunities of the blueprint this one redesigns, but it redesigns none",
                       "add `status: to-be` and `redesigns:` with the id of the as-is blueprint, or remove `realises:`")
    return tuple(realised)


def _read_ignores(reader: Reader, nodes: list[Node], step_ids: set[str]) -> tuple[Ignore, ...]:
    ignores = []
    for index, node in enumerate(nodes):
        where = f"ignore[{index}]"
        found = reader.fields(node, "ignore", where)
        if found is None:
            continue
        rule = reader.choice(found.get("rule"), where, tuple(RULE_BY_SLUG), "rule")
        step_id = reference(reader, found.get("step"), where, step_ids, "step", None, "step")
        reason = reader.text(found.get("reason"), where, "reason")
        if rule and reason:
            ignores.append(Ignore(rule, step_id, reason, reader.position(node)))
    return tuple(ignores)
