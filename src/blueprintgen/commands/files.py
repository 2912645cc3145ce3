"""The commands about blueprint files themselves: validate them, render their diagrams, print their schema."""

from __future__ import annotations

import os

import click

from .common import Failed, UserError, default_paths, near, problem_lines, project_settings, tell

__all__ = ["validate", "render", "schema"]


def validate(paths: tuple[str, ...], config_file: str | None) -> None:
    """Every problem on stdout with its position; the count on stderr; fails when a blueprint is invalid."""
    loaded, _ = _load(paths, config_file)
    for problem in loaded.problems:
        click.echo(str(problem))   # Problem's text is escaped for a terminal already
    count = len(loaded.blueprints)
    if loaded.problems:
        raise Failed(f"{len(loaded.problems)} error(s); {count} blueprint(s) valid")
    tell(f"{count} blueprint(s) valid")


def render(paths: tuple[str, ...], config_file: str | None, out_dir: str, fmt: str, paper: str | None = None) -> None:
    """One diagram file per blueprint in `out_dir`; fails when a blueprint is invalid or a diagram is not drawn."""
    from ..analysis import analyse
    from ..render import render_blueprints

    if paper and fmt != "pdf":
        raise UserError(f"--paper {paper}: error: pages of paper are for PDF only (hint: add --format pdf)")

    loaded, settings = _load(paths, config_file)
    if loaded.problems:
        raise Failed(*problem_lines(loaded.problems))
    try:
        os.makedirs(os.path.realpath(out_dir), exist_ok=True)
    except OSError as error:
        raise UserError(f"{out_dir}: error: cannot create the output folder: {error.strerror or error} "
                        "(hint: give a folder with -o that can be made, not inside a file)") from None
    analyses = [analyse(blueprint, settings) for blueprint in loaded.blueprints]
    problems = render_blueprints([(a.blueprint, a.findings) for a in analyses], out_dir, fmt, settings.dot_timeout,
                                 paper=paper)
    from ..graphviz import missing_once

    lines = [str(problem) for problem in problems]
    for line in missing_once(lines):
        tell(line if line in lines else f"error: {line}")
    summary = f"{len(analyses) - len(problems)} diagram(s) written to {out_dir}/"
    if problems:
        raise Failed(summary)
    tell(summary)


def schema(of_settings: bool) -> None:
    """The JSON Schema of the blueprint format, or of the settings, on stdout."""
    import json

    from ..schema import json_schema, settings_schema

    click.echo(json.dumps(settings_schema() if of_settings else json_schema(), indent=2, sort_keys=False))


def _load(paths: tuple[str, ...], config_file: str | None):
    """(the blueprints at `paths`, default the project's blueprint folder, loaded; the project's settings)."""
    from ..loader import load_paths

    _, settings = project_settings(config_file, paths)
    found = default_paths(paths, settings.blueprints_dir)
    return load_paths(found if paths else near(found)), settings
