"""context-lost: a handoff into a staff owner carries nothing, though someone else handled the case since.

A handoff u -> v into a staff step v of owner B with no `carries` fires when,
on some walk from the entry to u, a staff owner other than B handled the case
after B last did (or B never did). B handling a step, which includes being
reached by an arrow that carries something, brings B up to date. So a staff
step u of another owner always counts; through customer steps (and steps with
no owner) it is the staff owners who handled the case last before them. A
customer step in between does not save the context: A -> customer -> B with
nothing carried into B still fires, but B -> customer -> B does not. The
finding sits on v, whose owner has to hear the story again.

The last owners before each step are found in one forward pass through the
steps with no owner, keeping at most three per step, so the work stays linear.
"""

from __future__ import annotations

from .words import and_list, spell_out

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"]

ID = "context-lost"
SEVERITY = "medium"
TITLE = "Context lost"
MEANING = ("A handoff carries nothing, though someone else handled the case since the receiver last did, "
           "so the customer has to tell the story again.")
FIX = "list what travels with the handoff in `carries:` (e.g. a case number, the history so far)"
_KEEP = 3   # last owners remembered per step: enough to name two that are not the receiver


def last_owners(journey) -> list[tuple[str, ...]]:
    """For each step: the staff owners who can have handled the case last, up to and including it."""
    owner, succ = journey.owner, journey.succ
    last: list[tuple[str, ...]] = [((key,) if key is not None else ()) for key in owner]
    queue = [i for i, key in enumerate(owner) if key is not None]
    for i in queue:   # the list grows while we walk it; each step grows at most _KEEP times
        for j in succ[i]:
            if owner[j] is not None:
                continue
            known = last[j]
            grown = known + tuple(key for key in last[i] if key not in known)
            if len(grown) != len(known) and len(known) < _KEEP:
                last[j] = grown[:_KEEP]
                queue.append(j)
    return last


def check(ctx) -> None:
    journey, words = ctx.journey, ctx.words
    steps, owner = journey.steps, journey.owner
    last = last_owners(journey)
    order = {key: k for k, key in enumerate(journey.owner_keys)}
    for i, j, edge, handoff in zip(journey.src, journey.dst, journey.edge, journey.handoff):
        if not handoff or owner[j] is None or edge.carries:
            continue
        others = sorted((key for key in last[i] if key != owner[j]), key=order.__getitem__)
        if not others:
            continue
        source, receiver = steps[i], words.owner(owner[j])
        if source.lane != "customer":
            who = words.owner(source.owner) if source.owner else "A step with no owner"
            message = (f"{who} hands the case over from '{source.id}' to '{steps[j].id}' ({receiver}) "
                       f"with nothing carried: the customer has to tell {receiver} the story again.")
        else:
            names = and_list([words.owner(key) for key in others])
            message = (f"The customer goes from '{source.id}' to '{steps[j].id}' ({receiver}) with nothing "
                       f"carried, though {names} handled the case last: the customer has to tell {receiver} "
                       f"the story again.")
        ctx.emit(ID, steps[j], edge.position, message,
                 spell_out(edge, "carries") + " with what travels along (e.g. a case number, the history so far)",
                 edge)
