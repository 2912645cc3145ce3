"""What to fix first: a priority for every finding from its severity, how the customer feels it and how many pass. Pure.

A finding's priority is a whole number (docs/rules.md, "Priority", works an example through):

    priority = severity × felt × reach

- severity: 9 for high, 3 for medium, 1 for low (one high outweighs two mediums);
- felt = 1 + seen + hurt + waited, from what the customer lives through at the finding's step:
  seen is 1 on the customer and frontstage lanes (the customer meets it there), 0 behind the line;
  hurt is how far below neutral the customer feels at that moment (0 to 2);
  waited is 1 for a wait before the step of less than a day, 2 of less than a week, 3 of a week or more;
- reach is the number of digits of the customers passing the step (1 to 9 customers: 1,
  1,200: 4), or 1 where the blueprint does not say: tenfold the customers adds one.

"At that moment": a step without an emotion (or a volume) takes the last one written on a step
before it in the file, since a customer's feeling and their number hold until the journey says
otherwise. A finding on no step (an unused ignore) is felt 1 and reaches 1.

Lists rank worst first: the highest priority (a blueprint, rule, team: the sum of its findings'),
ties broken by id, so a build's bytes do not depend on the order blueprints were read in.
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Analysis, Finding
from .model import HIDDEN_LANES, Blueprint
from .rules import SEVERITIES
from .words import counted, number, score

__all__ = ["SEVERITY_POINTS", "Moment", "Ranked", "Summary", "moments", "wait_points", "reach", "priority",
           "team_of", "ranked_findings", "summarise", "combined", "summary_data", "summary_from", "reason",
           "finding_reason", "DAY", "WEEK"]

SEVERITY_POINTS = {"high": 9, "medium": 3, "low": 1}
DAY = 24 * 60
WEEK = 7 * DAY


@dataclass(frozen=True, slots=True)
class Moment:
    """What the customer lives through at one step: whether they meet it, how they feel, their wait, how many."""

    seen: bool
    feeling: int | None       # the emotion score at that moment, -2 to 2; None when no step before says
    wait_minutes: int         # the step's own `wait`
    volume: int | None        # customers passing, where a measure says so (carried forward)


_NOWHERE = Moment(False, None, 0, None)


def moments(blueprint: Blueprint) -> dict[str, Moment]:
    """step id -> its Moment, with emotion and volume carried forward in file order."""
    found: dict[str, Moment] = {}
    feeling: int | None = None
    volume: int | None = None
    for step in blueprint.steps:
        if step.emotion is not None:
            feeling = step.emotion.score
        volumes = [m.volume for m in step.measures if m.volume is not None]
        if volumes:
            volume = max(volumes)
        found[step.id] = Moment(step.lane not in HIDDEN_LANES, feeling, step.wait.minutes if step.wait else 0, volume)
    return found


def wait_points(minutes: int) -> int:
    """0 for no wait, 1 under a day, 2 under a week, 3 for a week or more."""
    if minutes <= 0:
        return 0
    return 1 if minutes < DAY else 2 if minutes < WEEK else 3


def reach(volume: int | None) -> int:
    """The number of digits of the customers passing (1 when unknown): 1,200 customers reach 4."""
    return len(str(volume)) if volume else 1


def priority(severity: str, moment: Moment) -> int:
    hurt = max(0, -moment.feeling) if moment.feeling is not None else 0
    felt = 1 + int(moment.seen) + hurt + wait_points(moment.wait_minutes)
    return SEVERITY_POINTS.get(severity, 1) * felt * reach(moment.volume)


def team_of(blueprint: Blueprint, finding: Finding) -> str | None:
    """The team (or, without one, the owner's name) that owns the fix; None for the "No owner" group.

    The owner of the step the finding is on, when it is a staff step with an owner; for a finding on
    an arrow, else the owner of the arrow's receiving step (who must take the work on), else of the
    step it leaves. A customer step, an unowned staff step and a finding on no step have none.
    """
    step_ids = [finding.step]
    if finding.edge is not None:
        step_ids += [finding.edge.to, finding.edge.source]
    for step_id in step_ids:
        step = blueprint.step_by_id.get(step_id) if step_id else None
        owner = blueprint.owner_by_key.get(step.owner) if step and step.is_staff and step.owner else None
        if owner is not None:
            return owner.team or owner.name
    return None


@dataclass(frozen=True, slots=True)
class Ranked:
    """A finding with its priority, its moment and the team that owns its fix (None: no owner)."""

    finding: Finding
    priority: int
    moment: Moment
    team: str | None

    @property
    def key(self) -> tuple:
        """Worst first; ties by blueprint id, then the finding's number."""
        return (-self.priority, self.finding.blueprint, self.finding.number)


def ranked_findings(analysis: Analysis) -> list[Ranked]:
    """Every active finding of one blueprint with its priority, in the analysis's (number) order."""
    blueprint = analysis.blueprint
    at = moments(blueprint)
    ranked = []
    for f in analysis.findings:
        moment = at.get(f.step, _NOWHERE) if f.step else _NOWHERE
        ranked.append(Ranked(f, priority(f.severity, moment), moment, team_of(blueprint, f)))
    return ranked


@dataclass(frozen=True)
class Summary:
    """A group of ranked findings (a blueprint's, a rule's, a team's): its priority and what makes it."""

    priority: int
    counts: tuple[int, ...]       # high, medium, low
    lowest_feeling: int | None
    longest_wait_minutes: int     # the longest wait before a step the findings are on (a sum of waits on
                                  # different journeys would add up to years no customer lives through)
    customers: int | None         # the most customers passing one of those steps


def summarise(items) -> Summary:
    total, counts = 0, dict.fromkeys(SEVERITIES, 0)
    lowest: int | None = None
    customers: int | None = None
    longest_wait = 0
    for item in items:
        total += item.priority
        counts[item.finding.severity] = counts.get(item.finding.severity, 0) + 1
        moment = item.moment
        if moment.feeling is not None and (lowest is None or moment.feeling < lowest):
            lowest = moment.feeling
        if moment.volume is not None and (customers is None or moment.volume > customers):
            customers = moment.volume
        longest_wait = max(longest_wait, moment.wait_minutes)
    return Summary(total, tuple(counts[s] for s in reversed(SEVERITIES)), lowest, longest_wait, customers)


def combined(data) -> Summary:
    """The summary of several groups' findings together (what `summarise` gives for all of them), from
    their summary_data: priorities and counts add up; the lowest feeling, the longest wait and the
    most customers are kept."""
    total = high = medium = low = longest_wait = 0
    lowest: int | None = None
    customers: int | None = None
    for priority_, high_, medium_, low_, feeling, wait, volume in data:
        total += priority_
        high += high_
        medium += medium_
        low += low_
        if feeling is not None and (lowest is None or feeling < lowest):
            lowest = feeling
        if volume is not None and (customers is None or volume > customers):
            customers = volume
        if wait > longest_wait:
            longest_wait = wait
    return Summary(total, (high, medium, low), lowest, longest_wait, customers)


def summary_data(summary: Summary) -> list:
    """A summary as plain JSON: [priority, high, medium, low, lowest feeling, longest wait, customers]."""
    return [summary.priority, *summary.counts, summary.lowest_feeling, summary.longest_wait_minutes, summary.customers]


def summary_from(data: list) -> Summary:
    """The summary `summary_data` wrote."""
    return Summary(data[0], tuple(data[1:4]), data[4], data[5], data[6])


def _span(minutes: int) -> str:
    """The two largest whole units, in words: `2 weeks 3 days`, `1 day`, `5 hours 20 minutes`."""
    parts = []
    for size, unit in ((WEEK, "week"), (DAY, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size and len(parts) < 2:
            count, minutes = divmod(minutes, size)
            parts.append(f"{count} {unit}{'' if count == 1 else 's'}")
        elif parts:
            break   # `1 week 3 hours` would skip the days: stop at the first unit that is zero
    return " ".join(parts) or "no time"


def finding_reason(item: Ranked) -> str:
    """One finding's priority in words: `high, customer-facing, feeling −2, 3 days of waiting, 1,200 customers`."""
    moment = item.moment
    parts = [item.finding.severity] + (["customer-facing"] if moment.seen else [])
    if moment.feeling is not None and moment.feeling < 0:
        parts.append(f"feeling {score(moment.feeling)}")
    if moment.wait_minutes:
        parts.append(f"{_span(moment.wait_minutes)} of waiting")
    if moment.volume:
        parts.append(counted(moment.volume, "customer"))
    return ", ".join(parts)


def reason(summary: Summary) -> str:
    """A group's priority in words: `12 high, lowest feeling −2, longest wait 3 weeks, 1,200 customers`."""
    parts = [" · ".join(f"{number(count)} {severity}" for count, severity in zip(summary.counts, reversed(SEVERITIES))
                        if count) or "no breaks"]
    if summary.lowest_feeling is not None and summary.lowest_feeling < 0:
        parts.append(f"lowest feeling {score(summary.lowest_feeling)}")
    if summary.longest_wait_minutes:
        parts.append(f"longest wait {_span(summary.longest_wait_minutes)}")
    if summary.customers:
        parts.append(counted(summary.customers, "customer"))
    return ", ".join(parts)
