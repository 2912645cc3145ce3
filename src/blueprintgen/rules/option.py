"""A rule's option: a project setting the rule reads (e.g. `chain_limit`), with its default and limits."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Duration

__all__ = ["Option", "TYPES"]

# What an option can hold: a whole number, a number, or a duration written as in a blueprint (`1w`).
TYPES = (int, float, Duration)


@dataclass(frozen=True)
class Option:
    """One setting of a rule, as yamllint's `CONF` and `DEFAULT` say them together.

    `minimum` and `maximum` are inclusive and in the option's type; a number needs both
    (`1e400` reads as infinity, and nothing real is that large). A duration without them
    is above 0 and at most the longest duration a blueprint may write. `doc` says what
    the option sets, in one line without its default: the docs, the settings schema and
    the `unknown option` hints show it.
    """

    type: type
    default: int | float | Duration
    doc: str
    minimum: int | float | Duration | None = None
    maximum: int | float | Duration | None = None

    def problem(self) -> str | None:
        """What is wrong with the declaration, or None."""
        if self.type not in TYPES:
            return f"type must be one of int, float, Duration, not {getattr(self.type, '__name__', self.type)!r}"
        if type(self.default) is not self.type and not (self.type is float and type(self.default) is int):
            return f"default {self.default!r} is not of its type {self.type.__name__}"
        if not isinstance(self.doc, str) or not self.doc.strip():
            return "doc must say what the option sets, in one line"
        if self.type is not Duration and (self.minimum is None or self.maximum is None):
            return "a number option needs a minimum and a maximum"
        if not self.within(self.default):
            return f"default {self.default!r} is outside its limits"
        return None

    def allowed(self) -> str:
        """The values it takes, in words: `a whole number from 1 to 1,000`."""
        if self.type is Duration:
            if self.minimum is None and self.maximum is None:
                return "a duration above 0, like `30m`, `4h`, `3d` or `1w`"
            low = f"from {self.minimum.text}" if self.minimum is not None else "above 0"
            high = f" to {self.maximum.text}" if self.maximum is not None else ""
            return f"a duration {low}{high}"
        kind = "a whole number" if self.type is int else "a number"
        return f"{kind} from {self.minimum:,} to {self.maximum:,}"

    def within(self, value) -> bool:
        """Whether a value of the option's type is inside its limits."""
        amount = _amount(value)
        if self.minimum is None and amount <= 0:
            return False
        return ((self.minimum is None or amount >= _amount(self.minimum))
                and (self.maximum is None or amount <= _amount(self.maximum)))


def _amount(value) -> float:
    return value.minutes if isinstance(value, Duration) else value
