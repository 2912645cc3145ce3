"""unrecovered-failure: a failure point (`failure:`) with no `recovery:` step."""

from __future__ import annotations

from .words import quote

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "unrecovered-failure"
SEVERITY = "high"
TITLE = "Unrecovered failure"
MEANING = "A known failure point has no recovery: when it happens, nothing puts it right."
FIX = "add a step that recovers and point to it with `recovery: <step id>`"


def check(ctx) -> None:
    for step in ctx.journey.steps:
        failure = step.failure
        if failure is not None and not failure.recovery:
            ctx.emit(ID, step, failure.position,
                     f"Step '{step.id}' can fail ({quote(failure.what)}) and no step recovers from it.",
                     f"add a step that puts it right and point to it with `recovery: <step id>` "
                     f"in the failure of step '{step.id}'")
