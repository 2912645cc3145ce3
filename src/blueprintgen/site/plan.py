"""What pages a build makes beyond one per blueprint: the index pages, listed once (pure, no MkDocs)."""

from __future__ import annotations

from .layout import Layout

__all__ = ["INDEX_PAGES", "index_pages"]

# (nav title, page name); None is the dashboard, which is the site's home unless the project has one.
INDEX_PAGES = (("Dashboard", None), ("All blueprints", "all"), ("Breaks", "breaks"), ("Owners", "owners"),
               ("Tags", "tags"), ("Opportunities", "opportunities"), ("Personas", "personas"), ("Trends", "trends"),
               ("Rules", "rules"),
               ("Search", "search"))


def index_pages(layout: Layout) -> list[tuple[str, str]]:
    """(nav title, docs path) of every index page, in nav order: what the nav lists; every other page is reached by links."""
    # The search page is made only where there is an index to search (a build, not a live preview).
    return [(title, layout.home if name is None else layout.path(name)) for title, name in INDEX_PAGES
            if name != "search" or layout.search]
