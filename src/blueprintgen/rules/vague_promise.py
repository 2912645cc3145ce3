"""vague-promise: a promise without a deadline.

"Someone will get back to you", with no `within:`. The customer cannot tell when to start
worrying, and nobody on the staff side can tell when the promise is broken.
"""

from __future__ import annotations

from .words import quote

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "FAILING", "PASSING", "check"]

ID = "vague-promise"
ORDER = 30
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


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the promise has no `within:`.
title: Repair update
owners:
  workshop: {name: Repair workshop}
steps:
  - id: drops-off-bike
    lane: customer
    action: Drops off a bike for repair.
  - id: workshop-promises
    lane: frontstage
    owner: workshop
    action: Promises to call when the bike is ready.
    promise:
      what: We will call you when it is ready.
  - id: workshop-calls
    lane: frontstage
    owner: workshop
    action: Calls to say the bike is ready.
    fulfils: workshop-promises
  - id: picks-up-bike
    lane: customer
    action: Picks up the bike.
    end: resolved
"""
PASSING = """\
# the promise has a deadline.
title: Repair update
owners:
  workshop: {name: Repair workshop}
steps:
  - id: drops-off-bike
    lane: customer
    action: Drops off a bike for repair.
  - id: workshop-promises
    lane: frontstage
    owner: workshop
    action: Promises to call when the bike is ready.
    promise:
      what: We will call you when it is ready.
      within: 3d
  - id: workshop-calls
    lane: frontstage
    owner: workshop
    action: Calls to say the bike is ready.
    fulfils: workshop-promises
  - id: picks-up-bike
    lane: customer
    action: Picks up the bike.
    end: resolved
"""
