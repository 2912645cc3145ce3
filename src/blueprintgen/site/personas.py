"""The personas page: every journey, by the persona it is for."""

from __future__ import annotations

from ..analysis import Analysis
from . import journey_pages as journey
from .layout import Layout, Rows, paged, paragraphs
from .markup import link

__all__ = ["personas_pages"]


def personas_pages(analyses: list[Analysis], layout: Layout) -> dict:
    """Every journey, by the persona it is for, paged like the other long lists."""
    first = layout.path(journey.PERSONAS)
    intro = ["# Personas\n", paragraphs("Who the journeys are for, and the journeys of each.")]

    def row(layout, page, item):
        name, b = item
        return [name, link(layout.href(page, layout.path(b.id), "persona"), b.title), b.status,
                b.persona.summary or "—"]

    return paged(layout, first, "Personas", intro, ["Persona", "Journey", "Status", "Who"],
                 Rows(journey.persona_journeys(analyses), row),
                 empty="No blueprint names its persona yet: add `persona:` with a name and who they are "
                       "(see the format).")
