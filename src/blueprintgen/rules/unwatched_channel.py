"""unwatched-channel: a step, or an arrow's `via`, goes through a channel nobody watches (`watched_by:`).

An arrow with `via` is a handoff through that channel even between steps of
one owner; the finding on an arrow sits on the step the arrow leaves.
"""

from __future__ import annotations

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "unwatched-channel"
SEVERITY = "high"
TITLE = "Unwatched channel"
MEANING = ("The customer or a colleague reaches out through a channel nobody watches (a voicemail box, an "
           "auto-sorted inbox).")
FIX = "give the channel an owner with `watched_by:` and a `response:` time, or route through a watched channel"


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
