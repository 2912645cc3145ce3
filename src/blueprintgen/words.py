"""Counts and scores in words, the same on every page and diagram: `30,146`, `1 customer`, `−2`."""

from __future__ import annotations

__all__ = ["number", "counted", "score"]


def number(count: int) -> str:
    """A count or priority as it is shown: `30,146` (IDs, step numbers and years are not counts)."""
    return f"{count:,}"


def counted(count: int, word: str, plural: str | None = None) -> str:
    """`1 blueprint`, `7 blueprints`, `1,200 customers`: the one place a count meets its noun."""
    return f"{number(count)} {word if count == 1 else plural or word + 's'}"


def score(value: int) -> str:
    """An emotion score with a real minus sign (U+2212), as type sets it: `−2`, `+1`, `0`."""
    return f"\u2212{-value}" if value < 0 else f"+{value}" if value > 0 else "0"
