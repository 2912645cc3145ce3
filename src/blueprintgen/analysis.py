"""The handoff rules: a blueprint -> findings and metrics. Pure: no I/O.

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
(`_Journey`); the rules work on those and touch the model objects again only
to word a finding.

Decisions where the spec is silent are stated on the functions below.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gcpause import paused_gc
from .model import CUSTOMER, Blueprint, Edge, Position, Step
from .rules import RULE_BY_SLUG
from .settings import Settings

__all__ = ["Finding", "Handoff", "Metrics", "Analysis", "analyse", "HANDOFF_RULES"]


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
    longest_wait_minutes: int | None


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
HIDDEN_LANES = ("backstage", "support")
# Above this many owner sets per component, handoff-chain keeps the largest
# ones only: a safety valve for pathological blueprints (dozens of owners in
# parallel branches); real ones stay far below it.
MAX_CHAIN_SETS = 512
_MAX_NAMED = 8
_ARROW = " \u2192 "
_ELLIPSIS = "\u2026"
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
        for step in steps:
            staff = step.lane != "customer"
            key = step.owner if staff and step.owner else None
            lane.append(step.lane)
            owner.append(key)
            actor.append(step.owner if staff else CUSTOMER)
            end.append(step.end)
            fulfils.append(index.get(step.fulfils, -1) if step.fulfils else -1)
            wait, duration = step.wait, step.duration
            minutes.append((wait.minutes if wait else 0) + (duration.minutes if duration else 0))
            if step.promise:
                promised.append(len(lane) - 1)
        self.lane, self.owner, self.actor, self.end = lane, owner, actor, end
        self.fulfils, self.minutes, self.promised = fulfils, minutes, promised
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


# -- wording ------------------------------------------------------------------------


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + _ELLIPSIS
    return f"\u201c{text}\u201d"


def _listing(names: list[str], joiner: str = ", ") -> str:
    if len(names) > _MAX_NAMED:
        return joiner.join(names[:_MAX_NAMED]) + f"{joiner}{_ELLIPSIS} ({len(names) - _MAX_NAMED} more)"
    return joiner.join(names)


def _and(names: list[str]) -> str:
    if len(names) > _MAX_NAMED:
        return ", ".join(names[:_MAX_NAMED]) + f" and {len(names) - _MAX_NAMED} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class _Words:
    """Names of steps, owners and channels as the designer wrote them."""

    def __init__(self, blueprint: Blueprint):
        self.blueprint = blueprint
        self.names = {owner.key: owner.name for owner in blueprint.owners if owner.name}
        self._steps: dict[str, str] = {}

    def owner(self, key: str) -> str:
        return self.names.get(key, key)

    def channel(self, key: str) -> str:
        channel = self.blueprint.channel_by_key.get(key)
        return f"'{channel.name}'" if channel and channel.name else f"'{key}'"

    def who(self, step: Step) -> str:
        if step.lane == "customer":
            return "the customer"
        return self.owner(step.owner) if step.owner else "no owner"

    def step(self, step: Step) -> str:
        """The step's id and who acts there, e.g. `'calls-back' (Store manager)`."""
        label = self._steps.get(step.id)
        if label is None:
            label = self._steps[step.id] = f"'{step.id}' ({self.who(step)})"
        return label


def _spell_out(edge: Edge, key: str) -> str:
    """How to add `key` to an arrow, which for an implicit one means writing it out."""
    if edge.implicit:
        return f"write the flow out on step '{edge.source}' as `next:` with `- to: {edge.to}` and `{key}:`"
    return f"add `{key}:` to the handoff from '{edge.source}' to '{edge.to}'"


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


def _analyse(blueprint: Blueprint, settings: Settings) -> Analysis:
    journey = _Journey(blueprint)
    words = _Words(blueprint)
    severities = {rule: settings.severity(rule) for rule in RULE_BY_SLUG}
    emit = _Emitter({rule for rule, severity in severities.items() if severity != "off"})

    kept = _kept_promises(journey)
    _step_rules(blueprint, journey, words, kept, emit)
    _arrow_rules(blueprint, journey, words, emit)
    _customer_chases(journey, emit)
    _handoff_chain(journey, words, settings.chain_limit, emit)

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
    broken = sum(1 for i in journey.promised if not kept[i])
    return Analysis(blueprint, findings, tuple(ignored), handoffs, _metrics(journey, handoffs, broken))


# -- graph facts ----------------------------------------------------------------------


def _kept_promises(journey: _Journey) -> dict[int, bool]:
    """For each promising step: does a step reachable from it (itself included) fulfil it?

    One pass over the components in reverse topological order carries the
    promises whose fulfilling steps each component reaches. A promise is only
    of interest in components at or after its own, so it is dropped once the
    pass goes above it: the sets stay as small as the promises "in flight",
    instead of one search per promise.
    """
    comp = journey.comp
    pending: list = [_NONE] * len(journey.members)
    for c in range(len(journey.members) - 1, -1, -1):
        found: set[int] = set()
        for i in journey.members[c]:
            p = journey.fulfils[i]
            if p >= 0 and comp[p] <= c:
                found.add(p)
        for d in journey.comp_succ[c]:
            for p in pending[d]:
                if comp[p] <= c:
                    found.add(p)
        pending[c] = found or _NONE
    return {i: i in pending[comp[i]] for i in journey.promised}


def _silent_targets(journey: _Journey) -> list[int]:
    """For each step, the customer step or end its silent way reaches, or -1.

    The targets are customer steps and ends outside the frontstage lane (a
    backstage step that ends the journey is silent itself). One reverse search
    from all targets, through backstage and support steps only, finds every
    step that reaches a target without passing a frontstage step.
    """
    lane, end = journey.lane, journey.end
    target = [-1] * len(lane)
    queue = []
    for i, where in enumerate(lane):
        if where == "customer" or (end[i] and where in HIDDEN_LANES):
            target[i] = i
            queue.append(i)
    pred = journey.pred
    for node in queue:
        for p in pred[node]:
            if target[p] == -1 and lane[p] in HIDDEN_LANES:
                target[p] = target[node]
                queue.append(p)
    return target


def _owners_before(journey: _Journey, owner_bit: dict[str, int]) -> list[int]:
    """Per component: the staff owners (bitmask) met on some walk from the entry up to it, itself included.

    Propagated forward in topological order. For components the entry cannot
    reach, walks from any step that leads to them count instead.
    """
    owner, reachable, members = journey.owner, journey.reachable, journey.members
    seen = [0] * len(members)
    for c, group in enumerate(members):
        mask = 0
        for i in group:
            if owner[i] is not None:
                mask |= owner_bit[owner[i]]
        inside = reachable[group[0]]
        for p in journey.comp_pred[c]:
            if not inside or reachable[members[p][0]]:
                mask |= seen[p]
        seen[c] = mask
    return seen


# -- the rules ------------------------------------------------------------------------


def _step_rules(blueprint: Blueprint, journey: _Journey, words: _Words, kept: dict[int, bool], emit) -> None:
    """The rules on one step: dead-end, broken-promise, vague-promise, missing-owner,
    unrecovered-failure, unwatched-channel (the step's own channel),
    silent-backstage and unreachable-step.

    They apply to every step, reachable or not. An arrow to a step that does
    not exist is not counted (the loader reports it), so a step whose only
    arrows are broken references is a dead end. silent-backstage fires on a
    backstage or support step from which some way reaches a customer step or a
    non-frontstage end through backstage and support steps only; one such
    way's target is named.
    """
    on = emit.on
    steps, lane, succ, end = journey.steps, journey.lane, journey.succ, journey.end
    channels = blueprint.channel_by_key
    owner_keys = ", ".join(owner.key for owner in blueprint.owners)
    target = _silent_targets(journey) if "silent-backstage" in on else None
    fulfillers: dict[int, list[str]] = {}
    if "broken-promise" in on:
        for i, p in enumerate(journey.fulfils):
            if p >= 0:
                fulfillers.setdefault(p, []).append(steps[i].id)
    entry = steps[0].id if steps else ""
    for i, step in enumerate(steps):
        if not succ[i] and not end[i] and "dead-end" in on:
            emit("dead-end", step, step.position,
                 f"Step {words.step(step)} has no next step and is not an end: the journey stops here "
                 f"and the customer is left waiting.",
                 f"add `next:` to step '{step.id}' with the step that should follow, "
                 f"or mark it `end: resolved` or `end: abandoned`")
        promise = step.promise
        if promise is not None:
            if not kept[i] and "broken-promise" in on:
                elsewhere = fulfillers.get(i)
                after = ""
                if elsewhere:
                    verb = "says it keeps" if len(elsewhere) == 1 else "say they keep"
                    after = (f" {_and([repr(s) for s in elsewhere])} {verb} it, but the journey cannot "
                             f"get there from '{step.id}'.")
                emit("broken-promise", step, promise.position,
                     f"Step {words.step(step)} promises {_quote(promise.what)}, but no step after it keeps "
                     f"the promise.{after}",
                     f"add the step that keeps the promise after '{step.id}' with `fulfils: {step.id}`, "
                     f"or stop making the promise")
            if promise.within is None and "vague-promise" in on:
                emit("vague-promise", step, promise.position,
                     f"Step '{step.id}' promises {_quote(promise.what)} with no deadline, "
                     f"so nobody can tell when the promise is broken.",
                     f"give the promise of step '{step.id}' a deadline with `within:` (e.g. `within: 2d`)")
        if lane[i] != "customer" and not step.owner and "missing-owner" in on:
            emit("missing-owner", step, step.position,
                 f"Step '{step.id}' in the {step.lane} lane has no owner: nobody is accountable for "
                 f"{_quote(step.action, 60)}.",
                 f"name who does step '{step.id}' with `owner: <owner key>`"
                 + (f" (owners: {owner_keys})" if owner_keys else ", after declaring it under `owners:`"))
        failure = step.failure
        if failure is not None and not failure.recovery and "unrecovered-failure" in on:
            emit("unrecovered-failure", step, failure.position,
                 f"Step '{step.id}' can fail ({_quote(failure.what)}) and no step recovers from it.",
                 f"add a step that puts it right and point to it with `recovery: <step id>` "
                 f"in the failure of step '{step.id}'")
        if step.channel and "unwatched-channel" in on:
            channel = channels.get(step.channel)
            if channel is not None and not channel.watched_by:
                emit("unwatched-channel", step, step.position,
                     f"Step {words.step(step)} goes through {words.channel(channel.key)}, which nobody "
                     f"watches: an answer sent there can wait forever.",
                     f"give channel '{channel.key}' an owner with `watched_by:` and a `response:` time, "
                     f"or move step '{step.id}' to a watched channel")
        if target is not None and target[i] != -1 and lane[i] in HIDDEN_LANES:
            if target[i] == i:
                message = (f"Step {words.step(step)} ends the journey behind the line of visibility: "
                           f"no frontstage step tells the customer the outcome.")
                hint = (f"add a frontstage step after '{step.id}' that tells the customer the outcome, "
                        f"and end there")
            else:
                reached = steps[target[i]]
                where = "reaches the customer at" if reached.lane == "customer" else "ends at"
                message = (f"Step {words.step(step)} happens behind the line of visibility, and the journey "
                           f"{where} '{reached.id}' without a frontstage step telling the customer what "
                           f"happened.")
                hint = (f"add a frontstage step between '{step.id}' and '{reached.id}' that tells the "
                        f"customer the outcome before the journey goes on")
            emit("silent-backstage", step, step.position, message, hint)
        if not journey.reachable[i] and "unreachable-step" in on:
            emit("unreachable-step", step, step.position,
                 f"No path from the first step '{entry}' reaches step '{step.id}', so it never happens.",
                 f"connect step '{step.id}' with `next:` from an earlier step, or remove it")


def _arrow_rules(blueprint: Blueprint, journey: _Journey, words: _Words, emit) -> None:
    """The rules on one arrow: unwatched-channel (its `via`), no-deadline and context-lost.

    unwatched-channel fires on every arrow whose `via` channel nobody watches
    (an arrow with `via` is a handoff through that channel even between steps
    of one owner); its step is the step the arrow leaves.

    no-deadline needs both steps in staff lanes with two different owners, no
    `within` on the arrow and no `response` on its `via` channel; an implicit
    arrow has no `within`, so it counts. Its step is the step the arrow leaves.

    context-lost: a handoff u -> v into a staff step v of owner B with no
    `carries` fires when the owners met on some walk from the entry up to and
    including u hold one other than B. A customer step in between does not save
    the context: A -> customer -> B with nothing carried into B still fires,
    since the customer has to tell B the story again. Its step is v, the step
    whose owner has to hear the story again.
    """
    on = emit.on
    unwatched, deadline, context = ("unwatched-channel" in on, "no-deadline" in on, "context-lost" in on)
    if not (unwatched or deadline or context):
        return
    steps, owner, comp = journey.steps, journey.owner, journey.comp
    channels = blueprint.channel_by_key
    owner_bit = {key: 1 << k for k, key in enumerate(journey.owner_keys)}
    seen = _owners_before(journey, owner_bit) if context else []
    before: dict[int, str] = {}   # owner set -> their names, worded once
    for i, j, edge, handoff in zip(journey.src, journey.dst, journey.edge, journey.handoff):
        channel = channels.get(edge.via) if edge.via else None
        if unwatched and channel is not None and not channel.watched_by:
            emit("unwatched-channel", steps[i], edge.position,
                 f"The handoff from {words.step(steps[i])} to {words.step(steps[j])} goes through "
                 f"{words.channel(channel.key)}, which nobody watches: it can wait forever unanswered.",
                 f"give channel '{channel.key}' an owner with `watched_by:` and a `response:` time, "
                 f"or route the handoff from '{steps[i].id}' to '{steps[j].id}' through a watched channel",
                 edge)
        if not handoff or owner[j] is None:
            continue
        if (deadline and owner[i] is not None and edge.within is None
                and (channel is None or channel.response is None)):
            through = (f", and {words.channel(channel.key)}, the channel it goes through, has no response time"
                       if channel is not None else "")
            hint = _spell_out(edge, "within") + (
                f", or a `response:` time to channel '{channel.key}'" if channel is not None
                else ", or send it `via:` a channel with a `response:` time")
            emit("no-deadline", steps[i], edge.position,
                 f"The handoff from {words.step(steps[i])} to {words.step(steps[j])} has no deadline{through}: "
                 f"the work can wait with {words.owner(owner[j])} unnoticed.",
                 hint, edge)
        if not context or edge.carries:
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
                names = before[others] = _and([words.owner(key) for key in journey.owner_keys
                                               if others & owner_bit[key]])
            message = (f"The customer goes from '{source.id}' to '{steps[j].id}' ({receiver}) with nothing "
                       f"carried, though {names} handled the case before: the customer has to tell "
                       f"{receiver} the story again.")
        emit("context-lost", steps[j], edge.position, message,
             _spell_out(edge, "carries") + " with what travels along (e.g. a case number, the history so far)",
             edge)


def _customer_chases(journey: _Journey, emit) -> None:
    """customer-chases: one finding per loop (component) that contains a customer step.

    The finding sits on the loop's first step in file order and names the
    loop's steps in file order (the first eight, then how many more).
    """
    if "customer-chases" not in emit.on:
        return
    steps, lane = journey.steps, journey.lane
    for c, group in enumerate(journey.members):
        if not journey.is_loop(c):
            continue
        customers = [steps[i].id for i in group if lane[i] == "customer"]
        if not customers:
            continue
        first = steps[group[0]]
        if len(group) == 1:
            message = (f"Step '{first.id}' (the customer) leads back to itself: the customer has to come "
                       f"back and chase.")
        else:
            names = _listing([f"'{steps[i].id}'" for i in group])
            message = (f"The journey loops back through the customer over steps {names}: "
                       f"the customer has to come back and chase.")
        emit("customer-chases", first, first.position, message,
             f"make the staff side follow up with a promise and a deadline, so the customer does not "
             f"have to go round again through '{customers[0]}'")


def _handoff_chain(journey: _Journey, words: _Words, limit: int, emit) -> None:
    """handoff-chain: more distinct staff owners than `limit` on a way from the entry to `end: resolved`.

    Dynamic programming over the components in topological order, restricted
    to those on some way from the entry to a resolved end. Each component keeps
    the distinct sets of owners (of at most `limit` owners) met on the ways
    into it, with the order they were met; a set that grows past the limit is
    recorded where it does and not carried further. A loop adds all its owners.
    One finding per blueprint, on the earliest step in file order where some
    way first exceeds the limit; inside a loop that is the first step (file
    order) whose owner takes the count over the limit. The message lists the
    owners of that way in the order met.
    """
    if "handoff-chain" not in emit.on or not journey.steps:
        return
    steps, owner, members = journey.steps, journey.owner, journey.members
    leads = _search([i for i, end in enumerate(journey.end) if end == "resolved"], journey.pred)
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
        # The owners of the component's staff steps in file order, with the first step of each.
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
    emit("handoff-chain", step, step.position,
         f"On the way to a resolution the customer can be passed through more than {limit} "
         f"owner{'s' if limit != 1 else ''}: {_listing(owners, _ARROW)}; "
         f"{owners[-1]} is number {len(owners)}, at step '{step.id}'.",
         f"give {owners[0]} the authority and the information to resolve, or cut the steps in between "
         f"(the limit is `chain_limit: {limit}`)")


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


def _metrics(journey: _Journey, handoffs: tuple[Handoff, ...], broken: int) -> Metrics:
    """Counts for the site.

    handoffs_across_visibility counts handoffs with one side in the customer or
    frontstage lane and the other backstage or support. channel_switches
    compares consecutive customer steps in file order that both name a channel.
    longest_wait_minutes is the largest sum of `wait` and `duration` over the
    steps of a walk from the entry to an `end: resolved` step, counting each
    step of a loop once (the customer lives through staff work as elapsed
    time, so every lane counts); None when no resolved end is reachable.
    """
    steps, lane = journey.steps, journey.lane
    hidden = [where in HIDDEN_LANES for where in lane]
    across = sum(1 for i, j, handoff in zip(journey.src, journey.dst, journey.handoff)
                 if handoff and hidden[i] != hidden[j])
    customer_channels = [step.channel for step in steps if step.lane == "customer"]
    switches = sum(1 for a, b in zip(customer_channels, customer_channels[1:]) if a and b and a != b)
    longest: int | None = None
    best: list[int | None] = [None] * len(journey.members)
    minutes, end, reachable = journey.minutes, journey.end, journey.reachable
    for c, group in enumerate(journey.members):
        if not reachable[group[0]]:
            continue
        before = 0
        for p in journey.comp_pred[c]:
            if best[p] is not None and best[p] > before:
                before = best[p]
        total = before + sum(minutes[i] for i in group)
        best[c] = total
        if any(end[i] == "resolved" for i in group) and (longest is None or total > longest):
            longest = total
    return Metrics(
        steps=len(steps),
        owners=len({key for key in journey.owner if key is not None}),
        handoffs=len(handoffs),
        handoffs_across_visibility=across,
        customer_contacts=sum(1 for where in lane if where == "customer"),
        channel_switches=switches,
        promises_kept=len(journey.promised) - broken,
        promises_broken=broken,
        longest_wait_minutes=longest,
    )
