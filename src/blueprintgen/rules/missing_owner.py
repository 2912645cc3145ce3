"""missing-owner: a step in a staff lane (frontstage, backstage, support) with no `owner:`."""

from __future__ import annotations

from .words import quote

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "missing-owner"
SEVERITY = "high"
TITLE = "Missing owner"
MEANING = "A staff step has no owner: nobody is accountable for doing it."
FIX = "name who does this step with `owner: <owner key>`"


def check(ctx) -> None:
    owner_keys = ", ".join(owner.key for owner in ctx.blueprint.owners)
    lane = ctx.journey.lane
    for i, step in enumerate(ctx.journey.steps):
        if lane[i] != "customer" and not step.owner:
            ctx.emit(ID, step, step.position,
                     f"Step '{step.id}' in the {step.lane} lane has no owner: nobody is accountable for "
                     f"{quote(step.action, 60)}.",
                     f"name who does step '{step.id}' with `owner: <owner key>`"
                     + (f" (owners: {owner_keys})" if owner_keys else ", after declaring it under `owners:`"))
