"""The opportunities page: impact × effort across blueprints, and the opportunities per team."""

from __future__ import annotations

from ..analysis import Analysis
from . import journey_pages as journey
from .layout import Layout, Rows, paged, paragraphs
from .markup import render

__all__ = ["opportunities_pages"]


def opportunities_pages(analyses: list[Analysis], layout: Layout) -> dict:
    """The impact × effort matrix across blueprints (cells capped) and the opportunities per team, paged."""
    first = layout.path(journey.OPPORTUNITIES)
    efforts, rows, teams = journey.opportunity_cells(analyses, lambda blueprint_id, anchor: layout.href(
        first, layout.path(blueprint_id), anchor))
    intro = ["# Opportunities\n",
             paragraphs("What the teams could change, across all blueprints: high impact for low effort is top left."),
             "## Impact × effort\n",
             render("opportunity_matrix.html", efforts=efforts, rows=rows) if teams else
             paragraphs("No blueprint names an opportunity yet (see opportunities: in the format)."),
             "## Opportunities per team\n"]
    ranked = sorted(teams.items(), key=lambda item: (-item[1], item[0]))
    return paged(layout, first, "Opportunities", intro, ["Team", "Opportunities"],
                 Rows(ranked, lambda layout, page, item: [item[0], item[1]]),
                 empty="No team has an opportunity yet.")
