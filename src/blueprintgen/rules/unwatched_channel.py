"""unwatched-channel: a step or handoff goes through a channel nobody watches.

A voicemail box nobody listens to, an inbox that sorts mail away: the message is sent, and nothing
happens.

A channel is unwatched when it has no `watched_by:`. The rule fires on a step with
`channel: <that channel>`, and on a handoff with `via: <that channel>`: an arrow with `via:` is a
handoff through that channel even between two steps of one owner. A finding on an arrow is on the
step the arrow leaves.
"""

from __future__ import annotations

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "HANDOFF", "FAILING", "PASSING", "check"]

ID = "unwatched-channel"
ORDER = 60
SEVERITY = "high"
TITLE = "Unwatched channel"
MEANING = ("The customer or a colleague reaches out through a channel nobody watches (a voicemail box, an "
           "auto-sorted inbox).")
FIX = "give the channel an owner with `watched_by:` and a `response:` time, or route through a watched channel"
ACTION = "Give “{channel}” someone who watches it and answers in a set time"
ON = "The step itself for its `channel:`; for a handoff's `via:`, the step the arrow leaves (whose `next:` holds it)."
HANDOFF = True   # a finding on an arrow's `via` breaks the handoff


def check(ctx) -> None:
    journey, words, emit = ctx.journey, ctx.words, ctx.emit
    steps, channels = journey.steps, ctx.blueprint.channel_by_key
    for step in steps:
        if step.channel:
            channel = channels.get(step.channel)
            if channel is not None and not channel.watched_by:
                emit(ID, step, step.position,
                     f"Step {words.step(step)} goes through {words.channel(channel.key)}, which nobody "
                     f"watches: an answer sent there can wait forever.",
                     f"give channel '{channel.key}' an owner with `watched_by:` and a `response:` time, "
                     f"or move step '{step.id}' to a watched channel")
    for i, j, edge in zip(journey.src, journey.dst, journey.edge):
        channel = channels.get(edge.via) if edge.via else None
        if channel is not None and not channel.watched_by:
            emit(ID, steps[i], edge.position,
                 f"The handoff from {words.step(steps[i])} to {words.step(steps[j])} goes through "
                 f"{words.channel(channel.key)}, which nobody watches: it can wait forever unanswered.",
                 f"give channel '{channel.key}' an owner with `watched_by:` and a `response:` time, "
                 f"or route the handoff from '{steps[i].id}' to '{steps[j].id}' through a watched channel",
                 edge)


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the voicemail has no `watched_by:`.
title: Moving an appointment
owners:
  counter: {name: Beauty counter}
channels:
  voicemail: {name: Counter voicemail}
steps:
  - id: calls-counter
    lane: customer
    action: Calls the counter to move her appointment.
    next:
      - to: counter-rebooks
        via: voicemail
  - id: counter-rebooks
    lane: frontstage
    owner: counter
    action: Moves the appointment and confirms the new date.
  - id: comes-in
    lane: customer
    action: Comes in on the new date.
    end: resolved
"""
PASSING = """\
# someone watches the channel, and says how fast they answer.
title: Moving an appointment
owners:
  counter: {name: Beauty counter}
channels:
  voicemail: {name: Counter voicemail, watched_by: counter, response: 4h}
steps:
  - id: calls-counter
    lane: customer
    action: Calls the counter to move her appointment.
    next:
      - to: counter-rebooks
        via: voicemail
  - id: counter-rebooks
    lane: frontstage
    owner: counter
    action: Moves the appointment and confirms the new date.
  - id: comes-in
    lane: customer
    action: Comes in on the new date.
    end: resolved
"""
