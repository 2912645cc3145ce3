"""Runs `check` over many files: load and analyse them in worker processes, one per core."""

from __future__ import annotations

import os
import re
from dataclasses import replace

from .analysis import analyse
from .gate import Gate
from .loader import Problem, check_across, find_files, load_file, redesigned_nearby
from .project import shown_path
from .report import DEFAULT_GATE, report_entry
from .settings import Settings

__all__ = ["check_paths", "check_text", "needed_neighbours"]

# Below this many files, starting workers costs more than it saves.
PARALLEL_FROM = 64


def _check_files(files: list[str], settings: Settings, fmt: str, gate: Gate = DEFAULT_GATE, root: str | None = None):
    """Load and analyse `files`: report entries, problems, and bare blueprints for the checks across files."""
    records, problems, stubs = [], [], []
    for path in files:
        loaded = load_file(path, shown_path(path, root) if root else None)
        problems.extend(loaded.problems)
        for blueprint in loaded.blueprints:
            records.append(report_entry(analyse(blueprint, settings), fmt, gate))
            # Only what check_across reads travels back: no steps, owners or channels.
            stubs.append(replace(blueprint, owners=(), channels=(), steps=(), ignores=(), tags=(), stages=()))
    return records, problems, stubs


def check_paths(paths: list[str], settings: Settings, workers: int | None = None, *, fmt: str = "json",
                gate: Gate = DEFAULT_GATE, root: str | None = None, neighbours: list[str] = ()):
    """(report entries for `fmt`, problems) for every blueprint under `paths`, as `load_paths` + `analyse` give.

    Findings are judged by `gate`; with `root`, files are reported relative to it (see project.py).
    `neighbours` are the project's other blueprint files: loaded only so that `redesigns` and
    duplicate ids are checked against them, as in a check of the whole folder; only the files
    under `paths` are reported.
    """
    files, problems = find_files(paths)
    if root:
        problems = [Problem(shown_path(p.file, root), p.line, p.column, p.message, p.hint) for p in problems]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(files) < PARALLEL_FROM:
        parts = [_check_files(files, settings, fmt, gate, root)]
    else:
        size = -(-len(files) // (workers * 4))   # a few chunks per worker evens out slow files
        chunks = [files[start:start + size] for start in range(0, len(files), size)]
        # Imported here: they take longer to import than a small portfolio takes to check.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            parts = list(pool.map(_check_files, chunks, [settings] * len(chunks), [fmt] * len(chunks),
                                  [gate] * len(chunks), [root] * len(chunks)))
    records = [r for part in parts for r in part[0]]
    problems = problems + [p for part in parts for p in part[1]]
    stubs = [stub for part in parts for stub in part[2]]
    # The neighbours come first: a duplicate id is then reported in the file being checked. Only those
    # the checked blueprints refer to, or that may share an id with one, are loaded (see needed_neighbours).
    shown = (lambda path: shown_path(path, root)) if root else None
    wanted = needed_neighbours(neighbours, stubs)
    others = [b for path in wanted for b in load_file(path, shown(path) if shown else None).blueprints]
    # A to-be whose as-is no project folder holds: the as-is next to it, in its own folder.
    path_of = {shown(path) if shown else path: path for path in files}
    others += redesigned_nearby(others + stubs, lambda b: path_of.get(b.file, b.file), [*files, *neighbours], shown)
    shown_others = {b.file for b in others}
    problems.extend(p for p in check_across(others + stubs) if p.file not in shown_others)
    invalid = {problem.file for problem in problems}
    return [r for r in records if r["file"] not in invalid], sorted(problems)


# A top-level `id:` or `redesigns:` line, as nearly every blueprint writes it (a plain or quoted word).
_TOP_KEY = re.compile(rb"^(id|redesigns):[ \t]*[\"']?([^\"'\s#]+)", re.M)
# A top level written otherwise: a quoted `"id":` key, or a flow mapping `{...}` as the document.
_ODD_TOP = re.compile(rb"^([\"']id[\"'][ \t]*:|\{)", re.M)


def needed_neighbours(neighbours, checked) -> list[str]:
    """The neighbour files a check of the `checked` blueprints needs: those holding an id they redesign,
    and those that may use one of their ids (a duplicate). Found by reading each file's top-level `id:`
    (or its name) as text, without parsing it: one file among 1,000 loads what it refers to, not all.
    A file whose id line this cannot read is loaded, so nothing is missed."""
    wanted_ids = {b.id for b in checked} | {b.redesigns for b in checked if b.redesigns}
    needed = []
    for path in neighbours:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            needed.append(path)   # the loader says what is wrong with it
            continue
        keys = dict(match.groups() for match in _TOP_KEY.finditer(data))
        if b"id" not in keys and _ODD_TOP.search(data):
            needed.append(path)   # an id written some other way: read it properly
            continue
        found = keys.get(b"id", os.path.basename(path).rsplit(".", 1)[0].encode("utf-8", "surrogateescape"))
        if found.decode("utf-8", "replace") in wanted_ids:
            needed.append(path)
    return needed


def check_text(data: bytes, name: str, settings: Settings, *, fmt: str = "json", gate: Gate = DEFAULT_GATE,
               neighbours: list[str] = (), root: str | None = None):
    """(report entries, problems) for one blueprint given as bytes (`check -`), reported as file `name`.

    `neighbours` are the project's other blueprint files: loaded only so that `redesigns` and
    duplicate ids are checked against them, as in a check of the whole folder; only this
    blueprint is reported.
    """
    from .loader import load_bytes
    from .yamltree import MAX_FILE_BYTES

    # Without --stdin-filename the name is `<stdin>`, which is no id: `stdin` is, as `-` has no file name.
    default_id = "stdin" if name == "<stdin>" else os.path.basename(name).rsplit(".", 1)[0] or "stdin"
    if len(data) > MAX_FILE_BYTES:
        return [], [Problem(name, 1, 1, f"the input is larger than {MAX_FILE_BYTES // 1024} KiB",
                            "split the journey into several blueprints")]
    loaded = load_bytes(data, name, default_id)
    problems = list(loaded.problems)
    others = []
    for path in needed_neighbours(neighbours, loaded.blueprints):
        others.extend(load_file(path, shown_path(path, root) if root else None).blueprints)
    if name != "<stdin>":   # with --stdin-filename: the as-is next to it, when no project folder holds it
        itself = name if os.path.isabs(name) or not root else os.path.join(root, name)
        others += redesigned_nearby([*loaded.blueprints, *others], lambda b: itself if b.file == name else b.file,
                                    [itself, *neighbours], (lambda path: shown_path(path, root)) if root else None)
    problems += [p for p in check_across(list(loaded.blueprints) + others) if p.file == name]
    if problems:
        return [], sorted(problems)
    return [report_entry(analyse(b, settings), fmt, gate) for b in loaded.blueprints], []
