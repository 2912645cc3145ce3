"""The diff command: what a change does to the customer, between two revisions or folders."""

from __future__ import annotations

import os

from .common import Failed, UserError, project_settings, write_report

__all__ = ["diff"]


def diff(base: str, rest: tuple[str, ...], config_file: str | None, fmt: str, fail_on: str | None,
         scope: str | None, output_file: str | None) -> None:
    """The diff between BASE and HEAD (or the working tree) in `fmt`; fails when it introduces a gated finding."""
    from ..changes import SideSpec, diff_document
    from ..config import ConfigError
    from ..diff import format_diff, introduces_failure
    from ..revisions import SideError, commit_of

    project, settings = project_settings(config_file)
    head, paths = _head_and_paths(base, rest, project)
    try:
        # Each revision is read with the settings it had: a change to them is part of the change.
        sides = [SideSpec(spec, commit_of(project, spec) if spec is not None else None) for spec in (base, head)]
        document = diff_document(project, sides[0], sides[1], paths, config_file, settings, fail_on, scope)
    except SideError as error:
        raise UserError(f"error: {error}") from None
    except ConfigError as error:
        raise UserError(*[str(problem) for problem in error.problems]) from None
    write_report(format_diff(document, fmt), output_file)
    if introduces_failure(document):
        raise Failed()


def _head_and_paths(base: str, rest: tuple[str, ...], project) -> tuple[str | None, list[str]]:
    """(HEAD: a revision or folder, None for the working tree; the PATHs) from the arguments after BASE."""
    from ..revisions import SideError, head_of, in_revision, kind

    try:
        # A name git resolves to a commit is a revision, whatever files or folders of that name
        # exist here: a pull request that adds `HEAD` or `<sha>/` cannot choose what is compared.
        kinds = {spec: kind(project, spec) for spec in (base, *rest[:1])}
        # BASE `A...B` compares where B left A with B, as `git diff A...B` does (not the working tree).
        head = head_of(base) if kinds[base] == "revision" else None
        paths = list(rest)
        if rest and (kinds[rest[0]] == "revision" or (kinds[base] == kinds[rest[0]] == "folder" and head is None)):
            head, paths = rest[0], list(rest[1:])
        for path in paths:
            if not os.path.lexists(path) and head is None:
                raise UserError(f"'{path}' is neither a path here nor a revision (hint: check the name; "
                                "`git log --oneline` lists revisions)")
            if not os.path.lexists(path) and not any(side is not None and kind(project, side) == "revision" and
                                                     in_revision(project, side, path) for side in (base, head)):
                # A mistyped path would otherwise compare nothing with nothing, and pass.
                raise UserError(f"'{path}' is not here, nor in {base} or {head} (hint: check the path; "
                                "`git ls-tree -r --name-only <revision>` lists a revision's files)")
    except SideError as error:
        raise UserError(f"error: {error}") from None
    return head, paths
