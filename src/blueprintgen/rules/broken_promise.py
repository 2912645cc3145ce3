"""broken-promise: a promise that no later step keeps.

The customer waits, then chases, then gives up.

A promise counts as kept when a step the journey can reach from the promise says
`fulfils: <id of the promising step>`. That step may be the promising step itself, or a step
reached through a loop. A step that keeps the promise but comes *before* it, with no way back,
does not count; the message names it. A promise the customer is told no longer holds (a step the
journey can reach from it says `withdraws: <id of the promising step>`) is neither kept nor
broken.
"""

from __future__ import annotations

from .words import and_list, quote

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "FAILING", "PASSING", "check"]

ID = "broken-promise"
ORDER = 20
SEVERITY = "high"
TITLE = "Broken promise"
MEANING = "A promise is made to the customer, but no later step keeps it."
FIX = ("add the step that keeps the promise with `fulfils: <step id>`, tell the customer it no longer holds "
       "with `withdraws: <step id>`, or stop making the promise")
ACTION = "Make sure someone keeps the promise “{promise}” made at “{step}”, or tells the customer it no longer holds"


ON = 'The step that makes the promise.'
def check(ctx) -> None:
    journey, words = ctx.journey, ctx.words
    steps, kept, withdrawn = journey.steps, journey.kept, journey.withdrawn
    fulfillers: dict[int, list[str]] = {}
    for i, p in enumerate(journey.fulfils):
        if p >= 0:
            fulfillers.setdefault(p, []).append(steps[i].id)
    for i in journey.promised:
        if kept[i] or withdrawn[i]:
            continue
        step = steps[i]
        elsewhere = fulfillers.get(i)
        after = ""
        if elsewhere:
            verb = "says it keeps" if len(elsewhere) == 1 else "say they keep"
            after = (f" {and_list([repr(s) for s in elsewhere])} {verb} it, but the journey cannot "
                     f"get there from '{step.id}'.")
        ctx.emit(ID, step, step.promise.position,
                 f"Step {words.step(step)} promises {quote(step.promise.what)}, but no step after it keeps "
                 f"the promise.{after}",
                 f"add the step that keeps the promise after '{step.id}' with `fulfils: {step.id}`, "
                 f"tell the customer it no longer holds with `withdraws: {step.id}`, or stop making the promise")


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the call back never comes.
title: Callback promised
owners:
  agent: {name: Contact centre agent}
steps:
  - id: calls
    lane: customer
    action: Calls about a late delivery.
  - id: agent-promises
    lane: frontstage
    owner: agent
    action: Promises a call back once the parcel is traced.
    promise:
      what: We will call you back today.
      within: 1d
  - id: gives-up
    lane: customer
    action: Waits, hears nothing and gives up.
    end: abandoned
"""
PASSING = """\
# a step keeps the promise with `fulfils:`.
title: Callback promised
owners:
  agent: {name: Contact centre agent}
steps:
  - id: calls
    lane: customer
    action: Calls about a late delivery.
  - id: agent-promises
    lane: frontstage
    owner: agent
    action: Promises a call back once the parcel is traced.
    promise:
      what: We will call you back today.
      within: 1d
  - id: agent-calls-back
    lane: frontstage
    owner: agent
    action: Calls back with the new delivery date.
    fulfils: agent-promises
  - id: gets-parcel
    lane: customer
    action: Receives the parcel.
    end: resolved
"""
