"""The command line: the command group and a few lines per command (the shared options: commands/arguments).

Each command parses its options and calls one function (commands/, site/commands.py), imported
when the command runs, so `--help` and start-up stay light. A command stops by raising
commands.common's UserError (exit 2) or Failed (exit 1), which Click shows: one error boundary.
"""

from __future__ import annotations

import os

import click

from . import __version__
from .commands.arguments import (complete_rule_names, config_option, engine_option, format_option, gate_options,
                                 output_file_option, output_folder_option, paths_argument, quiet_option, rule_names,
                                 site_options)
from .commands.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, Failed, UserError
from .escape import terminal

__all__ = ["main", "EXIT_OK", "EXIT_INVALID", "EXIT_USAGE", "UserError", "Failed", "paths_argument",
           "config_option", "site_options", "gate_options", "format_option", "output_file_option",
           "output_folder_option", "quiet_option"]


class _Commands(click.Group):
    """The command group: every usage error Click reports (a path, a setting or an argument in its
    message) is shown escaped, as one line, like every other message."""

    def make_context(self, *args, **kwargs):   # the group's own options
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as error:
            _escaped(error)
            raise

    def invoke(self, ctx):   # a command's options and arguments, and what the command raises
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            _escaped(error)
            raise


def _escaped(error: click.ClickException) -> None:
    """The error's message as one escaped line, but for the help Click shows when no command was given
    (our own text, several lines on purpose: `NoArgsIsHelpError`, a usage error since Click 8.2)."""
    if type(error).__name__ != "NoArgsIsHelpError":
        error.message = terminal(error.message)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="blueprintgen")
def main() -> None:
    """Turn YAML service blueprints into diagrams and a site that shows where handoffs break.

    \b
    Example:
      blueprintgen validate blueprints/
    """
    from .commands.common import show_warnings

    show_warnings()


@main.command()
@paths_argument
@config_option
def validate(**options) -> None:
    """Check that blueprint files are well formed; print every problem with its position.

    PATH is blueprint files or folders (searched recursively); default: blueprints/.
    Exit status: 0 all valid, 1 a blueprint is invalid, 2 usage error.

    \b
    Example:
      blueprintgen validate blueprints/ extra/refund.yaml
    """
    from .commands import files

    files.validate(**options)


@main.command()
@click.option("--settings", "of_settings", is_flag=True,
              help="The schema of the settings (mkdocs.yml's `blueprints` entry, [tool.blueprintgen]) instead.")
def schema(**options) -> None:
    """Print the JSON Schema of the blueprint format, for editor completion.

    \b
    Examples:
      blueprintgen schema > schema/blueprint.schema.json
      blueprintgen schema --settings > schema/settings.schema.json
    """
    from .commands import files

    files.schema(**options)


@main.command()
@paths_argument
@config_option
@format_option(["text", "json", "sarif", "github"], "Output format: text for people, json for tools, sarif for code "
               "scanning, github for workflow annotations.")
@gate_options(fail_on="Exit 1 when a gated finding is at or above this severity (default: high, or the configured "
                      "fail_on).",
              gate="Which blueprints --fail-on gates: to-be designs (as-is breaks are reported as documentation) "
                   "or all (default: to-be, or the configured gate).")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="Accepted findings (made by `blueprintgen baseline`): reported as accepted, never failing; "
                   "only new findings fail. Default: the configured baseline.")
@click.option("--select", multiple=True, callback=rule_names, metavar="RULE,...", help="Only these rules.",
              shell_complete=complete_rule_names)
@click.option("--ignore", "ignore_rules", multiple=True, callback=rule_names, metavar="RULE,...",
              help="Leave these rules out.", shell_complete=complete_rule_names)
@output_file_option("report")
@click.option("--stdin-filename", metavar="PATH", help="With PATH `-`: the file name of the blueprint read from stdin.")
@click.option("--annotate-only", "annotate_file", type=click.Path(exists=True, dir_okay=False),
              help="github format: annotate only findings in the files listed here (paths from the repository "
                   "root, NUL-separated as `git diff --name-only -z` writes them, or one a line), e.g. the files "
                   "a pull request changed.")
@click.option("--diff-base", metavar="REV", help="Mark each finding new or unchanged since git revision (or folder) "
              "REV, as SARIF baselineState; unlike --baseline it accepts nothing. A name git resolves is "
              "always the revision; write ./NAME or NAME/ for a folder.")
@quiet_option("Print only what fails (and invalid blueprints); no summary line.")
@click.option("--gated-only", is_flag=True, help="Print only the findings the gate judges (not as-is documentation), "
              "and the summary line: what a pre-commit hook shows.")
def check(**options) -> None:
    """Find where handoffs break, like a linter: print findings and exit 1 when the gate fails.

    The gate: findings in to-be blueprints at or above --fail-on fail; as-is blueprints document
    a broken service on purpose, so their findings are reported but never fail (--gate all changes
    that). With a baseline, accepted findings never fail. PATH `-` reads one blueprint from stdin.
    Every path is reported relative to the repository root, whatever the current folder.

    Exit status: 0 the gate passes, 1 it fails or a blueprint is invalid, 2 usage or configuration error.

    \b
    Examples:
      blueprintgen check
      blueprintgen check blueprints/ --format sarif -o blueprintgen.sarif
      blueprintgen check --gate all --fail-on medium --format github
      blueprintgen check --baseline .blueprintgen-baseline.json
      cat refund.yaml | blueprintgen check - --stdin-filename blueprints/refund.yaml
    """
    from .commands import findings

    findings.check(**options)


@main.command()
@click.argument("baseline_file", metavar="FILE", type=click.Path(dir_okay=False))
@paths_argument
@config_option
@click.option("--prune", is_flag=True, help="Only remove entries that are no longer found; accept nothing new.")
def baseline(**options) -> None:
    """Write every current finding to FILE: the accepted findings `check --baseline FILE` will not fail on.

    Each entry is a fingerprint (blueprint id, rule, step, and the arrow's target) with a count, so
    it survives moved lines and edits elsewhere in the file. Sorted JSON: same findings, same bytes.

    \b
    Examples:
      blueprintgen baseline .blueprintgen-baseline.json
      blueprintgen baseline .blueprintgen-baseline.json --prune
    """
    from .commands import findings

    findings.baseline(**options)


@main.command()
@click.argument("base")
@click.argument("rest", nargs=-1, metavar="[HEAD] [PATH]...")
@config_option
@format_option(["text", "json", "markdown", "github"],
               "text for people, json for tools, markdown for a pull-request comment or $GITHUB_STEP_SUMMARY, "
               "github for workflow annotations of what fails and of each setting change.")
@gate_options(fail_on="Exit 1 when the change introduces a gated finding at or above this (default: the configured "
                      "fail_on).",
              gate="Which blueprints are gated (default: the configured gate).")
@output_file_option("diff")
def diff(**options) -> None:
    """What a change does to the customer: breaks fixed and introduced, steps, handoffs and metrics.

    BASE and HEAD are git revisions or folders; HEAD defaults to the working tree, and BASE
    `A...B` compares where B left A with B (as `git diff A...B`). Blueprints are matched by id,
    so a renamed file is "changed". PATH (default: the blueprints folder) says where the
    blueprints are, at every revision.

    Inside a git repository a name git resolves to a commit is always that revision, even when a
    file or folder of that name exists here; a folder is taken only for a name that is not a
    revision. To mean the folder, write it as a path: `./HEAD`, `HEAD/` or an absolute path is
    never a revision. The second argument is HEAD when it is a revision, or when BASE and it are
    both folders; otherwise it is a PATH.

    Exit status: 0, or 1 when the change introduces a finding the gate fails on (or leaves a
    blueprint invalid); 2 for usage errors (an unknown revision, not a git repository).

    \b
    Examples:
      blueprintgen diff main
      blueprintgen diff HEAD~1 HEAD --format json
      blueprintgen diff main...feature
      blueprintgen diff origin/main HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"
      blueprintgen diff old-blueprints/ blueprints/
    """
    from .commands import compare

    compare.diff(**options)


@main.command()
@paths_argument
@config_option
@click.option("--by", type=click.Choice(["month", "tag", "commit"]), default="month", show_default=True,
              help="One period per month (its last commit), tag or commit of HEAD's first-parent history.")
@click.option("--to", "head", default="HEAD", show_default=True, metavar="REVISION", help="Whose history is read.")
@format_option(["text", "json"], "text for people, json for tools.")
@output_file_option("history")
@click.option("-v", "--verbose", is_flag=True, help="Say how many commits and files were analysed or cached.")
def history(**options) -> None:
    """Findings over time by severity, team and blueprint, from git history (each commit with its own
    settings; cached in .cache/blueprintgen/). Needs the whole history: in CI, fetch-depth: 0. Exit 2
    outside git or in a shallow clone. Example: blueprintgen history --by tag --format json"""
    from .site import history_command

    history_command.history(**options)


@main.command()
@site_options(config="The project's mkdocs.yml (default: ./mkdocs.yml when present, else a built-in Material site).",
              output=("site", "Where the site goes; it is replaced only when the whole build succeeds."))
@click.option("--strict", is_flag=True, help="Also fail on findings at or above fail_on, and on MkDocs warnings.")
@quiet_option("No progress display; only warnings and errors.")
@engine_option
def build(**options) -> None:
    """Build the blueprint site: validate, analyse, draw diagrams and build it with MkDocs Material.

    On any error the previous site is left exactly as it was.

    \b
    Examples:
      blueprintgen build
      blueprintgen build --blueprints service/blueprints -o public --strict
    """
    from .site import commands as site

    site.build(**options)


@main.command()
@site_options(config="The project's mkdocs.yml, for settings (default: ./mkdocs.yml when present).",
              output=(os.path.join("docs", "blueprints"), "Folder the pages go in; its name is the pages' URL prefix."))
def generate(**options) -> None:
    """Write the blueprint pages, diagrams and assets into a docs folder, for any site engine.

    Zensical, MkDocs without the plugin, or anything that reads Markdown with HTML can
    build them. The folder is replaced only when everything was written.

    \b
    Examples:
      blueprintgen generate
      blueprintgen generate --blueprints service/blueprints -o docs/journeys
    """
    from .site import commands as site

    site.generate(**options)


@main.command()
@site_options(config="The project's mkdocs.yml (default: ./mkdocs.yml when present).",
              blueprints="Folder of blueprint files (default: blueprints/).")
@click.option("-a", "--dev-addr", "address", default="127.0.0.1:8000", show_default=True,
              help="Address to serve the preview on.")
@engine_option
def serve(**options) -> None:
    """Live preview: serve the site and rebuild and reload the page when a blueprint is saved.

    \b
    Example:
      blueprintgen serve -a 127.0.0.1:8001
    """
    from .site import commands as site

    site.serve(**options)


@main.command()
@paths_argument
@config_option
@output_folder_option("diagrams", "Folder for the diagram files, one per blueprint, named by blueprint id.")
@format_option(["svg", "png", "pdf", "dot"], "File format; dot writes the Graphviz source without running Graphviz.")
@click.option("--paper", type=click.Choice(["a4", "a3", "letter"]), default=None,
              help="With --format pdf: landscape pages of this size, stage by stage, the lane names on each page, "
                   "step text at 7.2 pt. Without it: the whole diagram on one page.")
def render(**options) -> None:
    """Draw each blueprint as a service blueprint diagram with its breaks marked.

    \b
    Examples:
      blueprintgen render -o diagrams --format png
      blueprintgen render blueprints/refund.yaml --format dot
      blueprintgen render --format pdf --paper a4
    """
    from .commands import files

    files.render(**options)
