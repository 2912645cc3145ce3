"""YAML the parser cannot read, in our words: a syntax error's message, and nesting past MAX_DEPTH found in the text.

Only a file that fails to parse comes here: the reader's normal path never pays for it.
"""

from __future__ import annotations

import yaml

from .yamlnodes import TreeError, shown

__all__ = ["MAX_DEPTH", "syntax_error", "too_deep", "deep_flow_opener"]

MAX_DEPTH = 64


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


def syntax_error(text: str, error: yaml.MarkedYAMLError) -> TreeError:
    """The parser's error as our message, at its position."""
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


def too_deep(line: int, column: int) -> TreeError:
    """Nesting past MAX_DEPTH, found by the reader or by deep_flow_opener."""
    return TreeError(line, column, f"nesting deeper than {MAX_DEPTH} levels",
                     "a blueprint needs only a few levels; flatten the structure")


def deep_flow_opener(text: str) -> int | None:
    """Offset of the first `[` or `{` that opens a level past MAX_DEPTH, or None.

    A small scanner for just what matters here: comments, quoted scalars, block scalars, and
    that in block context a bracket opens a flow only where a value starts.
    """
    if text.count("[") + text.count("{") < MAX_DEPTH:
        return None
    limit = _flow_limit(text)
    depth = 0
    previous = ""              # last non-blank character on this line ("" at line start)
    block_indent = -1          # inside a block scalar: lines indented more than this are text
    i, size = 0, len(text)
    while i < size:
        c = text[i]
        if c == "\n":
            previous, i = "", i + 1
            if block_indent >= 0 and _in_block_text(text, i, block_indent):
                i = _line_end(text, i)   # a line of the block scalar's text: skipped whole
            else:
                block_indent = -1
            continue
        if c in " \t":
            i += 1
            continue
        value_start = previous in ("", "-", ":", "?") if depth == 0 else previous in ("", ",", "[", "{", ":", "?")
        if c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            i = _line_end(text, i)
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
            block_indent = _indent(text, text.rfind("\n", 0, i) + 1, i)
        # Remember only what can start a value: an indicator ("- ", ": ", "? ", or a flow
        # bracket or comma); anything else is the middle of a plain scalar.
        if c in "-:?" and (depth > 0 and c == ":" or i + 1 == size or text[i + 1] in " \t\n"):
            previous = c
        else:
            previous = c if c in "[{," else "x"
        i += 1
    return None


def _flow_limit(text: str) -> int:
    """How many flow levels the text may open: levels are counted as the event stream does, so a block
    mapping or list at the top is one."""
    first = next((line.lstrip()[:1] for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith(("#", "---"))), "")
    return MAX_DEPTH if first in ("[", "{") else MAX_DEPTH - 1


def _line_end(text: str, i: int) -> int:
    """Offset of the end of the line `i` is on (its newline, or the end of the text)."""
    end = text.find("\n", i)
    return end if end >= 0 else len(text)


def _indent(text: str, start: int, end: int) -> int:
    """The spaces that start text[start:end]."""
    return len(text[start:end]) - len(text[start:end].lstrip(" "))


def _in_block_text(text: str, i: int, block_indent: int) -> bool:
    """Whether the line starting at `i` is still text of a block scalar whose key is indented `block_indent`."""
    end = _line_end(text, i)
    return not text[i:end].strip() or _indent(text, i, end) > block_indent


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
