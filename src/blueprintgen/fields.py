"""Reading one value of a blueprint (text, id, duration, cost, score, list, reference), with a positioned problem."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import ID_PATTERN, KEY_PATTERN, Cost, Duration, Position
from .problems import Problem, did_you_mean, listing
from .schema import COST_PATTERN, COUNT_PATTERN, DURATION_PATTERN, OBJECTS, SCORE_PATTERN, VOLUME_PATTERN
from .yamltree import Mapping, Node, Scalar, Sequence, shown

__all__ = ["Reader", "References", "reference", "kind_name", "at", "MINUTES", "MAX_MINUTES", "DURATION_HINT",
           "COST_HINT", "SCORE_HINT"]

MINUTES = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
MAX_MINUTES = 10_000 * 366 * 24 * 60   # only to keep huge numbers from overflowing
DURATION_HINT = "write a number and a unit: m (minutes), h (hours), d (days) or w (weeks), e.g. `30m`, `4h`, `2d`"
COST_HINT = "write an amount and, if you like, a three-letter currency code: e.g. `12.50 EUR`, `40 USD`, `3`"
SCORE_HINT = ("write a whole number from -2 (very negative) through 0 (neutral) to 2 (very positive); "
              "put the customer's words in a note: `emotion: {score: -2, note: I felt ignored}`")
_DURATION = re.compile(DURATION_PATTERN)
_COST = re.compile(COST_PATTERN)
_SCORE = re.compile(SCORE_PATTERN)
_COUNT = re.compile(COUNT_PATTERN)
_VOLUME = re.compile(VOLUME_PATTERN)


def kind_name(node: Node) -> str:
    """What a node is, for a message: `a mapping`, `a list`, `nothing` or the text."""
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


def at(where: str, key: str | None) -> str:
    """`where.key` for a message; built only when there is a problem to report."""
    return f"{where}.{key}" if key else where


class Reader:
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
            self._listings[key] = listing(names)
        return self._listings[key]

    def problem(self, node, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.file, node.line, node.column, message, hint))

    def position(self, node) -> Position:
        return Position(self.file, node.line, node.column)

    # -- objects -----------------------------------------------------------------

    def fields(self, node: Node, kind: str, where: str) -> dict[str, Node] | None:
        """The non-null values of a mapping node by key, after checking unknown and missing keys."""
        if node.__class__ is not Mapping:
            self.problem(node, f"{where} must be a mapping of keys, not {kind_name(node)}",
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
            self.problem(node, f"{at(where, key)} must be text, not {kind_name(node)}",
                         "write a single line of text, quoted if it contains ': ' or starts with a symbol")
            return None
        value = node.text
        if not _shows_text(value):
            self.problem(node, f"{at(where, key)} must not be empty", "write the text, or remove the key")
            return None
        return value

    def identifier(self, node: Node | None, where: str, pattern=ID_PATTERN, key: str | None = None) -> str | None:
        value = self.text(node, where, key)
        if value is not None and not pattern.fullmatch(value):
            self.problem(node, f"{at(where, key)} '{shown(value)}' is not a valid id",
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
            self.problem(node, f"{at(where, key)} '{shown(value)}' is not a duration", DURATION_HINT)
            return None
        minutes = float(value[:-1]) * MINUTES[value[-1]]
        if minutes > MAX_MINUTES:   # e.g. 400 nines would overflow; nothing real is this long
            self.problem(node, f"{at(where, key)} '{shown(value)}' is not a duration", DURATION_HINT)
            return None
        return Duration(value, round(minutes))

    def cost(self, node: Node | None, where: str, key: str | None = None) -> Cost | None:
        value = self.text(node, where, key)
        if value is None:
            return None
        if not _COST.fullmatch(value):
            self.problem(node, f"{at(where, key)} '{shown(value)}' is not an amount", COST_HINT)
            return None
        from decimal import Decimal   # here: most blueprints have no cost, and `check` starts faster without it

        amount, _, currency = value.partition(" ")
        return Cost(value, Decimal(amount), currency or None)

    def score(self, node: Node | None, where: str, key: str | None = None) -> int | None:
        value = self.text(node, where, key)
        if value is not None and not _SCORE.fullmatch(value):
            self.problem(node, f"{at(where, key)} '{shown(value)}' is not a score from -2 to 2", SCORE_HINT)
            return None
        return None if value is None else int(value)

    def count(self, node: Node | None, where: str, key: str | None = None) -> int | None:
        """A whole number from 1 to 99 (how many times a designed loop may go round)."""
        value = self.text(node, where, key)
        if value is not None and not _COUNT.fullmatch(value):
            self.problem(node, f"{at(where, key)} '{shown(value)}' is not a whole number from 1 to 99",
                         "write how many times at most the loop goes round, e.g. `at_most: 2`")
            return None
        return None if value is None else int(value)

    def volume(self, node: Node | None, where: str, key: str | None = None) -> int | None:
        """A whole number of customers, from 0 to 999,999,999 (how many pass a step)."""
        value = self.text(node, where, key)
        if value is not None and not _VOLUME.fullmatch(value):
            self.problem(node, f"{at(where, key)} '{shown(value)}' is not a whole number of customers",
                         "write how many customers pass this step, as digits only, e.g. `volume: 1200`")
            return None
        return None if value is None else int(value)

    def text_or_texts(self, node: Node | None, where: str, key: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if isinstance(node, Mapping):
            self.problem(node, f"{at(where, key)} must be text or a list of texts, not a mapping",
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
            self.problem(node, f"{at(where, key)} '{shown(value)}' is not one of: {', '.join(choices)}", suggestion)
            return None
        return value

    def texts(self, node: Node | None, where: str, key: str | None = None) -> tuple[str, ...]:
        if node is None:
            return ()
        if isinstance(node, Scalar):
            self.problem(node, f"{at(where, key)} must be a list",
                         f"write it as a list: `{at(where, key).rsplit('.', 1)[-1]}: [first, second]`")
            return ()
        if not isinstance(node, Sequence):
            self.problem(node, f"{at(where, key)} must be a list, not {kind_name(node)}",
                         "write one `- item` line per entry")
            return ()
        values = []
        for index, item in enumerate(node.items):
            if item.__class__ is Scalar and _shows_text(item.text):
                values.append(item.text)   # the common case: no name for messages is needed
            else:
                value = self.text(item, f"{at(where, key)}[{index}]")
                if value is not None:
                    values.append(value)
        return tuple(values)

    def items(self, node: Node | None, where: str, key: str | None = None) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, Sequence):
            self.problem(node, f"{at(where, key)} must be a list, not {kind_name(node)}",
                         "write one `- ` entry per item")
            return []
        return node.items


_REQUIRED = {kind: tuple(name for name, field in spec.items() if field.required) for kind, spec in OBJECTS.items()}


@dataclass
class References:
    """The names a blueprint declares, which its steps may refer to."""

    owners: set[str]
    channels: set[str]
    stages: set[str]


def reference(reader: Reader, node: Node | None, where: str, known, what: str,
              pattern=KEY_PATTERN, key: str | None = None) -> str | None:
    """The name at `node` if it is one of `known` (declared under `{what}s:`), else None and a problem."""
    if node is None:
        return None
    value = reader.text(node, where, key)
    if value is None:
        return None
    if value not in known:
        suggestion = did_you_mean(value, known)
        hint = f"known {what}s: {reader.listing(known)}" if known else f"declare it under `{what}s:` first"
        reader.problem(node, f"{at(where, key)} refers to unknown {what} '{shown(value)}'", suggestion or hint)
        return None
    return value
