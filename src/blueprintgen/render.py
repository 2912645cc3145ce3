"""The `render` command's writer: each blueprint's diagram as a file in a folder."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Iterable

from .escape import terminal
from .graphviz import RenderError, check_format, render_many
from .model import ID_PATTERN, Blueprint
from .wholefiles import write_atomically

__all__ = ["render_blueprints"]


def _inside(path: Path, folder: Path) -> bool:
    return path.parent == folder and path.name not in ("", ".", "..")


def render_blueprints(items: Iterable, out_dir: str | os.PathLike, fmt: str = "svg", timeout: float = 30.0,
                      workers: int | None = None, paper: str | None = None) -> list[str]:
    """Write `<out_dir>/<blueprint id>.<fmt>` for each blueprint; return the problems, one line each.

    `items` holds `Analysis` objects, `(blueprint, findings)` pairs or bare blueprints.
    A diagram that cannot be rendered is reported and the others are still written.
    With `paper` (a4, a3, letter; PDF only) each diagram is laid out on landscape pages of that size (paper.py).
    """
    from .diagram import blueprint_dot

    check_format(fmt)
    folder = Path(os.path.realpath(out_dir))
    problems: list[str] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return [terminal(f"{out_dir}: error: cannot create the output folder: {error.strerror or error}")]
    jobs: list[tuple[Blueprint, Path, tuple]] = []
    taken: set[Path] = set()
    for item in items:
        if isinstance(item, Blueprint):
            blueprint, findings = item, ()
        elif hasattr(item, "blueprint") and hasattr(item, "findings"):
            blueprint, findings = item.blueprint, item.findings
        else:
            blueprint, findings = item
        prefix = f"{blueprint.position or blueprint.file}: error:"
        path = folder / f"{blueprint.id}.{fmt}"
        if not ID_PATTERN.fullmatch(blueprint.id or "") or not _inside(path, folder):
            problems.append(terminal(f"{prefix} the blueprint id '{blueprint.id}' cannot name a file in {out_dir}"))
            continue
        if path in taken:
            problems.append(terminal(f"{prefix} another blueprint already wrote {path.name}; "
                                     "give each blueprint its own id"))
            continue
        taken.add(path)
        jobs.append((blueprint, path, tuple(findings)))
    dots = [partial(blueprint_dot, blueprint, findings) for blueprint, _, findings in jobs]
    results = _on_paper(dots, paper, timeout, workers) if paper else render_many(dots, fmt, timeout, workers).results
    for (blueprint, path, _), result in zip(jobs, results):
        prefix = f"{blueprint.position or blueprint.file}: error:"
        if isinstance(result, RenderError):
            problems.append(terminal(f"{prefix} cannot render the diagram of '{blueprint.id}': {result}"))
            continue
        try:
            write_atomically(path, result)
        except OSError as error:
            problems.append(terminal(f"{prefix} cannot write {path}: {error.strerror or error}"))
    return problems


def _on_paper(jobs: list, paper: str, timeout: float, workers: int | None) -> list:
    """Each diagram as pages of `paper`: Graphviz's SVG says where things are, then each page is drawn."""
    from .paper import paged_pdf

    results: list = []
    dots = [job() for job in jobs]
    for dot_text, svg in zip(dots, render_many(dots, "svg", timeout, workers).results):
        if isinstance(svg, RenderError):
            results.append(svg)
            continue
        try:
            results.append(paged_pdf(dot_text, svg, paper, timeout, workers))
        except RenderError as error:
            results.append(error)
    return results
