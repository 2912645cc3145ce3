"""The personas page: every journey with the persona it is for, worst first."""

from __future__ import annotations

from . import journey_pages as journey
from .layout import Layout, Rows, paged, paragraphs
from .markup import link
from .ranking import ranked

__all__ = ["personas_pages"]


def personas_pages(contributions: list[dict], layout: Layout) -> dict:
    """Every journey that names its persona, the highest priority first (ties by id), paged like the other lists."""
    first = layout.path(journey.PERSONAS)
    intro = ["# Personas\n", paragraphs("Who the journeys are for, and the journeys of each: the journey whose "
                                        "breaks have the highest priority first.")]

    def row(layout, page, item):
        c, summary = item
        name, who = c["persona"]
        return [name, link(layout.href(page, layout.path(c["id"]), "persona"), c["title"]), summary.priority,
                c["why"], c["status"], who or "—"]

    return paged(layout, first, "Personas", intro, ["Persona", "Journey", "Priority", "Why", "Status", "Who"],
                 Rows([item for item in ranked(contributions) if item[0]["persona"]], row),
                 empty="No blueprint names its persona yet: add `persona:` with a name and who they are "
                       "(see the format).")
