"""The history command: findings per month, tag or commit from git history, kept in the tool's cache."""

from __future__ import annotations

from ..commands.common import UserError, project_settings, tell, write_report

__all__ = ["history", "portfolio_history"]


def portfolio_history(project, by: str = "month", paths: tuple[str, ...] = (), config_file: str | None = None,
                      counts=None, head: str = "HEAD", last: int | None = None) -> dict:
    """The history document (see blueprintgen.history), with the cache; NeedsHistory or SideError when it cannot be read."""
    from ..history import history as read_history
    from .cache.history import history_store

    store, code = history_store()
    document = read_history(project, by, paths, config_file, store, code, counts, head, last)
    if store is not None:
        store.tidy()
    return document


def history(paths: tuple[str, ...], config_file: str | None, by: str, head: str, fmt: str, output_file: str | None,
            verbose: bool) -> None:
    """Print the history in `fmt`; exit 2 with one line when there is no history to read."""
    from ..config import ConfigError
    from ..history import Counts
    from ..history_formats import format_history
    from ..revisions import SideError

    project, _ = project_settings(config_file, paths)
    counts = Counts()
    try:
        document = portfolio_history(project, by, paths, config_file, counts, head)
    except SideError as error:
        raise UserError(f"error: {error}") from None
    except ConfigError as error:
        raise UserError(*[str(problem) for problem in error.problems]) from None
    if verbose:
        tell(counts.line())
    write_report(format_history(document, fmt), output_file)
