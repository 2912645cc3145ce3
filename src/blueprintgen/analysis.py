"""A blueprint -> its journey graph, findings and metrics: runs the rules of rules/. Pure: no I/O.

The journey is a graph: one node per step, one arrow per entry of `step.next`
(explicit, or the implicit flow to the following step). The first step is the
entry. Every rule runs in time near-linear in the size of the blueprint, and no
rule enumerates paths: the graph is condensed once into its strongly connected
components (an iterative Tarjan, so thousands of steps never hit the recursion
limit), which form a DAG that dynamic programming walks in topological order.
A loop (a component of several steps, or a step leading to itself) counts as a
whole: a walk around it can meet every step in it, so it contributes all its
owners, waits and durations.

For speed on large blueprints the model is read once into flat lists
(`_Journey`); the rules (one module each in rules/) work on those, through a
`Context`, and touch the model objects again only to word a finding. Facts
several rules share (kept promises, silent ways, owners met so far) are
computed once, when first asked for.

Decisions where the spec is silent are stated on the rule modules and the
functions below.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from .gcpause import paused_gc
from .model import CUSTOMER, HIDDEN_LANES, LEVELS, Blueprint, Edge, Position, Step
from .rules import RULES
from .rules.words import Words
from .settings import Settings

__all__ = ["Finding", "Handoff", "Metrics", "Analysis", "Context", "analyse", "HANDOFF_RULES", "HIDDEN_LANES"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken handoff: a rule that fires on a step (or edge, loop, blueprint).

    `number` is 1-based within the blueprint, in (line, column, rule) order; the
    diagram's badges and the site's findings list use the same number.
    `edge` is set when the finding concerns one arrow (e.g. no-deadline).
    `ignored` holds the designer's reason when an `ignore:` entry silences it.
    """

    rule: str
    severity: str
    blueprint: str
    step: str | None
    position: Position
    message: str
    hint: str
    number: int = 0
    edge: Edge | None = None
    ignored: str | None = None


@dataclass(frozen=True, slots=True)
class Handoff:
    """An edge between two different actors, and the finding numbers that break it."""

    edge: Edge
    source_actor: str | None
    target_actor: str | None
    broken_by: tuple[int, ...]


# Opportunities counted by impact, highest first; `unrated` when the designer gave none.
IMPACTS = (*reversed(LEVELS), "unrated")


@dataclass(frozen=True)
class Metrics:
    steps: int
    owners: int
    handoffs: int
    handoffs_across_visibility: int
    customer_contacts: int
    channel_switches: int
    promises_kept: int
    promises_broken: int
    promises_withdrawn: int
    longest_time_to_resolution_minutes: int | None
    back_office_owners_on_longest_path: int | None
    lowest_emotion: int | None = None
    lowest_emotion_step: str | None = None
    steps_below_neutral: int = 0
    pain_points: int = 0
    cost_on_longest_path: str | None = None
    opportunities_by_impact: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IMPACTS, 0))


@dataclass(frozen=True)
class Analysis:
    """Everything the analysis says of one blueprint."""

    blueprint: Blueprint
    findings: tuple[Finding, ...]   # active, numbered, sorted by position
    ignored: tuple[Finding, ...]    # silenced, with `ignored` reasons
    handoffs: tuple[Handoff, ...]
    metrics: Metrics


# Rules whose findings sit on one arrow and break the handoff it carries.
HANDOFF_RULES = ("no-deadline", "context-lost", "unwatched-channel")
_NONE: tuple = ()


# -- the journey graph --------------------------------------------------------------


class _Journey:
    """The blueprint read once into flat lists, and condensed into components.

    Steps are numbered in file order (index 0 is the entry). Arrows are
    numbered in file order too, as parallel lists `src`, `dst`, `edge`,
    `handoff` (True when the two steps have different actors). `comp[i]` is
    the component of step i; components are numbered so that every arrow
    between two components goes from a lower to a higher number; `members[c]`
    lists a component's steps in file order.
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

    def owners_before(self, owner_bit: dict[str, int]) -> list[int]:
        """Per component: the staff owners (bitmask) met on some walk from the entry up to it, itself included.

        Propagated forward in topological order. For components the entry cannot
        reach, walks from any step that leads to them count instead.
        """
        owner, reachable, members = self.owner, self.reachable, self.members
        seen = [0] * len(members)
        for c, group in enumerate(members):
            mask = 0
            for i in group:
                if owner[i] is not None:
                    mask |= owner_bit[owner[i]]
            inside = reachable[group[0]]
            for p in self.comp_pred[c]:
                if not inside or reachable[members[p][0]]:
                    mask |= seen[p]
            seen[c] = mask
        return seen


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


class _Emitter:
    """Collects findings of the rules that are on; rules check `on` before wording one."""

    def __init__(self, on: set[str]):
        self.on = on
        # (sort key, rule, step id, position, message, hint, edge), made into Findings once numbered.
        self.found: list[tuple] = []

    def __call__(self, rule: str, step: Step | None, position: Position, message: str, hint: str,
                 edge: Edge | None = None) -> None:
        step_id = step.id if step else None
        self.found.append(((position.line, position.column, rule, step_id or ""), rule, step_id,
                           position, message, hint, edge))


# -- the analysis -------------------------------------------------------------------


def analyse(blueprint: Blueprint, settings: Settings = Settings()) -> Analysis:
    """Run every rule on one blueprint and measure it.

    Severities come from `settings.severity(slug)`; a rule set to `off` finds
    nothing. A finding is silenced by an `ignore:` entry with its rule and
    either no step or the finding's step (the step-specific reason wins); it
    goes to `ignored` with the reason and no number. The others are sorted by
    (line, column, rule, step) and numbered from 1.
    """
    with paused_gc():
        return _analyse(blueprint, settings)


@dataclass(frozen=True)
class Context:
    """What a rule's `check` reads, and `emit`, which it calls once per finding."""

    blueprint: Blueprint
    journey: _Journey
    words: Words
    settings: Settings
    emit: _Emitter


def _analyse(blueprint: Blueprint, settings: Settings) -> Analysis:
    journey = _Journey(blueprint)
    severities = {rule.slug: settings.severity(rule.slug) for rule in RULES}
    emit = _Emitter({slug for slug, severity in severities.items() if severity != "off"})
    context = Context(blueprint, journey, Words(blueprint), settings, emit)
    for rule in RULES:
        if rule.slug in emit.on:
            rule.check(context)

    silenced: dict[tuple[str, str | None], str] = {}
    for ignore in blueprint.ignores:
        silenced.setdefault((ignore.rule, ignore.step), ignore.reason)
    active: list[Finding] = []
    ignored: list[Finding] = []
    for _, rule, step_id, position, message, hint, edge in sorted(emit.found, key=lambda item: item[0]):
        reason = (silenced.get((rule, step_id)) if step_id else None) or silenced.get((rule, None))
        if reason is None:
            active.append(Finding(rule, severities[rule], blueprint.id, step_id, position, message, hint,
                                  len(active) + 1, edge))
        else:
            ignored.append(Finding(rule, severities[rule], blueprint.id, step_id, position, message, hint,
                                   0, edge, reason))
    findings = tuple(active)
    handoffs = _handoffs(journey, findings)
    return Analysis(blueprint, findings, tuple(ignored), handoffs, _metrics(journey, handoffs, blueprint))


# -- handoffs and metrics -------------------------------------------------------------


def _handoffs(journey: _Journey, findings: tuple[Finding, ...]) -> tuple[Handoff, ...]:
    """One Handoff per arrow between two different actors, in file order.

    `broken_by` holds the numbers of the active handoff findings (no-deadline,
    context-lost, unwatched-channel through the arrow's `via`) on that arrow.
    """
    by_edge: dict[int, list[int]] = {}
    for finding in findings:
        if finding.edge is not None and finding.rule in HANDOFF_RULES:
            by_edge.setdefault(id(finding.edge), []).append(finding.number)
    actor = journey.actor
    return tuple(Handoff(edge, actor[i], actor[j], tuple(by_edge.get(id(edge), _NONE)))
                 for i, j, edge, handoff in zip(journey.src, journey.dst, journey.edge, journey.handoff)
                 if handoff)


def _metrics(journey: _Journey, handoffs: tuple[Handoff, ...], blueprint: Blueprint) -> Metrics:
    """Counts for the site.

    handoffs_across_visibility counts handoffs with one side in the customer or
    frontstage lane and the other backstage or support. channel_switches
    compares consecutive customer steps in file order that both name a channel.
    A promise is kept when a step reachable from it fulfils it, withdrawn when
    it is not kept and a reachable step withdraws it, and broken otherwise.
    longest_time_to_resolution_minutes is the largest sum of `wait` and
    `duration` over the steps of a walk from the entry to an `end: resolved`
    step, counting each step of a loop once (the customer lives through staff
    work as elapsed time, so every lane counts); None when no resolved end is
    reachable. back_office_owners_on_longest_path counts the distinct backstage
    and support owners on that walk (the one with the most steps among equally
    long ones): internal complexity the customer never meets.
    """
    steps, lane = journey.steps, journey.lane
    hidden = [where in HIDDEN_LANES for where in lane]
    across = sum(1 for i, j, handoff in zip(journey.src, journey.dst, journey.handoff)
                 if handoff and hidden[i] != hidden[j])
    customer_channels = [step.channel for step in steps if step.lane == "customer"]
    switches = sum(1 for a, b in zip(customer_channels, customer_channels[1:]) if a and b and a != b)
    longest: tuple[int, int] | None = None
    longest_at = -1
    best: list[tuple[int, int] | None] = [None] * len(journey.members)
    came_from = [-1] * len(journey.members)
    minutes, end, reachable = journey.minutes, journey.end, journey.reachable
    for c, group in enumerate(journey.members):
        if not reachable[group[0]]:
            continue
        before = (0, 0)
        for p in journey.comp_pred[c]:
            if best[p] is not None and best[p] > before:
                before, came_from[c] = best[p], p
        total = (before[0] + sum(minutes[i] for i in group), before[1] + len(group))
        best[c] = total
        if any(end[i] == "resolved" for i in group) and (longest is None or total > longest):
            longest, longest_at = total, c
    back_office: set[str] = set()
    on_path: list[int] = []
    c = longest_at
    while c != -1:
        back_office.update(journey.owner[i] for i in journey.members[c] if hidden[i] and journey.owner[i])
        on_path.extend(journey.members[c])
        c = came_from[c]
    kept, withdrawn = journey.kept, journey.withdrawn
    return Metrics(
        steps=len(steps),
        owners=len({key for key in journey.owner if key is not None}),
        handoffs=len(handoffs),
        handoffs_across_visibility=across,
        customer_contacts=sum(1 for where in lane if where == "customer"),
        channel_switches=switches,
        promises_kept=sum(1 for i in journey.promised if kept[i]),
        promises_broken=sum(1 for i in journey.promised if not kept[i] and not withdrawn[i]),
        promises_withdrawn=sum(1 for i in journey.promised if not kept[i] and withdrawn[i]),
        longest_time_to_resolution_minutes=longest[0] if longest else None,
        back_office_owners_on_longest_path=len(back_office) if longest else None,
        **_journey_map_metrics(blueprint, [steps[i] for i in on_path] if longest else None),
    )


def _journey_map_metrics(blueprint: Blueprint, longest_path: list[Step] | None) -> dict:
    """The customer's feelings, pain points, cost and opportunities, for JSON, the site and `diff`.

    The lowest emotion's step is the first one in file order among equally low
    ones. The cost is summed over the same walk as the longest time to
    resolution; None when no step on it has a cost (or no resolved end is reached).
    """
    felt = [step for step in blueprint.steps if step.emotion is not None]
    lowest = min(felt, key=lambda step: step.emotion.score, default=None)
    costs = [step.cost for step in longest_path or () if step.cost is not None]
    currency = next((cost.currency for cost in costs if cost.currency), None)
    total = f"{sum(cost.amount for cost in costs)}{f' {currency}' if currency else ''}" if costs else None
    impacts = Counter(opportunity.impact or "unrated" for opportunity in blueprint.opportunities)
    return {
        "lowest_emotion": lowest.emotion.score if lowest else None,
        "lowest_emotion_step": lowest.id if lowest else None,
        "steps_below_neutral": sum(1 for step in felt if step.emotion.score < 0),
        "pain_points": sum(len(step.pain) for step in blueprint.steps),
        "cost_on_longest_path": total,
        "opportunities_by_impact": {level: impacts[level] for level in IMPACTS},
    }
