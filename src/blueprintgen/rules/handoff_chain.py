"""handoff-chain: the customer has to deal with too many people on one way through the journey.

They are passed from person to person, and each one has to pick the case up again.

The rule counts the different *frontstage* owners, the people the customer deals with, on every
way from the first step, however it ends: resolved, abandoned (five people pass the case on and
the customer gives up: that chain is the break), or nowhere. If some way has more of them than `chain_limit`,
the rule fires once per blueprint, on the frontstage step where the limit is first passed: the
earliest such step in the file (inside a loop, the first step whose owner takes the count over the
limit). The message lists the owners in the order the customer meets them. If a loop is on the
way, all its frontstage owners count. Routing through back-office teams the customer never meets
is not this finding: the site shows it as the metric "back-office owners on the longest path".
"""

from __future__ import annotations

from .option import Option
from .words import ARROW, listing

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "OPTIONS", "FAILING", "PASSING", "MORE_EXAMPLES",
           "MAX_CHAIN_SETS",
           "check"]

ID = "handoff-chain"
ORDER = 130
SEVERITY = "medium"
TITLE = "Handoff chain"
MEANING = ("On one way through the journey the customer has to deal with more people (frontstage owners) than "
           "the limit allows.")
FIX = "give the first person the authority and the information to resolve, or cut the steps in between"
ACTION = "Let the first person the customer meets resolve the case, instead of passing them on at “{step}”"
ON = 'The frontstage step where the limit is first passed.'
OPTIONS = {
    "chain_limit": Option(int, 3, "the most frontstage owners a customer may deal with on one way through the journey",
                          minimum=1, maximum=1000),
}
# Above this many owner sets per component, only the largest are kept: a safety valve for
# pathological blueprints (dozens of owners in parallel branches); real ones stay far below it.
MAX_CHAIN_SETS = 512


def check(ctx) -> None:
    # Dynamic programming over the components in topological order, restricted to those the entry
    # reaches (every way counts, however it ends). Each component keeps the distinct sets of owners (of
    # at most `limit` owners) met on the ways into it, with the order they were met; a set that
    # grows past the limit is recorded where it does and not carried further. A loop adds all its
    # owners.
    journey, words, limit = ctx.journey, ctx.words, ctx.option("chain_limit")
    if not journey.steps:
        return
    steps, members = journey.steps, journey.members
    owner = [key if where == "frontstage" else None for key, where in zip(journey.owner, journey.lane)]
    useful = [journey.reachable[group[0]] for group in members]
    if not any(useful):
        return
    names = journey.owner_keys
    keys = {key: k for k, key in enumerate(names)}
    # A way's owners in the order met are a chain of (owner, the chain before) pairs, with its length:
    # extending one is O(1), so a long chain (chain_limit up to 1,000) costs no copying per step.
    sets: list[dict[int, tuple[int, tuple | None]] | None] = [None] * len(members)
    worst: tuple[int, tuple] | None = None   # (step index, the chain of owners met)
    entry = journey.comp[0]
    for c, group in enumerate(members):
        if not useful[c]:
            continue
        # The owners of the component's frontstage steps in file order, with the first step of each.
        firsts: dict[int, int] = {}
        for i in group:
            if owner[i] is not None:
                firsts.setdefault(keys[owner[i]], i)
        incoming: dict[int, tuple[int, tuple | None]] = {0: (0, None)} if c == entry else {}
        for p in journey.comp_pred[c]:
            if sets[p]:
                for mask, met in sets[p].items():
                    incoming.setdefault(mask, met)
        if not firsts:
            sets[c] = incoming
            continue
        out: dict[int, tuple[int, tuple | None]] = {}
        for mask, (length, chain) in incoming.items():
            for k, i in firsts.items():
                if mask >> k & 1:
                    continue
                mask |= 1 << k
                length, chain = length + 1, (k, chain)
                if length > limit:
                    if worst is None or i < worst[0]:
                        worst = (i, chain)
                    break
            else:
                out.setdefault(mask, (length, chain))
        if len(out) > MAX_CHAIN_SETS:
            out = dict(sorted(out.items(), key=lambda item: (-item[1][0], item[0]))[:MAX_CHAIN_SETS])
        sets[c] = out
    if worst is None:
        return
    i, chain = worst
    met = []
    while chain is not None:
        met.append(chain[0])
        chain = chain[1]
    met.reverse()
    step = steps[i]
    owners = [words.owner(names[k]) for k in met]
    ctx.emit(ID, step, step.position,
             f"On one way through the journey the customer can have to deal with more than {limit} "
             f"frontstage owner{'s' if limit != 1 else ''}: {listing(owners, ARROW)}; "
             f"{owners[-1]} is number {len(owners)}, at step '{step.id}'.",
             f"give {owners[0]} the authority and the information to resolve, or cut the steps in between "
             f"(the limit is `chain_limit: {limit}`)")


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# four people before a double charge is refunded.
title: Double charge
owners:
  clerk: {name: Store clerk}
  manager: {name: Store manager}
  billing: {name: Billing team}
  regional: {name: Regional manager}
steps:
  - id: reports-mistake
    lane: customer
    action: Reports a double charge at the till.
  - id: clerk-escalates
    lane: frontstage
    owner: clerk
    action: Cannot refund, so calls the manager.
    next:
      - to: manager-escalates
        carries: [receipt]
        within: 10m
  - id: manager-escalates
    lane: frontstage
    owner: manager
    action: Cannot refund either, so sends it to billing.
    next:
      - to: billing-escalates
        carries: [receipt]
        within: 1d
  - id: billing-escalates
    lane: frontstage
    owner: billing
    action: Calls the customer, needs approval, so asks the regional manager.
    next:
      - to: regional-refunds
        carries: [receipt]
        within: 1d
  - id: regional-refunds
    lane: frontstage
    owner: regional
    action: Approves and refunds.
  - id: refunded
    lane: customer
    action: Gets the money back.
    end: resolved
"""
PASSING = """\
# the first person can resolve it.
title: Double charge
owners:
  clerk: {name: Store clerk}
steps:
  - id: reports-mistake
    lane: customer
    action: Reports a double charge at the till.
  - id: clerk-refunds
    lane: frontstage
    owner: clerk
    action: Sees the double charge on the receipt and refunds it at the till.
  - id: refunded
    lane: customer
    action: Gets the money back.
    end: resolved
"""
MORE_EXAMPLES = (
    ("""\
# five people pass the case on, and the customer gives up: the chain counts though nothing is resolved.
title: Lost luggage
owners:
  gate: {name: Gate agent}
  desk: {name: Baggage desk}
  hotline: {name: Baggage hotline}
  partner: {name: Partner airline}
  claims: {name: Claims team}
steps:
  - id: reports-bag
    lane: customer
    action: Reports that her bag did not arrive.
  - id: gate-sends-on
    lane: frontstage
    owner: gate
    action: Sends her to the baggage desk.
    next:
      - {to: desk-sends-on, carries: [flight number], within: 10m}
  - id: desk-sends-on
    lane: frontstage
    owner: desk
    action: Gives her the hotline number.
    next:
      - {to: hotline-sends-on, carries: [file reference], within: 1d}
  - id: hotline-sends-on
    lane: frontstage
    owner: hotline
    action: Says the partner airline has the bag.
    next:
      - {to: partner-sends-on, carries: [file reference], within: 1d}
  - id: partner-sends-on
    lane: frontstage
    owner: partner
    action: Says claims must decide.
    next:
      - {to: claims-asks, carries: [file reference], within: 1d}
  - id: claims-asks
    lane: frontstage
    owner: claims
    action: Asks for the receipts again.
  - id: gives-up
    lane: customer
    action: Gives up and buys new clothes.
    end: abandoned
""", """\
# the baggage desk owns the case from the first report to the answer.
title: Lost luggage
owners:
  desk: {name: Baggage desk}
steps:
  - id: reports-bag
    lane: customer
    action: Reports that her bag did not arrive.
  - id: desk-traces
    lane: frontstage
    owner: desk
    action: Opens a file, traces the bag and calls her with the answer.
  - id: gets-answer
    lane: customer
    action: Hears that the bag is lost and how she is paid for it.
    end: resolved
"""),
)
