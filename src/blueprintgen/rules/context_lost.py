"""context-lost: a handoff into a staff owner carries nothing, so the customer tells the story again.

A handoff u -> v into a staff step v of owner B with no `carries` fires when
the owners met on some walk from the entry up to and including u hold one
other than B. A customer step in between does not save the context: A ->
customer -> B with nothing carried into B still fires, since the customer has
to tell B the story again. The finding sits on v, whose owner has to hear the
story again.
"""

from __future__ import annotations

from .words import and_list, spell_out

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "context-lost"
SEVERITY = "medium"
TITLE = "Context lost"
MEANING = "A handoff carries nothing, so the customer has to tell the story again to the next person."
FIX = "list what travels with the handoff in `carries:` (e.g. a case number, the history so far)"


def check(ctx) -> None:
    journey, words = ctx.journey, ctx.words
    steps, owner, comp = journey.steps, journey.owner, journey.comp
    owner_bit = {key: 1 << k for k, key in enumerate(journey.owner_keys)}
    seen = journey.owners_before(owner_bit)
    before: dict[int, str] = {}   # owner set -> their names, worded once
    for i, j, edge, handoff in zip(journey.src, journey.dst, journey.edge, journey.handoff):
        if not handoff or owner[j] is None or edge.carries:
            continue
        others = seen[comp[i]] & ~owner_bit[owner[j]]
        if not others:
            continue
        source, receiver = steps[i], words.owner(owner[j])
        if source.lane != "customer":
            who = words.owner(source.owner) if source.owner else "A step with no owner"
            message = (f"{who} hands the case over from '{source.id}' to '{steps[j].id}' ({receiver}) "
                       f"with nothing carried: the customer has to tell {receiver} the story again.")
        else:
            names = before.get(others)
            if names is None:
                names = before[others] = and_list([words.owner(key) for key in journey.owner_keys
                                                   if others & owner_bit[key]])
            message = (f"The customer goes from '{source.id}' to '{steps[j].id}' ({receiver}) with nothing "
                       f"carried, though {names} handled the case before: the customer has to tell "
                       f"{receiver} the story again.")
        ctx.emit(ID, steps[j], edge.position, message,
                 spell_out(edge, "carries") + " with what travels along (e.g. a case number, the history so far)",
                 edge)
