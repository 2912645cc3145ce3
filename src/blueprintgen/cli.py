"""The command line: thin Click commands that parse options, call one function and report."""

from __future__ import annotations

import json
import os
import sys

import click

from . import __version__

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _default_paths(paths: tuple[str, ...], folder: str = "blueprints") -> list[str]:
    if paths:
        return list(paths)
    if not os.path.isdir(folder):
        raise click.UsageError(f"there is no {folder}/ folder here; give the blueprint files or folders as PATH")
    return [folder]


def _settings(config_file: str | None):
    """Project settings; configuration errors print positioned lines and exit 2."""
    from .config import ConfigError, load_settings

    try:
        return load_settings(config_file)[0]
    except ConfigError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_USAGE)


paths_argument = click.argument("paths", nargs=-1, metavar="[PATH]...",
                                type=click.Path(exists=True, file_okay=True, dir_okay=True))
config_option = click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
                             help="mkdocs.yml whose `blueprints` plugin entry holds the settings "
                                  "(default: ./mkdocs.yml when present).")


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
@config_option
def validate(paths: tuple[str, ...], config_file: str | None) -> None:
    """Check that blueprint files are well formed; print every problem with its position.

    PATH is blueprint files or folders (searched recursively); default: blueprints/.
    Exit status: 0 all valid, 1 a blueprint is invalid, 2 usage error.

    \b
    Example:
      blueprintgen validate blueprints/ extra/refund.yaml
    """
    from .loader import load_paths

    settings = _settings(config_file)
    loaded = load_paths(_default_paths(paths, settings.blueprints_dir))
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


@main.command()
@paths_argument
@config_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github"]), default="text",
              show_default=True, help="Output format: text for people, json for tools, sarif for code scanning, "
                                      "github for workflow annotations.")
@click.option("--fail-on", type=click.Choice(["low", "medium", "high", "never"]), default=None,
              help="Exit 1 when a finding is at or above this severity (default: high, or the configured fail_on).")
def check(paths: tuple[str, ...], config_file: str | None, fmt: str, fail_on: str | None) -> None:
    """Find where handoffs break, like a linter: print findings and exit 1 when any is at or above --fail-on.

    Exit status: 0 nothing at or above --fail-on, 1 findings at or above it or an invalid
    blueprint, 2 usage or configuration error.

    \b
    Examples:
      blueprintgen check
      blueprintgen check blueprints/ --format sarif > blueprintgen.sarif
      blueprintgen check --fail-on medium --format github
    """
    from .analysis import analyse
    from .loader import load_paths
    from .report import fails, format_report

    settings = _settings(config_file)
    loaded = load_paths(_default_paths(paths, settings.blueprints_dir))
    analyses = [analyse(blueprint, settings) for blueprint in loaded.blueprints]
    click.echo(format_report(analyses, list(loaded.problems), fmt), nl=False)
    if fails(analyses, list(loaded.problems), fail_on or settings.fail_on):
        sys.exit(EXIT_INVALID)
