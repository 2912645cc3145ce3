"""Blueprint files -> model, collecting every positioned problem instead of stopping at the first."""

from __future__ import annotations

import os
import stat
import re
import unicodedata
from dataclasses import dataclass

from .model import (HIDDEN_LANES, ID_PATTERN, KEY_PATTERN, LEVELS, RESERVED_IDS, STAFF_LANES, Blueprint, Channel, Cost,
                    Duration, Edge, Emotion, Failure, Ignore, Measure, Opportunity, Owner, Persona, Position,
                    Promise, Step)
from .escape import clean, file_name, one_line
from .gcpause import paused_gc
from .rules import RULE_BY_SLUG
from .schema import COST_PATTERN, DURATION_PATTERN, OBJECTS, SCORE_PATTERN
from .yamltree import MAX_FILE_BYTES, Mapping, Node, Scalar, Sequence, decode, read_tree, shown

__all__ = ["Problem", "Loaded", "did_you_mean", "find_files", "is_blueprint_name", "load_bytes", "load_file", "load_paths",
           "check_across"]

BLUEPRINT_SUFFIXES = (".yaml", ".yml")
# Names Windows keeps for devices: a site folder `blueprints/con/` could not be checked out there.
WINDOWS_DEVICE_IDS = frozenset({"con", "nul", "aux", "prn", *(f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10))})
MINUTES = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
MAX_MINUTES = 10_000 * 366 * 24 * 60   # only to keep huge numbers from overflowing
DURATION_HINT = "write a number and a unit: m (minutes), h (hours), d (days) or w (weeks), e.g. `30m`, `4h`, `2d`"
# Past this many problems in one file the rest are counted, not listed: one broken
# indentation can otherwise produce a problem per line of a 1 MiB file.
MAX_PROBLEMS_PER_FILE = 100
# difflib is quadratic in the length of the list; past this, no suggestion.
MAX_SUGGESTION_CHOICES = 200
COST_HINT = "write an amount and, if you like, a three-letter currency code: e.g. `12.50 EUR`, `40 USD`, `3`"
SCORE_HINT = ("write a whole number from -2 (very negative) through 0 (neutral) to 2 (very positive); "
              "put the customer's words in a note: `emotion: {score: -2, note: I felt ignored}`")
_DURATION = re.compile(DURATION_PATTERN)
_COST = re.compile(COST_PATTERN)
_SCORE = re.compile(SCORE_PATTERN)
_LANES = OBJECTS["step"]["lane"].choices
_ENDS = OBJECTS["step"]["end"].choices


@dataclass(frozen=True, order=True)
class Problem:
    """A positioned error in a blueprint file, with a hint on how to fix it."""

    file: str
    line: int
    column: int
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        # File names and messages can carry control characters from the user's files.
        hint = f" (hint: {one_line(self.hint)})" if self.hint else ""
        return f"{file_name(self.file)}:{self.line}:{self.column}: error: {one_line(self.message)}{hint}"


@dataclass(frozen=True)
class Loaded:
    """The blueprints that loaded, and every problem found, sorted by position."""

    blueprints: tuple[Blueprint, ...]
    problems: tuple[Problem, ...]
    # (path, size, sha256) of every file load_paths read, in order: a cache key made from these is
    # the key of what was loaded, even when a file changes on disk while a build runs.
    read: tuple[tuple[str, int, str], ...] = ()


def did_you_mean(word: str, choices) -> str | None:
    if len(choices) > MAX_SUGGESTION_CHOICES or len(word) > 100:
        return None
    import difflib   # here: only a misspelt key needs it, and it takes longer to import than a file to load

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{shown(close[0])}'?" if close else None


def _kind_name(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return "nothing" if node.is_null else f"the text '{shown(node.text)}'"


def _shows_text(value: str) -> bool:
    """True when something visible is left without controls, bidi marks and zero-width characters."""
    # Printable text has none of them, so the characters are not looked at in the common case.
    return bool(value.strip()) and (value.isprintable() or any(
        not c.isspace() and unicodedata.category(c) not in _INVISIBLE_CATEGORIES for c in value))


# Controls (Cc) and format characters (Cf: bidi marks, U+200B zero-width space, joiners, U+FEFF) show nothing.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})


def _at(where: str, key: str | None) -> str:
    """`where.key` for a message; built only when there is a problem to report."""
    return f"{where}.{key}" if key else where


class _Reader:
    """Reads one file's tree into the model; problems accumulate in `problems`.

    Every value of every file passes through here, so the valid case is kept
    cheap: a value's name for messages (`where`, `key`) is only joined when a
    problem is reported.
    """

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self._listings: dict[int, str] = {}

    def listing(self, names) -> str:
        """The 'known …' part of a hint, worked out once per set of names in a file."""
        key = id(names)
        if key not in self._listings:
            self._listings[key] = _listing(names)
        return self._listings[key]

    def problem(self, node, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.file, node.line, node.column, message, hint))

    def position(self, node) -> Position:
        return Position(self.file, node.line, node.column)

    # -- objects -----------------------------------------------------------------

    def fields(self, node: Node, kind: str, where: str) -> dict[str, Node] | None:
        """The non-null values of a mapping node by key, after checking unknown and missing keys."""
        if node.__class__ is not Mapping:
            self.problem(node, f"{where} must be a mapping of keys, not {_kind_name(node)}",
                         f"write it as `key: value` lines; keys: {', '.join(OBJECTS[kind])}")
            return None
        spec = OBJECTS[kind]
        found: dict[str, Node] = {}
        nulls = False
        for key, value in node.items:
            name = key.text
            if name not in spec:
                suggestion = did_you_mean(name, spec)
                self.problem(key, f"unknown key '{shown(name)}' in {where}",
                             suggestion or f"known keys: {', '.join(spec)}")
            elif name not in found:   # a duplicate key is reported by the tree; the first counts
                found[name] = value
                if value.is_null:
                    nulls = True
        for name in _REQUIRED[kind]:
            if name not in found or found[name].is_null:
                field = spec[name]
                self.problem(node, f"{where} has no '{name}'",
                             f"add `{name}:`, {field.doc[0].lower()}{field.doc[1:].rstrip('.')}")
        if nulls:
            return {name: value for name, value in found.items() if not value.is_null}
        return found

    # -- scalars -----------------------------------------------------------------

    def text(self, node: Node | None, where: str, key: str | None = None) -> str | None:
        if node is None:
            return None
        if node.__class__ is not Scalar:
            self.problem(node, f"{_at(where, key)} must be text, not {_kind_name(node)}",
                         "write a single line of text, quoted if it contains ': ' or starts with a symbol")
            return None
        value = node.text
        if not _shows_text(value):
            self.problem(node, f"{_at(where, key)} must not be empty", "write the text, or remove the key")
            return None
        return value

    def identifier(self, node: Node | None, where: str, pattern=ID_PATTERN, key: str | None = None) -> str | None:
        value = self.text(node, where, key)
        if value is not None and not pattern.fullmatch(value):
            self.problem(node, f"{_at(where, key)} '{shown(value)}' is not a valid id",
                         "use lowercase letters, digits and '-', starting with a letter or digit, at most 64 characters"
                         if pattern is ID_PATTERN else "use letters, digits, '-' and '_', at most 64 characters")
            return None
        return value

    def duration(self, node: Node | None, where: str, key: str | None = None) -> Duration | None:
        value = self.text(node, where, key)
        if value is None:
            return None
        match = _DURATION.fullmatch(value)
        if not match:
            self.problem(node, f"{_at(where, key)} '{shown(value)}' is not a duration", DURATION_HINT)
            return None
        minutes = float(value[:-1]) * MINUTES[value[-1]]
        if minutes > MAX_MINUTES:   # e.g. 400 nines would overflow; nothing real is this long
            self.problem(node, f"{_at(where, key)} '{shown(value)}' is not a duration", DURATION_HINT)
            return None
        return Duration(value, round(minutes))

    def cost(self, node: Node | None, where: str, key: str | None = None) -> Cost | None:
        value = self.text(node, where, key)
        if value is None:
            return None
        if not _COST.fullmatch(value):
            self.problem(node, f"{_at(where, key)} '{shown(value)}' is not an amount", COST_HINT)
            return None
        from decimal import Decimal   # here: most blueprints have no cost, and `check` starts faster without it

        amount, _, currency = value.partition(" ")
        return Cost(value, Decimal(amount), currency or None)

    def score(self, node: Node | None, where: str, key: str | None = None) -> int | None:
        value = self.text(node, where, key)
        if value is not None and not _SCORE.fullmatch(value):
            self.problem(node, f"{_at(where, key)} '{shown(value)}' is not a score from -2 to 2", SCORE_HINT)
            return None
        return None if value is None else int(value)

    def text_or_texts(self, node: Node | None, where: str, key: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if isinstance(node, Mapping):
            self.problem(node, f"{_at(where, key)} must be text or a list of texts, not a mapping",
                         f"write `{key}: what hurts`, or one `- ` line per point")
            return ()
        if isinstance(node, Sequence):
            return self.texts(node, where, key)
        value = self.text(node, where, key)
        return () if value is None else (value,)

    def choice(self, node: Node | None, where: str, choices: tuple[str, ...], key: str | None = None) -> str | None:
        value = self.text(node, where, key)
        if value is not None and value not in choices:
            suggestion = did_you_mean(value, choices)
            self.problem(node, f"{_at(where, key)} '{shown(value)}' is not one of: {', '.join(choices)}", suggestion)
            return None
        return value

    def texts(self, node: Node | None, where: str, key: str | None = None) -> tuple[str, ...]:
        if node is None:
            return ()
        if isinstance(node, Scalar):
            self.problem(node, f"{_at(where, key)} must be a list",
                         f"write it as a list: `{_at(where, key).rsplit('.', 1)[-1]}: [first, second]`")
            return ()
        if not isinstance(node, Sequence):
            self.problem(node, f"{_at(where, key)} must be a list, not {_kind_name(node)}",
                         "write one `- item` line per entry")
            return ()
        values = []
        for index, item in enumerate(node.items):
            if item.__class__ is Scalar and _shows_text(item.text):
                values.append(item.text)   # the common case: no name for messages is needed
            else:
                value = self.text(item, f"{_at(where, key)}[{index}]")
                if value is not None:
                    values.append(value)
        return tuple(values)

    def items(self, node: Node | None, where: str, key: str | None = None) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, Sequence):
            self.problem(node, f"{_at(where, key)} must be a list, not {_kind_name(node)}", "write one `- ` entry per item")
            return []
        return node.items


_REQUIRED = {kind: tuple(name for name, field in spec.items() if field.required) for kind, spec in OBJECTS.items()}


def _root_problem(file: str, line: int, column: int, message: str, hint: str | None) -> Loaded:
    return Loaded((), (Problem(file, line, column, message, hint),))


def load_bytes(data: bytes, file: str, default_id: str) -> Loaded:
    """Load one blueprint from its bytes (no I/O)."""
    with paused_gc():
        return _load_bytes(data, file, default_id)


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
    reader = _Reader(file)
    for error in tree_errors:
        reader.problems.append(Problem(file, error.line, error.column, error.message, error.hint))
    if root is None:
        if not tree_errors:
            return _root_problem(file, 1, 1, "the file is empty", "write a blueprint: at least `title:` and `steps:`")
        return Loaded((), tuple(_capped(sorted(reader.problems))))
    if not isinstance(root, Mapping):
        reader.problem(root, f"a blueprint must be a mapping of keys at the top level, not {_kind_name(root)}",
                       "start the file with `title: ...` and `steps:`")
        return Loaded((), tuple(sorted(reader.problems)))
    blueprint = _read_blueprint(reader, root, default_id)
    problems = tuple(_capped(sorted(reader.problems)))
    return Loaded(() if problems else (blueprint,), problems)


def _read_blueprint(reader: _Reader, root: Mapping, default_id: str) -> Blueprint | None:
    top = reader.fields(root, "blueprint", "the blueprint") or {}
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
    stages = reader.texts(top.get("stages"), "stages")
    _check_unique(reader, top.get("stages"), stages, "stage")
    owners = _read_owners(reader, top.get("owners"))
    owner_keys = {owner.key for owner in owners}
    channels = _read_channels(reader, top.get("channels"), owner_keys)
    steps_node = top.get("steps")
    if isinstance(steps_node, Sequence) and not steps_node.items:
        reader.problem(steps_node, "steps must not be empty", "add at least one step with `id`, `lane` and `action`")
    refs = _References(owner_keys, {channel.key for channel in channels}, set(stages))
    steps = _read_steps(reader, reader.items(steps_node, "steps"), refs)
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


def _read_persona(reader: _Reader, node: Node | None) -> Persona | None:
    found = None if node is None else reader.fields(node, "persona", "persona")
    if not found:
        return None
    name = reader.text(found.get("name"), "persona", "name")
    summary = reader.text(found.get("summary"), "persona", "summary")
    needs = reader.texts(found.get("needs"), "persona", "needs")
    return Persona(name, summary, needs, reader.position(node)) if name else None


def _read_opportunities(reader: _Reader, node: Node | None, step_ids: set[str],
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
                      if (step := _reference(reader, entry, f"{where}.steps[{index}]", step_ids, "step", None)))
        impact = reader.choice(found.get("impact"), where, LEVELS, "impact")
        effort = reader.choice(found.get("effort"), where, LEVELS, "effort")
        owner = _reference(reader, found.get("owner"), where, owner_keys, "owner", key="owner")
        if opportunity_id and what:
            opportunities.append(Opportunity(opportunity_id, what, steps, impact, effort, owner, reader.position(item)))
    return tuple(opportunities)


def _read_realises(reader: _Reader, node: Node | None, redesigns: bool) -> tuple[tuple[str, Position], ...]:
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


def _check_unique(reader: _Reader, node: Node | None, values: tuple[str, ...], what: str) -> None:
    if not isinstance(node, Sequence):
        return
    seen: set[str] = set()
    for item in node.items:
        if isinstance(item, Scalar) and item.text in seen:
            reader.problem(item, f"duplicate {what} '{shown(item.text)}'", f"each {what} appears once; remove this one")
        seen.add(getattr(item, "text", None))


def _keyed(reader: _Reader, node: Node | None, where: str):
    """(key, value) pairs of an owners/channels mapping with valid keys."""
    if node is None:
        return
    if not isinstance(node, Mapping):
        reader.problem(node, f"{where} must be a mapping from key to details, not {_kind_name(node)}",
                       f"write `{where}:` then one `key: {{name: ...}}` entry per line")
        return
    for key, value in node.items:
        if reader.identifier(key, f"{where} key", KEY_PATTERN) is not None:
            yield key, value


def _read_owners(reader: _Reader, node: Node | None) -> tuple[Owner, ...]:
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


def _read_channels(reader: _Reader, node: Node | None, owner_keys: set[str]) -> tuple[Channel, ...]:
    channels = []
    for key, value in _keyed(reader, node, "channels"):
        found = reader.fields(value, "channel", f"channel '{shown(key.text)}'")
        if found is None:
            continue
        where = f"channels.{key.text}"
        watched_by = _reference(reader, found.get("watched_by"), where, owner_keys, "owner", key="watched_by")
        channels.append(Channel(key.text, reader.text(found.get("name"), where, "name") or "", watched_by,
                                reader.duration(found.get("response"), where, "response"), reader.position(key)))
    return tuple(channels)


@dataclass
class _References:
    owners: set[str]
    channels: set[str]
    stages: set[str]


def _listing(names, most: int = 8) -> str:
    names = sorted(names)
    shown_names = ", ".join(shown(name) for name in names[:most])
    return shown_names + (f", … ({len(names) - most} more)" if len(names) > most else "")


def _reference(reader: _Reader, node: Node | None, where: str, known, what: str,
               pattern=KEY_PATTERN, key: str | None = None) -> str | None:
    if node is None:
        return None
    value = reader.text(node, where, key)
    if value is None:
        return None
    if value not in known:
        suggestion = did_you_mean(value, known)
        listing = f"known {what}s: {reader.listing(known)}" if known else f"declare it under `{what}s:` first"
        reader.problem(node, f"{_at(where, key)} refers to unknown {what} '{shown(value)}'", suggestion or listing)
        return None
    return value


def _read_steps(reader: _Reader, nodes: list[Node], refs: _References) -> tuple[Step, ...]:
    """Steps in file order, with their edges resolved (explicit and implicit)."""
    raw = [(node, reader.fields(node, "step", f"steps[{index}]")) for index, node in enumerate(nodes)]
    ids: dict[str, Scalar] = {}
    for index, (node, found) in enumerate(raw):
        if found is None:
            continue
        step_id = reader.identifier(found.get("id"), f"steps[{index}].id")
        if step_id is None:
            continue
        if step_id in ids:
            first = ids[step_id]
            reader.problem(found["id"], f"duplicate step id '{shown(step_id)}' (first at line {first.line}, column {first.column})",
                           "give each step its own id")
        else:
            ids[step_id] = found["id"]
    read: list[tuple[Step, dict[str, Node]]] = []
    step_ids = set(ids)
    for index, (node, found) in enumerate(raw):
        if found is None:
            continue
        following = raw[index + 1][1] if index + 1 < len(raw) else None
        step = _read_step(reader, node, found, index, refs, step_ids, following)
        if step is not None:
            read.append((step, found))
    _check_currencies(reader, read)
    promised = {step.id for step, _ in read if step.promise}
    for step, found in read:
        if step.fulfils and step.fulfils not in promised:
            reader.problem(found["fulfils"], f"step '{step.id}' fulfils step '{step.fulfils}', which makes no promise",
                           f"add a `promise:` to step '{step.fulfils}', or point `fulfils:` at the step that made it")
        if step.withdraws and step.withdraws not in promised:
            reader.problem(found["withdraws"],
                           f"step '{step.id}' withdraws the promise of step '{step.withdraws}', which makes no promise",
                           f"add a `promise:` to step '{step.withdraws}', or point `withdraws:` at the step that made it")
    return tuple(step for step, _ in read)


def _read_step(reader: _Reader, node: Mapping, found: dict[str, Node], index: int, refs: _References,
               step_ids: set[str], following: dict[str, Node] | None) -> Step | None:
    where = f"steps[{index}]"
    step_id = found.get("id").text if isinstance(found.get("id"), Scalar) else None
    get = found.get
    lane = reader.choice(get("lane"), where, _LANES, "lane")
    action = reader.text(get("action"), where, "action")
    owner = _reference(reader, get("owner"), where, refs.owners, "owner", key="owner")
    if owner and lane == "customer":
        reader.problem(found["owner"], f"{where} is in the customer lane, so it has no owner",
                       f"remove `owner:`, or move the step to a staff lane ({', '.join(STAFF_LANES)})")
    end = reader.choice(get("end"), where, _ENDS, "end")
    # Read every field before giving up on the step, so all its problems are reported.
    stage = _reference(reader, get("stage"), where, refs.stages, "stage", None, "stage")
    touchpoint = reader.text(get("touchpoint"), where, "touchpoint")
    channel = _reference(reader, get("channel"), where, refs.channels, "channel", key="channel")
    evidence = reader.text(get("evidence"), where, "evidence")
    duration = reader.duration(get("duration"), where, "duration")
    wait = reader.duration(get("wait"), where, "wait")
    promise = _read_promise(reader, get("promise"), where)
    fulfils = _reference(reader, get("fulfils"), where, step_ids, "step", None, "fulfils")
    withdraws = _reference(reader, get("withdraws"), where, step_ids, "step", None, "withdraws")
    if withdraws and lane in HIDDEN_LANES:
        reader.problem(found["withdraws"], f"{where} is in the {lane} lane, out of the customer's sight, so it "
                       f"cannot tell the customer that a promise no longer holds",
                       "put `withdraws:` on the frontstage (or customer) step where the customer is told")
    failure = _read_failure(reader, get("failure"), where, step_ids)
    edges = _read_next(reader, found, where, step_id, refs, step_ids, following, end)
    emotion = _read_emotion(reader, get("emotion"), where, lane)
    pain = reader.text_or_texts(get("pain"), where, "pain")
    measures = _read_measures(reader, get("measures"), where)
    cost = reader.cost(get("cost"), where, "cost")
    if step_id is None or lane is None or action is None:
        return None
    return Step(step_id, lane, action, owner, stage, touchpoint, channel, evidence, duration, wait, promise,
                fulfils, failure, end, edges, Position(reader.file, node.line, node.column), withdraws,
                emotion, pain, measures, cost)


def _read_emotion(reader: _Reader, node: Node | None, where: str, lane: str | None) -> Emotion | None:
    if node is None:
        return None
    if lane in STAFF_LANES:
        # The curve is the customer's; a staff member's trouble is a pain point.
        reader.problem(node, f"{where}.emotion is on a {lane} step, but only the customer's feelings are scored",
                       "move `emotion:` to the customer step where the customer feels it, or write the staff's "
                       "trouble as `pain:`")
    if isinstance(node, Mapping):
        found = reader.fields(node, "emotion", f"{where}.emotion")
        if not found:
            return None
        score = reader.score(found.get("score"), f"{where}.emotion", "score")
        note = reader.text(found.get("note"), f"{where}.emotion", "note")
    else:
        score, note = reader.score(node, where, "emotion"), None
    if score is None or lane in STAFF_LANES:
        return None
    return Emotion(score, note, reader.position(node))


def _read_measures(reader: _Reader, node: Node | None, where: str) -> tuple[Measure, ...]:
    measures = []
    for index, item in enumerate(reader.items(node, where, "measures")):
        at = f"{where}.measures[{index}]"
        found = reader.fields(item, "measure", at)
        if found is None:
            continue
        name = reader.text(found.get("name"), at, "name")
        value, target, unit = (reader.text(found.get(key), at, key) for key in ("value", "target", "unit"))
        if name:
            measures.append(Measure(name, value, target, unit))
    return tuple(measures)


def _check_currencies(reader: _Reader, read: list[tuple[Step, dict[str, Node]]]) -> None:
    """Costs can only be added up in one currency."""
    first: tuple[Step, Node] | None = None
    for step, found in read:
        if step.cost is None or step.cost.currency is None:
            continue
        if first is None:
            first = (step, found["cost"])
        elif step.cost.currency != first[0].cost.currency:
            reader.problem(found["cost"], f"step '{step.id}' costs {step.cost.currency}, but step '{first[0].id}' "
                           f"costs {first[0].cost.currency} (line {first[1].line})",
                           "write every cost of a blueprint in one currency, so they can be added up")


def _read_promise(reader: _Reader, node: Node | None, where: str) -> Promise | None:
    found = None if node is None else reader.fields(node, "promise", f"{where}.promise")
    if not found:
        return None
    what = reader.text(found.get("what"), f"{where}.promise", "what")
    within = reader.duration(found.get("within"), f"{where}.promise", "within")
    return Promise(what, within, reader.position(node)) if what else None


def _read_failure(reader: _Reader, node: Node | None, where: str, step_ids: set[str]) -> Failure | None:
    found = None if node is None else reader.fields(node, "failure", f"{where}.failure")
    if not found:
        return None
    what = reader.text(found.get("what"), f"{where}.failure", "what")
    recovery = _reference(reader, found.get("recovery"), f"{where}.failure", step_ids, "step", None, "recovery")
    return Failure(what, recovery, reader.position(node)) if what else None


def _read_next(reader: _Reader, found: dict[str, Node], where: str, step_id: str | None, refs: _References,
               step_ids: set[str], following: dict[str, Node] | None, end: str | None) -> tuple[Edge, ...]:
    node = found.get("next")
    source = step_id or ""
    if node is None:
        # Implicit flow to the following step, unless the journey ends here.
        if end or following is None or not isinstance(following.get("id"), Scalar):
            return ()
        next_id = following["id"].text
        if next_id not in step_ids:
            return ()
        if step_id is None:
            return ()
        return (Edge(source, next_id, None, None, (), True, reader.position(found["id"])),)
    entries = [node] if isinstance(node, Scalar) else reader.items(node, where, "next")
    if entries and end:
        reader.problem(node, f"{where} has both `end: {end}` and `next:`",
                       "a step that ends the journey has nothing next; remove `next:` or `end:`")
    edges = []
    for index, entry in enumerate(entries):
        edge = _read_edge(reader, entry, f"{where}.next[{index}]", source, refs, step_ids)
        if edge is not None:
            edges.append(edge)
    return tuple(edges)


def _read_edge(reader: _Reader, entry: Node, where: str, source: str, refs: _References,
               step_ids: set[str]) -> Edge | None:
    if isinstance(entry, Scalar):
        to = _reference(reader, entry, where, step_ids, "step", None)
        return Edge(source, to, None, None, (), False, reader.position(entry)) if to else None
    found = reader.fields(entry, "edge", where)
    if found is None:
        return None
    to = _reference(reader, found.get("to"), where, step_ids, "step", None, "to")
    via = _reference(reader, found.get("via"), where, refs.channels, "channel", key="via")
    within = reader.duration(found.get("within"), where, "within")
    carries = reader.texts(found.get("carries"), where, "carries")
    return Edge(source, to, via, within, carries, False, reader.position(entry)) if to else None


def _read_ignores(reader: _Reader, nodes: list[Node], step_ids: set[str]) -> tuple[Ignore, ...]:
    ignores = []
    for index, node in enumerate(nodes):
        where = f"ignore[{index}]"
        found = reader.fields(node, "ignore", where)
        if found is None:
            continue
        rule = reader.choice(found.get("rule"), where, tuple(RULE_BY_SLUG), "rule")
        step_id = _reference(reader, found.get("step"), where, step_ids, "step", None, "step")
        reason = reader.text(found.get("reason"), where, "reason")
        if rule and reason:
            ignores.append(Ignore(rule, step_id, reason, reader.position(node)))
    return tuple(ignores)


# -- files -------------------------------------------------------------------------


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
            _walk(_as_pathlib_writes(path), os.path.realpath(path), files, problems, set())
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
        message = "the symbolic link loops back on itself" if error.errno == 40 else "the symbolic link is broken"
    return Problem(str(path), 1, 1, message, "replace the link with the blueprint file itself")


def _as_pathlib_writes(path: str) -> str:
    """`path` as str(pathlib.Path(path)) writes it, without importing pathlib (slow for `check`).

    File names are reported as found, so they must not change: no empty or `.` parts, no
    trailing separator, `..` kept, and POSIX's two leading slashes kept.
    """
    if os.sep != "/":
        from pathlib import Path

        return str(Path(path))
    root = "//" if path.startswith("//") and not path.startswith("///") else "/" if path.startswith("/") else ""
    return root + "/".join(part for part in path.split("/") if part and part != ".") or "."


def _walk(folder: str, root: str, files: list[str], problems: list[Problem], seen: set[str]) -> None:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:   # e.g. mode 000 or 311: report it, and go on with the other folders
        problems.append(Problem(str(folder), 1, 1, f"cannot read the folder: {error.strerror or error}",
                                "make it readable (`chmod a+rx`), or move it out of the blueprint folder"))
        return
    for entry in entries:
        path = entry.name if folder == "." else os.path.join(folder, entry.name)   # as pathlib joins
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            target = os.path.realpath(path)
            if not os.path.exists(path) or not _inside(target, root):
                if is_blueprint_name(entry.name) or not os.path.exists(path) or os.path.isdir(path):
                    problems.append(_link_problem(str(path)))
                continue
        if entry.is_dir():
            _walk(path, root, files, problems, seen)
        elif is_blueprint_name(entry.name):
            files.append(str(path))


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root + os.sep)


def load_file(path: str, name: str | None = None, memo: dict | None = None, read: list | None = None) -> Loaded:
    """Read and load one blueprint file, refusing files that are too large.

    `name` is the file as reported (e.g. relative to the repository root); default: `path`.
    With `memo` (path -> the bytes last read and what they gave), a file whose bytes did not
    change is not loaded again: a live preview reloads only the file that was saved.
    `read`, when given, gets `(path, size, sha256)` of the bytes read appended.
    """
    default_id = os.path.basename(_as_pathlib_writes(path)).rsplit(".", 1)[0]
    shown_as = path if name is None else name
    try:
        if os.path.isdir(path):
            return _root_problem(shown_as, 1, 1, "this is a folder, not a blueprint file", "give a .yaml file or a folder of them")
        if not stat.S_ISREG(os.stat(path).st_mode):
            return _root_problem(shown_as, 1, 1, "this is not a regular file", "give a .yaml file or a folder of them")
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return _root_problem(shown_as, 1, 1, f"cannot read the file: {error.strerror}", "check that it exists and is readable")
    if len(data) > MAX_FILE_BYTES:
        return _root_problem(shown_as, 1, 1, f"the file is larger than {MAX_FILE_BYTES // 1024} KiB",
                             "split the journey into several blueprints")
    if read is not None:
        import hashlib   # here: `check` never asks for it, and starts faster without it

        read.append((path, len(data), hashlib.sha256(data).hexdigest()))
    if memo is None:
        return load_bytes(data, shown_as, default_id)
    last = memo.get((path, shown_as))
    if last is not None and last[0] == data:
        return last[1]
    loaded = load_bytes(data, shown_as, default_id)
    memo[(path, shown_as)] = (data, loaded)
    return loaded


def check_across(blueprints: list[Blueprint]) -> list[Problem]:
    """Problems between files: duplicate ids and `redesigns` references."""
    problems = []
    by_id: dict[str, Blueprint] = {}
    for blueprint in blueprints:
        first = by_id.setdefault(blueprint.id, blueprint)
        if first is not blueprint:
            where = blueprint.position
            problems.append(Problem(where.file, where.line, where.column,
                                    f"blueprint id '{blueprint.id}' is already used by {first.file}",
                                    "give each blueprint its own `id:` (or file name)"))
    for blueprint in blueprints:
        if not blueprint.redesigns:
            continue
        target = by_id.get(blueprint.redesigns)
        where = blueprint.redesigns_position
        if target is None:
            suggestion = did_you_mean(blueprint.redesigns, set(by_id) - {blueprint.id})   # never itself
            problems.append(Problem(where.file, where.line, where.column,
                                    f"redesigns unknown blueprint '{shown(blueprint.redesigns)}'",
                                    suggestion or "check the id of the as-is blueprint, and check it together with this one"))
        elif target is blueprint:
            problems.append(Problem(where.file, where.line, where.column,
                                    f"blueprint '{blueprint.id}' redesigns itself",
                                    "give the id of the as-is blueprint this one redesigns"))
        elif target.status != "as-is":
            problems.append(Problem(where.file, where.line, where.column,
                                    f"redesigns '{target.id}', which is not an as-is blueprint",
                                    "a to-be blueprint redesigns an as-is one"))
        else:
            problems.extend(_check_realises(blueprint, target))
    return problems


def _check_realises(blueprint: Blueprint, target: Blueprint) -> list[Problem]:
    known = {opportunity.id for opportunity in target.opportunities}
    problems = []
    for opportunity_id, where in blueprint.realises:
        if opportunity_id in known:
            continue
        hint = (did_you_mean(opportunity_id, known) or f"known opportunities of '{target.id}': {_listing(known)}"
                if known else f"add it under `opportunities:` in {target.file} first")
        problems.append(Problem(where.file, where.line, where.column,
                                f"realises unknown opportunity '{shown(opportunity_id)}' of '{target.id}'", hint))
    return problems


def load_paths(paths: list[str], memo: dict | None = None) -> Loaded:
    """Load every blueprint under `paths`, with problems from every file and between files (`memo`: see load_file)."""
    files, problems = find_files(paths)
    blueprints: list[Blueprint] = []
    read: list[tuple[str, int, str]] = []
    for path in files:
        loaded = load_file(path, memo=memo, read=read)
        blueprints.extend(loaded.blueprints)
        problems.extend(loaded.problems)
    problems.extend(check_across(blueprints))
    invalid = {problem.file for problem in problems}
    return Loaded(tuple(b for b in blueprints if b.file not in invalid), tuple(sorted(problems)), tuple(read))
