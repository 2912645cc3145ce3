"""silent-backstage: work behind the scenes that nobody tells the customer about.

Something is decided or done behind the line of visibility, and nobody tells the customer: money
shows up, or a parcel, or a refusal, without a word.

The rule fires on a backstage or support step from which the journey can reach a customer step, or
an end, through backstage and support steps only, without passing a frontstage step; the message
names one step it reaches that way. A backstage step that ends the journey fires too, because
nobody tells the customer the outcome.
"""

from __future__ import annotations

from ..model import HIDDEN_LANES

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "FAILING", "PASSING", "check"]

ID = "silent-backstage"
ORDER = 90
SEVERITY = "medium"
TITLE = "Silent backstage"
MEANING = "Work happens behind the line of visibility and nobody tells the customer what happened."
FIX = "add a frontstage step that tells the customer the outcome before the journey goes on"
ACTION = "Tell the customer the outcome of “{step}” before the journey goes on"


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


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the assessor pays out, and the customer finds out from her bank.
title: Insurance claim
owners:
  agent: {name: Claims agent}
  assessor: {name: Loss assessor}
steps:
  - id: files-claim
    lane: customer
    action: Files a claim online.
  - id: agent-registers
    lane: frontstage
    owner: agent
    action: Registers the claim and passes it to an assessor.
    next:
      - to: assessor-decides
        carries: [claim file]
        within: 2d
  - id: assessor-decides
    lane: backstage
    owner: assessor
    action: Approves the claim and pays out.
  - id: sees-money
    lane: customer
    action: Finds money on her account, without a word.
    end: resolved
"""
PASSING = """\
# a frontstage step tells the customer before the journey goes on.
title: Insurance claim
owners:
  agent: {name: Claims agent}
  assessor: {name: Loss assessor}
steps:
  - id: files-claim
    lane: customer
    action: Files a claim online.
  - id: agent-registers
    lane: frontstage
    owner: agent
    action: Registers the claim and passes it to an assessor.
    next:
      - to: assessor-decides
        carries: [claim file]
        within: 2d
  - id: assessor-decides
    lane: backstage
    owner: assessor
    action: Approves the claim and pays out.
    next:
      - to: agent-tells
        carries: [decision and amount]
        within: 1d
  - id: agent-tells
    lane: frontstage
    owner: agent
    action: Emails her the decision and the amount paid.
  - id: sees-money
    lane: customer
    action: Sees the money arrive, as the email said.
    end: resolved
"""
