"""unreachable-step: no path from the first step reaches the step."""

from __future__ import annotations

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "unreachable-step"
SEVERITY = "low"
TITLE = "Unreachable step"
MEANING = "No path from the first step reaches this step, so it never happens."
FIX = "connect the step with `next:` from an earlier step, or remove it"


def check(ctx) -> None:
    steps, reachable = ctx.journey.steps, ctx.journey.reachable
    entry = steps[0].id if steps else ""
    for i, step in enumerate(steps):
        if not reachable[i]:
            ctx.emit(ID, step, step.position,
                     f"No path from the first step '{entry}' reaches step '{step.id}', so it never happens.",
                     f"connect step '{step.id}' with `next:` from an earlier step, or remove it")
