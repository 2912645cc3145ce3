"""dead-end: the journey stops at a step that is not an end.

An arrow to a step that does not exist is not counted (the loader reports it),
so a step whose only arrows are broken references is a dead end. Applies to
every step, reachable or not.
"""

from __future__ import annotations

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "dead-end"
SEVERITY = "high"
TITLE = "Dead end"
MEANING = "The journey stops at a step that is not an end: nobody acts next and the customer is left waiting."
FIX = "add `next:` to the step that should follow, or mark the step `end: resolved` or `end: abandoned`"


def check(ctx) -> None:
    journey, words = ctx.journey, ctx.words
    succ, end = journey.succ, journey.end
    for i, step in enumerate(journey.steps):
        if not succ[i] and not end[i]:
            ctx.emit(ID, step, step.position,
                     f"Step {words.step(step)} has no next step and is not an end: the journey stops here "
                     f"and the customer is left waiting.",
                     f"add `next:` to step '{step.id}' with the step that should follow, "
                     f"or mark it `end: resolved` or `end: abandoned`")
