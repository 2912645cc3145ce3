"""handoff-chain: more distinct frontstage owners than `chain_limit` on a way from the entry to `end: resolved`.

Only the owners the customer deals with count (frontstage steps): routing
through back-office teams is internal complexity, shown as the metric
"back-office owners on the longest path", not as this finding.

Dynamic programming over the components in topological order, restricted to
those on some way from the entry to a resolved end. Each component keeps the
distinct sets of owners (of at most `limit` owners) met on the ways into it,
with the order they were met; a set that grows past the limit is recorded
where it does and not carried further. A loop adds all its owners. One finding
per blueprint, on the earliest step in file order where some way first exceeds
the limit; inside a loop that is the first step (file order) whose owner takes
the count over the limit. The message lists the owners of that way in the
order met.
"""

from __future__ import annotations

from .words import ARROW, listing

__all__ = ["ID", "SEVERITY", "TITLE", "MEANING", "FIX", "MAX_CHAIN_SETS", "check"]

ID = "handoff-chain"
SEVERITY = "medium"
TITLE = "Handoff chain"
MEANING = ("On the way to a resolution the customer has to deal with more people (frontstage owners) than the "
           "limit allows.")
FIX = "give the first person the authority and the information to resolve, or cut the steps in between"
# Above this many owner sets per component, only the largest are kept: a safety valve for
# pathological blueprints (dozens of owners in parallel branches); real ones stay far below it.
MAX_CHAIN_SETS = 512


def check(ctx) -> None:
    journey, words, limit = ctx.journey, ctx.words, ctx.settings.chain_limit
    if not journey.steps:
        return
    steps, members = journey.steps, journey.members
    owner = [key if where == "frontstage" else None for key, where in zip(journey.owner, journey.lane)]
    leads = journey.search([i for i, end in enumerate(journey.end) if end == "resolved"], journey.pred)
    useful = [journey.reachable[group[0]] and leads[group[0]] for group in members]
    if not any(useful):
        return
    names = journey.owner_keys
    keys = {key: k for k, key in enumerate(names)}
    sets: list[dict[int, tuple[int, ...]] | None] = [None] * len(members)
    worst: tuple[int, tuple[int, ...]] | None = None   # (step index, owners in order met)
    entry = journey.comp[0]
    for c, group in enumerate(members):
        if not useful[c]:
            continue
        # The owners of the component's frontstage steps in file order, with the first step of each.
        firsts: dict[int, int] = {}
        for i in group:
            if owner[i] is not None:
                firsts.setdefault(keys[owner[i]], i)
        incoming: dict[int, tuple[int, ...]] = {0: ()} if c == entry else {}
        for p in journey.comp_pred[c]:
            if sets[p]:
                for mask, met in sets[p].items():
                    incoming.setdefault(mask, met)
        if not firsts:
            sets[c] = incoming
            continue
        out: dict[int, tuple[int, ...]] = {}
        for mask, met in incoming.items():
            for k, i in firsts.items():
                if mask >> k & 1:
                    continue
                mask |= 1 << k
                met = met + (k,)
                if len(met) > limit:
                    if worst is None or i < worst[0]:
                        worst = (i, met)
                    break
            else:
                out.setdefault(mask, met)
        if len(out) > MAX_CHAIN_SETS:
            out = dict(sorted(out.items(), key=lambda item: (-len(item[1]), item[1]))[:MAX_CHAIN_SETS])
        sets[c] = out
    if worst is None:
        return
    i, met = worst
    step = steps[i]
    owners = [words.owner(names[k]) for k in met]
    ctx.emit(ID, step, step.position,
             f"On the way to a resolution the customer can have to deal with more than {limit} "
             f"frontstage owner{'s' if limit != 1 else ''}: {listing(owners, ARROW)}; "
             f"{owners[-1]} is number {len(owners)}, at step '{step.id}'.",
             f"give {owners[0]} the authority and the information to resolve, or cut the steps in between "
             f"(the limit is `chain_limit: {limit}`)")
