"""Runs `check` over many files: load and analyse them in worker processes, one per core."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from .analysis import analyse
from .loader import check_across, find_files, load_file
from .report import report_entry
from .settings import Settings

__all__ = ["check_paths"]

# Below this many files, starting workers costs more than it saves.
PARALLEL_FROM = 64


def _check_files(files: list[str], settings: Settings, fmt: str):
    """Load and analyse `files`: report entries, problems, and bare blueprints for the checks across files."""
    records, problems, stubs = [], [], []
    for path in files:
        loaded = load_file(path)
        problems.extend(loaded.problems)
        for blueprint in loaded.blueprints:
            records.append(report_entry(analyse(blueprint, settings), fmt))
            # Only what check_across reads travels back: no steps, owners or channels.
            stubs.append(replace(blueprint, owners=(), channels=(), steps=(), ignores=(), tags=(), stages=()))
    return records, problems, stubs


def check_paths(paths: list[str], settings: Settings, workers: int | None = None, *, fmt: str = "json"):
    """(report entries for `fmt`, problems) for every blueprint under `paths`, as `load_paths` + `analyse` give."""
    files, problems = find_files(paths)
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(files) < PARALLEL_FROM:
        parts = [_check_files(files, settings, fmt)]
    else:
        size = -(-len(files) // (workers * 4))   # a few chunks per worker evens out slow files
        chunks = [files[start:start + size] for start in range(0, len(files), size)]
        context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            parts = list(pool.map(_check_files, chunks, [settings] * len(chunks), [fmt] * len(chunks)))
    records = [r for part in parts for r in part[0]]
    problems = problems + [p for part in parts for p in part[1]]
    problems.extend(check_across([stub for part in parts for stub in part[2]]))
    invalid = {problem.file for problem in problems}
    return [r for r in records if r["file"] not in invalid], sorted(problems)
