"""late-promise: a promise kept later than it said.

"Back in two days", and the phone comes back after four. The rule adds up what the customer lives
through after the promise is made: the `wait:` of every step after the promising step up to the
step that keeps it (`fulfils:`), and the `duration:` of the steps in between. If some way there
can take longer than the promise's `within:`, the rule fires once, on the promise, and names the
keeping step and how long the longest way can take. A loop on the way counts once, with all its
steps. Steps without `wait:` or `duration:` count as no time.
"""

from __future__ import annotations

from .words import quote, span

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "FAILING", "PASSING", "check"]

ID = "late-promise"
ORDER = 40
SEVERITY = "high"
TITLE = "Late promise"
MEANING = ("A promise is kept, but the waits and durations on the way to the step that keeps it add up to more "
           "than was promised.")
FIX = "shorten the waits before the step that keeps the promise, or promise a time you can keep"


def check(ctx) -> None:
    journey, words = ctx.journey, ctx.words
    steps = journey.steps
    own = [step.duration.minutes if step.duration else 0 for step in steps]
    keepers: dict[int, list[int]] = {}
    for i, p in enumerate(journey.fulfils):
        if p >= 0:
            keepers.setdefault(p, []).append(i)
    for p in journey.promised:
        promise = steps[p].promise
        if promise.within is None or p not in keepers:
            continue
        worst = _longest_way(journey, p, keepers[p], own)
        if worst is None or worst[0] <= promise.within.minutes:
            continue
        total, keeper = worst
        ctx.emit(ID, steps[p], promise.position,
                 f"Step {words.step(steps[p])} promises {quote(promise.what)} within {promise.within.text}, but "
                 f"the way to '{steps[keeper].id}', which keeps it, can take {span(total)} of waits and "
                 f"durations: the promise is kept late.",
                 f"shorten the waits between '{steps[p].id}' and '{steps[keeper].id}', or promise a time you can "
                 f"keep (at least {span(total)})")


def _longest_way(journey, p: int, keepers: list[int], own: list[int]) -> tuple[int, int] | None:
    """(minutes, keeping step) of the longest way from promise p to one of its keeping steps, or None.

    `own` holds each step's duration, which the keeping step does not add. Each promise walks only
    the components between its own and its keeping steps' (in topological order), which is short in
    a real journey.
    """
    comp, members, minutes = journey.comp, journey.members, journey.minutes
    start = comp[p]
    last = max(comp[k] for k in keepers)
    # time[c]: the longest time from the end of step p to the end of component c.
    time: dict[int, int] = {}
    for c in range(start, last + 1):
        if c == start:
            before = 0
        else:
            ways = [time[d] for d in journey.comp_pred[c] if d in time]
            if not ways:
                continue
            before = max(ways)
        time[c] = before + sum(minutes[i] for i in members[c] if i != p)
    worst = None
    for k in keepers:
        c = comp[k]
        if c not in time or (c == start and k != p and not journey.is_loop(c)):
            continue
        # Up to the start of the keeping step: its own duration does not count.
        total = time[c] - (own[k] if k != p else 0)
        if worst is None or total > worst[0]:
            worst = (total, k)
    return worst


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the step that keeps the promise waits four days.
title: Phone repair
owners:
  counter: {name: Repair counter}
steps:
  - id: drops-off
    lane: customer
    action: Leaves the phone for repair.
  - id: counter-promises
    lane: frontstage
    owner: counter
    action: Promises the phone back in two days.
    promise:
      what: Your phone will be ready in two days.
      within: 2d
  - id: counter-returns
    lane: frontstage
    owner: counter
    wait: 4d
    action: Hands the repaired phone back.
    fulfils: counter-promises
  - id: collects
    lane: customer
    action: Collects the phone.
    end: resolved
"""
PASSING = """\
# promise what the workshop can keep.
title: Phone repair
owners:
  counter: {name: Repair counter}
steps:
  - id: drops-off
    lane: customer
    action: Leaves the phone for repair.
  - id: counter-promises
    lane: frontstage
    owner: counter
    action: Promises the phone back in four days.
    promise:
      what: Your phone will be ready in four days.
      within: 4d
  - id: counter-returns
    lane: frontstage
    owner: counter
    wait: 4d
    action: Hands the repaired phone back.
    fulfils: counter-promises
  - id: collects
    lane: customer
    action: Collects the phone.
    end: resolved
"""
