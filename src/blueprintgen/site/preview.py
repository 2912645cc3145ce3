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

from ..graphviz import Rendered
from ..loader import Loaded

__all__ = ["remembered_drawing", "kept_portfolio", "deferred", "last_good"]

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
