"""The `history` rows of the benchmark: 1,000 commits of a 100-blueprint repository, cold and cached.

    .venv/bin/python benchmarks/run.py --only history      (or benchmarks/history.py alone)

The repository is made with `git fast-import` (seconds, not minutes): the first commit holds 100
generated blueprints (benchmarks/generate.py) and a pyproject.toml; each later commit, one a day,
changes the text of 3 blueprints; commit 500 changes a severity in pyproject.toml, so every
blueprint is judged again with the new settings from there on. Measured, as subprocesses:

  by commit, cold     `history --by commit` with no cache: all 1,000 commits analysed
  by commit, cached   the same again: nothing analysed
  one new commit      after one more commit (one blueprint edited): 1 commit analysed, 1 file judged
  by month, cold      `history` (33 months) with no cache
  by month, cached    the same again
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402 - the benchmark's own blueprint generator, beside this file

COMMITS, BLUEPRINTS, TOUCHED = 1000, 100, 3
START = 1_704_067_200   # 2024-01-01 00:00 UTC
DAY = 86_400
# Targets: the whole history of 1,000 commits analysed cold within a minute on the reference
# machine, a rebuild that analyses nothing within 5 s (start-up, the log and 100,000 rows of output
# included; 3 s by month) and one new commit within 8 s.
TARGETS = {"by commit, cold": 60.0, "by commit, cached": 5.0, "one new commit": 8.0, "by month, cached": 3.0}


def _edited(text: str, counter: int) -> str:
    """The blueprint with its first action's text changed: a new blob, the same findings."""
    lines = text.splitlines(keepends=True)
    for k, line in enumerate(lines):
        if line.lstrip().startswith("action: "):
            lines[k] = line.rstrip("\n") + f" Edited {counter}.\n"
            break
    return "".join(lines)


def _blob(path: str, text: str) -> bytes:
    data = text.encode("utf-8")
    return f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def _settings(severity: str) -> str:
    return f'[tool.blueprintgen]\nblueprints_dir = "blueprints"\nseverities = {{ dead-end = "{severity}" }}\n'


def make_repository(folder: str, commits: int = COMMITS) -> None:
    """A git repository of `commits` commits on main, written with one `git fast-import` run."""
    subprocess.run(["git", "init", "-q", "-b", "main", folder], check=True)
    texts = {f"blueprints/{generate.blueprint_id(i)}.yaml": generate.blueprint_yaml(i) for i in range(BLUEPRINTS)}
    names = sorted(texts)
    stream = bytearray()
    for number in range(1, commits + 1):
        message = f"change {number}".encode()
        stream += (f"commit refs/heads/main\nmark :{number}\n"
                   f"committer Bench <bench@example.org> {START + number * DAY} +0000\n"
                   f"data {len(message)}\n").encode() + message + b"\n"
        if number > 1:
            stream += f"from :{number - 1}\n".encode()
        if number == 1:
            stream += _blob("pyproject.toml", _settings("high")) + b"".join(_blob(n, texts[n]) for n in names)
        else:
            for k in range(TOUCHED):
                name = names[(number * 7 + k * 31) % len(names)]
                stream += _blob(name, _edited(texts[name], number))
        if number == commits // 2:
            stream += _blob("pyproject.toml", _settings("medium"))
        stream += b"\n"
    subprocess.run(["git", "-C", folder, "fast-import", "--quiet"], input=bytes(stream), check=True)
    subprocess.run(["git", "-C", folder, "checkout", "-q", "main"], check=True)
    Path(folder, ".gitignore").write_text(".cache/\n")


def _history(folder: str, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "blueprintgen", "history", "--verbose", *args], cwd=folder,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"history {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds, done.stderr.strip().splitlines()[-1]


def measure_history(log, commits: int = COMMITS) -> tuple[str, list[dict], dict]:
    """(the table, the targets met or not, the row for the JSON) of the history rows on `commits` commits."""
    work = tempfile.mkdtemp(prefix="bpg-bench-history-")
    try:
        started = time.perf_counter()
        make_repository(work, commits)
        made = time.perf_counter() - started
        log(f"history: repository of {commits} commits made in {made:.1f} s")
        cache = Path(work, ".cache")
        timings = {}
        timings["by commit, cold"] = _history(work, "--by", "commit")
        timings["by commit, cached"] = _history(work, "--by", "commit")
        edited = Path(work, "blueprints", f"{generate.blueprint_id(0)}.yaml")
        edited.write_text(_edited(edited.read_text(encoding="utf-8"), 0), encoding="utf-8")
        subprocess.run(["git", "-C", work, "-c", "user.name=Bench", "-c", "user.email=bench@example.org",
                        "commit", "-q", "-am", "one more"], check=True)
        timings["one new commit"] = _history(work, "--by", "commit")
        shutil.rmtree(cache)
        timings["by month, cold"] = _history(work)
        timings["by month, cached"] = _history(work)
        for label, (seconds, said) in timings.items():
            log(f"history {label}: {seconds:.2f} s ({said})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"history of {commits:,} commits, {BLUEPRINTS} blueprints, {TOUCHED} changed per commit "
             f"(repository made in {made:.1f} s)"]
    results = []
    for label, (seconds, said) in timings.items():
        target = TARGETS.get(label)
        lines.append(f"  {label:<20}{seconds:>8.2f} s   {said.removeprefix('history: ')}"
                     + (f"   (target ≤ {target:g} s)" if target else ""))
        if target:
            results.append({"target": f"history {label} <= {target:g} s", "value": round(seconds, 2), "limit": target,
                            "pass": seconds <= target, "at": f"{commits:,} commits", "note": ""})
    row = {"history_commits": commits, "history": {label: {"seconds": round(seconds, 3), "said": said} for label, (seconds, said) in timings.items()}}
    return "\n".join(lines), results, row


if __name__ == "__main__":
    text, results, _ = measure_history(lambda message: print(message, file=sys.stderr, flush=True))
    print(text)
    sys.exit(0 if all(r["pass"] for r in results) else 1)
