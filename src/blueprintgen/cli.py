"""The command line: thin Click commands that parse options, call one function and report."""

from __future__ import annotations

import json
import os
import sys

import click

from . import __version__

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _default_paths(paths: tuple[str, ...]) -> list[str]:
    if paths:
        return list(paths)
    if not os.path.isdir("blueprints"):
        raise click.UsageError("there is no blueprints/ folder here; give the blueprint files or folders as PATH")
    return ["blueprints"]


paths_argument = click.argument("paths", nargs=-1, metavar="[PATH]...",
                                type=click.Path(exists=True, file_okay=True, dir_okay=True))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="blueprintgen")
def main() -> None:
    """Turn YAML service blueprints into diagrams and a site that shows where handoffs break.

    \b
    Example:
      blueprintgen validate blueprints/
    """


@main.command()
@paths_argument
def validate(paths: tuple[str, ...]) -> None:
    """Check that blueprint files are well formed; print every problem with its position.

    PATH is blueprint files or folders (searched recursively); default: blueprints/.
    Exit status: 0 all valid, 1 a blueprint is invalid, 2 usage error.

    \b
    Example:
      blueprintgen validate blueprints/ extra/refund.yaml
    """
    from .loader import load_paths

    loaded = load_paths(_default_paths(paths))
    for problem in loaded.problems:
        click.echo(str(problem))
    count = len(loaded.blueprints)
    if loaded.problems:
        click.echo(f"{len(loaded.problems)} error(s); {count} blueprint(s) valid", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"{count} blueprint(s) valid", err=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the blueprint format, for editor completion.

    \b
    Example:
      blueprintgen schema > schema/blueprint.schema.json
    """
    from .schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2, sort_keys=False))
