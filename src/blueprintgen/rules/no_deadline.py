"""no-deadline: work passes between two staff owners with no `within:` and no `response:` on its channel.

Both steps are in staff lanes with two different owners; an implicit arrow has
no `within`, so it counts. The finding sits on the step the arrow leaves.
"""

from __future__ import annotations

from .words import spell_out

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "no-deadline"
SEVERITY = "medium"
TITLE = "Handoff without deadline"
MEANING = "Work passes between two staff owners with no time limit, so it can wait forever unnoticed."
FIX = "add `within:` to the handoff, or a `response:` time to its `via` channel"


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
