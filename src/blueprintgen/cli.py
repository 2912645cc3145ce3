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


def _existing(ctx, param, paths):
    # lexists, not exists: a symlink loop or a broken link is reported by the loader
    # with a positioned message, not mistaken for a missing path.
    for path in paths:
        if not os.path.lexists(path):
            raise click.BadParameter(f"'{path}' does not exist", ctx=ctx, param=param)
    return paths


paths_argument = click.argument("paths", nargs=-1, metavar="[PATH]...", callback=_existing,
                                type=click.Path(file_okay=True, dir_okay=True))
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
    from .checking import check_paths
    from .report import fails_records, format_records

    settings = _settings(config_file)
    records, problems = check_paths(_default_paths(paths, settings.blueprints_dir), settings, fmt=fmt)
    click.echo(format_records(records, problems, fmt), nl=False)
    if fails_records(records, problems, fail_on or settings.fail_on):
        sys.exit(EXIT_INVALID)


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@main.command()
@click.option("--blueprints", "blueprints_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder of blueprint files (default: blueprints/, or the configured blueprints_dir).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="The project's mkdocs.yml (default: ./mkdocs.yml when present, else a built-in Material site).")
@click.option("-o", "--output", "out_dir", default="site", show_default=True, type=click.Path(file_okay=False),
              help="Where the site goes; it is replaced only when the whole build succeeds.")
@click.option("--strict", is_flag=True, help="Also fail on findings at or above fail_on, and on MkDocs warnings.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display; only warnings and errors.")
def build(blueprints_dir: str | None, config_file: str | None, out_dir: str, strict: bool, quiet: bool) -> None:
    """Build the blueprint site: validate, analyse, draw diagrams and build it with MkDocs Material.

    On any error the previous site is left exactly as it was.

    \b
    Examples:
      blueprintgen build
      blueprintgen build --blueprints service/blueprints -o public --strict
    """
    from .analysis import analyse
    from .loader import load_paths
    from .report import fails, format_report
    from .site import BlueprintsInvalid, SiteError, build_site

    config_file = config_file or ("mkdocs.yml" if os.path.isfile("mkdocs.yml") else None)
    settings = _settings(config_file)
    folder = blueprints_dir or settings.blueprints_dir
    if not os.path.isdir(folder):
        raise click.UsageError(f"there is no {folder}/ folder; give the blueprint folder with --blueprints")
    from .progress import Progress

    progress = Progress(quiet=quiet)
    loaded = load_paths([folder])
    progress("blueprints validated", len(loaded.blueprints), len(loaded.blueprints))
    if loaded.problems:
        _print_problems(loaded.problems)
        click.echo(f"build stopped: {len(loaded.problems)} error(s); {out_dir}/ left as it was", err=True)
        sys.exit(EXIT_INVALID)
    if strict:
        analyses = [analyse(blueprint, settings) for blueprint in loaded.blueprints]
        if fails(analyses, [], settings.fail_on):
            click.echo(format_report(analyses, [], "text"), err=True, nl=False)
            click.echo(f"build stopped (--strict): findings at or above {settings.fail_on}; "
                       f"{out_dir}/ left as it was", err=True)
            sys.exit(EXIT_INVALID)
    _log_mkdocs()
    try:
        build_site(config_file, blueprints_dir, out_dir, strict=strict, loaded=loaded, progress=progress)
    except (BlueprintsInvalid, SiteError) as error:
        _print_problems(getattr(error, "problems", [error]))
        click.echo(f"build stopped; {out_dir}/ left as it was", err=True)
        sys.exit(EXIT_INVALID)
    if not quiet:
        click.echo(f"site built in {out_dir}/ from {len(loaded.blueprints)} blueprint(s)", err=True)


@main.command()
@click.option("--blueprints", "blueprints_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder of blueprint files (default: blueprints/, or the configured blueprints_dir).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="The project's mkdocs.yml, for settings (default: ./mkdocs.yml when present).")
@click.option("-o", "--output", "out_dir", default=os.path.join("docs", "blueprints"), show_default=True,
              type=click.Path(file_okay=False), help="Folder the pages go in; its name is the pages' URL prefix.")
def generate(blueprints_dir: str | None, config_file: str | None, out_dir: str) -> None:
    """Write the blueprint pages, diagrams and assets into a docs folder, for any site engine.

    Zensical, MkDocs without the plugin, or anything that reads Markdown with HTML can
    build them. The folder is replaced only when everything was written.

    \b
    Examples:
      blueprintgen generate
      blueprintgen generate --blueprints service/blueprints -o docs/journeys
    """
    from .export import ExportError, export_pages
    from .loader import load_paths

    config_file = config_file or ("mkdocs.yml" if os.path.isfile("mkdocs.yml") else None)
    settings = _settings(config_file)
    folder = blueprints_dir or settings.blueprints_dir
    if not os.path.isdir(folder):
        raise click.UsageError(f"there is no {folder}/ folder; give the blueprint folder with --blueprints")
    loaded = load_paths([folder])
    if loaded.problems:
        _print_problems(loaded.problems)
        click.echo(f"generate stopped: {len(loaded.problems)} error(s); {out_dir}/ left as it was", err=True)
        sys.exit(EXIT_INVALID)
    try:
        count = export_pages(settings, folder, out_dir, loaded=loaded)
    except ExportError as error:
        click.echo(f"error: {error}", err=True)
        click.echo(f"generate stopped; {out_dir}/ left as it was", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"{count} files written to {out_dir}/ from {len(loaded.blueprints)} blueprint(s)", err=True)


def _log_mkdocs() -> None:
    """Show MkDocs' warnings (and our plugin's) on stderr, one plain line each."""
    import logging

    class StderrHandler(logging.Handler):
        # Finds stderr when it writes, not when it is made: it may have been swapped since.
        def emit(self, record):
            click.echo(self.format(record), err=True)

    handler = StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_blueprintgen", False) for h in logger.handlers):
        handler._blueprintgen = True
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING)


@main.command()
@click.option("--blueprints", "blueprints_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder of blueprint files (default: blueprints/).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="The project's mkdocs.yml (default: ./mkdocs.yml when present).")
@click.option("-a", "--dev-addr", "address", default="127.0.0.1:8000", show_default=True,
              help="Address to serve the preview on.")
def serve(blueprints_dir: str | None, config_file: str | None, address: str) -> None:
    """Live preview: serve the site and rebuild and reload the page when a blueprint is saved.

    \b
    Example:
      blueprintgen serve -a 127.0.0.1:8001
    """
    from .site import serve_site

    config_file = config_file or ("mkdocs.yml" if os.path.isfile("mkdocs.yml") else None)
    _settings(config_file)
    _log_mkdocs()
    import logging
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    serve_site(config_file, blueprints_dir, address)


@main.command()
@paths_argument
@config_option
@click.option("-o", "--output", "out_dir", default="diagrams", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the diagram files, one per blueprint, named by blueprint id.")
@click.option("--format", "fmt", type=click.Choice(["svg", "png", "pdf", "dot"]), default="svg", show_default=True,
              help="File format; dot writes the Graphviz source without running Graphviz.")
def render(paths: tuple[str, ...], config_file: str | None, out_dir: str, fmt: str) -> None:
    """Draw each blueprint as a service blueprint diagram with its breaks marked.

    \b
    Examples:
      blueprintgen render -o diagrams --format png
      blueprintgen render blueprints/refund.yaml --format dot
    """
    from .analysis import analyse
    from .loader import load_paths
    from .render import render_blueprints

    settings = _settings(config_file)
    loaded = load_paths(_default_paths(paths, settings.blueprints_dir))
    if loaded.problems:
        _print_problems(loaded.problems)
        sys.exit(EXIT_INVALID)
    analyses = [analyse(blueprint, settings) for blueprint in loaded.blueprints]
    problems = render_blueprints([(a.blueprint, a.findings) for a in analyses], out_dir, fmt, settings.dot_timeout)
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(analyses) - len(problems)} diagram(s) written to {out_dir}/", err=True)
    if problems:
        sys.exit(EXIT_INVALID)
