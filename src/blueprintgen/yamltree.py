"""Safe YAML reading: bytes -> a tree of positioned text nodes, built from events.

PyYAML's composer is never used: libyaml's recursive composer segfaults on
deeply nested input, and composed trees lose duplicate keys and the exact
text of scalars. Walking the event stream ourselves lets us refuse tags,
anchors, aliases and deep nesting before anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

__all__ = [
    "MAX_FILE_BYTES", "MAX_DEPTH", "MAX_VALUES", "Scalar", "Mapping", "Sequence", "Node",
    "TreeError", "read_tree", "decode", "shown",
]

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64
# A blueprint of 40 steps holds about 500 values; this keeps a 1 MiB file of
# `[x,x,x,…]` from building half a million nodes.
MAX_VALUES = 100_000
NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(slots=True)
class Scalar:
    """A scalar exactly as typed; `plain` is False for quoted and block scalars."""

    text: str
    plain: bool
    line: int
    column: int

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in NULL_WORDS


@dataclass(slots=True)
class Mapping:
    """A mapping with its keys in file order."""

    is_null = False   # so any node can be asked, as a Scalar can

    line: int
    column: int
    items: list[tuple[Scalar, "Node"]] = field(default_factory=list)


@dataclass(slots=True)
class Sequence:
    """A list with its items in file order."""

    is_null = False

    line: int
    column: int
    items: list["Node"] = field(default_factory=list)


Node = Scalar | Mapping | Sequence


@dataclass(frozen=True)
class TreeError:
    """A problem found while reading the YAML itself."""

    line: int
    column: int
    message: str
    hint: str | None = None


def shown(text: str, limit: int = 60) -> str:
    """A value as quoted in a message: control characters removed, long values cut.

    Messages name the offending value so it can be found, but never reproduce a
    file's contents (or terminal escape sequences hidden in them).
    """
    visible = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in text)
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"


def decode(data: bytes) -> tuple[str | None, TreeError | None]:
    """UTF-8 text of `data`, or a positioned error for binary or non-UTF-8 data."""
    if not data.strip():
        return None, TreeError(1, 1, "the file is empty", "write a blueprint: at least `title:` and `steps:`")
    if b"\x00" in data:
        line, column = _line_column(data, data.index(b"\x00"))
        return None, TreeError(line, column, "the file is binary (it contains a NUL byte)",
                               "blueprints are UTF-8 text files")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_column(data, error.start)
        return None, TreeError(line, column, "the file is not valid UTF-8",
                               "save the file with UTF-8 encoding")
    return text.removeprefix("\ufeff"), None


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return line, column


def _mark(event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def read_tree(text: str, tolerant: bool = False) -> tuple[Node | None, list[TreeError]]:
    """Parse one YAML document into nodes; errors are collected, not raised.

    Refusals that make the rest of the file untrustworthy (syntax errors,
    tags, anchors, aliases, nesting) stop reading at once; duplicate keys are
    collected and reading goes on. `tolerant` reads a project's own config
    (mkdocs.yml uses tags such as `!!python/name:`): tags are ignored and
    aliases read as empty values, never expanded.
    """
    errors: list[TreeError] = []
    parser = _Parser(text)
    try:
        root = _build(parser.get_event, errors, tolerant)
    except _Stop as stop:
        return None, errors + [stop.error]
    except yaml.reader.ReaderError as error:
        return None, errors + [_reader_error(text, error)]
    except yaml.MarkedYAMLError as error:
        return None, errors + [_syntax_error(error)]
    except yaml.YAMLError as error:  # unmarked reader errors
        return None, errors + [TreeError(1, 1, f"YAML error: {error}")]
    finally:
        parser.dispose()
    return root, errors


class _Stop(Exception):
    def __init__(self, error: TreeError):
        self.error = error


def _reader_error(text: str, error) -> TreeError:
    before = text[: error.position]
    line = before.count("\n") + 1
    column = error.position - (before.rfind("\n") + 1) + 1
    character = error.character if isinstance(error.character, str) else chr(error.character)
    return TreeError(line, column, f"the file contains the control character U+{ord(character):04X}, "
                     "which YAML does not allow", "delete it; most editors do not show it")


def _syntax_error(error: yaml.MarkedYAMLError) -> TreeError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "invalid YAML"
    context = f" {error.context}" if error.context else ""
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return TreeError(line, column, f"YAML syntax error: {problem}{context}",
                     "check indentation, colons and quotes around this point")


def _refuse_extras(event) -> None:
    anchor = getattr(event, "anchor", None)
    if isinstance(event, yaml.AliasEvent):
        raise _Stop(TreeError(*_mark(event), f"alias '*{shown(anchor)}' is not allowed",
                              "anchors and aliases are not supported; write the value out in full"))
    if anchor is not None:
        raise _Stop(TreeError(*_mark(event), f"anchor '&{shown(anchor)}' is not allowed",
                              "anchors and aliases are not supported; write the value out in full"))
    tag = getattr(event, "tag", None)
    if tag is not None:
        written = "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag
        raise _Stop(TreeError(*_mark(event), f"explicit tag '{shown(written)}' is not allowed",
                              "remove the tag; every value is read as plain text"))


def _build(get_event, errors: list[TreeError], tolerant: bool = False) -> Node | None:
    """Turn the event stream into nodes with an explicit stack (no recursion).

    This loop runs once per YAML event of every file, so it is written for speed:
    one call into the parser per event, and each open container as a small list
    [node, key awaiting its value, keys seen] (keys seen is None for a list).
    """
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    document_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
    stack: list[list] = []
    root: Node | None = None
    documents = 0
    values = 0
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            values += 1
            if values > MAX_VALUES:
                raise _Stop(TreeError(*_mark(event), f"more than {MAX_VALUES:,} values in one file",
                                      "split the journey into several blueprints"))
            if (event.anchor is not None or event.tag is not None) and not tolerant:
                _refuse_extras(event)
            mark = event.start_mark
            node = Scalar(event.value, not event.style, mark.line + 1, mark.column + 1)  # C parser: "", pure: None
        elif kind is mapping_end or kind is sequence_end:
            stack.pop()
            continue
        elif kind is mapping_start or kind is sequence_start:
            if (event.anchor is not None or event.tag is not None) and not tolerant:
                _refuse_extras(event)
            mark = event.start_mark
            if len(stack) >= MAX_DEPTH:
                raise _Stop(TreeError(mark.line + 1, mark.column + 1, f"nesting deeper than {MAX_DEPTH} levels",
                                      "a blueprint needs only a few levels; flatten the structure"))
            node = (Mapping if kind is mapping_start else Sequence)(mark.line + 1, mark.column + 1)
        elif kind is alias_event:
            if not tolerant:
                _refuse_extras(event)
            mark = event.start_mark
            node = Scalar("", True, mark.line + 1, mark.column + 1)
        elif kind is document_start:
            documents += 1
            if documents > 1:
                raise _Stop(TreeError(*_mark(event), "a second YAML document is not allowed",
                                      "keep one blueprint per file; remove the '---' line"))
            continue
        elif kind is stream_end:
            return root
        else:
            continue
        if stack:
            frame = stack[-1]
            seen = frame[2]
            if seen is None:
                frame[0].items.append(node)
            elif frame[1] is None:
                _take_key(node, frame, errors)
            else:
                frame[0].items.append((frame[1], node))
                frame[1] = None
        elif root is None:
            root = node
        if kind is mapping_start:
            stack.append([node, None, {}])
        elif kind is sequence_start:
            stack.append([node, None, None])


def _take_key(node: Node, frame: list, errors: list[TreeError]) -> None:
    """Record `node` as the key awaiting its value in a mapping; duplicates are reported."""
    if not isinstance(node, Scalar):
        raise _Stop(TreeError(node.line, node.column, "a key must be plain text, not a list or mapping",
                              "write keys as simple words followed by ':'"))
    first = frame[2].get(node.text)
    if first is not None:
        errors.append(TreeError(node.line, node.column,
                                f"duplicate key '{shown(node.text)}' (first at line {first.line}, column {first.column})",
                                "remove one of them; YAML would silently keep only the last"))
    else:
        frame[2][node.text] = node
    frame[1] = node
