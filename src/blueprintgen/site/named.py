"""The pages a search box names first: a team, a tag or a rule, found by its own name as typed."""

from __future__ import annotations

import html
import json

from ..escape import clean
from .layout import Layout, Page

__all__ = ["named_pages", "with_named_pages"]

# Which folder holds the pages of which kind of thing, as a searcher would call it.
_KINDS = (("owners", "Team"), ("tags", "Tag"), ("breaks", "Rule"))
_BOX = '<div id="bpg-search" data-bundle='


def named_pages(pages: dict, layout: Layout) -> list[tuple[str, str, str]]:
    """(kind, title, docs path) of every team, tag and rule page, by kind then title then path."""
    kinds = {f"{layout.folder}/{folder}": kind for folder, kind in _KINDS}
    named = []
    for path, page in pages.items():
        folder, _, name = path.rpartition("/")
        if folder not in kinds or name == "index.md" or not isinstance(page, Page):
            continue
        # A rule is known by its name (its page's title says "Breaks: context-lost").
        title = name[:-3] if kinds[folder] == "Rule" else page.title
        if title:
            named.append((kinds[folder], title, path))
    order = [kind for _, kind in _KINDS]
    return sorted(named, key=lambda item: (order.index(item[0]), item[1].casefold(), item[2]))


def with_named_pages(page: Page, path: str, named: list[tuple[str, str, str]], layout: Layout) -> Page:
    """`page` with its search box knowing the named pages (links relative to `path`); the script shows
    the ones whose name starts with what is typed above Pagefind's results, since a page that is
    about a team outranks none of the many pages that merely mention it."""
    # Without controls and direction overrides, as every other text on the site.
    data = json.dumps([[kind, clean(title), layout.href(path, target)] for kind, title, target in named],
                      ensure_ascii=False, separators=(",", ":"))
    box = f'<div id="bpg-search" data-names="{html.escape(data, quote=True)}" data-bundle='
    late = {marker: block.replace(_BOX, box, 1) for marker, block in page.late.items()}
    blocks = {marker: block.replace(_BOX, box, 1) for marker, block in page.blocks.items()}
    return Page(page.markdown, blocks, late, page.title)
