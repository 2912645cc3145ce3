"""unreachable-step: a step the journey never reaches.

For the customer it means nothing, and that is the problem: the step is in the blueprint, but no
way from the first step leads to it, so it never happens. Often a `next:` is missing, or a step
was left over from an earlier version.
"""

from __future__ import annotations

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "FAILING", "PASSING", "check"]

ID = "unreachable-step"
ORDER = 140
SEVERITY = "low"
TITLE = "Unreachable step"
MEANING = "No path from the first step reaches this step, so it never happens."
FIX = "connect the step with `next:` from an earlier step, or remove it"
ACTION = "Connect “{step}” to the journey, or drop it"


def check(ctx) -> None:
    steps, reachable = ctx.journey.steps, ctx.journey.reachable
    entry = steps[0].id if steps else ""
    for i, step in enumerate(steps):
        if not reachable[i]:
            ctx.emit(ID, step, step.position,
                     f"No path from the first step '{entry}' reaches step '{step.id}', so it never happens.",
                     f"connect step '{step.id}' with `next:` from an earlier step, or remove it")


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# nothing leads to the exchange.
title: Jacket return
owners:
  clerk: {name: Store clerk}
steps:
  - id: returns-jacket
    lane: customer
    action: Brings back a jacket.
  - id: clerk-refunds
    lane: frontstage
    owner: clerk
    action: Refunds it.
  - id: leaves
    lane: customer
    action: Leaves with a refund or a new jacket.
    end: resolved
  - id: clerk-offers-exchange
    lane: frontstage
    owner: clerk
    action: Offers an exchange instead.
    next: [leaves]
"""
PASSING = """\
# connect it with `next:` from an earlier step, or delete it.
title: Jacket return
owners:
  clerk: {name: Store clerk}
steps:
  - id: returns-jacket
    lane: customer
    action: Brings back a jacket.
    next: [clerk-refunds, clerk-offers-exchange]
  - id: clerk-refunds
    lane: frontstage
    owner: clerk
    action: Refunds it.
  - id: leaves
    lane: customer
    action: Leaves with a refund or a new jacket.
    end: resolved
  - id: clerk-offers-exchange
    lane: frontstage
    owner: clerk
    action: Offers an exchange instead.
    next: [leaves]
"""
