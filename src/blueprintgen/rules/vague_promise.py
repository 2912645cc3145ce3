"""vague-promise: a promise with no deadline (`within:`), so nobody can tell when it is broken."""

from __future__ import annotations

from .words import quote

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "vague-promise"
SEVERITY = "medium"
TITLE = "Vague promise"
MEANING = "A promise has no deadline, so nobody can tell when it is broken."
FIX = "give the promise a deadline with `within:` (e.g. `within: 2d`)"


def check(ctx) -> None:
    steps = ctx.journey.steps
    for i in ctx.journey.promised:
        step = steps[i]
        if step.promise.within is None:
            ctx.emit(ID, step, step.promise.position,
                     f"Step '{step.id}' promises {quote(step.promise.what)} with no deadline, "
                     f"so nobody can tell when the promise is broken.",
                     f"give the promise of step '{step.id}' a deadline with `within:` (e.g. `within: 2d`)")
