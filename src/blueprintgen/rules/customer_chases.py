"""customer-chases: the journey loops back through the customer.

They have to call again, come back, ask again. Each loop a designer would draw is one finding: the
arrow that closes a loop through a customer step (an arrow back to a step earlier on the way there)
carries the finding, on the step it leaves, and the message and hint name only that loop's steps.
Two loops that share a step (the customer calls again after a failed visit; the desk asks for a
document and the customer sends it back) are two findings. A customer step that leads back to
itself counts as a loop.
"""

from __future__ import annotations

from .words import MAX_NAMED, listing

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "FAILING", "PASSING", "closing_arrows", "check"]

ID = "customer-chases"
ORDER = 120
SEVERITY = "high"
TITLE = "Customer chases"
MEANING = "The journey loops back through the customer: they have to come back and chase."
FIX = "make the staff side follow up with a promise and a deadline instead of waiting to be chased"


def closing_arrows(journey):
    """(arrow, first steps of the loop, its length, its first customer step) per closing arrow through a customer.

    One per loop a designer would draw: a depth-first walk from the first step (then from any step
    not reached yet), following arrows in file order, meets each loop's closing arrow as an arrow
    back to a step still on the walk. That arrow closes the loop of the steps on the walk from its
    target to its source. Each arrow is followed once, so the work stays linear.
    """
    succ, lane, src = journey.succ, journey.lane, journey.src
    arrows: list[list[int]] = [[] for _ in succ]   # each step's arrows, by arrow number, in file order
    for number, i in enumerate(src):
        arrows[i].append(number)
    depth = [-1] * len(succ)          # position on the walk while a step is on it
    done = [False] * len(succ)
    walk: list[int] = []              # the steps on the walk, first to current
    customers: list[int] = []         # positions on the walk of its customer steps
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
                        found.append((number, walk[start:start + MAX_NAMED], len(walk) - start, walk[first]))
                elif not done[j]:
                    depth[j] = len(walk)
                    walk.append(j)
                    if lane[j] == "customer":
                        customers.append(depth[j])
                    stack.append((j, 0))
                continue
            stack.pop()
            walk.pop()
            if customers and customers[-1] == depth[i]:
                customers.pop()
            depth[i] = -1
            done[i] = True
    return found


def _from(positions: list[int], start: int):
    """The first position at or after `start` in a sorted list, by bisection."""
    low, high = 0, len(positions)
    while low < high:
        middle = (low + high) // 2
        if positions[middle] < start:
            low = middle + 1
        else:
            high = middle
    if low < len(positions):
        yield positions[low]


def check(ctx) -> None:
    journey = ctx.journey
    steps = journey.steps
    for number, loop, length, customer in closing_arrows(journey):
        edge = journey.edge[number]
        source, target = steps[journey.src[number]], steps[journey.dst[number]]
        if length == 1:
            message = (f"Step '{source.id}' (the customer) leads back to itself: the customer has to come "
                       f"back and chase.")
        else:
            names = listing([f"'{steps[i].id}'" for i in loop], total=length)
            message = (f"The arrow from '{source.id}' back to '{target.id}' closes a loop through the customer "
                       f"over steps {names}: the customer has to come back and chase.")
        ctx.emit(ID, source, edge.position, message,
                 f"make the staff side follow up with a promise and a deadline, so the customer does not "
                 f"have to go round again through '{steps[customer].id}'", edge)


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
