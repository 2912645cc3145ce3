"""The designer's loop (issue 24): one blueprint changed, in `build` and in `serve`, against their floors.

    .venv/bin/python benchmarks/run.py --only loop [--sizes 100,500,1000] [--json out.json]

For each N (generated blueprints, benchmarks/generate.py), after a cold build that fills the cache:

  warm build      `blueprintgen build` with nothing changed
  1-change build  the same after one blueprint's text changed; target: <= 1.3x the warm build
  bare build      floor: `mkdocs build` of as many plain Material pages as the site has, over its old site
  serve           `blueprintgen serve`: seconds from saving a blueprint to its page showing the change
                  (target <= 2 s), and until the dashboard shows it too (the portfolio pages follow)
  bare serve      floor: plain `mkdocs serve` of the same plain pages: a page saved to it showing

and once, the plugin in an existing site (100 plain pages, 10 blueprints) under plain `mkdocs serve`:
a blueprint saved vs a plain page saved, each to its page showing (target: <= 1.5x).

Times are wall-clock seconds, medians of `repeats` (product and floor alternate; the warm and the
1-change build take turns at going first).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict
from pathlib import Path

import generate

TARGETS = {"1-change build <= 1.3x warm build": 1.3, "serve: a saved change shows <= 2 s": 2.0,
           "plugin under mkdocs serve: blueprint save <= 1.5x plain-page save": 1.5}


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _body(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _edit(path: Path, old: str, marker: str) -> None:
    """`marker` put after the first `old` in the file (a blueprint's title or action, a page's heading)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, f"{old}{marker} ", 1), encoding="utf-8")


def save_to_page(command: list[str], cwd: str, edits: list[tuple[Path, str, str, str]],
                 follow: str | None = None) -> list[tuple[float, float | None]]:
    """Start a server; for each (file, text, marker, page path) save the marker after the text, and time it to the page.

    With `follow`, also the seconds until that page (the dashboard) shows the marker too.
    """
    port = _port()
    server = subprocess.Popen([*command, "-a", f"127.0.0.1:{port}"], cwd=cwd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 900
        while not _body(base + edits[0][3]) and time.monotonic() < deadline:
            time.sleep(0.3)
        time.sleep(3)   # the first build settles (a follow-up rebuild, the watcher starting)
        times = []
        for path, old, marker, page in edits:
            _edit(path, old, marker)
            start = time.perf_counter()
            while marker not in _body(base + page) and time.perf_counter() - start < 300:
                time.sleep(0.05)
            shown = time.perf_counter() - start
            followed = None
            if follow is not None:
                while marker not in _body(base + follow) and time.perf_counter() - start < 300:
                    time.sleep(0.05)
                followed = time.perf_counter() - start
            times.append((shown, followed))
            time.sleep(4)   # every rebuild this save started is over before the next save
        return times
    finally:
        server.terminate()
        server.wait(timeout=60)


def _first_listed(page: str) -> str:
    """The id of the first blueprint a built portfolio page links to (a link to one of its findings)."""
    with open(page, encoding="utf-8") as handle:
        return re.search(r'href="\.\./([a-z0-9][a-z0-9-]*)/#finding-', handle.read()).group(1)


# Saves under `serve` per N: each waits for every rebuild it started, so they vary less than builds.
SAVES = 3


def measure_loop(count: int, repeats: int, log, run, bare_site, build_command, mkdocs_command) -> dict:
    """One N: warm and 1-change builds vs the bare build; serve vs bare serve (see the module's docstring)."""
    work = tempfile.mkdtemp(prefix=f"bpg-loop-{count}-")
    try:
        generate.write_blueprints(os.path.join(work, "blueprints"), count)
        run(build_command(), work)
        pages = sum(1 for _, _, names in os.walk(os.path.join(work, "site")) for name in names
                    if name.endswith(".html") and name != "404.html")
        bare = bare_site(work, pages - 1)
        run(mkdocs_command(), bare)
        row: dict = {"n": count, "repeats": repeats, "site_pages": pages, "warm": [], "change": [], "bare": []}
        for k in range(repeats):
            row["bare"].append(asdict(run(mkdocs_command(), bare)))
            # Warm and 1-change in turn first (warm, change; change, warm; ...): builds on this machine get
            # slower as a run goes on (its file system makes each new file a little slower after every
            # site written and removed), which would always count against the one measured second.
            for kind in (("warm", "change") if k % 2 == 0 else ("change", "warm")):
                if kind == "change":
                    _edit(Path(work, "blueprints", f"{generate.blueprint_id(1)}.yaml"), "action: ", f"Edited {k}.")
                row[kind].append(asdict(run(build_command(), work)))
            log(f"N={count}: bare {row['bare'][-1]['wall']:.1f}s, warm {row['warm'][-1]['wall']:.1f}s, "
                f"1-change {row['change'][-1]['wall']:.1f}s")
        # The title: the blueprint's page shows it, and so does the breaks page (a portfolio page). Long
        # lists show their first rows and load the rest on "Show more": the blueprint saved is the one
        # the breaks page lists first (a title does not change the ranking).
        first = _first_listed(os.path.join(work, "site", "blueprints", "breaks", "index.html"))
        served = [first for _ in range(SAVES)]
        edits = [(Path(work, "blueprints", f"{blueprint_id}.yaml"), "title: '", f"Served {k}.",
                  f"blueprints/{blueprint_id}/") for k, blueprint_id in enumerate(served)]
        row["serve"] = save_to_page([sys.executable, "-m", "blueprintgen", "serve"], work, edits,
                                    follow="blueprints/breaks/")
        plain = [(Path(bare, "docs", f"p{k:04d}.md"), f"# Page {k}", f" Served {k}.", f"p{k:04d}/")
                 for k in range(SAVES)]
        row["bare_serve"] = save_to_page([sys.executable, "-m", "mkdocs", "serve", "-f", "mkdocs.yml"], bare, plain)
        log(f"N={count}: serve {row['serve']}, bare serve {row['bare_serve']}")
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure_plugin(repeats: int, log, bare_site) -> dict:
    """The plugin in a site of 100 plain pages and 10 blueprints, under plain `mkdocs serve`."""
    work = tempfile.mkdtemp(prefix="bpg-loop-plugin-")
    try:
        site = bare_site(work, 100, "plugin")
        generate.write_blueprints(os.path.join(site, "blueprints"), 10)
        config = Path(site, "mkdocs.yml")
        config.write_text(config.read_text().replace("- search\n", "- search\n- blueprints\n"))
        command = [sys.executable, "-m", "mkdocs", "serve", "-f", "mkdocs.yml"]
        saves = [(Path(site, "blueprints", f"{generate.blueprint_id(k)}.yaml"), "title: '", f"Served {k}.",
                  f"blueprints/{generate.blueprint_id(k)}/") for k in range(repeats)]
        plain = [(Path(site, "docs", f"p{k:04d}.md"), f"# Page {k}", f" Plain {k}.", f"p{k:04d}/")
                 for k in range(repeats)]
        row = {"blueprint_save": save_to_page(command, site, saves), "plain_save": save_to_page(command, site, plain)}
        log(f"plugin: {row}")
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _median(values: list[float]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def loop_table(rows: list[dict], plugin: dict) -> tuple[str, list[dict]]:
    """The loop's rows at every N, then the targets judged at every N."""
    wall = lambda row, key: _median([r["wall"] for r in row[key]])  # noqa: E731
    spec = [
        ("warm build, nothing changed (s)", lambda r: f"{wall(r, 'warm'):.1f}"),
        ("build after 1 blueprint changed (s)", lambda r: f"{wall(r, 'change'):.1f}"),
        ("  1-change / warm", lambda r: f"{wall(r, 'change') / wall(r, 'warm'):.2f}x"),
        ("  floor: bare mkdocs build, as many pages (s)", lambda r: f"{wall(r, 'bare'):.1f}"),
        ("serve: save -> its page (s)", lambda r: f"{_median([s for s, _ in r['serve']]):.1f}"),
        ("serve: save -> the dashboard too (s)", lambda r: f"{_median([f for _, f in r['serve']]):.1f}"),
        ("  floor: bare mkdocs serve, save -> page (s)", lambda r: f"{_median([s for s, _ in r['bare_serve']]):.1f}"),
    ]
    width = max(len(label) for label, _ in spec) + 2
    head = "".ljust(width) + "".join(f"N={r['n']:,}".rjust(12) for r in rows)
    out = [head, "-" * len(head)] + [label.ljust(width) + "".join(get(r).rjust(12) for r in rows) for label, get in spec]
    results = []
    for row in rows:
        for name, value in (("1-change build <= 1.3x warm build", wall(row, "change") / wall(row, "warm")),
                            ("serve: a saved change shows <= 2 s", _median([s for s, _ in row["serve"]]))):
            results.append({"target": name, "value": value, "limit": TARGETS[name], "pass": value <= TARGETS[name],
                            "at": f"N={row['n']}", "note": ""})
    if plugin:
        blueprint, plain = _median([s for s, _ in plugin["blueprint_save"]]), _median([s for s, _ in plugin["plain_save"]])
        out.append("")
        out.append(f"plugin under mkdocs serve, 100 plain pages + 10 blueprints: blueprint save -> page {blueprint:.2f} s, "
                   f"plain-page save -> page {plain:.2f} s (what MkDocs itself costs per save)")
        name = "plugin under mkdocs serve: blueprint save <= 1.5x plain-page save"
        results.append({"target": name, "value": blueprint / plain, "limit": TARGETS[name],
                        "pass": blueprint / plain <= TARGETS[name], "at": "100 pages", "note": ""})
    out.append("")
    for item in results:
        out.append(f"{'PASS' if item['pass'] else 'FAIL'}  {item['target']:<68} {item['value']:>8.2f}  ({item['at']})")
    return "\n".join(out), results
