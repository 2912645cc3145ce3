"""unrecovered-failure: a known failure point with no recovery.

Everyone knows this step can go wrong (its `failure:`), and nothing is in place for when it does
(no `recovery:` step). When it fails, the customer is on their own.
"""

from __future__ import annotations

from .words import quote

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "FAILING", "PASSING", "check"]

ID = "unrecovered-failure"
ORDER = 110
SEVERITY = "high"
TITLE = "Unrecovered failure"
MEANING = "A known failure point has no recovery: when it happens, nothing puts it right."
FIX = "add a step that recovers and point to it with `recovery: <step id>`"
ACTION = "Plan who puts it right, and how, when “{failure}” happens"


ON = 'The step with the `failure:`.'
def check(ctx) -> None:
    for step in ctx.journey.steps:
        failure = step.failure
        if failure is not None and not failure.recovery:
            ctx.emit(ID, step, failure.position,
                     f"Step '{step.id}' can fail ({quote(failure.what)}) and no step recovers from it.",
                     f"add a step that puts it right and point to it with `recovery: <step id>` "
                     f"in the failure of step '{step.id}'")


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the failure has no `recovery:`.
title: Sofa delivery
owners:
  shop: {name: Web shop}
steps:
  - id: orders
    lane: customer
    action: Orders a sofa online.
  - id: shop-books-delivery
    lane: frontstage
    owner: shop
    action: Books a delivery slot.
    failure:
      what: The courier misses the slot.
  - id: receives-sofa
    lane: customer
    action: Receives the sofa.
    end: resolved
"""
PASSING = """\
# a step puts it right, and the failure points to it.
title: Sofa delivery
owners:
  shop: {name: Web shop}
steps:
  - id: orders
    lane: customer
    action: Orders a sofa online.
  - id: shop-books-delivery
    lane: frontstage
    owner: shop
    action: Books a delivery slot.
    failure:
      what: The courier misses the slot.
      recovery: shop-rebooks
    next: [receives-sofa, shop-rebooks]
  - id: receives-sofa
    lane: customer
    action: Receives the sofa.
    end: resolved
  - id: shop-rebooks
    lane: frontstage
    owner: shop
    action: Calls within the hour and books the first free slot.
    next: [receives-sofa]
"""
