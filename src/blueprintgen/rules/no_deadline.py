"""no-deadline: work passes between two owners with no time limit.

It can sit in someone's queue for weeks without anyone noticing, while the customer waits.

The rule fires on a handoff between two staff steps with different owners when the handoff has no
`within:` and the channel it goes `via:` has no `response:` time. A step with no `next:` hands over
to the step below it, so that handoff needs a deadline too: write it out as `next:` with `to:` and
`within:`. The finding is on the step the arrow leaves.
"""

from __future__ import annotations

from .words import spell_out

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "HANDOFF", "FAILING", "PASSING", "check"]

ID = "no-deadline"
ORDER = 70
SEVERITY = "medium"
TITLE = "Handoff without deadline"
MEANING = "Work passes between two staff owners with no time limit, so it can wait forever unnoticed."
FIX = "add `within:` to the handoff, or a `response:` time to its `via` channel"
ACTION = "Agree how fast {receiver} picks up the work handed over after “{step}”, and keep to it"
ON = ("The first step of the arrow: the step whose `next:` holds the handoff (or, for the flow to the step below, "
      "the step it leaves).")
HANDOFF = True


def check(ctx) -> None:
    journey, words = ctx.journey, ctx.words
    steps, owner, channels = journey.steps, journey.owner, ctx.blueprint.channel_by_key
    for i, j, edge, handoff in zip(journey.src, journey.dst, journey.edge, journey.handoff):
        if not handoff or owner[j] is None or owner[i] is None or edge.within is not None:
            continue
        channel = channels.get(edge.via) if edge.via else None
        if channel is not None and channel.response is not None:
            continue
        through = (f", and {words.channel(channel.key)}, the channel it goes through, has no response time"
                   if channel is not None else "")
        hint = spell_out(edge, "within") + (
            f", or a `response:` time to channel '{channel.key}'" if channel is not None
            else ", or send it `via:` a channel with a `response:` time")
        ctx.emit(ID, steps[i], edge.position,
                 f"The handoff from {words.step(steps[i])} to {words.step(steps[j])} has no deadline{through}: "
                 f"the work can wait with {words.owner(owner[j])} unnoticed.",
                 hint, edge)


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the warehouse has no deadline.
title: Damaged parcel
owners:
  agent: {name: Contact centre agent}
  warehouse: {name: Warehouse team}
steps:
  - id: reports-damage
    lane: customer
    action: Reports a damaged parcel.
  - id: agent-logs
    lane: frontstage
    owner: agent
    action: Logs the damage and asks the warehouse for a replacement.
    next:
      - to: warehouse-sends
        carries: [order number, photos]
  - id: warehouse-sends
    lane: backstage
    owner: warehouse
    action: Sends a replacement.
    next:
      - to: agent-confirms
        carries: [tracking number]
        within: 1h
  - id: agent-confirms
    lane: frontstage
    owner: agent
    action: Emails the tracking number.
  - id: gets-replacement
    lane: customer
    action: Receives the replacement.
    end: resolved
"""
PASSING = """\
# the handoff says how long it may take.
title: Damaged parcel
owners:
  agent: {name: Contact centre agent}
  warehouse: {name: Warehouse team}
steps:
  - id: reports-damage
    lane: customer
    action: Reports a damaged parcel.
  - id: agent-logs
    lane: frontstage
    owner: agent
    action: Logs the damage and asks the warehouse for a replacement.
    next:
      - to: warehouse-sends
        carries: [order number, photos]
        within: 1d
  - id: warehouse-sends
    lane: backstage
    owner: warehouse
    action: Sends a replacement.
    next:
      - to: agent-confirms
        carries: [tracking number]
        within: 1h
  - id: agent-confirms
    lane: frontstage
    owner: agent
    action: Emails the tracking number.
  - id: gets-replacement
    lane: customer
    action: Receives the replacement.
    end: resolved
"""
