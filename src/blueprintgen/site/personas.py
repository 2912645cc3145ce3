"""The personas page: every journey with the persona it is for, worst first."""

from __future__ import annotations

from ..analysis import Analysis
from ..priority import reason
from . import journey_pages as journey
from .layout import Layout, Rows, paged, paragraphs
from .markup import link
from .ranking import ranked

__all__ = ["personas_pages"]


def personas_pages(analyses: list[Analysis], layout: Layout) -> dict:
    """Every journey that names its persona, the highest priority first (ties by id), paged like the other lists."""
    first = layout.path(journey.PERSONAS)
    intro = ["# Personas\n", paragraphs("Who the journeys are for, and the journeys of each: the journey whose "
                                        "breaks have the highest priority first.")]

    def row(layout, page, item):
        a, summary = item
        b = a.blueprint
        return [b.persona.name, link(layout.href(page, layout.path(b.id), "persona"), b.title), summary.priority,
                reason(summary), b.status, b.persona.summary or "—"]

    return paged(layout, first, "Personas", intro, ["Persona", "Journey", "Priority", "Why", "Status", "Who"],
                 Rows([item for item in ranked(analyses) if item[0].blueprint.persona], row),
                 empty="No blueprint names its persona yet: add `persona:` with a name and who they are "
                       "(see the format).")
