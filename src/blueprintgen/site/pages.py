"""Analyses -> the site's pages: a blueprint's own page and the pages across blueprints. Pure; escaped by construction.

Each family of pages has its module: `layout` (what every page is made of), `sections` (a
blueprint page's parts), `dashboard`, `ranking` (all blueprints, worst first), `breaks` (and
the rules page), `owners` (teams and the heat map), `tags`, `opportunities`, `personas`; those
across blueprints are made from each blueprint's contribution (`contributions`), never from an
analysis. This module puts them together, and keeps the names the rest of the site imports from here.
"""

from __future__ import annotations

from collections import defaultdict

from ..analysis import Analysis
from . import journey_pages as journey
from . import sections
from .breaks import breaks_pages, rules_page
from .contributions import contribution, portfolio_from
from .dashboard import dashboard, search_page
from .headline import headline
from .layout import PAGE_ROWS, Layout, Page, _relpath, assemble, format_minutes, place_blocks  # noqa: F401 - re-exported
from .opportunities import opportunities_pages
from .owners import owners_pages
from .personas import personas_pages
from .ranking import all_blueprints_pages
from .tags import tags_pages

__all__ = ["Layout", "Page", "place_blocks", "blueprint_page", "portfolio_pages", "portfolio_from", "contribution",
           "redesigns", "format_minutes",
           "PAGE_ROWS", "dashboard", "search_page", "all_blueprints_pages", "breaks_pages", "rules_page",
           "owners_pages", "tags_pages", "opportunities_pages", "personas_pages"]

# A blueprint page hides the theme's side navigation and table of contents: the diagram takes the page's width.
WIDE = ("navigation", "toc")


def blueprint_page(analysis: Analysis, has_svg: bool, layout: Layout, by_id: dict[str, Analysis],
                   redesigned_by: dict[str, list[Analysis]]) -> Page:
    """One blueprint's page: its head and headline, diagram, breaks, measures, what it redesigns, steps and handoffs."""
    b = analysis.blueprint
    page = layout.path(b.id)
    # Above the fold: the headline and the top of the diagram; the measures follow the breaks.
    parts = [sections.head(analysis, page, layout, by_id, redesigned_by), headline(analysis),
             sections.diagram(b, has_svg, page, layout), journey.persona_box(b), journey.lowest_moments(b),
             "## Breaks\n", sections.findings(analysis, page, layout),
             "## Measures\n", sections.measures(analysis)]
    if analysis.designed:
        parts += ["## Designed repeats\n", sections.designed(analysis, page, layout)]
    if b.redesigns and b.redesigns in by_id:
        parts += ["## What this redesign removes\n", sections.removed(analysis, by_id[b.redesigns], page, layout)]
        as_is = by_id[b.redesigns].blueprint
        realised = journey.realised_section(b, as_is, lambda anchor: layout.href(page, layout.path(as_is.id), anchor))
        if realised:
            parts += ["## Opportunities it realises\n", realised]
    if b.opportunities:
        parts += ["## Opportunities\n", journey.opportunities_section(b)]
    parts += ["## Steps\n", sections.steps(analysis), "## Handoffs\n", sections.handoffs(analysis)]
    if analysis.ignored:
        parts += ["## Ignored findings\n", sections.ignored(analysis, page, layout)]
    return assemble(b.title, *parts, hide=WIDE)


def redesigns(analyses: list[Analysis]) -> tuple[dict[str, Analysis], dict[str, list[Analysis]]]:
    """Each blueprint by id, and the blueprints that redesign each one (by id)."""
    by_id = {a.blueprint.id: a for a in analyses}
    redesigned_by: dict[str, list[Analysis]] = defaultdict(list)
    for a in sorted(analyses, key=lambda a: a.blueprint.id):
        if a.blueprint.redesigns:
            redesigned_by[a.blueprint.redesigns].append(a)
    return by_id, redesigned_by


def portfolio_pages(analyses: list[Analysis], layout: Layout, problems=(), history: dict | str | None = None) -> dict:
    """The pages across blueprints: dashboard, full list, breaks, owners, tags, rules; and trends from `history`
    (see trends.site_history), when given. Made from each blueprint's contribution (contributions.py)."""
    return portfolio_from([contribution(a, layout) for a in analyses], layout, problems, history)
