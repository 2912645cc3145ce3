"""Blueprints by tag: the list of tags and a page per tag."""

from __future__ import annotations

from collections import defaultdict

from ..analysis import Analysis
from .layout import Layout, Rows, heading, paged, paragraphs, slug
from .markup import grouped, link
from .ranking import BLUEPRINT_HEADER, blueprint_row

__all__ = ["tags_pages"]


def tags_pages(analyses: list[Analysis], layout: Layout) -> dict:
    index = layout.path("tags")
    by_tag: dict[str, list[Analysis]] = defaultdict(list)
    for a in sorted(analyses, key=lambda a: (a.blueprint.title, a.blueprint.id)):
        for tag in dict.fromkeys(grouped(t) for t in a.blueprint.tags):
            by_tag[tag].append(a)
    tags = sorted(by_tag, key=lambda t: (t.lower(), t))
    pages: dict[str, str] = {}
    for tag in tags:
        first = layout.path(f"tags/{slug(tag)}")
        intro = [heading(1, "tag", tag), paragraphs(link(layout.href(first, index), "All tags"))]
        pages.update(paged(layout, first, tag, intro, BLUEPRINT_HEADER, Rows(by_tag[tag], blueprint_row)))
    rows = Rows(tags, lambda layout, page, tag: [link(layout.href(page, layout.path(f"tags/{slug(tag)}")), tag),
                                                 len(by_tag[tag])])
    pages.update(paged(layout, index, "Tags", ["# Blueprints by tag\n"], ["Tag", "Blueprints"], rows,
                       empty="No blueprint has tags yet: add `tags:` to group blueprints by subject."))
    return pages
