"""The journey graph the rules read: `Journey` (a blueprint as flat lists and loops) and `Context`.

This is the public API of a rule's `check(ctx)`: `ctx.journey` is a
`Journey`, `ctx.words` names steps, owners and channels as the designer wrote
them, `ctx.option(name)` gives the value of one of the rule's OPTIONS, and
`ctx.emit(...)` reports one finding. Pure: no I/O.

The journey is a graph: one node per step, one arrow per entry of
`step.next` (explicit, or the implicit flow to the following step). The first
step is the entry. It is condensed once into its strongly connected
components (an iterative Tarjan, so thousands of steps never hit the recursion
limit), which form a DAG that a rule walks in topological order, so no rule
enumerates paths. A loop (a component of several steps, or a step leading to
itself) counts as a whole: a walk around it can meet every step in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from .model import CUSTOMER, HIDDEN_LANES, Blueprint, Edge

if TYPE_CHECKING:
    from .rules.words import Words
    from .settings import Settings

__all__ = ["Journey", "Context"]

_NONE: tuple = ()


class Journey:
    """The blueprint read once into flat lists, and condensed into its loops (components).

    Steps are numbered in file order (index 0 is the entry); per step:
    `steps` (the model's Step), `lane`, `owner` (the staff owner's key, None
    in the customer lane or with no owner), `actor` (the owner, or
    `model.CUSTOMER`), `end`, `minutes` (its `wait` plus its `duration`),
    `fulfils` and `withdraws` (the number of the promising step it keeps or
    withdraws, or -1), `succ` and `pred` (the steps its arrows lead to and come
    from), `reachable` (from the entry). `index` maps a step id to its number,
    `promised` lists the promising steps, `owner_keys` the owners in
    declaration order, then any others in step order.

    Arrows are numbered in file order too, as parallel lists `src`, `dst`,
    `edge` (the model's Edge) and `handoff` (True when the two steps have
    different actors).

    `comp[i]` is the component of step i; components are numbered so that
    every arrow between two components goes from a lower to a higher number;
    `members[c]` lists a component's steps in file order, `comp_succ[c]` and
    `comp_pred[c]` the components its arrows lead to and come from.

    Facts several rules share (`kept`, `withdrawn`, `silent_targets`) are
    computed once, when first asked for. Rules read these, never the model's
    lists, except to word a finding.
    """

    def __init__(self, blueprint: Blueprint):
        self.steps = steps = blueprint.steps
        n = len(steps)
        index: dict[str, int] = {}
        for i, step in enumerate(steps):
            index.setdefault(step.id, i)
        self.index = index
        lane, owner, actor, end, fulfils, minutes = [], [], [], [], [], []
        promised: list[int] = []
        withdraws: list[int] = []
        for step in steps:
            staff = step.lane != "customer"
            key = step.owner if staff and step.owner else None
            lane.append(step.lane)
            owner.append(key)
            actor.append(step.owner if staff else CUSTOMER)
            end.append(step.end)
            fulfils.append(index.get(step.fulfils, -1) if step.fulfils else -1)
            withdraws.append(index.get(step.withdraws, -1) if step.withdraws else -1)
            wait, duration = step.wait, step.duration
            minutes.append((wait.minutes if wait else 0) + (duration.minutes if duration else 0))
            if step.promise:
                promised.append(len(lane) - 1)
        self.lane, self.owner, self.actor, self.end = lane, owner, actor, end
        self.fulfils, self.withdraws, self.minutes, self.promised = fulfils, withdraws, minutes, promised
        # Owner keys in declaration order, then any others in step order.
        self.owner_keys = list(dict.fromkeys(
            [o.key for o in blueprint.owners] + [key for key in owner if key is not None]))
        src: list[int] = []
        dst: list[int] = []
        edges: list[Edge] = []
        handoff: list[bool] = []
        succ: list[list[int]] = []
        pred: list[list[int]] = [[] for _ in range(n)]
        for i, step in enumerate(steps):
            targets = []
            for edge in step.next:
                j = index.get(edge.to)
                if j is None:
                    continue
                targets.append(j)
                pred[j].append(i)
                src.append(i)
                dst.append(j)
                edges.append(edge)
                handoff.append(actor[i] != actor[j])
            succ.append(targets)
        self.src, self.dst, self.edge, self.handoff = src, dst, edges, handoff
        self.succ, self.pred = succ, pred
        self.reachable = _search([0] if n else [], succ)
        self.members = members = _tarjan(succ)[::-1]   # Tarjan yields sinks first
        self.comp = comp = [0] * n
        for c, group in enumerate(members):
            for i in group:
                comp[i] = c
        # Arrows between components, each once, in order of discovery.
        comp_succ: list[list[int]] = []
        comp_pred: list[list[int]] = [[] for _ in members]
        mark = [-1] * len(members)
        for c, group in enumerate(members):
            mark[c] = c
            targets = []
            for i in group:
                for j in succ[i]:
                    d = comp[j]
                    if mark[d] != c:
                        mark[d] = c
                        targets.append(d)
                        comp_pred[d].append(c)
            comp_succ.append(targets)
        self.comp_succ, self.comp_pred = comp_succ, comp_pred

    def is_loop(self, c: int) -> bool:
        """A component is a loop when it has two steps or a step that leads to itself."""
        group = self.members[c]
        return len(group) > 1 or group[0] in self.succ[group[0]]

    def components(self, subset: list[int]) -> list[list[int]]:
        """Loops (strongly connected components) among the steps of `subset` alone, in topological order."""
        inside = [False] * len(self.succ)
        for i in subset:
            inside[i] = True
        succ = [[j for j in targets if inside[j]] if inside[i] else [] for i, targets in enumerate(self.succ)]
        return [group for group in _tarjan(succ)[::-1] if inside[group[0]]]

    @staticmethod
    def search(seeds: list[int], neighbours: list[list[int]]) -> list[bool]:
        """Which steps the seeds reach (seeds included) along `neighbours` (`succ`, or `pred` backwards)."""
        return _search(seeds, neighbours)

    # -- facts the rules share, computed once when first asked for ----------------------

    @cached_property
    def kept(self) -> dict[int, bool]:
        """For each promising step: does a step reachable from it (itself included) fulfil it?"""
        return self._reached(self.fulfils)

    @cached_property
    def withdrawn(self) -> dict[int, bool]:
        """For each promising step: does a step reachable from it (itself included) withdraw it?"""
        return self._reached(self.withdraws)

    def _reached(self, settles: list[int]) -> dict[int, bool]:
        """For each promising step p: does a step reachable from p say `settles[i] == p`?

        One pass over the components in reverse topological order carries the
        promises whose settling steps each component reaches. A promise is only
        of interest in components at or after its own, so it is dropped once the
        pass goes above it: the sets stay as small as the promises "in flight",
        instead of one search per promise.
        """
        comp = self.comp
        pending: list = [_NONE] * len(self.members)
        for c in range(len(self.members) - 1, -1, -1):
            found: set[int] = set()
            for i in self.members[c]:
                p = settles[i]
                if p >= 0 and comp[p] <= c:
                    found.add(p)
            for d in self.comp_succ[c]:
                for p in pending[d]:
                    if comp[p] <= c:
                        found.add(p)
            pending[c] = found or _NONE
        return {i: i in pending[comp[i]] for i in self.promised}

    @cached_property
    def silent_targets(self) -> list[int]:
        """For each step, the customer step or end its silent way reaches, or -1.

        The targets are customer steps and ends outside the frontstage lane (a
        backstage step that ends the journey is silent itself). One reverse search
        from all targets, through backstage and support steps only, finds every
        step that reaches a target without passing a frontstage step.
        """
        lane, end = self.lane, self.end
        target = [-1] * len(lane)
        queue = []
        for i, where in enumerate(lane):
            if where == "customer" or (end[i] and where in HIDDEN_LANES):
                target[i] = i
                queue.append(i)
        pred = self.pred
        for node in queue:
            for p in pred[node]:
                if target[p] == -1 and lane[p] in HIDDEN_LANES:
                    target[p] = target[node]
                    queue.append(p)
        return target


def _search(seeds: list[int], neighbours: list[list[int]]) -> list[bool]:
    """Breadth-first search: which nodes the seeds reach (seeds included)."""
    seen = [False] * len(neighbours)
    queue = []
    for seed in seeds:
        if not seen[seed]:
            seen[seed] = True
            queue.append(seed)
    for node in queue:   # the list grows while we walk it
        for other in neighbours[node]:
            if not seen[other]:
                seen[other] = True
                queue.append(other)
    return seen


def _tarjan(succ: list[list[int]]) -> list[list[int]]:
    """Strongly connected components, iteratively, in reverse topological order."""
    n = len(succ)
    order = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(n):
        if order[root] != -1:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, 0)]
        while work:
            node, i = work[-1]
            targets = succ[node]
            if i < len(targets):
                work[-1] = (node, i + 1)
                other = targets[i]
                if order[other] == -1:
                    order[other] = low[other] = counter
                    counter += 1
                    stack.append(other)
                    on_stack[other] = True
                    work.append((other, 0))
                elif on_stack[other] and order[other] < low[node]:
                    low[node] = order[other]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == order[node]:
                other = stack.pop()
                on_stack[other] = False
                if other == node:
                    components.append([node])
                    continue
                component = [other]
                while other != node:
                    other = stack.pop()
                    on_stack[other] = False
                    component.append(other)
                component.sort()
                components.append(component)
    return components


def _nothing(*args, **kwargs) -> None:
    return None


def _none_found() -> list:
    return []


@dataclass(frozen=True)
class Context:
    """What a rule's `check` reads, and `emit`, which it calls once per finding.

    `emit(rule, step, position, message, hint, edge=None)`: `rule` is the
    rule's ID, `step` the step the finding is on (its id is what `ignore:`
    names), `position` where it is written, `edge` the arrow it concerns, if
    one (it then counts against that handoff for a rule with `HANDOFF = True`).

    `designed(rule, step, position, message, edge, repeat)`: instead of a
    finding, a loop the blueprint says is part of the design (`repeat:` on the
    arrow that closes it); it is listed and drawn as designed, so a reviewer
    sees the claim.

    `found()`: (rule, step id) of every finding emitted so far, silenced or
    not. A rule with `AFTER_RULES = True` runs after all the others and reads it.
    """

    blueprint: Blueprint
    journey: Journey
    words: Words
    settings: Settings
    emit: Callable[..., None]
    designed: Callable[..., None] = _nothing
    found: Callable[[], list] = _none_found

    def option(self, name: str):
        """The value of a rule option (e.g. `chain_limit`): as the project set it, else its default."""
        return self.settings.option(name)
