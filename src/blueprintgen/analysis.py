"""A blueprint -> its journey graph, findings and metrics: runs the rules of rules/. Pure: no I/O.

The journey is a graph (see journey.py): one node per step, one arrow per
entry of `step.next`. Every rule runs in time near-linear in the size of the
blueprint, and no rule enumerates paths: the graph is condensed once into its
strongly connected components, which form a DAG that dynamic programming walks
in topological order. A loop counts as a whole: a walk around it can meet
every step in it, so it contributes all its owners, waits and durations.

For speed on large blueprints the model is read once into flat lists
(`journey.Journey`, the public API of the rules); the rules (one module each
in rules/) work on those, through a `journey.Context`, and touch the model
objects again only to word a finding. Facts several rules share (kept
promises, silent ways) are computed once, when first asked for.

Decisions where the spec is silent are stated on the rule modules and the
functions below.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .gcpause import paused_gc
from .journey import Context, Journey
from .model import HIDDEN_LANES, LEVELS, Blueprint, Edge, Position, Repeat, Step
from .rules import RULE_BY_SLUG, RULES
from .rules.words import Words
from .settings import Settings

__all__ = ["Finding", "Designed", "Handoff", "Metrics", "Analysis", "Context", "analyse", "HIDDEN_LANES"]


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
class Designed:
    """A loop the blueprint says is part of the design (`repeat:` on one of its arrows), which a rule
    accepts instead of reporting it: listed and drawn as designed, so a reviewer sees the claim.

    `edge` is the arrow that closes the loop (where the finding would be) and `repeat` the claim
    written on it.
    """

    rule: str
    blueprint: str
    step: str | None
    position: Position
    message: str
    edge: Edge
    repeat: Repeat


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
    designed: tuple[Designed, ...] = ()   # loops the blueprint says repeat by design, in file order


_NONE: tuple = ()


class _Emitter:
    """Collects findings of the rules that are on; rules check `on` before wording one."""

    def __init__(self, on: set[str]):
        self.on = on
        # (sort key, rule, step id, position, message, hint, edge), made into Findings once numbered.
        self.found: list[tuple] = []
        # (sort key, rule, step id, position, message, edge, repeat), made into Designed.
        self.designed: list[tuple] = []

    def seen(self) -> list[tuple[str, str | None]]:
        """(rule, step id) of every finding so far."""
        return [(rule, step_id) for _, rule, step_id, *_ in self.found]

    def design(self, rule: str, step: Step | None, position: Position, message: str, edge: Edge,
               repeat: Repeat) -> None:
        self.designed.append(((position.line, position.column, rule), rule, step.id if step else None, position,
                              message, edge, repeat))

    def __call__(self, rule: str, step: Step | None, position: Position, message: str, hint: str,
                 edge: Edge | None = None) -> None:
        step_id = step.id if step else None
        self.found.append(((position.line, position.column, rule, step_id or ""), rule, step_id,
                           position, message, hint, edge))


# -- the analysis -------------------------------------------------------------------


def analyse(blueprint: Blueprint, settings: Settings | None = None) -> Analysis:
    """Run every rule on one blueprint and measure it.

    Severities come from `settings.severity(slug)`; a rule set to `off` finds
    nothing. A finding is silenced by an `ignore:` entry with its rule and
    either no step or the finding's step (the step-specific reason wins); it
    goes to `ignored` with the reason and no number. The others are sorted by
    (line, column, rule, step) and numbered from 1.
    """
    with paused_gc():
        return _analyse(blueprint, settings if settings is not None else Settings())


def _analyse(blueprint: Blueprint, settings: Settings) -> Analysis:
    journey = Journey(blueprint)
    severities = {rule.slug: settings.severity(rule.slug) for rule in RULES}
    emit = _Emitter({slug for slug, severity in severities.items() if severity != "off"})
    context = Context(blueprint, journey, Words(blueprint), settings, emit, emit.design, emit.seen)
    # Rules that read the others' findings (AFTER_RULES) run last.
    for rule in [r for r in RULES if not r.after] + [r for r in RULES if r.after]:
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
    designed = tuple(Designed(rule, blueprint.id, step_id, position, message, edge, repeat)
                     for _, rule, step_id, position, message, edge, repeat
                     in sorted(emit.designed, key=lambda item: item[0]))
    return Analysis(blueprint, findings, tuple(ignored), handoffs, _metrics(journey, handoffs, blueprint), designed)


# -- handoffs and metrics -------------------------------------------------------------


def _handoffs(journey: Journey, findings: tuple[Finding, ...]) -> tuple[Handoff, ...]:
    """One Handoff per arrow between two different actors, in file order.

    `broken_by` holds the numbers of the active findings on that arrow of the rules
    whose module says `HANDOFF = True` (no-deadline, context-lost, unwatched-channel
    through the arrow's `via`).
    """
    by_edge: dict[int, list[int]] = {}
    for finding in findings:
        if finding.edge is not None and RULE_BY_SLUG[finding.rule].handoff:
            by_edge.setdefault(id(finding.edge), []).append(finding.number)
    actor = journey.actor
    return tuple(Handoff(edge, actor[i], actor[j], tuple(by_edge.get(id(edge), _NONE)))
                 for i, j, edge, handoff in zip(journey.src, journey.dst, journey.edge, journey.handoff)
                 if handoff)


def _metrics(journey: Journey, handoffs: tuple[Handoff, ...], blueprint: Blueprint) -> Metrics:
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
