"""The options and arguments the commands share, each declared once; a command gives the help that says what it means there."""

from __future__ import annotations

import os

import click

__all__ = ["paths_argument", "config_option", "site_options", "engine_option", "gate_options", "format_option",
           "output_file_option", "output_folder_option", "quiet_option", "rule_names", "complete_rule_names"]


def _existing(ctx, param, paths):
    # lexists, not exists: a symlink loop or a broken link is reported by the loader
    # with a positioned message, not mistaken for a missing path. "-" is standard input.
    for path in paths:
        if path == "-" and ctx.command.name != "check":
            raise click.BadParameter("`-` (a blueprint on standard input) is read by `check` only: "
                                     "give blueprint files or folders, or use `check -`", ctx=ctx, param=param)
        if path != "-" and not os.path.lexists(path):
            raise click.BadParameter(f"'{path}' does not exist", ctx=ctx, param=param)
    return paths


def rule_names(ctx, param, value):
    """A comma-separated list of rule slugs, each one known."""
    if not value:
        return None
    from ..loader import did_you_mean
    from ..rules import RULE_BY_SLUG

    slugs = frozenset(part.strip() for item in value for part in item.split(",") if part.strip())
    for slug in sorted(slugs):
        if slug not in RULE_BY_SLUG:
            hint = did_you_mean(slug, RULE_BY_SLUG) or f"the rules are: {', '.join(RULE_BY_SLUG)}"
            raise click.BadParameter(f"unknown rule '{slug}' ({hint})", ctx=ctx, param=param)
    return slugs


def complete_rule_names(ctx, param, incomplete: str):
    """Shell completion of --select/--ignore: the rule names, after any already typed (`a,b,<TAB>`)."""
    from click.shell_completion import CompletionItem

    from ..rules import RULE_BY_SLUG

    done, _, part = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    return [CompletionItem(prefix + slug, help=rule.title) for slug, rule in RULE_BY_SLUG.items()
            if slug.startswith(part) and slug not in done.split(",")]


# Each option is declared once, below; a command gives the help text that says what it means there.

def _bundle(*decorators):
    """Several options as one decorator, shown in --help in the order given."""
    def apply(command):
        for decorator in reversed(decorators):
            command = decorator(command)
        return command
    return apply


def _config(help: str):
    """--config: the mkdocs.yml to read (settings, and for the site commands the site)."""
    return click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), help=help)


paths_argument = click.argument("paths", nargs=-1, metavar="[PATH]...", callback=_existing,
                                type=click.Path(file_okay=True, dir_okay=True))
config_option = _config("mkdocs.yml whose `blueprints` plugin entry holds the settings "
                         "(default: ./mkdocs.yml when present).")


def output_folder_option(default: str, help: str):
    """-o/--output: the folder a command writes into."""
    return click.option("-o", "--output", "out_dir", default=default, show_default=True,
                        type=click.Path(file_okay=False), help=help)


def site_options(config: str, output: tuple[str, str] | None = None,
                 blueprints: str = "Folder of blueprint files (default: blueprints/, or the configured "
                                   "blueprints_dir)."):
    """--blueprints and --config, and -o (its default and help) for the commands that write the site."""
    return _bundle(click.option("--blueprints", "blueprints_dir", type=click.Path(exists=True, file_okay=False),
                                help=blueprints),
                   _config(config),
                   *([output_folder_option(*output)] if output else []))


engine_option = click.option(
    "--engine", type=click.Choice(["auto", "mkdocs", "properdocs"]), default="auto", show_default=True,
    envvar="BLUEPRINTGEN_ENGINE", show_envvar=True,
    help="What builds the site: MkDocs 1.x, or ProperDocs, its maintained continuation; auto takes MkDocs 1.x "
         "when it is installed, else ProperDocs.")


def gate_options(fail_on: str, gate: str):
    """--fail-on and --gate: which findings fail, for check and diff."""
    return _bundle(click.option("--fail-on", type=click.Choice(["low", "medium", "high", "never"]), default=None,
                                help=fail_on),
                   click.option("--gate", "scope", type=click.Choice(["to-be", "all"]), default=None, help=gate))


def format_option(choices: list[str], help: str):
    """--format, the first choice the default."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True,
                        help=help)


def output_file_option(what: str):
    """--output-file/-o: a report written to a file instead of stdout."""
    return click.option("--output-file", "-o", type=click.Path(dir_okay=False),
                        help=f"Write the {what} to this file, not stdout.")


def quiet_option(help: str):
    """-q/--quiet: less on stderr."""
    return click.option("-q", "--quiet", is_flag=True, help=help)
