"""context-lost: a handoff carries nothing, so the customer tells the story again.

The case reaches a new owner with nothing attached, although someone else already handled it.

The rule fires on a handoff into a staff step of owner B when the handoff has no `carries:` and,
on some way through the journey, a *different* staff owner handled the case since B last did (or B
never did). When B handles a step, B is up to date, and an arrow into B that carries something
counts as B being told. A customer step in between does not help: if the store sends the customer
to the service centre with nothing in hand, the service centre still starts from zero. But when the
council team heard the whole story, and visits again after the customer waited at home, nobody else
handled the case in between, so there is no finding. The finding is on the step that receives the
handoff.
"""

from __future__ import annotations

from .words import and_list, spell_out

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "HANDOFF", "FAILING", "PASSING", "check"]

ID = "context-lost"
ORDER = 80
SEVERITY = "medium"
TITLE = "Context lost"
MEANING = ("A handoff carries nothing, though someone else handled the case since the receiver last did, "
           "so the customer has to tell the story again.")
FIX = "list what travels with the handoff in `carries:` (e.g. a case number, the history so far)"
ACTION = ("Pass the case and its history on when the work reaches “{step}”, so the customer need not "
          "tell the story again")
ON = 'The step that receives the handoff.'
HANDOFF = True
_KEEP = 3   # last owners remembered per step: enough to name two that are not the receiver


def last_owners(journey) -> list[tuple[str, ...]]:
    """For each step: the staff owners who can have handled the case last, up to and including it.

    A staff step's own owner; through customer steps (and steps with no owner), the staff owners
    who handled the case last before them. Found in one forward pass through the steps with no
    owner, keeping at most three per step, so the work stays linear.
    """
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


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the customer walks into the service centre empty-handed.
title: Phone repair
owners:
  clerk: {name: Store clerk}
  centre: {name: Service centre}
steps:
  - id: brings-phone
    lane: customer
    action: Brings a broken phone to the store.
  - id: clerk-checks
    lane: frontstage
    owner: clerk
    action: Checks the phone and sends her to the service centre.
  - id: goes-to-centre
    lane: customer
    action: Goes to the service centre.
  - id: centre-repairs
    lane: frontstage
    owner: centre
    action: Asks what is wrong, then repairs the phone.
  - id: gets-phone
    lane: customer
    action: Gets the phone back.
    end: resolved
"""
PASSING = """\
# the handoff says what travels with it.
title: Phone repair
owners:
  clerk: {name: Store clerk}
  centre: {name: Service centre}
steps:
  - id: brings-phone
    lane: customer
    action: Brings a broken phone to the store.
  - id: clerk-checks
    lane: frontstage
    owner: clerk
    action: Checks the phone and writes a repair ticket.
  - id: goes-to-centre
    lane: customer
    action: Goes to the service centre with the ticket.
    next:
      - to: centre-repairs
        carries: [repair ticket with the fault description]
  - id: centre-repairs
    lane: frontstage
    owner: centre
    action: Reads the ticket and repairs the phone.
  - id: gets-phone
    lane: customer
    action: Gets the phone back.
    end: resolved
"""
