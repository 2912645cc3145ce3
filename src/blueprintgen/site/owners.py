"""Who must fix what: a page per team, and the heat map of broken handoffs between teams."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from ..analysis import Analysis
from ..model import Blueprint, Step
from .layout import Layout, Rows, heading, paged, paragraphs, slug
from .markup import grouped, join, link, render

__all__ = ["owners_pages", "CUSTOMER_SIDE", "MATRIX_TEAMS"]

MATRIX_TEAMS = 8      # teams in the heat map of broken handoffs: it fits the content column


class _Lane(str):
    """The customer's side of a handoff among teams: shown as "The customer", and never equal to
    a team of any name (a team called that would otherwise have its handoffs merged with theirs)."""

    __slots__ = ()

    def __eq__(self, other) -> bool:
        return isinstance(other, _Lane) and str.__eq__(self, other)

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("lane", str(self)))


CUSTOMER_SIDE = _Lane("The customer")   # "Customer" would read as a team of that name


def _team(blueprint: Blueprint, step: Step) -> str:
    if not step.is_staff:
        return CUSTOMER_SIDE
    owner = blueprint.owner_by_key.get(step.owner) if step.owner else None
    return grouped(owner.team or owner.name) if owner else "No owner"   # as on the opportunities page


@dataclass
class _TeamWork:
    """What one team does in one blueprint."""

    analysis: Analysis
    steps: int = 0
    broken: int = 0
    findings: tuple[int, ...] = ()


def owners_pages(analyses: list[Analysis], layout: Layout) -> dict:
    index = layout.path("owners")
    work: dict[str, dict[str, _TeamWork]] = defaultdict(dict)   # team -> blueprint id -> work
    matrix: Counter = Counter()
    for a in sorted(analyses, key=lambda a: a.blueprint.id):
        b = a.blueprint
        for step in b.steps:
            if step.is_staff:
                work[_team(b, step)].setdefault(b.id, _TeamWork(a)).steps += 1
        for handoff in a.handoffs:
            if not handoff.broken_by:
                continue
            teams = (_team(b, b.step_by_id[handoff.edge.source]), _team(b, b.step_by_id[handoff.edge.to]))
            matrix[teams] += 1
            for team in sorted(set(teams) - {CUSTOMER_SIDE}):
                entry = work[team].setdefault(b.id, _TeamWork(a))
                entry.broken += 1
                entry.findings += handoff.broken_by
    teams = sorted(work, key=lambda t: (-sum(w.broken for w in work[t].values()), t))
    team_page = {team: layout.path(f"owners/team-{slug(team)}") for team in teams}

    def team_link(page: str, team: str, layout: Layout = layout):
        return link(layout.href(page, team_page[team]), team) if team in team_page else team

    pages: dict[str, str] = {}
    for team in teams:
        first = team_page[team]
        blueprints = sorted(work[team].values(), key=lambda w: (-w.broken, w.analysis.blueprint.id))

        def row(layout: Layout, page: str, w: _TeamWork) -> list:
            target = layout.path(w.analysis.blueprint.id)
            return [link(layout.href(page, target), w.analysis.blueprint.title), w.steps,
                    link(layout.href(page, target, "handoffs"), w.broken) if w.broken else 0]

        intro = [heading(1, "team", team), paragraphs(join([
            f"{sum(w.steps for w in blueprints)} steps owned and {sum(w.broken for w in blueprints)} broken handoffs "
            f"into or out of this team, in {len(blueprints)} blueprints, most broken handoffs first. ",
            link(layout.href(first, index), "All teams")], ""))]
        pages.update(paged(layout, first, team, intro, ["Blueprint", "Steps owned", "Broken handoffs"],
                           Rows(blueprints, row)))
    pages.update(_teams_index(layout, index, teams, work, matrix, team_link))
    return pages


def _teams_index(layout, index, teams, work, matrix, team_link) -> dict:
    # Heat map of the teams with the most broken handoffs, counted as the list below counts them
    # (so the two agree), with the customer's side first; and every team in pages of PAGE_ROWS.
    broken = {team: sum(w.broken for w in work[team].values()) for team in teams}
    ranked = sorted((team for team in teams if broken[team]), key=lambda t: (-broken[t], t))
    customer = [CUSTOMER_SIDE] if any(CUSTOMER_SIDE in pair for pair in matrix) else []
    shown_teams = customer + ranked[:MATRIX_TEAMS]
    top = max([matrix[(r, c)] for r in shown_teams for c in shown_teams] or [0])
    heat = lambda count: 0 if not count else 1 + (3 * count) // (top + 1)  # noqa: E731 - 1..3
    heat_map = render("matrix.html", teams=[{"name": t, "link": team_link(index, t)} for t in shown_teams],
                      rows=[{"team": {"name": r, "link": team_link(index, r)},
                             "cells": [(matrix[(r, c)], heat(matrix[(r, c)])) for c in shown_teams]}
                            for r in shown_teams]) if shown_teams else paragraphs("No broken handoffs.")
    more = len(ranked) - len(shown_teams) + len(customer)
    intro = ["# Owners and teams\n",
             paragraphs("Who must fix what: for each team, the blueprints where it owns steps and the broken "
                        "handoffs into and out of it."),
             "## Broken handoffs between teams\n", heat_map,
             paragraphs(f"The {len(shown_teams) - len(customer)} team{'s' if len(shown_teams) - len(customer) != 1 else ''} "
                        "with the most broken handoffs" + (" and the customer" if customer else "")
                        + (f"; the other {more} team{'s' if more != 1 else ''} with broken handoffs are in the list below."
                           if more > 0 else ".")) if shown_teams else "",
             "## Teams\n"]
    rows = Rows(teams, lambda layout, page, team: [team_link(page, team, layout), sum(w.steps for w in work[team].values()),
                                                   sum(w.broken for w in work[team].values()), len(work[team])])
    return paged(layout, index, "Owners", intro, ["Team", "Steps owned", "Broken handoffs", "Blueprints"], rows)
