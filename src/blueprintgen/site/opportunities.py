"""The opportunities page: the quick wins first, impact × effort across blueprints, and the opportunities per team.

Opportunities rank like every list (ranking.py): an opportunity weighs the priority of the breaks
on the steps it changes, the heaviest first, ties by blueprint id and opportunity id.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import LEVELS
from ..words import number
from . import journey_pages as journey
from .layout import Layout, Rows, paged, paragraphs, with_code
from .markup import Markup, join, link, render

__all__ = ["opportunities_pages", "QUICK_WINS", "CELL_SHOWN"]

QUICK_WINS = 10       # quick wins listed above the matrix (on a phone, the first thing on the page)
CELL_SHOWN = 8        # opportunities listed in one matrix cell before the rest are counted
UNRATED = journey.UNRATED


def _ranked(contributions: list[dict]) -> list[tuple[int, dict, list]]:
    """(weight, blueprint, opportunity) of every opportunity, the heaviest first, ties by ids
    (contributions.py: `opportunities`)."""
    found = [(o[5], c, o) for c in contributions for o in c["opportunities"]]
    return sorted(found, key=lambda item: (-item[0], item[1]["id"], item[2][0]))


def _item(href, weight: int, c: dict, o: list):
    """An opportunity, the blueprint it belongs to, and the weight of the breaks it fixes."""
    return join([link(href(c["id"], f"opportunity-{o[0]}"), o[1]), f" — {c['title']}"
                 + (f" (fixes breaks of priority {weight})" if weight else "")], "")


def _matrix(items: list, href) -> tuple[list[str], list]:
    cells: dict[tuple, list] = defaultdict(list)
    for weight, c, o in items:
        cells[(o[2], o[3])].append(_item(href, weight, c, o))
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


def opportunities_pages(contributions: list[dict], layout: Layout) -> dict:
    """Quick wins, the impact × effort matrix (cells capped) and the opportunities per team, paged."""
    first = layout.path(journey.OPPORTUNITIES)

    def href(blueprint_id: str, anchor: str) -> str:
        return layout.href(first, layout.path(blueprint_id), anchor)

    items = _ranked(contributions)
    quick = [item for item in items if (item[2][2], item[2][3]) == ("high", "low")]
    efforts, rows = _matrix(items, href)
    teams: dict[str, list[int]] = {}
    for weight, _, o in items:
        counts = teams.setdefault(o[4], [0, 0, 0])
        counts[0] += 1
        counts[1] += (o[2], o[3]) == ("high", "low")
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
