"""customer-chases: the journey loops back through the customer, who has to come back and chase.

One finding per loop (strongly connected component) that contains a customer
step. The finding sits on the loop's first step in file order and names the
loop's steps in file order (the first eight, then how many more).
"""

from __future__ import annotations

from .words import listing

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "customer-chases"
SEVERITY = "high"
TITLE = "Customer chases"
MEANING = "The journey loops back through the customer: they have to come back and chase."
FIX = "make the staff side follow up with a promise and a deadline instead of waiting to be chased"


def check(ctx) -> None:
    journey = ctx.journey
    steps, lane = journey.steps, journey.lane
    for c, group in enumerate(journey.members):
        if not journey.is_loop(c):
            continue
        customers = [steps[i].id for i in group if lane[i] == "customer"]
        if not customers:
            continue
        first = steps[group[0]]
        if len(group) == 1:
            message = (f"Step '{first.id}' (the customer) leads back to itself: the customer has to come "
                       f"back and chase.")
        else:
            names = listing([f"'{steps[i].id}'" for i in group])
            message = (f"The journey loops back through the customer over steps {names}: "
                       f"the customer has to come back and chase.")
        ctx.emit(ID, first, first.position, message,
                 f"make the staff side follow up with a promise and a deadline, so the customer does not "
                 f"have to go round again through '{customers[0]}'")
