"""dead-end: the journey stops at a step that is not an end.

A step is a dead end when it has no `next:` and either nothing follows it in the list or it says
`next: []`, and it has no `end:`. An arrow to a step that does not exist does not count (`validate`
reports it), so a step whose only arrows lead nowhere is a dead end too. Every step is checked,
whether the journey reaches it or not.

If the journey really stops here, for example because the customer gives up, say so with
`end: abandoned`.
"""

from __future__ import annotations

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "FAILING", "PASSING", "check"]

ID = "dead-end"
ORDER = 10
SEVERITY = "high"
TITLE = "Dead end"
MEANING = "The journey stops at a step that is not an end: nobody acts next and the customer is left waiting."
FIX = "add `next:` to the step that should follow, or mark the step `end: resolved` or `end: abandoned`"
ACTION = "Decide who acts next after “{step}”, or close the case there on purpose"


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


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# after the desk takes the request, nothing happens.
title: Refund request
owners:
  desk: {name: Service desk}
steps:
  - id: asks-refund
    lane: customer
    action: Asks for a refund at the desk.
  - id: desk-takes-request
    lane: frontstage
    owner: desk
    action: Takes the request and says they will be in touch.
"""
PASSING = """\
# say what happens next, and end the journey.
title: Refund request
owners:
  desk: {name: Service desk}
steps:
  - id: asks-refund
    lane: customer
    action: Asks for a refund at the desk.
  - id: desk-refunds
    lane: frontstage
    owner: desk
    action: Refunds on the spot and hands over the receipt.
  - id: leaves-refunded
    lane: customer
    action: Leaves with the money back.
    end: resolved
"""
