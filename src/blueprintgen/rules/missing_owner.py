"""missing-owner: a staff step that nobody owns.

A step on the staff side (frontstage, backstage or support) with no `owner:`. "Someone" will do
it, so in practice nobody is accountable, and the customer has nobody to ask.
"""

from __future__ import annotations

from .words import quote

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "FAILING", "PASSING", "check"]

ID = "missing-owner"
ORDER = 50
SEVERITY = "high"
TITLE = "Missing owner"
MEANING = "A staff step has no owner: nobody is accountable for doing it."
FIX = "name who does this step with `owner: <owner key>`"
ACTION = "Give “{step}” an owner who is accountable for doing it"


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


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# someone checks the stock room.
title: Stock check
owners:
  clerk: {name: Store clerk}
steps:
  - id: asks-for-size
    lane: customer
    action: Asks for a pair of shoes in her size.
  - id: stock-checked
    lane: frontstage
    action: Someone checks the stock room.
  - id: gets-shoes
    lane: customer
    action: Tries on the shoes.
    end: resolved
"""
PASSING = """\
# name the owner, from the owners declared at the top.
title: Stock check
owners:
  clerk: {name: Store clerk}
steps:
  - id: asks-for-size
    lane: customer
    action: Asks for a pair of shoes in her size.
  - id: stock-checked
    lane: frontstage
    owner: clerk
    action: The clerk checks the stock room.
  - id: gets-shoes
    lane: customer
    action: Tries on the shoes.
    end: resolved
"""
