"""Blueprint pages kept between builds, found by what they are made from: a warm build makes no page again.

A page is a pure function of its blueprint, its analysis, the pages it links to by
title (the blueprint it redesigns, those that redesign it), the layout and our code;
`page_key` hashes all of them. Entries are JSON (never pickle: the cache folder is
only as trusted as the project), written atomically; an unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .analysis import Analysis
from .pages import Layout, Page
from .sitecache import write_entry

__all__ = ["page_key", "load_page", "store_page"]


def page_key(diagram_key: str | None, analysis: Analysis, layout: Layout, has_svg: bool, related: list) -> str | None:
    """None when our code cannot be identified (then pages are always made)."""
    if diagram_key is None:
        return None
    # diagram_key already stands for the blueprint, its findings and our code (render.diagram_input):
    # only the rest of the analysis is spelled out, which halves the cost of the key.
    rest = (analysis.ignored, analysis.handoffs, analysis.metrics)
    identity = f"{diagram_key}\0{rest!r}\0{layout!r}\0{has_svg}\0{related!r}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def load_page(folder: str, key: str | None) -> Page | None:
    if key is None:
        return None
    try:
        data = json.loads(Path(folder, f"{key}.json").read_text(encoding="utf-8"))
        return Page(data["markdown"], dict(data["blocks"]), dict(data["late"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store_page(folder: str, key: str | None, page: Page) -> None:
    if key is None:
        return
    write_entry(Path(folder, f"{key}.json"), json.dumps({"markdown": page.markdown, "blocks": page.blocks,
                                                         "late": page.late}))
