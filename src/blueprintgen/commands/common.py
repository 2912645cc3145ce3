"""What every command shares: the exit codes, the errors a command stops with, messages, settings, default paths."""

from __future__ import annotations

import os
import re

import click

from ..escape import terminal

__all__ = ["EXIT_OK", "EXIT_INVALID", "EXIT_USAGE", "UserError", "Failed", "tell", "problem_lines", "read_settings",
           "project_settings", "default_paths", "near", "write_report"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def tell(message: str) -> None:
    """One message on stderr, escaped for a terminal or a CI log (see escape.terminal)."""
    click.echo(terminal(message), err=True)


class _Stop(click.ClickException):
    """A command stops with these lines on stderr, each escaped as one line, and never a traceback.

    Click shows it (`show`) and exits with `exit_code`: the one error boundary of the command line."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines

    def show(self, file=None) -> None:
        for line in self.lines:
            tell(line)


class UserError(_Stop):
    """A mistake the user can fix (a usage or configuration error): exit 2."""

    exit_code = EXIT_USAGE


class Failed(_Stop):
    """The gate failed, a blueprint is invalid or a build stopped: exit 1. With no lines, the
    report the command wrote already says why."""

    exit_code = EXIT_INVALID


def show_warnings() -> None:
    """Warnings blueprintgen logs (a duplicate key in mkdocs.yml, a cache folder not used) on stderr, one
    escaped line each, for every command."""
    import logging

    class StderrHandler(logging.Handler):
        # Finds stderr when it writes, not when it is made: it may have been swapped since.
        def emit(self, record):
            tell(record.getMessage())

    logger = logging.getLogger("blueprintgen")
    if not any(getattr(h, "_blueprintgen", False) for h in logger.handlers):
        handler = StderrHandler()
        handler._blueprintgen = True
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.WARNING)


def problem_lines(problems) -> list[str]:
    """Problems, or errors whose message is several lines (made of lines escaped already), one line each."""
    return [line for problem in problems for line in str(problem).split("\n")]


def read_settings(config_file: str | None, project=None):
    """Project settings; a configuration error stops with its positioned lines (exit 2)."""
    from ..config import ConfigError, load_settings, shadowed_pyproject

    try:
        found, source = load_settings(config_file, project)
    except ConfigError as error:
        from ..project import shown_path

        lines = []
        for problem in error.problems:
            if project is not None and os.path.isabs(problem.file):
                problem = type(problem)(shown_path(problem.file, project.root), problem.line, problem.column,
                                        problem.message, problem.hint)
            lines.append(str(problem))
        raise UserError(*lines) from None
    ignored = shadowed_pyproject(project, source)
    if ignored:
        tell(f"warning: [tool.blueprintgen] in {ignored} is ignored: the blueprints entry of "
             f"{source} wins (keep the settings in one place)")
    return found


def project_settings(config_file: str | None, paths=()):
    """The project found upward from here (or from the paths given, when they lie outside it), and its settings."""
    from ..project import find_project

    project = find_project(paths=paths)
    return project, read_settings(config_file, project)


def default_paths(paths: tuple[str, ...], folder: str = "blueprints") -> list[str]:
    """The paths given, or else the blueprint folder (which must exist)."""
    if paths:
        return list(paths)
    if not os.path.isdir(folder):
        shown = os.path.relpath(folder) if os.path.isabs(folder) else folder
        raise click.UsageError(f"there is no {shown}/ folder here; give the blueprint files or folders as PATH")
    return [folder]


def no_blueprints(paths) -> UserError:
    """Nothing to check is an error, never a pass: a folder with no blueprints (a typo, or a change that
    points the settings elsewhere) would otherwise switch the gate off without a word."""
    from ..project import shown_path

    shown = ", ".join(shown_path(str(path), os.getcwd()) for path in paths)
    return UserError(f"{shown} has no blueprint files (*.yaml, *.yml) (hint: give the folder that holds the "
                     "blueprints, or set `blueprints_dir` to it)")


def near(paths: list[str]) -> list[str]:
    """Absolute paths inside the current folder made relative to it, as a user would type them
    (for the default blueprint folder, which the project's settings give as an absolute path)."""
    shown = []
    for path in paths:
        relative = os.path.relpath(path) if os.path.isabs(path) else path
        shown.append(path if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative)
    return shown


# A file name that is not UTF-8 reaches us with its odd bytes as lone surrogates (surrogateescape).
_UNDECODED = re.compile("[\udc80-\udcff]")


def write_report(report: str, output_file: str | None) -> None:
    """The report on stdout, or written whole to `output_file`.

    A byte of a file name that is not UTF-8 is written `\\udcXX`: in JSON and SARIF strings that is the
    character's own escape, in text and Markdown a visible one; never an encoding error.
    """
    report = _UNDECODED.sub(lambda found: f"\\u{ord(found.group()):04x}", report)
    if output_file is None:
        click.echo(report, nl=False)
        return
    from ..baseline import BaselineError, write_baseline

    try:
        write_baseline(output_file, report)
    except BaselineError as error:
        raise UserError(str(error).replace("baseline file", "report file")) from None
