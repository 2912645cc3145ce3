"""Positioned problems in blueprint files, what loaded, and the suggestion for a misspelt name."""

from __future__ import annotations

from dataclasses import dataclass

from .escape import terminal
from .model import Blueprint
from .yamltree import shown

__all__ = ["Problem", "Loaded", "did_you_mean", "listing", "MAX_SUGGESTION_CHOICES"]

# difflib is quadratic in the length of the list; past this, no suggestion.
MAX_SUGGESTION_CHOICES = 200


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
        hint = f" (hint: {self.hint})" if self.hint else ""
        return terminal(f"{self.file}:{self.line}:{self.column}: error: {self.message}{hint}")


@dataclass(frozen=True)
class Loaded:
    """The blueprints that loaded, and every problem found, sorted by position."""

    blueprints: tuple[Blueprint, ...]
    problems: tuple[Problem, ...]
    # (path, size, sha256) of every file load_paths read, in order: a cache key made from these is
    # the key of what was loaded, even when a file changes on disk while a build runs.
    read: tuple[tuple[str, int, str], ...] = ()


def did_you_mean(word: str, choices) -> str | None:
    """`did you mean '…'?` with the closest of `choices`, or None when none is close."""
    if len(choices) > MAX_SUGGESTION_CHOICES or len(word) > 100:
        return None
    import difflib   # here: only a misspelt key needs it, and it takes longer to import than a file to load

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{shown(close[0])}'?" if close else None


def listing(names, most: int = 8) -> str:
    """The known names for a hint, sorted: the first `most`, then how many more."""
    names = sorted(names)
    shown_names = ", ".join(shown(name) for name in names[:most])
    return shown_names + (f", … ({len(names) - most} more)" if len(names) > most else "")
