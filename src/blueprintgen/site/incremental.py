"""A build's pages and diagrams from a survey of its files: what a change did not touch comes from the cache.

For each blueprint: its page is kept by its page key (the blueprint as analysed, the layout and
the blueprints on the other side of a `redesigns`), its diagram by its diagram key, and what it
brings to the pages across blueprints (its contribution) in its record. Only a blueprint missing
one of them is loaded and analysed again (see survey.Survey.analysis); the pages across
blueprints are then put together from every contribution.
"""

from __future__ import annotations

from functools import partial

from ..diagram import blueprint_dot
from .cache.blueprints import load_file, load_page, load_rows_files, store_page
from .cache.pages import page_key
from .contributions import contribution, portfolio_from
from .layout import Layout, Page
from .pages import blueprint_page
from .survey import Item, Survey

__all__ = ["related_keys", "blueprint_pages", "contributions", "diagram_jobs", "portfolio"]


def related_keys(items: list[Item]) -> tuple[dict[str, Item], dict[str, list[Item]], dict[str, list]]:
    """Each blueprint by id, those that redesign each (by id), and what each page shows of the others:
    the (id, diagram key) of the blueprint it redesigns and of those that redesign it."""
    by_id = {item.facts.id: item for item in items}
    redesigned_by: dict[str, list[Item]] = {}
    for item in sorted(items, key=lambda item: item.facts.id):
        if item.facts.redesigns:
            redesigned_by.setdefault(item.facts.redesigns, []).append(item)
    related = {}
    for item in items:
        target = by_id.get(item.facts.redesigns) if item.facts.redesigns else None
        related[item.facts.id] = [(target.facts.id, target.record["diagram"]) if target else None,
                                  [(other.facts.id, other.record["diagram"])
                                   for other in redesigned_by.get(item.facts.id, [])]]
    return by_id, redesigned_by, related


def blueprint_pages(found: Survey, layout: Layout, has_svg: dict[str, bool]) -> tuple[dict[str, Page], dict[str, str]]:
    """Each blueprint's page and page key: from the cache, or made (and kept) when its key is new."""
    by_id, redesigned_by, related = related_keys(found.items)
    pages, keys = {}, {}
    for item in found.items:
        blueprint_id = item.facts.id
        key = page_key(item.record["diagram"], item.record["rest"], layout, has_svg[blueprint_id],
                       related[blueprint_id])
        page = load_page(found.cache, key) if found.cache is not None and key is not None else None
        if page is None:
            page = _made(found, item, by_id, redesigned_by, layout, has_svg[blueprint_id])
            if found.cache is not None and key is not None:
                store_page(found.cache, key, page)
        path = layout.path(blueprint_id)
        pages[path] = page
        if key is not None:
            keys[path] = key
    return pages, keys


def _made(found: Survey, item: Item, by_id: dict, redesigned_by: dict, layout: Layout, drawn: bool) -> Page:
    """The item's page, made from its analysis and those of the blueprints on the other side of a `redesigns`."""
    analysis = found.analysis(item)
    target = by_id.get(item.facts.redesigns) if item.facts.redesigns else None
    others = {target.facts.id: found.analysis(target)} if target else {}
    others[item.facts.id] = analysis
    redesigners = {item.facts.id: [found.analysis(other) for other in redesigned_by.get(item.facts.id, [])]}
    return blueprint_page(analysis, drawn, layout, others, redesigners)


def contributions(found: Survey, layout: Layout) -> list[dict]:
    """What each blueprint brings to the pages across blueprints: from its record when made for this layout.

    Each carries its record's key (when there is one), which names what it is made from: the
    "Show more" files of the long lists are then named by their rows (see portfolio)."""
    made_for = repr(layout)
    found_now = []
    for item in found.items:
        if item.record.get("layout") != made_for or "contribution" not in item.record:
            item.record = {**item.record, "layout": made_for,
                           "contribution": contribution(found.analysis(item), layout)}
            found.keep(item)
        found_now.append(item.record["contribution"] if item.key is None else
                         {**item.record["contribution"], "key": item.key})
    return found_now


def diagram_jobs(found: Survey) -> tuple[list, list]:
    """A job per blueprint that makes its DOT (loading it only then: most are answered by their key), and the keys."""
    def dot(item: Item) -> str:
        analysis = found.analysis(item)
        return blueprint_dot(analysis.blueprint, analysis.findings)
    return [partial(dot, item) for item in found.items], [item.record["diagram"] for item in found.items]


def portfolio(found: Survey, layout: Layout, problems, history, keys: dict | None = None) -> dict:
    """The pages across blueprints, put together from every blueprint's contribution; a "Show more" file whose
    rows did not change since a build kept it is read from the cache (`keys` gets path -> key of each)."""
    index = load_rows_files(found.cache) if found.cache is not None else {}

    def kept(key: str) -> bytes | None:
        return load_file(found.cache, index[key]) if key in index else None

    return portfolio_from(contributions(found, layout), layout, list(problems), history, kept, keys)
