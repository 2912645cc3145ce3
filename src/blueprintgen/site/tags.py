"""Blueprints by tag: the list of tags and a page per tag."""

from __future__ import annotations

from collections import defaultdict

from ..priority import combined, reason
from .layout import Layout, Rows, heading, paged, paragraphs, slug
from .markup import link
from .ranking import BLUEPRINT_HEADER, blueprint_key, blueprint_row, ranked

__all__ = ["tags_pages"]


def tags_pages(contributions: list[dict], layout: Layout) -> dict:
    index = layout.path("tags")
    by_tag: dict[str, list] = defaultdict(list)
    for item in ranked(contributions):   # worst first, as every list of blueprints
        for tag in item[0]["tags"]:       # grouped, each once
            by_tag[tag].append(item)
    weight = {tag: combined(c["summary"] for c, _ in items) for tag, items in by_tag.items()}
    tags = sorted(by_tag, key=lambda t: (-weight[t].priority, t))
    pages: dict[str, str] = {}
    for tag in tags:
        first = layout.path(f"tags/{slug(tag)}")
        intro = [heading(1, "tag", tag), paragraphs("Worst first: the highest priority first."),
                 paragraphs(link(layout.href(first, index), "All tags"))]
        pages.update(paged(layout, first, tag, intro, BLUEPRINT_HEADER, Rows(by_tag[tag], blueprint_row, key=blueprint_key)))
    rows = Rows(tags, lambda layout, page, tag: [link(layout.href(page, layout.path(f"tags/{slug(tag)}")), tag),
                                                 len(by_tag[tag]), weight[tag].priority, reason(weight[tag])])
    intro = ["# Blueprints by tag\n", paragraphs("Worst first: the tags whose blueprints have the highest priority.")]
    pages.update(paged(layout, index, "Tags", intro, ["Tag", "Blueprints", "Priority", "Why"], rows,
                       empty="No blueprint has tags yet: add `tags:` to group blueprints by subject."))
    return pages
