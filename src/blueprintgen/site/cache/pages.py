"""Blueprint pages reused between builds, found by what they are made from: a build after one change makes one page.

A page is a pure function of its blueprint, its analysis, the pages it links to by
title (the blueprint it redesigns, those that redesign it), the layout and our code;
`page_key` hashes all of them. Pages are not stored one file each: the whole-build entry
(sitecache) holds every page with its key, and the next build reuses those of the newest
entry whose keys it still has. A damaged entry only means pages are made again.
"""

from __future__ import annotations

import hashlib

from ...analysis import Analysis
from ..layout import Layout, Page
from .build import newest_entry

__all__ = ["page_key", "reusable_pages"]


def page_key(diagram_key: str | None, analysis: Analysis, layout: Layout, has_svg: bool, related: list) -> str | None:
    """None when our code cannot be identified (then pages are always made)."""
    if diagram_key is None:
        return None
    # diagram_key already stands for the blueprint, its findings and our code (render.diagram_input):
    # only the rest of the analysis is spelled out, which halves the cost of the key.
    rest = (analysis.ignored, analysis.handoffs, analysis.metrics)
    identity = f"{diagram_key}\0{rest!r}\0{layout!r}\0{has_svg}\0{related!r}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def reusable_pages(cache_dir: str) -> dict[str, Page]:
    """The blueprint pages of the newest stored build, by page key; empty when there is none or it is damaged."""
    entry = newest_entry(cache_dir)
    reusable = {}
    try:
        stored, keys = entry["pages"], entry["page_keys"]
        for path, key in keys.items():
            markdown, blocks, late = stored[path]
            page = Page(markdown, dict(blocks), dict(late))
            if isinstance(key, str) and all(isinstance(text, str) for text in
                                            (page.markdown, *page.blocks, *page.blocks.values(),
                                             *page.late, *page.late.values())):
                reusable[key] = page
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}
    return reusable
