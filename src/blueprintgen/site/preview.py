"""What a live preview keeps in memory between rebuilds: the diagrams it drew, and its portfolio pages.

After a save, the saved blueprint's own page is what the designer looks at: its rebuild makes
that page and diagram, and shows the portfolio pages (dashboard, breaks, owners, tags, ...) of
the rebuild before; those are made again, whichever kinds of pages there are, in the rebuild that
follows at once (see `deferred`). A save that changes the blueprints' problems makes them at once:
an invalid save shows its error on the dashboard in its own rebuild, and the blueprint's page stays
as it last was (see `last_good`).
"""

from __future__ import annotations

import os

from dataclasses import replace

from ..analysis import Analysis, analyse
from ..graphviz import Rendered
from ..loader import Loaded
from ..settings import Settings
from .cache.blueprints import load_page
from .cache.diagrams import diagram_input
from .cache.pages import page_key, rest_digest
from .layout import Layout, Page
from .pages import blueprint_page, redesigns
from .survey import relative

__all__ = ["remembered_drawing", "kept_portfolio", "deferred", "last_good", "analysed", "blueprint_pages"]

_DIAGRAMS: dict[str, bytes] = {}   # diagram input key (see cache.diagrams.diagram_input) -> SVG
_PORTFOLIO: dict = {"made_from": None, "pages": None, "deferred": False}
_GOOD: dict = {}   # blueprint file -> the blueprint it last loaded to without a problem


def last_good(loaded: Loaded) -> Loaded:
    """The blueprints a preview shows: a file that has a problem now keeps the blueprint it last gave.

    A half-typed save (an editor saving as the designer types) then leaves the open page as it was,
    and the problem heads the dashboard until it is fixed. A file that is gone is gone.
    """
    invalid = {problem.file for problem in loaded.problems}
    ids = {blueprint.id for blueprint in loaded.blueprints}
    kept = [blueprint for file, blueprint in sorted(_GOOD.items())
            if file in invalid and blueprint.id not in ids and os.path.isfile(file)]
    _GOOD.clear()
    _GOOD.update((blueprint.file, blueprint) for blueprint in kept + list(loaded.blueprints))
    if not kept:
        return loaded
    return Loaded(tuple(sorted(list(loaded.blueprints) + kept, key=lambda blueprint: blueprint.file)),
                  loaded.problems, loaded.read)


def remembered_drawing(jobs: list, inputs: list, render) -> Rendered:
    """`render(jobs, inputs)` (render_many) for the diagrams no earlier rebuild drew; the others from memory."""
    missing = [index for index, key in enumerate(inputs) if key is None or key not in _DIAGRAMS]
    drawn = render([jobs[index] for index in missing], [inputs[index] for index in missing])
    results = [_DIAGRAMS.get(key) if key is not None else None for key in inputs]
    for index, result in zip(missing, drawn.results):
        results[index] = result
    _DIAGRAMS.clear()
    _DIAGRAMS.update((key, result) for key, result in zip(inputs, results) if key is not None and isinstance(result, bytes))
    return Rendered(results=results, runs=drawn.runs, cached=drawn.cached + len(inputs) - len(missing))


def kept_portfolio(analyses: list, layout, problems: list, make) -> dict:
    """The portfolio pages `make(analyses, layout, problems)` gives, or those of the last rebuild for one rebuild.

    Unchanged analyses (the same objects: a preview keeps an unchanged blueprint's analysis) reuse
    the last pages. Changed ones show the last pages once, unless the last rebuild did so already or
    the problems changed; `deferred()` then says the next rebuild must make them.
    """
    made_from = (tuple(map(id, analyses)), layout, repr(problems))
    last = _PORTFOLIO
    same = last["made_from"] is not None and last["made_from"][0] == made_from[0] \
        and last["made_from"][1:] == made_from[1:]
    if same:
        last["deferred"] = False
        return dict(last["pages"])
    if last["pages"] is not None and not last["deferred"] and last["made_from"][1:] == made_from[1:]:
        last["deferred"] = True
        return dict(last["pages"])
    pages = make(analyses, layout, problems)
    # The analyses are kept with the pages: their ids stay theirs while they are alive.
    last.update(made_from=made_from, pages=pages, deferred=False, analyses=list(analyses))
    return dict(pages)


def deferred() -> bool:
    """The last rebuild showed the portfolio pages of the one before: the next must make them."""
    return bool(_PORTFOLIO["deferred"])


def analysed(blueprints, root: str, settings: Settings, kept: dict) -> tuple[list[Analysis], list]:
    """Each blueprint's analysis, and the key of what its diagram is drawn from.

    Unchanged diagrams are found by that key, so their DOT is never made. `kept` maps a loaded
    blueprint (by identity: a live preview loads an unchanged file to the same object) to what
    was worked out for it last time; it is refilled with this build's blueprints.
    """
    analyses, inputs, now = [], [], {}
    for loaded in blueprints:
        last = kept.get(id(loaded))
        if last is not None and last[0] is loaded and last[1] == (root, settings):
            analysis, key = last[2], last[3]
        else:
            # Pages show source files relative to the project, so builds do not depend on where it lives.
            analysis = analyse(replace(loaded, file=relative(loaded.file, root)), settings)
            key = diagram_input(analysis.blueprint, analysis.findings)
        now[id(loaded)] = (loaded, (root, settings), analysis, key)
        analyses.append(analysis)
        inputs.append(key)
    kept.clear()
    kept.update(now)
    return analyses, inputs


def blueprint_pages(analyses: list[Analysis], inputs: list, has_svg: dict, layout: Layout,
                     kept: dict, cache: str | None) -> tuple[dict[str, Page], dict[str, str]]:
    """Each blueprint's page, and its page key; a page is made again only when something it is made from changed.

    Unchanged pages come from `kept` (the previous rebuild's, in memory) or, in the first
    rebuild, from the page cache. `kept` is refilled with this build's pages, by analysis.
    """
    by_id, redesigned_by = redesigns(analyses)
    # A to-be page shows its as-is blueprint's opportunities and breaks, and an as-is page its
    # redesigns: a page is made again when the blueprint on the other side changes at all. Each
    # is known by its diagram's input key, the hash of the blueprint as loaded and its findings.
    input_of = {a.blueprint.id: diagram_key for a, diagram_key in zip(analyses, inputs)}
    pages, keys, now = {}, {}, {}
    for analysis, diagram_key in zip(analyses, inputs):
        b = analysis.blueprint
        target = by_id.get(b.redesigns) if b.redesigns else None
        related = [(target.blueprint.id, input_of[target.blueprint.id]) if target else None,
                   [(other.blueprint.id, input_of[other.blueprint.id]) for other in redesigned_by.get(b.id, [])]]
        drawn = has_svg[b.id]
        identity = (diagram_key, layout, drawn, related)
        last = kept.get(id(analysis))
        if last is not None and last[0] is analysis and last[1] == identity:
            key, page = last[2], last[3]
        else:
            key = page_key(diagram_key, rest_digest(analysis), layout, drawn, related)
            # A rebuild has every unchanged page in `kept`: a changed one is not in the cache
            # either, so only the first rebuild looks there.
            page = load_page(cache, key) if key is not None and cache and not kept else None
            if page is None:
                page = blueprint_page(analysis, drawn, layout, by_id, redesigned_by)
        now[id(analysis)] = (analysis, identity, key, page)
        path = layout.path(b.id)
        pages[path] = page
        if key is not None:
            keys[path] = key
    kept.clear()
    kept.update(now)
    return pages, keys
