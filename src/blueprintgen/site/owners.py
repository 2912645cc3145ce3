"""Who must fix what: a page per team with every break it owns, worst first, and the heat map of broken handoffs.

A finding is owned by the team of the owner who must act (priority.team_of); findings with none
(customer steps, unowned steps) are the "No owner" group, which has its page like a team: the
team pages' breaks add up to the portfolio's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..priority import combined, reason
from ..rules import RULE_BY_SLUG
from ..words import number
from .layout import Layout, Rows, cards, counted, heading, paged, paragraphs, table
from .markup import join, link, link_json, render, string_json
from .ranking import CUSTOMER_SIDE, NO_OWNER, fix_of, team_of, team_path

__all__ = ["owners_pages", "team_work", "CUSTOMER_SIDE", "MATRIX_TEAMS", "TEAM_BLUEPRINTS"]

MATRIX_TEAMS = 8      # teams in the heat map of broken handoffs: it fits the content column
TEAM_BLUEPRINTS = 10  # blueprints listed on a team page: the rest are in its list of breaks


@dataclass
class _TeamWork:
    """What one team does in one blueprint: the steps it owns, its broken handoffs, the breaks it owns
    ((-priority, blueprint id, number, contribution): worst first as they sort)."""

    contribution: dict
    steps: int
    broken: int
    summary: list        # priority.summary_data of the breaks it owns
    owned: list = field(default_factory=list)


def team_work(contributions: list[dict]) -> tuple[dict[str, dict[str, _TeamWork]], Counter]:
    """team -> blueprint id -> its work there, and the broken handoffs between teams (for the heat map)."""
    work: dict[str, dict[str, _TeamWork]] = defaultdict(dict)
    matrix: Counter = Counter()
    for c in sorted(contributions, key=lambda c: c["id"]):
        mine = {}
        for ref, steps, broken, _, *summary in c["teams"]:
            mine[ref] = work[team_of(c, ref)][c["id"]] = _TeamWork(c, steps, broken, summary)
        found = c["findings"]
        for n, (priority, team) in enumerate(zip(found["priority"], found["team"]), start=1):
            mine[team].owned.append((-priority, c["id"], n, c))
        for one, other, count in c["matrix"]:
            matrix[(team_of(c, one), team_of(c, other))] += count
    return work, matrix


class _FindingRows:
    """A team's breaks as rows of its page (one page: `first`): in its HTML, and in its JSON files as
    cell_json would give them, written as text (tens of thousands of rows: each link to a blueprint made
    once per page, and no link objects)."""

    def __init__(self):
        self.hrefs: dict = {}   # (source links?, page) -> Layout.blueprint_hrefs
        self.json: dict = {}    # blueprint id -> its link's JSON text, and its href's without the closing quote

    def _hrefs(self, layout: Layout, page: str):
        found = self.hrefs.get((layout.source_links, page))
        if found is None:
            found = self.hrefs[(layout.source_links, page)] = layout.blueprint_hrefs(page)
        return found

    def row(self, layout: Layout, page: str, item: tuple) -> list:
        priority, _, n, c = item
        found, texts, href = c["findings"], c["texts"], self._hrefs(layout, page)(c["id"])
        rule = texts[found["rule"][n - 1]]
        return [fix_of(texts, rule, found["fix"][n - 1]),
                join([link(href, c["title"]), link(f"{href}#finding-{n}", f"break #{n} ({rule})")]), -priority,
                texts[found["why"][n - 1]]]

    def json_row(self, layout: Layout, page: str, item: tuple) -> str:
        # The cells as cell_json gives them: [fix, {"parts": [link, ", ", link]}, priority, why].
        priority, blueprint_id, n, c = item
        known = self.json.get(blueprint_id)
        if known is None:
            href = self._hrefs(layout, page)(blueprint_id)
            known = self.json[blueprint_id] = (link_json(href, c["title"]), string_json(href)[:-1])
        found, texts = c["findings"], c["texts"]
        rule = texts[found["rule"][n - 1]]
        fix = fix_of(texts, rule, found["fix"][n - 1])
        return (f'[{string_json(fix or "—")},{{"parts":[{known[0]},", ",{{"code":false,"href":{known[1]}#finding-{n}",'
                f'"text":{string_json(f"break #{n} ({rule})")}}}]}},"{number(-priority)}",'
                f'{string_json(texts[found["why"][n - 1]] or "—")}]')


FINDING_HEADER = ["Fix", "Where", "Priority", "Why"]


def _finding_key(item: tuple) -> str | None:
    # A row shows its blueprint's contribution and finding only (see layout.Rows: the contribution's key names it).
    key = item[3].get("key")
    return None if key is None else f"{key}#{item[2]}"


def _team_page(layout: Layout, index: str, first: str, team: str, blueprints: dict[str, _TeamWork]) -> dict:
    # Worst first, ties by blueprint id and number: those never tie, so the tuples sort on them alone.
    owned = sorted(item for w in blueprints.values() for item in w.owned)
    summary = combined(w.summary for w in blueprints.values())
    whose = ("Breaks on customer steps, on steps with no owner, and on no step: nobody is accountable for them yet."
             if team == NO_OWNER else "Every break whose fix this team owns: on the steps it owns, and on the "
             "handoffs it must take on.")
    by_work = sorted(blueprints.values(), key=lambda w: (-w.summary[0], w.contribution["id"]))
    rules, rule_priority = Counter(), Counter()
    for priority, _, n, c in owned:
        rule = c["texts"][c["findings"]["rule"][n - 1]]
        rules[rule] += 1
        rule_priority[rule] -= priority
    rule_rows = [[link(layout.href(first, layout.path(f"breaks/{rule}")), rule, code=True),
                  RULE_BY_SLUG[rule].title if rule in RULE_BY_SLUG else rule, rules[rule], rule_priority[rule]]
                 for rule in sorted(rules, key=lambda rule: (-rule_priority[rule], rule))]
    blueprint_rows = [[link(layout.href(first, layout.path(w.contribution["id"])), w.contribution["title"]),
                       len(w.owned), w.summary[0], w.steps, w.broken]
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
    rows = _FindingRows()
    return paged(layout, first, str(team), intro, FINDING_HEADER, Rows(owned, rows.row, rows.json_row, _finding_key),
                 empty="No breaks: every handoff this team takes part in holds.")


def owners_pages(contributions: list[dict], layout: Layout) -> dict:
    index = layout.path("owners")
    work, matrix = team_work(contributions)
    weight = {team: combined(w.summary for w in work[team].values()) for team in work}
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
