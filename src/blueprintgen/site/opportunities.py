"""The opportunities page: the quick wins first, impact × effort across blueprints, and the opportunities per team.

Opportunities rank like every list (ranking.py): an opportunity weighs the priority of the breaks
on the steps it changes, the heaviest first, ties by blueprint id and opportunity id.
"""

from __future__ import annotations

from collections import defaultdict

from ..analysis import Analysis
from ..model import LEVELS, Blueprint, Opportunity
from ..words import number
from . import journey_pages as journey
from .layout import Layout, Rows, paged, paragraphs, with_code
from .markup import Markup, grouped, join, link, render
from .ranking import portfolio

__all__ = ["opportunities_pages", "QUICK_WINS", "CELL_SHOWN"]

QUICK_WINS = 10       # quick wins listed above the matrix (on a phone, the first thing on the page)
CELL_SHOWN = 8        # opportunities listed in one matrix cell before the rest are counted
UNRATED = journey.UNRATED


def _team(blueprint: Blueprint, key: str | None) -> str:
    owner = blueprint.owner_by_key.get(key) if key else None
    return grouped(owner.team or owner.name) if owner else "No owner"


def _ranked(analyses: list[Analysis]) -> list[tuple[int, Blueprint, Opportunity]]:
    """(weight, blueprint, opportunity) of every opportunity, the heaviest first, ties by ids."""
    known = portfolio(analyses)
    found = []
    for a in analyses:
        on_step: dict[str, int] = defaultdict(int)
        for r in known.findings[a.blueprint.id]:
            if r.finding.step:
                on_step[r.finding.step] += r.priority
        for o in a.blueprint.opportunities:
            found.append((sum(on_step[s] for s in dict.fromkeys(o.steps)), a.blueprint, o))
    return sorted(found, key=lambda item: (-item[0], item[1].id, item[2].id))


def _item(href, weight: int, blueprint: Blueprint, o: Opportunity):
    """An opportunity, the blueprint it belongs to, and the weight of the breaks it fixes."""
    return join([link(href(blueprint.id, f"opportunity-{o.id}"), o.what), f" — {blueprint.title}"
                 + (f" (fixes breaks of priority {weight})" if weight else "")], "")


def _matrix(items: list, href) -> tuple[list[str], list]:
    cells: dict[tuple, list] = defaultdict(list)
    for weight, blueprint, o in items:
        cells[(o.impact, o.effort)].append(_item(href, weight, blueprint, o))
    # Impact high first down the side, effort low first across the top: quick wins are top left.
    efforts = [e for e in (*LEVELS, None) if e is not None or any(k[1] is None for k in cells)]
    impacts = [i for i in (*reversed(LEVELS), None) if i is not None or any(k[0] is None for k in cells)]
    rows = []
    for impact in impacts:
        row = []
        for effort in efforts:
            shown = cells[(impact, effort)]
            more = f"… {number(len(shown) - CELL_SHOWN)} more" if len(shown) > CELL_SHOWN else ""
            row.append((join([*shown[:CELL_SHOWN], *([more] if more else [])], Markup("<br>")) if shown else "·",
                        (impact, effort) == ("high", "low")))
        rows.append((f"{impact or UNRATED} impact", row))
    return [f"{e or UNRATED} effort" for e in efforts], rows


def opportunities_pages(analyses: list[Analysis], layout: Layout) -> dict:
    """Quick wins, the impact × effort matrix (cells capped) and the opportunities per team, paged."""
    first = layout.path(journey.OPPORTUNITIES)

    def href(blueprint_id: str, anchor: str) -> str:
        return layout.href(first, layout.path(blueprint_id), anchor)

    items = _ranked(analyses)
    quick = [item for item in items if (item[2].impact, item[2].effort) == ("high", "low")]
    efforts, rows = _matrix(items, href)
    teams: dict[str, list[int]] = {}
    for weight, blueprint, o in items:
        counts = teams.setdefault(_team(blueprint, o.owner), [0, 0, 0])
        counts[0] += 1
        counts[1] += (o.impact, o.effort) == ("high", "low")
        counts[2] += weight
    quick_list = render("links.html", items=[_item(href, *item) for item in quick[:QUICK_WINS]]) if quick else \
        paragraphs("No opportunity is rated high impact for low effort yet.")
    more = f"The other {number(len(quick) - QUICK_WINS)} are in the top left cell of the matrix." if len(quick) > QUICK_WINS else ""
    intro = ["# Opportunities\n",
             paragraphs("What the teams could change, across all blueprints, the ones that fix the breaks of the "
                        "highest priority first."),
             "## Quick wins: high impact, low effort\n" if items else "", quick_list if items else "",
             paragraphs(more) if more else "",
             "## Impact × effort\n",
             render("opportunity_matrix.html", efforts=efforts, rows=rows) if items else
             paragraphs(with_code("No blueprint names an opportunity yet (see `opportunities:` in the format).")),
             "## Opportunities per team\n"]
    ranked = sorted(teams.items(), key=lambda item: (-item[1][2], -item[1][0], item[0]))
    return paged(layout, first, "Opportunities", intro, ["Team", "Opportunities", "Quick wins", "Priority fixed"],
                 Rows(ranked, lambda layout, page, item: [item[0], *item[1]]),
                 empty="No team has an opportunity yet.")
