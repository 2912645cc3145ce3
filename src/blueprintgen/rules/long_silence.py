"""long-silence: the customer hears nothing for longer than the silence limit.

They hear nothing for weeks while the case sits in a queue out of their sight, so they start to
chase, or give up.

The customer hears something at every customer and frontstage step. A silence runs from one such
step to the next: the `wait:` and `duration:` of the backstage and support steps in between, and
the `wait:` of the step where the customer hears again. A journey that ends behind the line of
visibility stays silent up to its end. If some way has a silence longer than `silence_limit`, the
rule fires on the step where the customer finally hears again, naming the longest silence, or on
the backstage step where a silent journey ends. A loop counts once, with all its steps.
[silent-backstage](#silent-backstage) is a different rule: it asks whether anybody tells the
customer at all, this one how long they wait to hear.
"""

from __future__ import annotations

from ..model import HIDDEN_LANES, Duration
from .option import Option
from .words import span

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "OPTIONS", "FAILING", "PASSING", "silences",
           "check"]

ID = "long-silence"
ORDER = 100
SEVERITY = "medium"
TITLE = "Long silence"
MEANING = ("The customer hears nothing for longer than the silence limit while work goes on out of their sight, "
           "so they start to chase or give up.")
FIX = "add a frontstage step that tells the customer how things stand, or shorten the waits behind the scenes"
ACTION = "Tell the customer how things stand before “{step}”: they hear nothing for too long"
ON = 'The step where the customer hears again, or the backstage step where a silent journey ends.'
OPTIONS = {
    "silence_limit": Option(Duration, Duration("1w", 7 * 24 * 60),
                            "the longest the customer may hear nothing"),
}


def silences(journey) -> dict[int, int]:
    """Step -> the longest silence (minutes) that ends at it: at a customer or frontstage step, or a silent end.

    A silence runs from the end of a customer or frontstage step to the start of the next. The
    backstage and support steps are condensed into their own loops first (a loop counts once,
    with all its steps), so the work stays linear.
    """
    steps, lane, succ, pred = journey.steps, journey.lane, journey.succ, journey.pred
    hidden = [where in HIDDEN_LANES for where in lane]
    wait = [step.wait.minutes if step.wait else 0 for step in steps]
    minutes = journey.minutes
    # Loops among hidden steps only, found with the journey's own component search.
    groups = journey.components([i for i in range(len(steps)) if hidden[i]])
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    # silent[g]: the longest silence up to the end of hidden group g.
    silent: list[int] = [0] * len(groups)
    for g, members in enumerate(groups):
        before = 0
        for i in members:
            for p in pred[i]:
                if hidden[p] and group_of[p] != g and silent[group_of[p]] > before:
                    before = silent[group_of[p]]
        silent[g] = before + sum(minutes[i] for i in members)
    ends: dict[int, int] = {}
    for i in range(len(steps)):
        if hidden[i]:
            if not succ[i]:
                ends[i] = silent[group_of[i]]
            continue
        longest = wait[i]
        for p in pred[i]:
            if hidden[p]:
                longest = max(longest, silent[group_of[p]] + wait[i])
        ends[i] = longest
    return ends


def check(ctx) -> None:
    journey, words, limit = ctx.journey, ctx.words, ctx.option("silence_limit")
    steps = journey.steps
    for i, total in silences(journey).items():
        if total <= limit.minutes:
            continue
        step = steps[i]
        if journey.lane[i] in HIDDEN_LANES:
            message = (f"The journey can end at {words.step(step)}, out of the customer's sight, after "
                       f"{span(total)} in which the customer hears nothing (the limit is {limit.text}).")
            hint = f"add a frontstage step that tells the customer the outcome after '{step.id}'"
        else:
            message = (f"The customer can hear nothing for {span(total)} before step {words.step(step)}: "
                       f"no customer or frontstage step in between (the limit is {limit.text}).")
            hint = (f"add a frontstage step that tells the customer how things stand before '{step.id}', or "
                    f"shorten the waits behind the scenes")
        ctx.emit(ID, step, step.position, message, hint + f" (the limit is `silence_limit: {limit.text}`)")


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the claim waits three weeks in a backstage queue.
title: Insurance claim
owners:
  desk: {name: Claims desk}
  assessor: {name: Claims assessor}
steps:
  - id: sends-claim
    lane: customer
    action: Sends the claim form.
  - id: desk-logs
    lane: frontstage
    owner: desk
    action: Logs the claim and confirms it by email.
    next:
      - to: assessor-decides
        within: 1d
        carries: [claim form]
  - id: assessor-decides
    lane: backstage
    owner: assessor
    wait: 3w
    action: Decides the claim when it reaches the top of the queue.
    next:
      - to: desk-writes
        within: 1d
        carries: [decision]
  - id: desk-writes
    lane: frontstage
    owner: desk
    action: Sends the decision letter.
  - id: reads-letter
    lane: customer
    action: Reads the decision.
    end: resolved
"""
PASSING = """\
# the desk writes within a week to say where the claim is, and the queue is shorter.
title: Insurance claim
owners:
  desk: {name: Claims desk}
  assessor: {name: Claims assessor}
steps:
  - id: sends-claim
    lane: customer
    action: Sends the claim form.
  - id: desk-logs
    lane: frontstage
    owner: desk
    action: Logs the claim and confirms it by email.
    next:
      - to: desk-updates
        within: 1d
        carries: [claim form]
  - id: desk-updates
    lane: frontstage
    owner: desk
    wait: 6d
    action: Writes to say where the claim is in the queue.
    next:
      - to: assessor-decides
        within: 1d
        carries: [claim form]
  - id: assessor-decides
    lane: backstage
    owner: assessor
    wait: 6d
    action: Decides the claim when it reaches the top of the queue.
    next:
      - to: desk-writes
        within: 1d
        carries: [decision]
  - id: desk-writes
    lane: frontstage
    owner: desk
    action: Sends the decision letter.
  - id: reads-letter
    lane: customer
    action: Reads the decision.
    end: resolved
"""
