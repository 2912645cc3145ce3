"""Spans of time written as a designer writes them: `1w 2d 3h 5m`."""

from __future__ import annotations

__all__ = ["span"]

_UNITS = (("w", 7 * 24 * 60), ("d", 24 * 60), ("h", 60), ("m", 1))


def span(minutes: int) -> str:
    """Minutes as a designer would write them: `4d 2h`, `30m`; `0m` for none."""
    parts = []
    for unit, size in _UNITS:
        if minutes >= size:
            parts.append(f"{minutes // size}{unit}")
            minutes %= size
    return " ".join(parts) or "0m"
