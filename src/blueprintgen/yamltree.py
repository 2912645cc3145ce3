"""Safe YAML reading: bytes -> a tree of positioned text nodes, built from events.

PyYAML's composer is never used: libyaml's recursive composer segfaults on
deeply nested input, and composed trees lose duplicate keys and the exact
text of scalars. Walking the event stream ourselves lets us refuse tags,
anchors, aliases and deep nesting before anything is built.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import yaml

__all__ = [
    "MAX_FILE_BYTES", "MAX_DEPTH", "MAX_VALUES", "Scalar", "Mapping", "Sequence", "Node",
    "TreeError", "read_tree", "decode", "shown", "ENV_TAG",
]

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64
# A blueprint of 40 steps holds about 500 values; this keeps a 1 MiB file of
# `[x,x,x,…]` from building half a million nodes.
MAX_VALUES = 100_000
NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
# MkDocs reads `!ENV NAME` and `!ENV [NAME, OTHER, default]` from the environment.
ENV_TAG = "!ENV"

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(slots=True)
class Scalar:
    """A scalar exactly as typed; `plain` is False for quoted and block scalars."""

    text: str
    plain: bool
    line: int
    column: int
    env: bool = False   # tagged `!ENV` in a project's config (read with `tolerant`)

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
    env: bool = False


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
    """The line and column (in characters, not bytes) of byte `offset`."""
    return _position(data[:offset].decode("utf-8", "replace"), None)


# Lines as editors count them: LF, CRLF, or a lone CR (old Mac files). YAML 1.1 parsers
# also break lines at U+0085, U+2028 and U+2029, which editors show inside a line.
_EDITOR_BREAKS = re.compile("\r\n|[\r\n]")
_PARSER_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")


def _line_starts(text: str, breaks: re.Pattern) -> list[int]:
    return [0] + [match.end() for match in breaks.finditer(text)]


def _position(text: str, offset: int | None) -> tuple[int, int]:
    """(line, column) of character `offset` of `text` (its end when None), as an editor counts."""
    before = text if offset is None else text[:offset]
    starts = _line_starts(before, _EDITOR_BREAKS)
    return len(starts), len(before) - starts[-1] + 1


class _Repositioned:
    """Turns the parser's (line, column) into the editor's, for text with YAML-only line breaks."""

    def __init__(self, text: str):
        self._parser = _line_starts(text, _PARSER_BREAKS)
        self._editor = _line_starts(text, _EDITOR_BREAKS)

    def __call__(self, line: int, column: int) -> tuple[int, int]:
        offset = self._parser[min(line, len(self._parser)) - 1] + column - 1
        editor_line = bisect.bisect_right(self._editor, offset)
        return editor_line, offset - self._editor[editor_line - 1] + 1

    def tree(self, root: Node | None) -> None:
        stack = [root] if root is not None else []
        while stack:
            node = stack.pop()
            node.line, node.column = self(node.line, node.column)
            if isinstance(node, Mapping):
                stack.extend(part for item in node.items for part in item)
            elif isinstance(node, Sequence):
                stack.extend(node.items)

    def error(self, error: TreeError) -> TreeError:
        message = _FIRST_AT.sub(lambda m: "(first at line {}, column {})".format(*self(int(m[1]), int(m[2]))),
                                error.message)
        return TreeError(*self(error.line, error.column), message, error.hint)


_FIRST_AT = re.compile(r"\(first at line (\d+), column (\d+)\)")


def _mark(event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def read_tree(text: str, tolerant: bool = False,
              warnings: list[TreeError] | None = None) -> tuple[Node | None, list[TreeError]]:
    """Parse one YAML document into nodes; errors are collected, not raised.

    Refusals that make the rest of the file untrustworthy (syntax errors,
    tags, anchors, aliases, nesting) stop reading at once; duplicate keys are
    collected and reading goes on. `tolerant` reads a project's own config
    (mkdocs.yml uses tags such as `!!python/name:`): tags are ignored and
    aliases read as empty values, never expanded; with `warnings`, a duplicate key
    goes there instead (the last one wins, as MkDocs reads it).
    """
    errors: list[TreeError] = []
    parser = _Parser(text)
    # Positions of the rare file with YAML-only line breaks are put right afterwards, so the
    # common file pays one search and nothing per value.
    repositioned = _Repositioned(text) if _ODD_BREAKS.search(text) else None
    try:
        root = _build(parser.get_event, errors, tolerant, warnings if tolerant else None)
    except _Stop as stop:
        root, errors = None, errors + [stop.error]
    except yaml.reader.ReaderError as error:
        return None, errors + [_reader_error(text, error)]
    except yaml.MarkedYAMLError as error:
        root, errors = None, errors + [_deep_flow_error(text, error) or _syntax_error(text, error)]
    except yaml.YAMLError as error:  # unmarked reader errors
        return None, errors + [TreeError(1, 1, f"YAML error: {error}")]
    finally:
        parser.dispose()
    if repositioned:
        repositioned.tree(root)
        errors = [repositioned.error(error) for error in errors]
    return root, errors


class _Stop(Exception):
    def __init__(self, error: TreeError):
        self.error = error


def _reader_error(text: str, error) -> TreeError:
    offset = error.position
    if _Parser is not yaml.SafeLoader:   # libyaml counts bytes of the UTF-8 text it was given
        offset = len(text.encode("utf-8")[:offset].decode("utf-8", "replace"))
    line, column = _position(text, offset)
    character = error.character if isinstance(error.character, str) else chr(error.character)
    return TreeError(line, column, f"the file contains the control character U+{ord(character):04X}, "
                     "which YAML does not allow", "delete it; most editors do not show it")


# What went wrong, in our words: the parser's own wording differs between libyaml and
# PyYAML's pure-Python parser and between releases, so it is never shown. Matched on the
# parser's context first (stable across both), then on a word of its problem.
_SYNTAX_PROBLEMS = (
    ("flow sequence", "", "a list in [ ] is not closed, or an item is missing its ','"),
    ("flow mapping", "", "a mapping in { } is not closed, or an entry is missing its ','"),
    ("flow node", "", "a value is missing, or a '[' or '{' is not closed"),
    ("quoted scalar", "escape", "an unknown escape in double-quoted text"),
    ("quoted scalar", "", "a quoted text is not closed"),
    ("block mapping", "", "this line does not line up with the keys above it"),
    ("block collection", "", "this line does not line up with the list items above it"),
    ("", "mapping values", "a ':' where no key can start"),
    ("", "document", "more text after the end of the blueprint"),
)


def _syntax_error(text: str, error: yaml.MarkedYAMLError) -> TreeError:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    context, problem = error.context or "", error.problem or ""
    found = text[mark.index] if mark and mark.index < len(text) else ""
    if "cannot start any token" in problem:
        what = ("a tab, which YAML does not allow for indentation" if found == "\t"
                else f"'{shown(found)}' cannot start a value; put the text in quotes")
    else:
        what = next((ours for where, word, ours in _SYNTAX_PROBLEMS
                     if where in context and word in problem), "the YAML cannot be read here")
    return TreeError(line, column, f"YAML syntax error: {what}",
                     "check indentation, colons and quotes around this point")


def _too_deep(line: int, column: int) -> TreeError:
    return TreeError(line, column, f"nesting deeper than {MAX_DEPTH} levels",
                     "a blueprint needs only a few levels; flatten the structure")


def _deep_flow_error(text: str, error: yaml.MarkedYAMLError) -> TreeError | None:
    """Our own nesting error when the parser gave up inside brackets nested past MAX_DEPTH.

    libyaml's scanner reads ahead through `[[[[…` and, from some version on, stops at its own
    flow-level limit before our depth check sees an event. Whatever the installed libyaml does,
    a file nested too deep must get the same message, so on a syntax error we look for that
    nesting ourselves (only then: the normal path never pays for this scan).
    """
    opener = _deep_flow_opener(text)
    mark = error.problem_mark or error.context_mark
    if opener is None or (mark is not None and mark.index < opener):
        return None
    return _too_deep(*_position(text, opener))


def _deep_flow_opener(text: str) -> int | None:
    """Offset of the first `[` or `{` that opens a level past MAX_DEPTH, or None.

    A small scanner for just what matters here: comments, quoted scalars, block scalars, and
    that in block context a bracket opens a flow only where a value starts.
    """
    if text.count("[") + text.count("{") < MAX_DEPTH:
        return None
    # Levels are counted as the event stream does: a block mapping or list at the top is one.
    first = next((line.lstrip()[:1] for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith(("#", "---"))), "")
    limit = MAX_DEPTH if first in ("[", "{") else MAX_DEPTH - 1
    depth = 0
    previous = ""              # last non-blank character on this line ("" at line start)
    block_indent = -1          # inside a block scalar: lines indented more than this are text
    i, size = 0, len(text)
    while i < size:
        c = text[i]
        if c == "\n":
            previous = ""
            i += 1
            if block_indent >= 0:
                end = text.find("\n", i)
                line = text[i:end if end >= 0 else size]
                if not line.strip() or len(line) - len(line.lstrip(" ")) > block_indent:
                    i = end if end >= 0 else size
                    continue
                block_indent = -1
            continue
        if c in " \t":
            i += 1
            continue
        value_start = previous in ("", "-", ":", "?") if depth == 0 else previous in ("", ",", "[", "{", ":", "?")
        if c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            end = text.find("\n", i)
            i = end if end >= 0 else size
            continue
        if c in "[{" and (depth > 0 or value_start):
            depth += 1
            if depth > limit:
                return i
        elif c in "]}" and depth > 0:
            depth -= 1
        elif c in "'\"" and value_start:
            i = _after_quoted(text, i)
            previous = c
            continue
        elif c in "|>" and depth == 0 and value_start:
            line_start = text.rfind("\n", 0, i) + 1
            block_indent = len(text[line_start:i]) - len(text[line_start:i].lstrip(" "))
        # Remember only what can start a value: an indicator ("- ", ": ", "? ", or a flow
        # bracket or comma); anything else is the middle of a plain scalar.
        if c in "-:?" and (depth > 0 and c == ":" or i + 1 == size or text[i + 1] in " \t\n"):
            previous = c
        else:
            previous = c if c in "[{," else "x"
        i += 1
    return None


def _after_quoted(text: str, start: int) -> int:
    """Offset just past the quoted scalar that starts at `start` ('' and \\ escapes honoured)."""
    quote, i = text[start], start + 1
    while i < len(text):
        c = text[i]
        if quote == '"' and c == "\\":
            i += 2
            continue
        if c == quote:
            if quote == "'" and text[i + 1:i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return i


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


def _build(get_event, errors: list[TreeError], tolerant: bool = False,
           warnings: list[TreeError] | None = None) -> Node | None:
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
            if tolerant and event.tag == ENV_TAG:
                node.env = True
        elif kind is mapping_end or kind is sequence_end:
            stack.pop()
            continue
        elif kind is mapping_start or kind is sequence_start:
            if (event.anchor is not None or event.tag is not None) and not tolerant:
                _refuse_extras(event)
            mark = event.start_mark
            if len(stack) >= MAX_DEPTH:
                raise _Stop(_too_deep(mark.line + 1, mark.column + 1))
            node = (Mapping if kind is mapping_start else Sequence)(mark.line + 1, mark.column + 1)
            if tolerant and event.tag == ENV_TAG and kind is sequence_start:
                node.env = True
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
                _take_key(node, frame, errors if warnings is None else warnings)
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
