"""customer-chases: the journey loops back through the customer.

They have to call again, come back, ask again. Each loop a designer would draw is one finding: the
arrow that closes a loop through a customer step (an arrow back to a step earlier on the way there)
carries the finding, on the step it leaves, and the message and hint name only that loop's steps.
Two loops that share a step (the customer calls again after a failed visit; the desk asks for a
document and the customer sends it back) are two findings. A customer step that leads back to
itself counts as a loop.

A loop can be part of a to-be design: the technician is still on site, the customer makes a test
call, and if it fails the technician tries again. Say so on the arrow back (the arrow that closes
the loop, where the finding is) with `repeat:`: why it goes round and how many times at most, e.g.
`- {to: fix, repeat: {why: The technician is still there and tries again., at_most: 2}}` (see
[the format](format.md#repeat)). In a to-be blueprint such a loop is not a finding: it is listed
and drawn as a designed repeat (`check` prints it, the diagram marks the arrow), so a reviewer
sees the claim and can question it. In an as-is blueprint the loop stays a finding whatever it
says: the blueprint describes the service as it works today.
"""

from __future__ import annotations

from .words import MAX_NAMED, listing, quote

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "FAILING", "PASSING", "MORE_EXAMPLES",
           "closing_arrows", "check"]

ID = "customer-chases"
ORDER = 120
SEVERITY = "high"
TITLE = "Customer chases"
MEANING = "The journey loops back through the customer: they have to come back and chase."
FIX = ("make the staff side follow up with a promise and a deadline instead of waiting to be chased; in a to-be "
       "design where the loop is meant, say so with `repeat:` on its arrow back")
ACTION = "Follow up with the customer after “{step}”, with a promise and a date, before they have to chase"
ON = ("The step the arrow that closes the loop leaves: the step whose `next:` holds the arrow back "
      "(not the loop's first step in the file).")


def closing_arrows(journey):
    """(arrow, first steps of the loop, its length, its first customer step, another arrow of the loop that
    says `repeat:`, or -1) per closing arrow through a customer.

    One per loop a designer would draw: a depth-first walk from the first step (then from any step
    not reached yet), following arrows in file order, meets each loop's closing arrow as an arrow
    back to a step still on the walk. That arrow closes the loop of the steps on the walk from its
    target to its source. Each arrow is followed once, so the work stays linear. A `repeat:` on another
    arrow of the loop than the closing one is reported, so the designer can move it to the arrow back.
    """
    succ, lane, src = journey.succ, journey.lane, journey.src
    arrows: list[list[int]] = [[] for _ in succ]   # each step's arrows, by arrow number, in file order
    for number, i in enumerate(src):
        arrows[i].append(number)
    depth = [-1] * len(succ)          # position on the walk while a step is on it
    done = [False] * len(succ)
    walk: list[int] = []              # the steps on the walk, first to current
    customers: list[int] = []         # positions on the walk of its customer steps
    repeats: list[int] = []           # positions on the walk whose arrow to the next step says `repeat:`
    repeat_arrow: list[int] = []      # ... and that arrow's number
    designed = [edge.repeat is not None for edge in journey.edge]
    found = []
    for root in range(len(succ)):
        if done[root] or depth[root] >= 0:
            continue
        stack = [(root, 0)]
        depth[root] = 0
        walk.append(root)
        if lane[root] == "customer":
            customers.append(0)
        while stack:
            i, k = stack[-1]
            if k < len(arrows[i]):
                stack[-1] = (i, k + 1)
                number = arrows[i][k]
                j = journey.dst[number]
                if depth[j] >= 0:   # back to a step on the walk: this arrow closes a loop
                    first = next((p for p in _from(customers, depth[j])), None)
                    if first is not None:
                        # Only the first names are kept, so a long loop costs no more than a short one.
                        start = depth[j]
                        at = _index_from(repeats, start)
                        claim = repeat_arrow[at] if at >= 0 else -1
                        found.append((number, walk[start:start + MAX_NAMED], len(walk) - start, walk[first], claim))
                elif not done[j]:
                    depth[j] = len(walk)
                    if designed[number]:
                        repeats.append(depth[i])
                        repeat_arrow.append(number)
                    walk.append(j)
                    if lane[j] == "customer":
                        customers.append(depth[j])
                    stack.append((j, 0))
                continue
            stack.pop()
            walk.pop()
            if customers and customers[-1] == depth[i]:
                customers.pop()
            if repeats and repeats[-1] == depth[i] - 1:
                repeats.pop()
                repeat_arrow.pop()
            depth[i] = -1
            done[i] = True
    return found


def _from(positions: list[int], start: int):
    """The first position at or after `start` in a sorted list, by bisection."""
    at = _index_from(positions, start)
    if at >= 0:
        yield positions[at]


def _index_from(positions: list[int], start: int) -> int:
    """The index of the first position at or after `start` in a sorted list, by bisection; -1 if none."""
    low, high = 0, len(positions)
    while low < high:
        middle = (low + high) // 2
        if positions[middle] < start:
            low = middle + 1
        else:
            high = middle
    return low if low < len(positions) else -1


def check(ctx) -> None:
    journey = ctx.journey
    steps = journey.steps
    to_be = ctx.blueprint.status == "to-be"
    for number, loop, length, customer, claim in closing_arrows(journey):
        edge = journey.edge[number]
        source, target = steps[journey.src[number]], steps[journey.dst[number]]
        if length == 1:
            loop_words = f"Step '{source.id}' (the customer) leads back to itself"
        else:
            names = listing([f"'{steps[i].id}'" for i in loop], total=length)
            loop_words = (f"The arrow from '{source.id}' back to '{target.id}' closes a loop through the customer "
                          f"over steps {names}")
        if edge.repeat is not None and to_be:
            repeat = edge.repeat
            times = "once" if repeat.at_most == 1 else f"{repeat.at_most} times"
            ctx.designed(ID, source, edge.position, f"{loop_words}: designed to repeat at most {times}, because "
                         f"{quote(repeat.why)}", edge, repeat)
            continue
        message = f"{loop_words}: the customer has to come back and chase."
        if edge.repeat is not None:
            message += (" The arrow back says the loop repeats by design, but this blueprint is as-is: it shows "
                        "the service as it works today, so the loop is a break.")
        elif claim >= 0:
            claimed = journey.edge[claim]
            message += (f" The arrow from '{claimed.source}' to '{claimed.to}' says it repeats by design, but the "
                        f"arrow that closes this loop is the one from '{source.id}' back to '{target.id}': a designed "
                        f"repeat is written on it.")
        designed = (f"; if the loop is the design, say so on the arrow back from '{source.id}' with `repeat:` "
                    f"(why, and `at_most:` how many times)") if to_be else ""
        ctx.emit(ID, source, edge.position, message,
                 f"make the staff side follow up with a promise and a deadline, so the customer does not "
                 f"have to go round again through '{steps[customer].id}'{designed}", edge)


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the customer keeps calling until the refund arrives.
title: Refund that never comes
owners:
  store: {name: Store staff}
steps:
  - id: asks-refund
    lane: customer
    action: Calls to ask where the refund is.
  - id: store-says-wait
    lane: frontstage
    owner: store
    action: Says the refund is on its way.
  - id: still-nothing
    lane: customer
    action: A week later, there is still no refund.
    next: [asks-refund, refund-arrives]
  - id: refund-arrives
    lane: customer
    action: The refund finally arrives.
    end: resolved
"""
PASSING = """\
# the staff side follows up with a promise and a deadline, so the customer does not have to.
title: Refund that never comes
owners:
  store: {name: Store staff}
steps:
  - id: asks-refund
    lane: customer
    action: Calls to ask where the refund is.
  - id: store-promises
    lane: frontstage
    owner: store
    action: Checks the refund and promises to confirm when it is paid.
    promise:
      what: We will email you when the refund is paid.
      within: 3d
  - id: store-confirms
    lane: frontstage
    owner: store
    action: Emails that the refund is paid.
    fulfils: store-promises
  - id: refund-arrives
    lane: customer
    action: The refund arrives as promised.
    end: resolved
"""
MORE_EXAMPLES = (
    ("""\
# a to-be design where the customer's test call fails and the journey goes back to the technician.
title: Line repair
status: to-be
owners:
  tech: {name: Technician}
steps:
  - id: fix
    lane: frontstage
    owner: tech
    action: Connects the line.
  - id: tries-it
    lane: customer
    action: Makes a test call while the technician is still there.
    next: [done, fix]
  - id: done
    lane: customer
    action: The line works.
    end: resolved
""", """\
# the arrow back says the loop is the design: why, and at most how many times (listed as a designed repeat).
title: Line repair
status: to-be
owners:
  tech: {name: Technician}
steps:
  - id: fix
    lane: frontstage
    owner: tech
    action: Connects the line.
  - id: tries-it
    lane: customer
    action: Makes a test call while the technician is still there.
    next:
      - done
      - to: fix
        repeat: {why: The technician is still there and tries again., at_most: 2}
  - id: done
    lane: customer
    action: The line works.
    end: resolved
"""),
)
