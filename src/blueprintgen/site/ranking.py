"""The portfolio ranked worst first by priority (priority.py): every list's order, its reasons, and the teams.

Every list on the site ranks by the same numbers: a finding's priority, and for a blueprint, a
rule in a blueprint, a team, the sum of its findings'. Ties break by id (blueprint id, team name),
so a build's bytes do not depend on the order the blueprints were read in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis import Analysis
from ..priority import Ranked, Summary, ranked_findings, reason, summarise
from ..words import number
from .layout import Layout, Rows, format_minutes, paged, paragraphs, slug
from .markup import grouped, join, link

__all__ = ["Portfolio", "portfolio", "ranked", "blueprint_row", "all_blueprints_pages", "team_name", "team_path", "NO_OWNER",
           "BLUEPRINT_HEADER"]


class _Group(str):
    """A group that is not a team ("No owner"): shown as its text, never equal to a team of that name."""

    __slots__ = ()

    def __eq__(self, other) -> bool:
        return isinstance(other, _Group) and str.__eq__(self, other)

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("group", str(self)))


NO_OWNER = _Group("No owner")   # findings on customer steps, unowned steps, or no step: never dropped


def team_name(team: str | None) -> str:
    """The team as pages group by it (see markup.grouped), or NO_OWNER."""
    return NO_OWNER if team is None else grouped(team)


def team_path(layout: Layout, team: str) -> str:
    """A team's page; "No owner" has its own name, which no team's page can take (those start `team-`)."""
    return layout.path("owners/no-owner" if team == NO_OWNER else f"owners/team-{slug(team)}")


@dataclass
class Portfolio:
    """Every blueprint's findings with their priorities, and the summaries lists rank by."""

    analyses: list[Analysis]
    findings: dict[str, list[Ranked]]     # blueprint id -> its ranked findings, in number order
    summaries: dict[str, Summary]         # blueprint id -> the sum of its findings
    # What several page families derive from it (the breaks by rule), made once per build.
    derived: dict = field(default_factory=dict)

    def worst_findings(self) -> list[Ranked]:
        """Every finding of the portfolio, worst first (ties: blueprint id, then number)."""
        return sorted((r for items in self.findings.values() for r in items), key=lambda r: r.key)


_LAST: list = []   # (analyses, Portfolio) of the last build: each page family asks, one computes


def portfolio(analyses: list[Analysis]) -> Portfolio:
    """The ranked portfolio of these analyses (computed once per build: the same list gives the same object)."""
    if _LAST and len(_LAST[0]) == len(analyses) and all(a is b for a, b in zip(_LAST[0], analyses)):
        return _LAST[1]
    findings = {a.blueprint.id: ranked_findings(a) for a in analyses}
    made = Portfolio(list(analyses), findings, {key: summarise(items) for key, items in findings.items()})
    _LAST[:] = [list(analyses), made]
    return made


def ranked(analyses: list[Analysis]) -> list[tuple[Analysis, Summary]]:
    """Blueprints worst first: highest priority, then id."""
    known = portfolio(analyses)
    return sorted(((a, known.summaries[a.blueprint.id]) for a in analyses),
                  key=lambda item: (-item[1].priority, item[0].blueprint.id))


def blueprint_row(layout: Layout, page: str, item: tuple[Analysis, Summary]) -> list:
    a, summary = item
    return [link(layout.href(page, layout.path(a.blueprint.id)), a.blueprint.title), summary.priority,
            reason(summary), a.blueprint.status,
            f"{number(sum(1 for h in a.handoffs if h.broken_by))} of {number(a.metrics.handoffs)}",
            format_minutes(a.metrics.longest_time_to_resolution_minutes)]


BLUEPRINT_HEADER = ["Blueprint", "Priority", "Why", "Status", "Broken handoffs", "Longest time to resolution"]


def all_blueprints_pages(analyses: list[Analysis], layout: Layout) -> dict:
    rows = Rows(ranked(analyses), blueprint_row)
    return paged(layout, layout.path("all"), "All blueprints",
                 ["# All blueprints\n", paragraphs(join([
                     "Every blueprint, worst first: the highest ",
                     link(layout.href(layout.path("all"), layout.rules_page, "priority-what-to-fix-first"), "priority"),
                     " (the sum of its breaks') first, ties by id."], ""))],
                 BLUEPRINT_HEADER, rows)
