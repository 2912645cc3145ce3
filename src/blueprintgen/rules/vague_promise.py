"""vague-promise: a promise without a deadline.

"Someone will get back to you", with no `within:`. The customer cannot tell when to start
worrying, and nobody on the staff side can tell when the promise is broken.

A promise bound to an event has an end too, and is not vague: "you'll have a courtesy car while
yours is in for repair" lasts `until:` the step where the customer collects the repaired car (see
[late-promise](#late-promise) for when it is late).
"""

from __future__ import annotations

from .words import quote

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "FAILING", "PASSING", "MORE_EXAMPLES", "check"]

ID = "vague-promise"
ORDER = 30
SEVERITY = "medium"
TITLE = "Vague promise"
MEANING = "A promise has no deadline, so nobody can tell when it is broken."
FIX = ("give the promise a deadline with `within:` (e.g. `within: 2d`), or the step it lasts until with "
       "`until: <step id>`")
ACTION = "Say by when the promise “{promise}” made at “{step}” will be kept"


ON = 'The step that makes the promise.'
def check(ctx) -> None:
    steps = ctx.journey.steps
    for i in ctx.journey.promised:
        step = steps[i]
        if step.promise.within is None and step.promise.until is None:
            ctx.emit(ID, step, step.promise.position,
                     f"Step '{step.id}' promises {quote(step.promise.what)} with no deadline, "
                     f"so nobody can tell when the promise is broken.",
                     f"give the promise of step '{step.id}' a deadline with `within:` (e.g. `within: 2d`), or the "
                     f"step it lasts until with `until: <step id>`")


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
MORE_EXAMPLES = (
    ("""\
# a courtesy car "while yours is in for repair", with no end the blueprint can check.
title: Car repair
owners:
  garage: {name: Garage reception}
steps:
  - id: brings-car
    lane: customer
    action: Brings the car in for repair.
  - id: garage-lends-car
    lane: frontstage
    owner: garage
    action: Hands over the keys of a courtesy car.
    promise:
      what: You will have a courtesy car while yours is in for repair.
    fulfils: garage-lends-car
  - id: collects-car
    lane: customer
    wait: 2d
    action: Brings back the courtesy car and collects her repaired car.
    end: resolved
""", """\
# the promise lasts `until:` the step where she collects her car: an end, though not a duration.
title: Car repair
owners:
  garage: {name: Garage reception}
steps:
  - id: brings-car
    lane: customer
    action: Brings the car in for repair.
  - id: garage-lends-car
    lane: frontstage
    owner: garage
    action: Hands over the keys of a courtesy car.
    promise:
      what: You will have a courtesy car while yours is in for repair.
      until: collects-car
    fulfils: garage-lends-car
  - id: collects-car
    lane: customer
    wait: 2d
    action: Brings back the courtesy car and collects her repaired car.
    end: resolved
"""),
)
