"""broken-promise: a promise made to the customer that no step after it keeps.

A promise is kept when some step the journey can reach from the promising
step (itself included) says `fulfils:` it, and withdrawn (neither kept nor
broken) when such a step says `withdraws:` it. When steps elsewhere say they
keep it but cannot be reached, the message names them.
"""

from __future__ import annotations

from .words import and_list, quote

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "broken-promise"
SEVERITY = "high"
TITLE = "Broken promise"
MEANING = "A promise is made to the customer, but no later step keeps it."
FIX = ("add the step that keeps the promise with `fulfils: <step id>`, tell the customer it no longer holds "
       "with `withdraws: <step id>`, or stop making the promise")


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
