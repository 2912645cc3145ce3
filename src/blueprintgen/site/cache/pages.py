"""Blueprint pages reused between builds, found by what they are made from: a build after one change makes one page.

A page is a pure function of its blueprint, its analysis, the pages it links to by
title (the blueprint it redesigns, those that redesign it), the layout and our code;
`page_key` hashes all of them. Each page is kept on its own under its key (cache/blueprints),
so a build stores only the pages it made.
"""

from __future__ import annotations

import hashlib

from ...analysis import Analysis
from ..layout import Layout

__all__ = ["page_key", "rest_digest"]


def rest_digest(analysis: Analysis) -> str:
    """What a page shows of its analysis beyond its diagram's key (which stands for the blueprint and its findings)."""
    rest = repr((analysis.ignored, analysis.handoffs, analysis.metrics))
    return hashlib.sha256(rest.encode("utf-8")).hexdigest()


def page_key(diagram_key: str | None, rest: str, layout: Layout, has_svg: bool, related: list) -> str | None:
    """None when our code cannot be identified (then pages are always made).

    diagram_key already stands for the blueprint, its findings and our code (cache.diagrams.diagram_input);
    `rest` is rest_digest of the analysis.
    """
    if diagram_key is None:
        return None
    identity = f"{diagram_key}\0{rest}\0{layout!r}\0{has_svg}\0{related!r}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()
