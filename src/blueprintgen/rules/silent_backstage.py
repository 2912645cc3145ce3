"""silent-backstage: work behind the line of visibility that no frontstage step tells the customer about.

Fires on a backstage or support step from which some way reaches a customer
step or a non-frontstage end through backstage and support steps only; one
such way's target is named.
"""

from __future__ import annotations

from ..model import HIDDEN_LANES

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "silent-backstage"
SEVERITY = "medium"
TITLE = "Silent backstage"
MEANING = "Work happens behind the line of visibility and nobody tells the customer what happened."
FIX = "add a frontstage step that tells the customer the outcome before the journey goes on"


def check(ctx) -> None:
    journey, words = ctx.journey, ctx.words
    steps, lane, target = journey.steps, journey.lane, journey.silent_targets
    for i, step in enumerate(steps):
        if target[i] == -1 or lane[i] not in HIDDEN_LANES:
            continue
        if target[i] == i:
            message = (f"Step {words.step(step)} ends the journey behind the line of visibility: "
                       f"no frontstage step tells the customer the outcome.")
            hint = f"add a frontstage step after '{step.id}' that tells the customer the outcome, and end there"
        else:
            reached = steps[target[i]]
            where = "reaches the customer at" if reached.lane == "customer" else "ends at"
            message = (f"Step {words.step(step)} happens behind the line of visibility, and the journey "
                       f"{where} '{reached.id}' without a frontstage step telling the customer what "
                       f"happened.")
            hint = (f"add a frontstage step between '{step.id}' and '{reached.id}' that tells the "
                    f"customer the outcome before the journey goes on")
        ctx.emit(ID, step, step.position, message, hint)
