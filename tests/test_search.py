"""The search index: Pagefind indexes the blueprint pages on another core while MkDocs renders them.

What it holds (step sections and findings, not the diagram, fix hints or heading marks) and its
cache (unchanged pages are not indexed again; a damaged entry is indexed again, never unpacked).
Faults: Pagefind failing, exiting 0 with an incomplete index, crashing, taking too long, or left
running by a build killed outright: the build fails with a clear message (or the next build stops
it), keeps the site it replaces and caches nothing. A fake Pagefind runs where a fault of Pagefind
itself is the point.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clirun import invoke
from helpers import EXAMPLES, alive, needs_graphviz, pids, posix_only, project, run, snapshot, wait_until, work_folders


# -- what the index holds, and its cache -----------------------------------------------------------

@pytest.mark.slow
def test_search_is_a_pagefind_index_of_the_blueprint_pages(example_site):
    entry = json.loads((example_site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"], entry
    page = (example_site / "blueprints" / "ortho-shoes-prescription" / "index.html").read_text()
    assert '<article class="md-content__inner md-typeset" data-pagefind-body>' in page
    # What search holds: step sections; what it skips: the diagram, figures and tables of numbers.
    assert re.search(r'<div class="bpg-viewer"[^>]* data-search-exclude>', page)
    assert re.search(r'<div class="bpg-table" data-search-exclude>', page)   # the measures, a table of numbers
    assert '<h4 id="step-voicemail-box">' in page or re.search(r'<h4 id="step-[a-z0-9-]+">', page)
    # Material's index keeps the project's own pages only: ours would make it grow with every blueprint.
    index = json.loads((example_site / "search" / "search_index.json").read_text())["docs"]
    assert {doc["location"].split("/")[0] for doc in index} and \
        not [doc["location"] for doc in index if doc["location"].startswith("blueprints/")]


def _pagefind_fragment(site: Path, url: str) -> dict:
    """What Pagefind stored of the page at `url` (fragments are gzipped JSON after a signature), in
    whichever part of the index holds it."""
    for path in (site / "pagefind").glob("**/fragment/*.pf_fragment"):
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        fragment = json.loads(data)
        if fragment["meta"].get("url") == url:
            return fragment
    raise AssertionError(f"no Pagefind fragment for {url}")


@pytest.mark.slow
def test_search_holds_findings_but_not_their_fix_hints_or_heading_marks(example_site):
    page = (example_site / "blueprints" / "ortho-shoes-prescription" / "index.html").read_text()
    # The YAML hints are on the page, beside each fix for people.
    assert "watched_by" in page and '<span class="bpg-hint" data-search-exclude><em>In the blueprint:</em>' in page
    content = _pagefind_fragment(example_site, "blueprints/ortho-shoes-prescription/")["content"]
    assert "voicemail" in content and "unwatched-channel" in content   # steps and findings are searchable
    assert "someone who watches it and answers in a set time" in content   # so are the fixes for people
    assert "watched_by" not in content and "¶" not in content          # fix hints and ¶ links are not


@pytest.mark.slow
def test_search_holds_each_pages_own_content_not_its_navigation(example_site):
    """Issue 25: a team's name matched every page. Links and tables that lead to other pages are
    navigation: their words are searched on the page they lead to."""
    import yaml

    from blueprintgen.site.sections import NAVIGATION

    titles = [yaml.safe_load(path.read_text(encoding="utf-8"))["title"] for path in EXAMPLES.glob("*.yaml")]
    dashboard = _pagefind_fragment(example_site, "./")["content"]
    assert len(titles) == 7 and "Service blueprints" in dashboard   # its own heading and text stay
    assert not [title for title in titles if title in dashboard], dashboard   # the blueprints it lists go
    rule = _pagefind_fragment(example_site, "blueprints/breaks/context-lost/")
    assert "context-lost" in rule["content"] and not [title for title in titles if title in rule["content"]]
    team = _pagefind_fragment(example_site, "blueprints/owners/team-wellness-provider-10d614/")
    assert team["content"].startswith("Wellness provider.") and team["word_count"] < 60, team   # not its list
    # A blueprint page: its steps, findings and tags are its own; a step's "Next" and "Breaks here"
    # (links to other steps and to its findings) are not.
    shoes = (example_site / "blueprints" / "ortho-shoes-prescription" / "index.html").read_text()
    content = _pagefind_fragment(example_site, "blueprints/ortho-shoes-prescription/")["content"]
    for name in NAVIGATION:
        assert f"{name}: <a href=\"#" in shoes and f"{name}:" not in content, name
    assert "Who: Doctor's office." in content and "unwatched-channel" in content and "healthcare" in content


@pytest.mark.slow
def test_search_index_of_unchanged_pages_comes_from_the_cache(tmp_path, monkeypatch):
    import blueprintgen.site.search as search

    project(tmp_path)
    runs = []
    real = search._start_pagefind
    monkeypatch.setattr(search, "_start_pagefind", lambda *args: runs.append(args) or real(*args))
    assert invoke("build", "-o", "site", cwd=tmp_path).exit_code == 0
    first = snapshot(tmp_path / "site")
    cache = tmp_path / ".cache" / "blueprintgen" / "search"
    # One archive file per bundle (the primary, of the pages across blueprints, and the one part of
    # 7 blueprint pages), not a folder of Pagefind's many files.
    entries = sorted(cache.iterdir())
    assert len(runs) == 2 and len(entries) == 2 and {entry.suffix for entry in entries} == {".zip"}
    primary = (tmp_path / "site" / "pagefind" / "pagefind-entry.json").read_bytes()
    part = (tmp_path / "site" / "pagefind" / "part-1" / "pagefind-entry.json").read_bytes()
    held = []
    for entry in entries:
        with zipfile.ZipFile(entry) as archive:
            assert not [name for name in archive.namelist() if name.startswith("part-") or name == "parts.js"]
            held.append(archive.read("pagefind-entry.json"))
    assert sorted(held) == sorted([primary, part])
    # Same pages: the bundles are copied from the cache, byte for byte what Pagefind wrote.
    assert invoke("build", "-o", "site", cwd=tmp_path).exit_code == 0
    assert len(runs) == 2 and snapshot(tmp_path / "site") == first
    # A changed page is indexed again, and only the entries this build uses stay cached.
    shoes = tmp_path / "blueprints" / "ortho-shoes-prescription.yaml"
    shoes.write_text(shoes.read_text().replace("title: ", "title: Changed ", 1))
    assert invoke("build", "-o", "site", cwd=tmp_path).exit_code == 0
    changed = sorted(cache.iterdir())
    assert len(runs) > 2 and changed != entries and len(changed) == 2
    # A left-over temporary file of a killed build is never taken for an entry.
    (cache / f".{'a' * 64}.k3_x9q.tmp").write_bytes(b"PK")   # named as _store's mkstemp names them
    changed[0].unlink()
    indexed = len(runs)
    assert invoke("build", "-o", "site", cwd=tmp_path).exit_code == 0
    assert len(runs) == indexed + 1 and [p.name for p in cache.iterdir() if p.name.startswith(".")] == []
    assert sorted(cache.iterdir()) == changed
    current = snapshot(tmp_path / "site")
    # A damaged entry, or one naming a file outside the bundle, is indexed again, never unpacked.
    for damage in (b"not a zip", None):
        for entry in cache.iterdir():
            if damage is None:
                with zipfile.ZipFile(entry, "w") as archive:
                    archive.writestr("../../escaped.txt", "x")
            else:
                entry.write_bytes(damage)
        indexed = len(runs)
        assert invoke("build", "-o", "site", cwd=tmp_path).exit_code == 0
        assert not (tmp_path / ".cache" / "escaped.txt").exists() and not list(tmp_path.rglob("escaped.txt"))
        assert snapshot(tmp_path / "site") == current and len(runs) == indexed + 2


def test_after_one_blueprint_changes_pagefind_indexes_only_its_part_and_the_index_is_a_cold_builds(
        tmp_path, monkeypatch):
    """Issue 24: the blueprint pages are indexed in parts, each cached by its own pages: a change to
    one page runs Pagefind on its part only (and on the primary, of the pages across blueprints, when
    one of those changed); the index is byte for byte what a build without a cache makes."""
    import blueprintgen.site.search as search
    import blueprintgen.site.search_pages as search_pages

    monkeypatch.setattr(search_pages, "PART_PAGES", 2)   # the 7 examples in 4 parts (parts 1 and 3 get none)
    project(tmp_path)
    runs = []
    real = search._start_pagefind

    def noted(command, messages):   # the bundle each Pagefind makes: "pagefind" (the primary) or its part
        runs.append(Path(command[command.index("--output-path") + 1]).name)
        return real(command, messages)
    monkeypatch.setattr(search, "_start_pagefind", noted)
    assert invoke("build", "-o", "site", cwd=tmp_path).exit_code == 0
    bundle = tmp_path / "site" / "pagefind"
    assert sorted(runs) == ["pagefind", "part-2", "part-4"]   # a part no page falls in is not made
    assert (bundle / "parts.js").read_text() == 'window.blueprintgenSearchParts = ["part-2/", "part-4/"];\n'
    assert (bundle / "part-2" / "pagefind-entry.json").is_file() and not (bundle / "part-1").exists()
    cache = tmp_path / ".cache" / "blueprintgen" / "search"
    assert len(list(cache.iterdir())) == 3   # one entry per bundle, all kept
    # Each blueprint page is in its part only; the primary holds the pages across blueprints.
    shoes_url = "blueprints/ortho-shoes-prescription/"
    changed = search_pages.part_of(shoes_url, search_pages.part_count(7))
    assert changed == "part-2" and search_pages.part_of("blueprints/beauty-store-headset-help/", 4) == "part-4"
    assert shoes_url in _bundle_urls(bundle / changed) and shoes_url not in _bundle_urls(bundle)
    assert "blueprints/breaks/" in _bundle_urls(bundle) and "blueprints/breaks/" not in _bundle_urls(bundle / changed)

    # One step's action text changes: Pagefind runs on that page's part, every other part is the cached one.
    shoes = tmp_path / "blueprints" / "ortho-shoes-prescription.yaml"
    shoes.write_text(shoes.read_text().replace("action: Gives the patient", "action: Xylophonically gives the patient", 1))
    others = {name: snapshot(bundle / name) for name in ("part-4",)}
    runs.clear()
    assert invoke("build", "-o", "site", cwd=tmp_path).exit_code == 0
    assert changed in runs and "part-4" not in runs and set(runs) <= {"pagefind", changed}, runs
    assert {name: snapshot(bundle / name) for name in others} == others
    assert "Xylophonically" in _pagefind_fragment(tmp_path / "site", shoes_url)["content"]
    assert len(list(cache.iterdir())) == 3   # the changed part's old entry is gone, the others stay

    # The same bytes as a build with no cache: the index and every page.
    cold = tmp_path / "cold"
    shutil.copytree(tmp_path / "blueprints", cold / "blueprints")
    runs.clear()
    assert invoke("build", "-o", "site", cwd=cold).exit_code == 0
    assert sorted(runs) == ["pagefind", "part-2", "part-4"]
    assert snapshot(cold / "site" / "pagefind") == snapshot(bundle)
    assert snapshot(cold / "site") == snapshot(tmp_path / "site")


def _bundle_urls(bundle: Path) -> set[str]:
    """The URLs of the pages one bundle (the primary, or a part) holds: its own fragments, not its parts'."""
    return {json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))["meta"]["url"]
            for path in (bundle / "fragment").glob("*.pf_fragment")}


def test_blueprint_pages_fall_in_parts_by_a_stable_hash_of_their_url():
    from blueprintgen.site.search_pages import MAX_PARTS, PART_PAGES, index_parts, part_count, part_of

    assert [part_count(n) for n in (0, 1, PART_PAGES, PART_PAGES + 1)] == [1, 1, 1, 2]
    assert part_count(100 * PART_PAGES) == MAX_PARTS
    urls = [f"blueprints/bp{k:05d}/" for k in range(1000)]
    parts = part_count(len(urls))
    placed = [part_of(url, parts) for url in urls]
    assert placed == [part_of(url, parts) for url in urls]   # the same in every build
    assert set(placed) == {f"part-{k}" for k in range(1, parts + 1)}
    assert max(map(placed.count, set(placed))) < 1.3 * len(urls) / parts   # about as many in each
    # The pages across blueprints go in the primary (""); without any, every page does.
    pages = {url: "<p>x</p>" for url in urls[:3]} | {"./": "<p>home</p>"}
    bundles = index_parts(pages, {"./"})
    assert bundles[""] == {"./": "<p>home</p>"} and sum(map(len, bundles.values())) == 4
    assert index_parts({urls[0]: "x"}, set()) == {"": {urls[0]: "x"}}


def test_what_pagefind_skips_is_left_out_of_the_pages_it_reads():
    from blueprintgen.site.search_pages import without_excluded

    page = ('<h4 id="s">Step</h4><ul><li>Who: Nurse</li><li data-search-exclude>Next: <a href="#t">t</a>'
            '<ul><li>nested</li></ul></li><li>Lane: Backstage</li></ul>'
            '<p>Fix: call<span class="bpg-hint" data-search-exclude><em>In the blueprint:</em> '
            '<span>watched_by</span></span> back</p><img src="x.svg" data-search-exclude alt="">'
            '<div data-search-excluded>kept</div><!-- <li data-search-exclude> --><ul><li>z</li></ul>'
            '<div data-search-exclude><div>never closed</div>')
    assert without_excluded(page) == (
        '<h4 id="s">Step</h4><ul><li>Who: Nurse</li><li>Lane: Backstage</li></ul><p>Fix: call back</p>'
        '<div data-search-excluded>kept</div><!-- <li data-search-exclude> --><ul><li>z</li></ul>'
        '<div data-search-exclude><div>never closed</div>')   # left for Pagefind's own skipping
    assert without_excluded("<p>plain</p>") == "<p>plain</p>"


def test_a_searchable_page_escapes_its_title_once_and_names_its_url():
    from blueprintgen.site.search import page_url, searchable_page

    # MkDocs gives a page's title as HTML, with character references.
    page = searchable_page("en", "Hearing&#45;aid &amp; <b>co</b>", "<p>x</p>", page_url("blueprints/a/index.html"))
    assert "<title>Hearing-aid &amp; &lt;b&gt;co&lt;/b&gt;</title>" in page
    assert 'data-pagefind-meta="url:blueprints/a/"' in page
    assert (page_url("index.html"), page_url("blueprints/all.html")) == ("./", "blueprints/all.html")
    # A page across blueprints is marked: Pagefind skips its tables and its links to other pages.
    assert "data-bpg-overview" in searchable_page("en", "Owners", "<p>x</p>", "blueprints/owners/", overview=True)
    assert "data-bpg-overview" not in page


def test_pagefind_runs_as_the_binary_its_package_would_choose():
    from pagefind.service import _must_get_executable

    from blueprintgen.site.search import _pagefind

    assert _pagefind() == [str(_must_get_executable().resolve())]



# -- Pagefind failing, stopped or killed ---------------------------------------------------------

FAKE_PAGEFIND = """\
#!/bin/sh
echo $$ > "$MARKS/$$.pid"
$BODY
"""


def fake_pagefind(folder: Path, body: str) -> tuple[Path, Path]:
    """A Pagefind program that runs `body` (sh) and marks its process id; (program, marks folder)."""
    marks = folder / "pagefind-marks"
    marks.mkdir()
    program = folder / "fake-pagefind"
    program.write_text(FAKE_PAGEFIND.replace("$MARKS", str(marks)).replace("$BODY", body))
    program.chmod(0o755)
    return program, marks


BUILD_WITH_PAGEFIND = """\
import sys
import blueprintgen.site.search
program = sys.argv[1]
blueprintgen.site.search._pagefind = lambda: [program]
from blueprintgen.cli import main
sys.argv = ["blueprintgen", "build", "-q"]
main()
"""


@pytest.mark.slow
@posix_only
@needs_graphviz
def test_a_failing_pagefind_fails_the_build_with_its_message_and_keeps_the_site(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    assert run("build", "-q", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path / "site")
    (tmp_path / "blueprints" / "ortho-shoes-prescription.yaml").write_text(
        (tmp_path / "blueprints" / "ortho-shoes-prescription.yaml").read_text().replace("title: ", "title: New ", 1))
    program, _ = fake_pagefind(tmp_path, "echo 'Error: the index is on fire' >&2; exit 3")
    failed = subprocess.run([sys.executable, "-c", BUILD_WITH_PAGEFIND, str(program)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "Pagefind could not index" in failed.stderr and "Error: the index is on fire" in failed.stderr
    assert failed.stderr.endswith("build stopped; site/ left as it was\n"), failed.stderr
    assert snapshot(tmp_path / "site") == before
    assert work_folders(tmp_path) == []


@pytest.mark.slow
@posix_only
@needs_graphviz
def test_sigterm_while_pagefind_indexes_stops_it_and_keeps_the_site(tmp_path):
    project(tmp_path)
    assert run("build", "-q", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path / "site")
    shutil.rmtree(tmp_path / ".cache")   # so the index is made again
    program, marks = fake_pagefind(tmp_path, "sleep 120")
    build = subprocess.Popen([sys.executable, "-c", BUILD_WITH_PAGEFIND, str(program)], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "HOME": str(tmp_path)})
    try:
        wait_until(lambda: pids(marks), what="Pagefind starting")
        # Pagefind reads pages the build wrote inside its work folder, not the site.
        [source] = list(tmp_path.glob(".site.building-*/.pagefind-pages"))
        assert list(source.glob("*/*.html"))   # a folder of each part's pages
        build.send_signal(signal.SIGTERM)
        stdout, stderr = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 1 and stderr.endswith("build stopped (interrupted); site/ left as it was\n"), stderr
    wait_until(lambda: not [pid for pid in pids(marks) if alive(pid)], seconds=10, what="Pagefind stopped")
    assert snapshot(tmp_path / "site") == before
    assert work_folders(tmp_path) == []


@pytest.mark.slow
@posix_only
@needs_graphviz
def test_a_pagefind_that_exits_0_with_an_incomplete_index_fails_the_build_and_caches_nothing(tmp_path):
    # As Pagefind does on a full disk: it exits 0, leaving empty files.
    project(tmp_path, "ortho-shoes-prescription")
    assert run("build", "-q", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path / "site")
    shutil.rmtree(tmp_path / ".cache")   # so the index is made again
    program, _ = fake_pagefind(tmp_path, """\
        while [ $# -gt 0 ]; do [ "$1" = --output-path ] && out=$2; shift; done
        mkdir -p "$out/fragment"; : > "$out/pagefind-entry.json"; : > "$out/fragment/a.pf_fragment"
        """)
    failed = subprocess.run([sys.executable, "-c", BUILD_WITH_PAGEFIND, str(program)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr[-1500:]
    assert "Pagefind wrote an incomplete search index: its pagefind-entry.json cannot be read" in failed.stderr
    assert snapshot(tmp_path / "site") == before and work_folders(tmp_path) == []
    assert not list((tmp_path / ".cache" / "blueprintgen" / "search").glob("*"))   # nothing cached, no temporary


@pytest.mark.slow
@posix_only
@needs_graphviz
def test_the_pagefind_of_a_build_killed_outright_is_stopped_by_the_next_build(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    assert run("build", "-q", cwd=tmp_path).returncode == 0
    # Only the search index is made again: with the diagrams cached no drawing process is forked,
    # which (dying a moment after the build) would still hold the work folder's lock when the next
    # build looks, so that build would rightly leave the folder, and its Pagefind, to a later one.
    shutil.rmtree(tmp_path / ".cache" / "blueprintgen" / "search")
    program, marks = fake_pagefind(tmp_path, f'exec "{sys.executable}" -c "import time; time.sleep(120)" pagefind\n')
    build = subprocess.Popen([sys.executable, "-c", BUILD_WITH_PAGEFIND, str(program)], cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "HOME": str(tmp_path)})
    try:
        wait_until(lambda: pids(marks), what="Pagefind starting")
        [left] = pids(marks)
        wait_until(lambda: list(tmp_path.glob(".site.building-*/.pagefind-pages/pagefind.pid")), what="its pid noted")
        build.kill()   # SIGKILL: no chance to stop Pagefind
        build.wait(timeout=30)
        assert alive(left) and work_folders(tmp_path)
        again = run("build", "-q", cwd=tmp_path)   # removes the leftovers, stopping that Pagefind first
        assert again.returncode == 0, again.stderr
        wait_until(lambda: not alive(left), seconds=10, what="the left-over Pagefind stopping")
        assert work_folders(tmp_path) == []
    finally:
        for pid in pids(marks):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_search_index_that_cannot_be_cached_leaves_no_temporary_file(tmp_path):
    import blueprintgen.site.search_cache as search_cache

    bundle = tmp_path / "bundle"
    (bundle / "fragment").mkdir(parents=True)
    (bundle / "pagefind-entry.json").write_text('{"version": "1", "languages": {"en": {}}}')
    (bundle / "fragment" / "a.pf_fragment").write_bytes(b"x")
    cache = tmp_path / "cache"
    (cache / ("k" * 64 + ".zip")).mkdir(parents=True)   # where the archive goes is a folder
    search_cache.store(str(bundle), str(cache), "k" * 64)
    assert sorted(p.name for p in cache.iterdir()) == ["k" * 64 + ".zip"]
    # A cached archive that is not a whole bundle is not used.
    (cache / ("k" * 64 + ".zip")).rmdir()
    (bundle / "fragment" / "a.pf_fragment").write_bytes(b"")
    search_cache.store(str(bundle), str(cache), "k" * 64)
    assert not search_cache.copy_cached(str(cache / ("k" * 64)), str(tmp_path / "unpacked"))
    assert not (tmp_path / "unpacked").exists()


@posix_only
def test_a_pagefind_that_crashes_is_named_with_its_signal_and_what_to_do(tmp_path, monkeypatch):
    import blueprintgen.site.search as search

    program, _ = fake_pagefind(tmp_path, "kill -SEGV $$\n")
    monkeypatch.setattr(search, "_pagefind", lambda: [str(program)])
    indexing = search.Indexing(str(tmp_path / ".site.building-x"), timeout=60)
    indexing.add("blueprints/a/index.html", "A", "<h1>A</h1>")
    indexing.start()
    with pytest.raises(search.SearchIndexError) as raised:
        indexing.wait()
    message = str(raised.value)
    assert message.startswith("Pagefind could not index the site's pages: it was ended by SIGSEGV; build again")
    assert "pip install --force-reinstall 'pagefind[bin]'" in message and ".site.building" not in message


@pytest.mark.slow
def test_pagefind_over_its_time_is_stopped_and_its_pages_removed(tmp_path, monkeypatch):
    import blueprintgen.site.search as search

    program, marks = fake_pagefind(tmp_path, "sleep 120")
    monkeypatch.setattr(search, "_pagefind", lambda: [str(program)])
    site = tmp_path / "site"
    indexing = search.Indexing(str(site), timeout=1)
    indexing.add("blueprints/a/index.html", "A <b>", "<h1>A</h1><p>voicemail</p>")
    indexing.start()
    wait_until(lambda: pids(marks), what="Pagefind starting")
    page = (site / search.SOURCE / "primary" / "0.html").read_text()   # what Pagefind reads (no overview
    # pages: every page is in the primary bundle)
    assert '<html lang="en">' in page and "<title>A &lt;b&gt;</title>" in page
    assert 'data-pagefind-meta="url:blueprints/a/"' in page
    with pytest.raises(search.SearchIndexError, match="Pagefind took longer than 1s"):
        indexing.wait()
    assert not [pid for pid in pids(marks) if alive(pid)]
    assert not (site / search.SOURCE).exists()



@pytest.mark.slow
def test_the_search_box_knows_every_team_tag_and_rule_page_by_name(example_site):
    """The names the search box shows above Pagefind's results (named.py, blueprintgen.js): every team,
    tag and rule page, each link leading to a page that was built."""
    import html as html_module

    page = (example_site / "index.html").read_text()
    match = re.search(r'id="bpg-search" data-names="([^"]*)"', page)
    assert match, "the dashboard's search box carries no names"
    named = json.loads(html_module.unescape(match.group(1)))
    kinds = {kind for kind, _, _ in named}
    assert kinds == {"Team", "Tag", "Rule"}, kinds
    assert ["Team", "Store", "blueprints/owners/team-store-0d8a70/"] in named
    assert ["Rule", "context-lost", "blueprints/breaks/context-lost/"] in named
    for _, name, href in named:
        assert (example_site / href / "index.html").is_file(), (name, href)
    team_pages = list((example_site / "blueprints" / "owners").glob("*/index.html"))
    assert len([kind for kind, _, _ in named if kind == "Team"]) == len(team_pages) > 10
