"""In-process benchmark of the diagram's DOT text: blueprint_dot over generated blueprints.

    .venv/bin/python benchmarks/diagram.py [--count 100] [--runs 7] [--baseline SRC] [--profile] [--dump DIR] [PATH ...]

Each run is a fresh interpreter that loads and analyses the blueprints (the `count` generated ones,
or those under PATH), then times one `blueprint_dot` of each, as a cold build draws them: caches
start empty, so a cache only helps where text repeats across one build. Prints the median of
`runs` runs and the time per blueprint, wall-clock and CPU (steadier on a busy machine).
--baseline times another version too (e.g. `git worktree add ../base main`, then `--baseline ../base/src`),
run for run in turn with this one, and prints how many times faster this one is.
--profile prints the top of a cProfile run instead; --dump writes each DOT text to DIR/<n>.dot
(to compare two versions of the code byte for byte with `diff -r`).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py)

from blueprintgen.analysis import analyse  # noqa: E402
from blueprintgen.diagram.draw import blueprint_dot  # noqa: E402
from blueprintgen.loader import load_paths  # noqa: E402


def analyses(paths: list[str]) -> list:
    """Every valid blueprint under `paths`, analysed, in file order."""
    return [analyse(blueprint) for blueprint in load_paths(paths).blueprints]


def draw_all(found: list) -> list[str]:
    return [blueprint_dot(a.blueprint, a.findings) for a in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="blueprint files or folders (default: generated ones)")
    parser.add_argument("--count", type=int, default=100, help="generated blueprints when no PATH is given")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime", help="cProfile column to sort by (tottime, cumtime)")
    parser.add_argument("--dump", metavar="DIR")
    parser.add_argument("--baseline", metavar="SRC", help="another checkout's src folder, timed in turn with this one")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)   # one timed run: seconds
    options = parser.parse_args()
    if options.paths:
        measure(options, options.paths)
        return
    with tempfile.TemporaryDirectory() as folder:
        generate.write_blueprints(folder, options.count)
        measure(options, [folder])


def _run_once(paths: list[str], source: str | None) -> list[str]:
    """A fresh interpreter, so no run finds the caches the one before filled: [wall, CPU] seconds."""
    env = dict(os.environ, PYTHONPATH=source) if source else None
    return subprocess.run([sys.executable, __file__, "--once", *paths], check=True, capture_output=True, text=True,
                          env=env).stdout.split()


def compare(paths: list[str], runs: int, baseline: str | None) -> None:
    """Median wall and CPU seconds of `runs` fresh runs of this version (and of `baseline`, in turn)."""
    count = len(load_paths(paths).blueprints)
    versions = {"this": None, "baseline": baseline} if baseline else {"this": None}
    found: dict[str, list[list[str]]] = {version: [] for version in versions}
    for _ in range(runs):
        for version, source in versions.items():   # alternating, so both see the same machine load
            found[version].append(_run_once(paths, source))
    medians = {}
    for version, times in found.items():
        for column, name in enumerate(("wall", "CPU")):
            seconds = [float(run[column]) for run in times]
            medians[version, name] = median = statistics.median(seconds)
            print(f"{version} blueprint_dot, {name}: {count} blueprints, median of {runs} runs {median:.3f} s"
                  f" = {median / count * 1000:.1f} ms per blueprint (fastest {min(seconds):.3f} s, "
                  f"slowest {max(seconds):.3f} s)")
    if baseline:
        print(" ".join(f"{name}: {medians['baseline', name] / medians['this', name]:.2f}x faster than the baseline."
                       for name in ("wall", "CPU")))


def measure(options, paths: list[str]) -> None:
    if not options.once and not options.dump and not options.profile:
        compare(paths, options.runs, options.baseline)
        return
    found = analyses(paths)
    if options.dump:
        os.makedirs(options.dump, exist_ok=True)
        # Numbered in load order: ids of hostile test blueprints are no safe file names.
        for number, dot in enumerate(draw_all(found)):
            Path(options.dump, f"{number:04d}.dot").write_text(dot, encoding="utf-8")
        print(f"wrote {len(found)} DOT files to {options.dump}")
        return
    if options.profile:
        profile = cProfile.Profile()
        profile.runcall(draw_all, found)
        pstats.Stats(profile).sort_stats(options.sort).print_stats(30)
        return
    start, start_cpu = time.perf_counter(), time.process_time()
    draw_all(found)
    print(time.perf_counter() - start, time.process_time() - start_cpu)


if __name__ == "__main__":
    main()
