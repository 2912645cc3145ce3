"""The commands about findings: check (report them, and fail when the gate does) and baseline (accept them)."""

from __future__ import annotations

import os
import sys
from dataclasses import replace

import click

from .common import (Failed, UserError, default_paths, no_blueprints, problem_lines, project_settings, tell,
                     write_report)

__all__ = ["check", "baseline"]


def check(paths: tuple[str, ...], config_file: str | None, fmt: str, fail_on: str | None, scope: str | None,
          baseline_file: str | None, select, ignore_rules, output_file: str | None, stdin_filename: str | None,
          annotate_file: str | None, diff_base: str | None, quiet: bool, gated_only: bool = False) -> None:
    """The findings of the blueprints at `paths` (or `-`, stdin) reported in `fmt`; fails when the gate does."""
    from ..checking import check_paths, check_text
    from ..gate import gate_from_settings
    from ..report import fails_records, format_records

    project, settings = project_settings(config_file, paths)
    entries = _baseline_entries(baseline_file or settings.baseline)
    gate = gate_from_settings(settings, fail_on=fail_on, scope=scope, select=select,
                              ignore=ignore_rules or frozenset(), documentation=not gated_only, **_accepted(entries))
    if diff_base:
        gate = replace(gate, base=_fingerprints_at(diff_base, paths, project, settings, gate))
    if "-" in paths:
        name, neighbours = _stdin_file(paths, stdin_filename, project, settings)
        records, problems = check_text(sys.stdin.buffer.read(), name, settings, fmt=fmt, gate=gate,
                                       neighbours=neighbours, root=project.root)
    else:
        where = default_paths(paths, settings.blueprints_dir)
        records, problems = check_paths(where, settings, fmt=fmt, gate=gate, root=project.root,
                                        neighbours=_neighbours(paths, settings))
        if not records and not problems:
            raise no_blueprints(where)
    fixed = _fixed(entries, baseline_file or settings.baseline, records, gate, bool(paths))
    only = _listed_files(annotate_file) if annotate_file and fmt == "github" else None
    report = format_records(records, problems, fmt, fixed, quiet=quiet, only_files=only)
    write_report(report, output_file)
    if fails_records(records, problems):
        raise Failed()


def baseline(baseline_file: str, paths: tuple[str, ...], config_file: str | None, prune: bool) -> None:
    """Every current finding written to `baseline_file` as accepted (with `prune`: only the gone ones removed)."""
    from ..baseline import BaselineError, baseline_document, outside, read_baseline, write_baseline
    from ..checking import check_paths

    project, settings = project_settings(config_file, paths)
    records, problems = check_paths(default_paths(paths, settings.blueprints_dir), settings, fmt="json",
                                    root=project.root)
    if problems:
        raise Failed(*problem_lines(problems), f"baseline not written: {len(problems)} error(s) in invalid blueprints")
    if not records:
        raise no_blueprints(default_paths(paths, settings.blueprints_dir))
    # Each entry carries its blueprint's title, so it follows the blueprint when its file is renamed.
    findings = [{**f, "title": r["title"]} for r in records for f in r["findings"]]
    try:
        keep = read_baseline(baseline_file) if prune else None
        old = read_baseline(baseline_file) if os.path.exists(baseline_file) and not prune else keep
    except BaselineError as error:
        raise UserError(str(error)) from None
    # Given some paths, the entries of the blueprints elsewhere stay as they are.
    untouched = outside(old or {}, {r["id"] for r in records}) if paths else None
    text = baseline_document(findings, keep, untouched)
    try:
        write_baseline(baseline_file, text)
    except BaselineError as error:
        raise UserError(str(error)) from None
    import json

    now = json.loads(text)["findings"]
    before = sum(e["count"] for e in (old or {}).values())
    tell(f"{baseline_file}: {sum(e['count'] for e in now.values())} accepted finding(s) in {len(now)} "
         f"fingerprint(s) (was {before})")


def _stdin_file(paths: tuple[str, ...], stdin_filename: str | None, project, settings) -> tuple[str, list[str]]:
    """(the name the blueprint on stdin is reported as, the project's other blueprint files)."""
    if len(paths) > 1:
        raise click.UsageError("`-` (standard input) cannot be mixed with other paths")
    from ..loader import find_files
    from ..project import shown_path

    name = shown_path(stdin_filename, project.root) if stdin_filename else "<stdin>"
    itself = os.path.realpath(stdin_filename) if stdin_filename else None
    neighbours = [f for f in find_files([settings.blueprints_dir])[0] if os.path.realpath(f) != itself] \
        if os.path.isdir(settings.blueprints_dir) else []
    return name, neighbours


def _neighbours(paths: tuple[str, ...], settings) -> list[str]:
    """The project's blueprint files not among `paths`: checking one to-be blueprint (say, the one a
    pull request changed) still finds the as-is blueprint it redesigns, as `check -` does."""
    if not paths or not os.path.isdir(settings.blueprints_dir):
        return []
    from ..loader import find_files

    checked = {os.path.realpath(f) for f in find_files(list(paths))[0]}
    return [f for f in find_files([settings.blueprints_dir])[0] if os.path.realpath(f) not in checked]


def _baseline_entries(baseline_file: str | None) -> dict[str, dict] | None:
    from ..baseline import BaselineError, read_baseline

    if not baseline_file:
        return None
    try:
        return read_baseline(baseline_file)
    except BaselineError as error:
        raise UserError(str(error)) from None


def _accepted(entries: dict[str, dict] | None) -> dict:
    """What the gate needs of a baseline: the accepted counts, and the blueprints by title, so the
    accepted findings of a blueprint whose id changed with its file (`git mv`) follow it."""
    if entries is None:
        return {}
    from ..baseline import renamed_titles

    return {"accepted": {key: entry["count"] for key, entry in entries.items()}, "titles": renamed_titles(entries),
            "accepted_ids": frozenset(entry["blueprint"] for entry in entries.values())}


def _fixed(entries: dict[str, dict] | None, baseline_file: str | None, records: list[dict], gate, partial: bool):
    """The baseline's entries found fewer times than accepted, among the rules this run ran and, when it
    checked only some paths, the blueprints it checked (the entries of the others are left alone)."""
    from collections import Counter

    from ..baseline import absent
    from ..report import Fixed

    if entries is None:
        return Fixed()
    seen = Counter()
    for r in records:
        seen.update(r["seen"])
    checked = None
    if partial:
        checked = {r["id"] for r in records} | {gate.titles[r["title"]] for r in records
                                                if gate.titles and r.get("title") in gate.titles}
    return Fixed(tuple(absent(entries, seen, gate.shows, checked)), baseline_file)


def _fingerprints_at(revision: str, paths, project, settings, gate) -> dict[str, int]:
    """How many findings of each fingerprint the blueprints had at `revision` (shown the same way)."""
    from ..analysis import analyse
    from ..report import record
    from ..revisions import SideError, read_side

    wanted = [p for p in paths if p != "-"] or [settings.blueprints_dir]
    try:
        side = read_side(revision, wanted, project)
    except SideError as error:
        raise UserError(f"error: {error}") from None
    seen: dict[str, int] = {}
    for blueprint in side.loaded.blueprints:
        for key, count in gate.annotate(record(analyse(blueprint, settings)))["seen"].items():
            seen[key] = seen.get(key, 0) + count
    return seen


def _listed_files(path: str) -> frozenset[str]:
    """The paths listed in `path`: NUL-separated and as they are (`git diff --name-only -z`), so a
    name with a newline or spaces at its ends is kept whole; or, in a file without a NUL, one a line."""
    with open(path, "rb") as handle:
        data = handle.read()
    if b"\0" in data:
        names = [os.fsdecode(name) for name in data.split(b"\0") if name]
    else:
        names = [line.strip() for line in os.fsdecode(data).splitlines() if line.strip()]
    return frozenset(name.replace(os.sep, "/") for name in names)
