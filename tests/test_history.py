"""`blueprintgen history` and the Trends page on real git repositories with commits in several months.

The repository: in January a parcel blueprint with a dead end on a step the Stores team owns, and a
refund blueprint whose customer is left waiting (a dead end on a customer step: "No owner"); in
February the parcel's dead end is fixed; in March a side branch adds a gift blueprint and is merged;
in April pyproject.toml makes dead-end low. Each month is judged with its own settings.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from helpers import git, run

PARCEL = """id: parcel
title: Returning a parcel
status: to-be
steps:
  - id: brings-parcel
    lane: customer
    action: Brings the parcel to the counter.
    next: [counter-refunds]
  - id: counter-refunds
    lane: frontstage
    owner: counter
    action: Checks the parcel and refunds the customer.
{end}owners:
  counter:
    name: Returns counter
    team: Stores
"""
REFUND = """id: refund
title: Refund request
status: to-be
steps:
  - id: asks
    lane: customer
    action: Asks for a refund.
    next: [agent-checks]
  - id: agent-checks
    lane: frontstage
    owner: agent
    action: Checks the order.
    next: [waits]
  - id: waits
    lane: customer
    action: Waits for the money.
owners:
  agent:
    name: Support agent
    team: Support
"""
RESOLVED = "    end: resolved\n"
LOW_DEAD_ENDS = '[tool.blueprintgen]\nblueprints_dir = "blueprints"\nseverities = { dead-end = "low" }\n'
PLAIN = '[tool.blueprintgen]\nblueprints_dir = "blueprints"\n'


def _commit(repo: Path, date: str, message: str) -> None:
    git(repo, "add", "-A")
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    os.environ.update(env)
    try:
        git(repo, "commit", "-q", "-m", message)
    finally:
        for name in env:
            os.environ.pop(name)


def _write(repo: Path, name: str, text: str) -> None:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitignore").write_text(".cache/\nsite/\n")
    _write(repo, "pyproject.toml", PLAIN)
    _write(repo, "blueprints/parcel.yaml", PARCEL.format(end=""))
    _commit(repo, "2026-01-10T10:00:00+00:00", "parcel and refund, both stop")
    _write(repo, "blueprints/refund.yaml", REFUND)
    _commit(repo, "2026-01-20T10:00:00+00:00", "refund")
    _write(repo, "blueprints/parcel.yaml", PARCEL.format(end=RESOLVED))
    _commit(repo, "2026-02-14T10:00:00+00:00", "the parcel's refund ends the journey")
    git(repo, "checkout", "-q", "-b", "gift")
    _write(repo, "blueprints/gift.yaml", PARCEL.format(end="").replace("id: parcel", "id: gift"))
    _commit(repo, "2026-03-02T10:00:00+00:00", "gift wrapping")
    git(repo, "checkout", "-q", "main")
    os.environ.update(GIT_AUTHOR_DATE="2026-03-05T10:00:00+00:00", GIT_COMMITTER_DATE="2026-03-05T10:00:00+00:00")
    try:
        git(repo, "merge", "-q", "--no-ff", "-m", "Merge gift", "gift")
    finally:
        os.environ.pop("GIT_AUTHOR_DATE")
        os.environ.pop("GIT_COMMITTER_DATE")
    _write(repo, "pyproject.toml", LOW_DEAD_ENDS)
    _commit(repo, "2026-04-30T23:30:00+00:00", "dead ends are low for now")
    return repo


def _by_period(document: dict) -> dict:
    return {p["period"]: p for p in document["periods"]}


def _counts(row: dict) -> tuple:
    return row["high"], row["medium"], row["low"]


def test_history_counts_each_month_by_severity_team_and_blueprint_with_its_own_settings(repo):
    done = run("history", "--format", "json", cwd=repo)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    periods = _by_period(document)
    assert list(periods) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert document["head"] == git(repo, "rev-parse", "HEAD").strip()
    # The month's last commit on the main line: January's second commit, March's merge (not the gift commit).
    assert periods["2026-01"]["commit"] == git(repo, "rev-parse", "HEAD~3").strip()
    assert periods["2026-03"]["commit"] == git(repo, "rev-parse", "HEAD~1").strip()
    assert [_counts(periods[m]["totals"]) for m in periods] == [(2, 0, 0), (1, 0, 0), (2, 0, 0), (0, 0, 2)]
    teams = {m: {t["team"]: _counts(t) for t in p["teams"]} for m, p in periods.items()}
    assert teams["2026-01"] == {"Stores": (1, 0, 0), "No owner": (1, 0, 0)}
    assert teams["2026-02"] == {"No owner": (1, 0, 0)}
    assert teams["2026-03"] == {"Stores": (1, 0, 0), "No owner": (1, 0, 0)}
    # April's own pyproject.toml makes dead-end low: its findings are low, the months before stay high.
    assert teams["2026-04"] == {"Stores": (0, 0, 1), "No owner": (0, 0, 1)}
    blueprints = {m: {b["id"]: _counts(b) for b in p["blueprints"]} for m, p in periods.items()}
    assert blueprints["2026-01"] == {"parcel": (1, 0, 0), "refund": (1, 0, 0)}
    assert blueprints["2026-02"] == {"refund": (1, 0, 0), "parcel": (0, 0, 0)}
    assert blueprints["2026-03"] == {"gift": (1, 0, 0), "refund": (1, 0, 0), "parcel": (0, 0, 0)}
    assert blueprints["2026-04"]["gift"] == (0, 0, 1)
    assert run("history", "--format", "json", cwd=repo).stdout == done.stdout   # deterministic, from the cache too


def test_history_text_says_how_months_are_chosen_and_lists_teams_and_blueprints(repo):
    done = run("history", cwd=repo)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "the last commit of each month on the first-parent history of HEAD" in lines[0]
    table = {line.split()[0]: line.split()[2:] for line in lines if re.match(r"2026-0\d  ", line)}
    assert table == {"2026-01": ["2", "0", "0", "2", "2"], "2026-02": ["1", "0", "0", "1", "2"],
                     "2026-03": ["2", "0", "0", "2", "3"], "2026-04": ["0", "0", "2", "2", "3"]}
    january = lines[lines.index(next(line for line in lines if line.startswith("2026-01 ("))):]
    # Worst first, ties by name.
    assert january[1:5] == ["  team No owner: 1 high, 0 medium, 0 low", "  team Stores: 1 high, 0 medium, 0 low",
                            "  blueprint parcel: 1 high, 0 medium, 0 low", "  blueprint refund: 1 high, 0 medium, 0 low"]


def test_a_second_run_analyses_only_new_commits_and_files(repo):
    first = run("history", "--verbose", cwd=repo)
    assert "4 commits analysed, 0 from the cache" in first.stderr, first.stderr
    # Every distinct file judged once (parcel twice, refund, gift; April's settings judge all three again).
    assert "7 blueprint files judged, 0 reused" in first.stderr
    assert any((repo / ".cache" / "blueprintgen" / "history").glob("commit-*.json"))
    second = run("history", "--verbose", cwd=repo)
    assert "0 commits analysed, 4 from the cache; 0 blueprint files judged" in second.stderr, second.stderr
    assert second.stdout == first.stdout
    _write(repo, "blueprints/refund.yaml", REFUND.replace("Waits for the money.", "Waits for the money.\n"
                                                          "    end: resolved"))
    _commit(repo, "2026-05-03T10:00:00+00:00", "the refund ends")
    third = run("history", "--verbose", "--format", "json", cwd=repo)
    # Only May's commit is analysed, and of its files only the changed refund is judged again.
    assert "1 commits analysed, 4 from the cache; 1 blueprint files judged, 2 reused" in third.stderr, third.stderr
    assert _counts(_by_period(json.loads(third.stdout))["2026-05"]["totals"]) == (0, 0, 1)


def test_many_files_are_judged_in_worker_processes_with_the_same_counts(repo):
    for number in range(70):   # above the number of files worth starting workers for
        _write(repo, f"blueprints/many/p{number:02}.yaml", PARCEL.format(end="").replace("id: parcel", f"id: p{number:02}"))
    _commit(repo, "2026-06-01T10:00:00+00:00", "seventy parcels")
    done = run("history", "--verbose", "--format", "json", cwd=repo)
    # The seven files of the months before, and the seventy new ones.
    assert "77 blueprint files judged, 0 reused" in done.stderr, done.stderr
    june = _by_period(json.loads(done.stdout))["2026-06"]
    assert _counts(june["totals"]) == (0, 0, 72)   # April's settings still make dead-end low
    assert {t["team"]: _counts(t) for t in june["teams"]} == {"Stores": (0, 0, 71), "No owner": (0, 0, 1)}
    assert [b["id"] for b in june["blueprints"][:3]] == ["gift", "p00", "p01"]


def test_history_by_tag_and_to_a_file(repo):
    untagged = run("history", "--by", "tag", cwd=repo)
    assert untagged.returncode == 0 and "No tag is on the first-parent history of HEAD." in untagged.stdout
    git(repo, "tag", "v1", "HEAD~3")
    git(repo, "tag", "-a", "-m", "release two", "v2", "HEAD~1")
    git(repo, "tag", "gift-only", "gift")   # not on the first-parent history: left out
    done = run("history", "--by", "tag", "--format", "json", "-o", "out.json", cwd=repo)
    assert done.returncode == 0 and done.stdout == "", done.stderr
    periods = _by_period(json.loads((repo / "out.json").read_text()))
    assert list(periods) == ["v1", "v2"]
    assert _counts(periods["v1"]["totals"]) == (2, 0, 0) and _counts(periods["v2"]["totals"]) == (2, 0, 0)


def test_a_shallow_clone_and_a_folder_outside_git_say_what_they_need(repo, tmp_path):
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    done = run("history", cwd=shallow)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [done.stderr.strip()] and "Traceback" not in done.stderr
    assert "shallow clone" in done.stderr and "git fetch --unshallow" in done.stderr
    assert done.stderr.count("fetch-depth: 0") == 1
    plain = tmp_path / "plain"
    shutil.copytree(repo / "blueprints", plain / "blueprints")
    (plain / "pyproject.toml").write_text(PLAIN)
    done = run("history", cwd=plain)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    # Where it looked (the terminal is the reader's own) and what to do; no shallow-clone advice.
    assert f"{plain} is not a git repository" in done.stderr and "git init" in done.stderr
    assert "unshallow" not in done.stderr and "fetch-depth" not in done.stderr


def test_an_unknown_revision_is_one_line_and_an_older_one_reads_its_history(repo):
    done = run("history", "--to", "no-such-branch", cwd=repo)
    assert done.returncode == 2 and done.stderr.startswith("error: unknown revision 'no-such-branch'")
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    older = json.loads(run("history", "--to", "HEAD~2", "--format", "json", cwd=repo).stdout)
    assert list(_by_period(older)) == ["2026-01", "2026-02"]


def test_entries_no_run_used_for_thirty_days_are_removed(repo):
    run("history", "--by", "commit", cwd=repo)
    folder = repo / ".cache" / "blueprintgen" / "history"
    by_commit = {p.name for p in folder.iterdir()}
    for path in folder.iterdir():
        os.utime(path, (1, 1))   # as if last used in 1970
    (folder / "notes.txt").write_text("not ours\n")
    os.utime(folder / "notes.txt", (1, 1))
    run("history", cwd=repo)   # by month: four of the five commits, all from the cache (no file entry read)
    left = {p.name for p in folder.iterdir()}
    assert "notes.txt" in left
    removed = by_commit - left
    assert len([name for name in removed if name.startswith("commit-")]) == 1
    assert {name for name in by_commit if name.startswith("file-")} <= removed
    assert len([name for name in left if name.startswith("commit-")]) == 4


def test_a_damaged_cache_entry_is_analysed_again(repo):
    first = run("history", "--format", "json", cwd=repo).stdout
    for entry in (repo / ".cache" / "blueprintgen" / "history").glob("commit-*.json"):
        entry.write_text(entry.read_text().replace('"Stores"', '"Forged"'))
    again = run("history", "--format", "json", "--verbose", cwd=repo)
    # February has no Stores finding, so its entry is untouched; the three changed ones are analysed again.
    assert again.stdout == first and "3 commits analysed, 1 from the cache" in again.stderr, again.stderr


# -- the site --------------------------------------------------------------------------------------------

def _build(repo: Path, out: str = "site") -> Path:
    done = run("build", "-q", "-o", out, cwd=repo)
    assert done.returncode == 0, done.stderr
    return repo / out


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_the_trends_page_shows_the_chart_and_its_table_and_the_dashboard_the_trend(repo):
    site = _build(repo)
    html = (site / "blueprints" / "trends" / "index.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg [^>]*role=\"img\"[^>]*>.*?</svg>", html, re.DOTALL)
    assert svg is not None and "aria-labelledby=\"bpg-trend-title bpg-trend-desc\"" in svg[0]
    assert "<title id=\"bpg-trend-title\">Findings by severity, January 2026 to April 2026</title>" in svg[0]
    # One bar per month: January's two high findings, April's two low ones (its own settings).
    bars = re.findall(r"<title>([A-Z][a-z]+ 2026: [^<]*)</title>", svg[0])
    assert bars == ["January 2026: 2 high, 0 medium, 0 low", "February 2026: 1 high, 0 medium, 0 low",
                    "March 2026: 2 high, 0 medium, 0 low", "April 2026: 0 high, 0 medium, 2 low"]
    assert "<script" not in svg[0] and "http" not in svg[0].replace("http://www.w3.org/2000/svg", "")
    rows = re.findall(r"<tr><td>([A-Z][a-z]+ 2026)</td><td>([0-9a-f]{12})</td><td>(\d+)</td><td>(\d+)</td>"
                      r"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>", html)
    assert [(r[0], *r[2:]) for r in rows] == [("January 2026", "2", "0", "0", "2", "2"),
                                             ("February 2026", "1", "0", "0", "1", "2"),
                                             ("March 2026", "2", "0", "0", "2", "3"),
                                             ("April 2026", "0", "0", "2", "2", "3")]
    assert "−100% high breaks since January 2026 (2 → 0)" in html
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r"−100% high breaks since January 2026 \(2 → 0\)\. <a href=\"blueprints/trends/\">Trends</a>",
                     home)
    # The same repository state gives the same bytes; a second build reads the history from the cache.
    again = _build(repo, "site2")
    assert _files(again) == _files(site)


@pytest.mark.slow
def test_a_shallow_clone_builds_a_trends_page_that_says_what_it_needs(repo, tmp_path):
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    site = _build(shallow)
    html = (site / "blueprints" / "trends" / "index.html").read_text(encoding="utf-8")
    assert "built from a shallow clone" in html and "bpg-trend-chart" not in html
    assert "<code>git fetch --unshallow</code>" in html and html.count("<code>fetch-depth: 0</code>") == 1
    assert "`" not in _article(html) and "git repository:" not in html
    assert "high breaks since" not in (site / "index.html").read_text(encoding="utf-8")
    _assert_no_local_path(site, tmp_path)


@pytest.mark.slow
def test_a_folder_outside_git_builds_a_trends_page_that_names_no_local_folder(repo, tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(repo / "blueprints", plain / "blueprints")
    (plain / "pyproject.toml").write_text(PLAIN)
    site = _build(plain)
    html = (site / "blueprints" / "trends" / "index.html").read_text(encoding="utf-8")
    assert "Trends need the blueprints in a git repository" in html and "bpg-trend-chart" not in html
    assert "unshallow" not in html and "fetch-depth" not in html and "`" not in _article(html)
    _assert_no_local_path(site, tmp_path)


def _article(html: str) -> str:
    return re.search(r"<article.*?</article>", html, re.DOTALL)[0]


def _assert_no_local_path(site: Path, tmp_path: Path) -> None:
    """No page, feed or index of the site names a folder of the machine that built it."""
    home = str(tmp_path.resolve())
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".js", ".svg", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert home not in text and str(tmp_path) not in text, path


@pytest.mark.slow
def test_the_trends_chart_is_drawn_readable_in_chromium(repo, tmp_path):
    from playwright.sync_api import sync_playwright

    site = _build(repo)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto((site / "blueprints" / "trends" / "index.html").as_uri())
            chart = page.locator(".bpg-trend-chart svg.bpg-trend-wide")
            box = chart.bounding_box()
            assert box is not None and box["width"] > 500 and box["height"] > 150
            # Labels at least 11 px on screen, and the bars drawn (four months, eight non-empty parts).
            label = page.locator(".bpg-trend-chart svg.bpg-trend-wide text").first.bounding_box()
            assert label is not None and label["height"] >= 11
            assert page.locator(".bpg-trend-chart svg.bpg-trend-wide g rect").count() == 4
            assert not page.locator(".bpg-trend-narrow").is_visible()
            assert page.get_by_role("img", name="Findings by severity, January 2026 to April 2026").count() == 1
            page.screenshot(path=str(tmp_path / "trends.png"), full_page=True)
            # The months table fits the page's column: its last heading is not cut at the right edge.
            months = page.locator(".bpg-trend-months table")
            assert months.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
            assert page.get_by_role("columnheader", name="Blueprints").is_visible()
            # On a phone, the narrow drawing: as wide as the screen, the newest month in view, text readable.
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto((site / "blueprints" / "trends" / "index.html").as_uri())
            assert not phone.locator(".bpg-trend-wide").is_visible()
            narrow = phone.locator(".bpg-trend-narrow")
            assert narrow.is_visible() and narrow.bounding_box()["x"] + narrow.bounding_box()["width"] <= 390
            newest = phone.locator(".bpg-trend-narrow text", has_text="2026-04").bounding_box()
            assert newest is not None and newest["x"] + newest["width"] <= 390 and newest["height"] >= 11
            assert phone.get_by_role("img", name="Findings by severity, January 2026 to April 2026").count() == 1
        finally:
            browser.close()
    assert (tmp_path / "trends.png").stat().st_size > 10_000


def test_a_cache_folder_the_repository_tracks_is_not_used(repo):
    # A cache is read back into the site: one a clone brings with it could forge the trends.
    _write(repo, ".cache/blueprintgen/history/planted.txt", "from the repository\n")
    git(repo, "add", "-f", ".cache/blueprintgen/history/planted.txt")
    _commit(repo, "2026-04-30T23:45:00+00:00", "a planted cache")
    for _ in range(2):
        done = run("history", "--verbose", cwd=repo)
        assert done.returncode == 0
        assert "the repository tracks files in it" in done.stderr and "0 from the cache" in done.stderr, done.stderr
    assert sorted(p.name for p in (repo / ".cache" / "blueprintgen" / "history").iterdir()) == ["planted.txt"]
