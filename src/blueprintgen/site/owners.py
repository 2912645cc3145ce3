"""Who must fix what: a page per team with every break it owns, worst first, and the heat map of broken handoffs.

A finding is owned by the team of the owner who must act (priority.team_of); findings with none
(customer steps, unowned steps) are the "No owner" group, which has its page like a team: the
team pages' breaks add up to the portfolio's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..analysis import Analysis
from ..actions import action
from ..model import Blueprint, Step
from ..priority import Ranked, finding_reason, reason, summarise
from ..rules import RULE_BY_SLUG
from ..words import number
from .layout import Layout, Rows, cards, counted, heading, paged, paragraphs, table
from .markup import grouped, join, link, render
from .ranking import NO_OWNER, portfolio, team_name, team_path

__all__ = ["owners_pages", "team_work", "CUSTOMER_SIDE", "MATRIX_TEAMS", "TEAM_BLUEPRINTS"]

MATRIX_TEAMS = 8      # teams in the heat map of broken handoffs: it fits the content column
TEAM_BLUEPRINTS = 10  # blueprints listed on a team page: the rest are in its list of breaks


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
    return grouped(owner.team or owner.name) if owner else NO_OWNER


@dataclass
class _TeamWork:
    """What one team does in one blueprint: the steps it owns, its broken handoffs, the breaks it owns."""

    analysis: Analysis
    steps: int = 0
    broken: int = 0
    owned: list[Ranked] = field(default_factory=list)


def team_work(analyses: list[Analysis]) -> tuple[dict[str, dict[str, _TeamWork]], Counter]:
    """team -> blueprint id -> its work there, and the broken handoffs between teams (for the heat map)."""
    known = portfolio(analyses)
    work: dict[str, dict[str, _TeamWork]] = defaultdict(dict)
    matrix: Counter = Counter()
    for a in sorted(analyses, key=lambda a: a.blueprint.id):
        b = a.blueprint
        for step in b.steps:
            if step.is_staff:
                work[_team(b, step)].setdefault(b.id, _TeamWork(a)).steps += 1
        for r in known.findings[b.id]:
            work[team_name(r.team)].setdefault(b.id, _TeamWork(a)).owned.append(r)
        for handoff in a.handoffs:
            if not handoff.broken_by:
                continue
            teams = (_team(b, b.step_by_id[handoff.edge.source]), _team(b, b.step_by_id[handoff.edge.to]))
            matrix[teams] += 1
            for team in sorted(set(teams) - {CUSTOMER_SIDE}):
                work[team].setdefault(b.id, _TeamWork(a)).broken += 1
    return work, matrix


def _finding_row(layout: Layout, page: str, r: Ranked, by_id: dict[str, Analysis], hrefs: dict) -> list:
    f = r.finding
    b = by_id[f.blueprint].blueprint
    # A team's list links to a few hundred blueprints thousands of times: each href is made once.
    href = hrefs.get((layout, page, b.id))
    if href is None:
        href = hrefs[(layout, page, b.id)] = layout.href(page, layout.path(b.id))
    return [action(b, f), join([link(href, b.title), link(f"{href}#finding-{f.number}", f"break #{f.number} ({f.rule})")]),
            r.priority, finding_reason(r)]


FINDING_HEADER = ["Fix", "Where", "Priority", "Why"]


def _team_page(layout: Layout, index: str, first: str, team: str, blueprints: dict[str, _TeamWork]) -> dict:
    owned = sorted((r for w in blueprints.values() for r in w.owned), key=lambda r: r.key)
    summary = summarise(owned)
    whose = ("Breaks on customer steps, on steps with no owner, and on no step: nobody is accountable for them yet."
             if team == NO_OWNER else "Every break whose fix this team owns: on the steps it owns, and on the "
             "handoffs it must take on.")
    weight = {blueprint_id: summarise(w.owned) for blueprint_id, w in blueprints.items()}
    by_work = sorted(blueprints.values(), key=lambda w: (-weight[w.analysis.blueprint.id].priority,
                                                         w.analysis.blueprint.id))
    rules = Counter(r.finding.rule for r in owned)
    rule_priority = Counter()
    for r in owned:
        rule_priority[r.finding.rule] += r.priority
    rule_rows = [[link(layout.href(first, layout.path(f"breaks/{rule}")), rule, code=True),
                  RULE_BY_SLUG[rule].title if rule in RULE_BY_SLUG else rule, rules[rule], rule_priority[rule]]
                 for rule in sorted(rules, key=lambda rule: (-rule_priority[rule], rule))]
    blueprint_rows = [[link(layout.href(first, layout.path(w.analysis.blueprint.id)), w.analysis.blueprint.title),
                       len(w.owned), weight[w.analysis.blueprint.id].priority, w.steps, w.broken]
                      for w in by_work[:TEAM_BLUEPRINTS]]
    more = len(by_work) - TEAM_BLUEPRINTS
    intro = [heading(1, "team", team), paragraphs(join([
        f"{counted(len(owned), 'break')} to fix, priority {number(summary.priority)} ({reason(summary)}), in "
        f"{counted(len(blueprints), 'blueprint')}. ", whose, " ",
        f"{counted(sum(w.steps for w in blueprints.values()), 'step')} owned and "
        f"{counted(sum(w.broken for w in blueprints.values()), 'broken handoff')} into or out of this team. ",
        link(layout.href(first, index), "All teams")], "")),
        cards([(severity, count) for severity, count in zip(("high", "medium", "low"), summary.counts)]),
        "## By rule\n", table(["Rule", "What breaks", "Breaks", "Priority"], rule_rows) if rule_rows
        else paragraphs("No breaks."),
        "## Blueprints\n", table(["Blueprint", "Breaks", "Priority", "Steps owned", "Broken handoffs"], blueprint_rows),
        paragraphs(f"… and {counted(more, 'more blueprint')}: their breaks are in the list below.") if more > 0 else "",
        "## Breaks to fix, worst first\n"]
    by_id = {w.analysis.blueprint.id: w.analysis for w in blueprints.values()}
    hrefs: dict = {}
    return paged(layout, first, str(team), intro, FINDING_HEADER,
                 Rows(owned, lambda layout, page, r: _finding_row(layout, page, r, by_id, hrefs)),
                 empty="No breaks: every handoff this team takes part in holds.")


def owners_pages(analyses: list[Analysis], layout: Layout) -> dict:
    index = layout.path("owners")
    work, matrix = team_work(analyses)
    weight = {team: summarise([r for w in work[team].values() for r in w.owned]) for team in work}
    teams = sorted(work, key=lambda t: (-weight[t].priority, t))
    team_page = {team: team_path(layout, team) for team in teams}

    def team_link(page: str, team: str, layout: Layout = layout):
        return link(layout.href(page, team_page[team]), team) if team in team_page else team

    pages: dict[str, str] = {}
    for team in teams:
        pages.update(_team_page(layout, index, team_page[team], team, work[team]))
    pages.update(_teams_index(layout, index, teams, work, weight, matrix, team_link))
    return pages


def _heat_map(index, teams, work, matrix, team_link) -> tuple[str, str]:
    # Heat map of the teams with the most broken handoffs, counted as the list below counts them
    # (so the two agree), with the customer's side first.
    broken = {team: sum(w.broken for w in work[team].values()) for team in teams}
    ranked = sorted((team for team in teams if broken[team]), key=lambda t: (-broken[t], t))
    customer = [CUSTOMER_SIDE] if any(CUSTOMER_SIDE in pair for pair in matrix) else []
    shown_teams = customer + ranked[:MATRIX_TEAMS]
    if not shown_teams:
        return paragraphs("No broken handoffs."), ""
    top = max([matrix[(r, c)] for r in shown_teams for c in shown_teams] or [0])
    heat = lambda count: 0 if not count else 1 + (3 * count) // (top + 1)  # noqa: E731 - 1..3
    heat_map = render("matrix.html", teams=[{"name": t, "link": team_link(index, t)} for t in shown_teams],
                      rows=[{"team": {"name": r, "link": team_link(index, r)},
                             "cells": [(matrix[(r, c)], heat(matrix[(r, c)])) for c in shown_teams]}
                            for r in shown_teams])
    more = len(ranked) - len(shown_teams) + len(customer)
    shown = len(shown_teams) - len(customer)
    note = paragraphs(f"The {counted(shown, 'team')} with the most broken handoffs"
                      + (" and the customer" if customer else "")
                      + (f"; the {counted(more, 'other team')} with broken handoffs {'is' if more == 1 else 'are'} in "
                         "the list below." if more > 0 else "."))
    return heat_map, note


def _teams_index(layout, index, teams, work, weight, matrix, team_link) -> dict:
    heat_map, note = _heat_map(index, teams, work, matrix, team_link)
    total = sum(len(w.owned) for team in teams for w in work[team].values())
    intro = ["# Owners and teams\n",
             paragraphs(f"Who must fix what: every team, worst first (the highest priority of the breaks it owns "
                        f"first). Their breaks add up to the portfolio's {number(total)}. Breaks nobody is accountable "
                        "for are under \u201cNo owner\u201d, never dropped."),
             "## Broken handoffs between teams\n", heat_map, note, "## Teams, worst first\n"]
    rows = Rows(teams, lambda layout, page, team: [
        team_link(page, team, layout), weight[team].priority, reason(weight[team]),
        sum(len(w.owned) for w in work[team].values()), sum(w.steps for w in work[team].values()),
        sum(w.broken for w in work[team].values()), len(work[team])])
    return paged(layout, index, "Owners", intro,
                 ["Team", "Priority", "Why", "Breaks", "Steps owned", "Broken handoffs", "Blueprints"], rows)
