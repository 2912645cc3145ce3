"""late-promise: a promise kept (or withdrawn) later than it said.

"Back in two days", and the phone comes back after four. The rule adds up what the customer lives
through after the promise is made: the `wait:` of every step after the promising step up to the
step that keeps it (`fulfils:`), and the `duration:` of the steps in between. If some way there
can take longer than the promise's `within:`, the rule fires once, on the promise, and names the
keeping step and how long the longest way can take. A loop on the way counts once, with all its
steps. Steps without `wait:` or `duration:` count as no time.

A withdrawal is timed the same way: "back tomorrow", and five days later a call says it will not
be. If the way to the step that withdraws the promise (`withdraws:`) can take longer than its
`within:`, the promise is withdrawn late, and the finding says so.

A promise bound to an event (`until: <step id>`: "a courtesy car until yours is repaired") must be
kept no later than that step on every way through the journey. If some way reaches that step
before any step keeps (or withdraws) the promise, the rule fires and names that way. A promise
that no step keeps at all is [broken](#broken-promise) instead.

One finding per promise says every way it is late.
"""

from __future__ import annotations

from .words import ARROW, listing, quote, span

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "FAILING", "PASSING", "MORE_EXAMPLES", "check"]

ID = "late-promise"
ORDER = 40
SEVERITY = "high"
TITLE = "Late promise"
MEANING = ("A promise is kept or withdrawn, but later than it said: the waits and durations on the way add up to "
           "more than was promised, or the journey reaches the step it lasts until first.")
FIX = ("shorten the waits before the step that keeps (or withdraws) the promise, keep it before the step it lasts "
       "until, or promise a time you can keep")
ACTION = "Keep the promise “{promise}” on time: cut the waits before it is kept, or promise a time you can keep"


ON = 'The step that makes the promise.'
def check(ctx) -> None:
    journey, words = ctx.journey, ctx.words
    steps = journey.steps
    own = [step.duration.minutes if step.duration else 0 for step in steps]
    keepers, withdrawers = _settling(journey.fulfils), _settling(journey.withdraws)
    for p in journey.promised:
        promise = steps[p].promise
        clauses, hints, late = [], [], []
        if promise.within is not None:
            for settles, verb, adjective in ((keepers, "keeps", "kept late"), (withdrawers, "withdraws",
                                                                                "withdrawn late")):
                worst = _longest_way(journey, p, settles[p], own) if p in settles else None
                if worst is None or worst[0] <= promise.within.minutes:
                    continue
                total, step = worst
                clauses.append(f"the way to '{steps[step].id}', which {verb} it, can take {span(total)} of waits "
                               "and durations")
                late.append(adjective)
                hints.append(f"shorten the waits between '{steps[p].id}' and '{steps[step].id}', or promise a time "
                             f"you can keep (at least {span(total)})" if verb == "keeps" else
                             f"tell the customer sooner that it no longer holds: shorten the waits between "
                             f"'{steps[p].id}' and '{steps[step].id}' to at most {promise.within.text}")
        until = journey.index.get(promise.until, -1) if promise.until else -1
        if until >= 0 and (journey.kept[p] or journey.withdrawn[p]):
            way = _way_to_before(journey, p, until, keepers.get(p, ()), withdrawers.get(p, ()))
            if way is not None:
                settled = "kept" if journey.kept[p] else "withdrawn"
                names = listing([f"'{steps[i].id}'" for i in way], ARROW)
                clauses.append(f"a way reaches '{promise.until}' before the promise is {settled} ({names})")
                late.append(f"{settled} late")
                hints.append(f"keep the promise on every way before '{promise.until}' (a step with `fulfils: "
                             f"{steps[p].id}` on the way), or tell the customer before then that it no longer holds")
        if clauses:
            bound = " and ".join(filter(None, (promise.within and f"within {promise.within.text}",
                                               promise.until and f"until '{promise.until}'")))
            ctx.emit(ID, steps[p], promise.position,
                     f"Step {words.step(steps[p])} promises {quote(promise.what)} {bound}, but "
                     f"{'; and '.join(clauses)}: the promise is {' and '.join(dict.fromkeys(late))}.",
                     "; ".join(hints))


def _settling(targets: list[int]) -> dict[int, list[int]]:
    """For each promising step, the steps that keep (or withdraw) its promise."""
    found: dict[int, list[int]] = {}
    for i, p in enumerate(targets):
        if p >= 0:
            found.setdefault(p, []).append(i)
    return found


def _way_to_before(journey, p: int, until: int, keepers, withdrawers) -> list[int] | None:
    """A shortest way from promise p to step `until` that passes no step keeping or withdrawing it, or None.

    A way stops at a step that settles the promise (kept at `until` itself is in time) and at the
    promising step again (the promise is made anew there).
    """
    stops = set(keepers) | set(withdrawers)
    if p in stops or until in stops:   # kept (or withdrawn) as it is made, or at `until` itself: in time
        return None
    stops.add(p)
    parent = {p: -1}
    queue = [p]
    for here in queue:   # the list grows while we walk it
        for there in journey.succ[here]:
            if there in parent or there == p:
                continue
            parent[there] = here
            if there == until:
                way = [there]
                while parent[way[-1]] != -1:
                    way.append(parent[way[-1]])
                return way[::-1]
            if there not in stops:
                queue.append(there)
    return None


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
MORE_EXAMPLES = (
    ("""\
# an engineer is promised for tomorrow, and the call that says he is not coming comes five days later.
title: Boiler visit
owners:
  desk: {name: Service desk}
steps:
  - id: reports-fault
    lane: customer
    action: Reports that the boiler is broken.
  - id: desk-books-visit
    lane: frontstage
    owner: desk
    action: Books an engineer for tomorrow.
    promise:
      what: An engineer will come tomorrow.
      within: 1d
  - id: desk-cancels-visit
    lane: frontstage
    owner: desk
    wait: 5d
    action: Calls to say the engineer cannot come this week after all.
    withdraws: desk-books-visit
  - id: finds-another
    lane: customer
    action: Finds another engineer.
    end: resolved
""", """\
# the desk calls the same morning, within the day promised.
title: Boiler visit
owners:
  desk: {name: Service desk}
steps:
  - id: reports-fault
    lane: customer
    action: Reports that the boiler is broken.
  - id: desk-books-visit
    lane: frontstage
    owner: desk
    action: Books an engineer for tomorrow.
    promise:
      what: An engineer will come tomorrow.
      within: 1d
  - id: desk-cancels-visit
    lane: frontstage
    owner: desk
    wait: 4h
    action: Calls the same morning to say the engineer cannot come after all.
    withdraws: desk-books-visit
  - id: finds-another
    lane: customer
    action: Finds another engineer.
    end: resolved
"""),
    ("""\
# the courtesy car is offered only after the customer has collected her own car.
title: Car repair
owners:
  garage: {name: Garage reception}
steps:
  - id: brings-car
    lane: customer
    action: Brings the car in for repair.
  - id: garage-promises-car
    lane: frontstage
    owner: garage
    action: Promises a courtesy car while hers is in for repair.
    promise:
      what: You will have a courtesy car while yours is in for repair.
      until: collects-car
  - id: collects-car
    lane: customer
    wait: 2d
    action: Collects her repaired car.
  - id: garage-lends-car
    lane: frontstage
    owner: garage
    action: Offers the courtesy car, now that she no longer needs one.
    fulfils: garage-promises-car
  - id: drives-home
    lane: customer
    action: Drives home.
    end: resolved
""", """\
# the keys of the courtesy car are handed over before she can get to the step the promise lasts until.
title: Car repair
owners:
  garage: {name: Garage reception}
steps:
  - id: brings-car
    lane: customer
    action: Brings the car in for repair.
  - id: garage-promises-car
    lane: frontstage
    owner: garage
    action: Promises a courtesy car while hers is in for repair.
    promise:
      what: You will have a courtesy car while yours is in for repair.
      until: collects-car
  - id: garage-lends-car
    lane: frontstage
    owner: garage
    action: Hands over the keys of a courtesy car.
    fulfils: garage-promises-car
  - id: collects-car
    lane: customer
    wait: 2d
    action: Brings back the courtesy car and collects her repaired car.
  - id: drives-home
    lane: customer
    action: Drives home.
    end: resolved
"""),
)
