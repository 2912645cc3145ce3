"""The site build: real MkDocs + Material + Graphviz; atomic output, plugin, determinism, nav size."""

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from blueprint_factory import blueprint_yaml
from clirun import invoke
from helpers import EXAMPLES, ROOT, project, snapshot


def build(*args, cwd: Path = ROOT):
    """Run `blueprintgen build` in `cwd`."""
    return invoke("build", *args, cwd=cwd)


def _entry_data(path: Path):
    """A whole-build cache entry's JSON (its first line is the sha256 of the rest)."""
    return json.loads(path.read_text().split("\n", 1)[1])


def _write_entry(path: Path, data) -> None:
    """Write an entry as blueprintgen seals it, so what is tested is what lies inside the seal."""
    body = json.dumps(data, sort_keys=True)
    path.write_text(hashlib.sha256(body.encode()).hexdigest() + "\n" + body)


@pytest.mark.slow
def test_example_site_has_every_page(example_site):
    ids = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
    for page in ["index.html", "blueprints/breaks/index.html", "blueprints/owners/index.html",
                 "blueprints/tags/index.html", "rules/index.html", "format/index.html", ".blueprintgen-site"]:
        assert (example_site / page).is_file(), page
    for blueprint_id in ids:
        page = (example_site / "blueprints" / blueprint_id / "index.html").read_text()
        assert f'<img class="bpg-diagram-file" src="../diagrams/{blueprint_id}.svg"' in page
        assert 'class="node step' not in page   # the viewer loads the SVG: it never weighs on the page
        assert f'id="blueprint-{blueprint_id}"' in page
        assert (example_site / "blueprints" / "diagrams" / f"{blueprint_id}.svg").is_file()
    home = (example_site / "index.html").read_text()
    assert all(f'href="blueprints/{blueprint_id}/"' in home for blueprint_id in ids)


@pytest.mark.slow
def test_to_be_and_as_is_link_each_other_and_show_removed_breaks(example_site):
    to_be = (example_site / "blueprints" / "double-charge-refund-to-be" / "index.html").read_text()
    as_is = (example_site / "blueprints" / "double-charge-refund" / "index.html").read_text()
    assert 'href="../double-charge-refund/"' in to_be and "What this redesign removes" in to_be
    assert "removes 12 of the 12 breaks" in to_be   # long-silence: four weeks waiting for the refund
    assert 'href="../double-charge-refund-to-be/"' in as_is


@pytest.mark.slow
def test_invalid_blueprint_stops_the_build_and_keeps_the_previous_site(tmp_path):
    folder = project(tmp_path)
    out = tmp_path / "site"
    assert build("--blueprints", folder, "-o", out).exit_code == 0
    before = snapshot(out)
    broken = folder / "double-charge-refund.yaml"
    broken.write_text(broken.read_text().replace("lane: customer", "lane: custome", 1))
    result = build("--blueprints", folder, "-o", out)
    assert result.exit_code == 1
    assert f"{folder}/double-charge-refund.yaml:" in result.output
    assert "is not one of: customer, frontstage, backstage, support (hint: did you mean 'customer'?)" in result.output
    assert "Traceback" not in result.output
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blueprints", "site"]  # no staging left behind


@pytest.mark.slow
def test_strict_fails_on_gated_findings_and_keeps_the_previous_site(tmp_path):
    """--strict follows the gate: the as-is examples' breaks pass, a broken to-be design fails."""
    folder = project(tmp_path)
    out = tmp_path / "site"
    out.mkdir()
    (out / ".blueprintgen-site").write_text("old\n")
    result = build("--strict", "--blueprints", folder, "-o", out)
    assert result.exit_code == 0, result.output               # only as-is findings: documentation
    out_snapshot = snapshot(out)
    to_be = folder / "double-charge-refund-to-be.yaml"
    to_be.write_text(to_be.read_text().replace("    end: resolved\n", "", 1))
    result = build("--strict", "--blueprints", folder, "-o", out)
    assert result.exit_code == 1
    assert "double-charge-refund-to-be.yaml" in result.output and " high dead-end: " in result.output
    assert "findings that fail the gate" in result.output
    assert snapshot(out) == out_snapshot


def test_refuses_to_replace_a_folder_it_did_not_build(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    result = build("-o", out)
    assert result.exit_code == 1
    assert "was not built by blueprintgen; refusing to replace it" in result.output
    assert (out / "precious.txt").read_text() == "keep me"


@pytest.mark.slow
def test_two_builds_are_identical(tmp_path, example_site):
    again = tmp_path / "again"
    assert build("-o", again).exit_code == 0
    assert snapshot(again) == snapshot(example_site)


@pytest.mark.slow
def test_embedded_configuration_without_mkdocs_yml(tmp_path):
    project(tmp_path)
    result = build(cwd=tmp_path)
    assert result.exit_code == 0, result.output
    home = (tmp_path / "site" / "index.html").read_text()
    assert "Service blueprints" in home and "bpg-card" in home
    assert (tmp_path / "site" / "blueprints" / "rules" / "index.html").is_file()  # generated rules page
    assert "fonts.googleapis.com" not in home   # nothing fetched when viewed


@pytest.mark.slow
def test_plugin_in_a_plain_mkdocs_project(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Our team site\n\nWelcome to our handbook.\n")
    project(tmp_path, "double-charge-refund", "double-charge-refund-to-be")
    (tmp_path / "mkdocs.yml").write_text("site_name: Team\ntheme:\n  name: material\n  font: false\n"
                                         "plugins:\n  - search\n  - blueprints\n")
    completed = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path,
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    site = tmp_path / "site"
    assert "Welcome to our handbook" in (site / "index.html").read_text()
    dashboard = (site / "blueprints" / "index.html").read_text()
    assert 'href="../double-charge-refund/"' in dashboard or 'href="double-charge-refund/"' in dashboard
    assert (site / "blueprints" / "double-charge-refund" / "index.html").is_file()
    # Blueprint pages are kept out of the nav: reached from the dashboard instead.
    assert "Double charge refund that never arrives" not in (site / "index.html").read_text()


@pytest.mark.slow
def test_plugin_reports_invalid_blueprints_as_a_build_error(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "blueprints").mkdir()
    (tmp_path / "blueprints" / "bad.yaml").write_text("title: T\nsteps:\n  - {id: a, lane: nowhere, action: x}\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: Team\nplugins:\n  - blueprints\n")
    completed = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path, capture_output=True, text=True)
    assert completed.returncode == 1
    assert ("blueprints/bad.yaml:3:19: error: steps[0].lane 'nowhere' is not one of: "
            "customer, frontstage, backstage, support\n") in completed.stderr
    assert "Traceback" not in completed.stderr


def _site_of(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / f"n{count}"
    (folder / "blueprints").mkdir(parents=True)
    for index in range(count):
        (folder / "blueprints" / f"b{index:04d}.yaml").write_text(blueprint_yaml(steps=12, seed=index, branching=0.2,
                                                                                     blueprint_id=f"b{index:04d}"))
    assert build(cwd=folder).exit_code == 0
    return folder / "site"


@pytest.mark.slow
def test_a_blueprint_page_does_not_grow_with_the_number_of_blueprints(tmp_path):
    small, large = _site_of(tmp_path, 3), _site_of(tmp_path, 60)
    page = Path("blueprints/b0000/index.html")
    assert (large / page).stat().st_size <= 1.25 * (small / page).stat().st_size


@pytest.mark.slow
def test_progress_is_plain_lines_without_a_terminal_and_silent_with_quiet(tmp_path):
    result = build("-o", tmp_path / "a")
    assert result.exit_code == 0
    assert "blueprints validated: 7/7\n" in result.stderr
    assert "diagrams ready (" in result.stderr
    assert re.search(r"^pages built: (\d+)/\1$", result.stderr, re.M)
    assert "\r" not in result.stderr
    quiet = build("-q", "-o", tmp_path / "b")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_progress_rewrites_one_line_on_a_terminal():
    import io
    from blueprintgen.progress import Progress
    stream = io.StringIO()
    progress = Progress(stream, tty=True)
    for done in range(1, 4):
        progress("diagrams rendered", done, 3)
    assert stream.getvalue().startswith("\r\x1b[2Kdiagrams rendered: 1/3")
    assert stream.getvalue().endswith("\r\x1b[2Kdiagrams rendered: 3/3\n")


def test_progress_shows_a_bar_and_the_time_left_on_a_terminal_and_lines_every_few_seconds_in_a_log(monkeypatch):
    import io
    from blueprintgen.progress import Progress
    now = [100.0]
    terminal = io.StringIO()
    progress = Progress(terminal, tty=True, clock=lambda: now[0])
    progress("pages read", 0, 200)
    now[0] += 10
    progress("pages read", 50, 200)   # 10 s for 50: 30 s for the 150 left
    assert terminal.getvalue().endswith("\r\x1b[2Kpages read: 50/200 [#####---------------], about 30 s left")
    log = io.StringIO()
    progress = Progress(log, tty=False, clock=lambda: now[0])
    for done in range(0, 201, 10):   # 21 calls, 1 s apart: a line every 5 s (the last is the end)
        progress("pages read", done, 200)
        now[0] += 1
    lines = log.getvalue().splitlines()
    assert lines[0] == "pages read: 50/200, about 15 s left" and lines[-1] == "pages read: 200/200"
    assert len(lines) == 4 and "\x1b" not in log.getvalue() and "\r" not in log.getvalue()
    monkeypatch.setenv("TERM", "dumb")
    class Terminal(io.StringIO):
        def isatty(self):
            return True
    dumb = Progress(Terminal(), clock=lambda: now[0])
    assert dumb.tty is False   # no cursor control on a dumb terminal: plain lines


@pytest.mark.slow
def test_a_diagram_that_takes_too_long_fails_the_build_and_keeps_the_site(tmp_path, monkeypatch):
    import stat
    import blueprintgen.graphviz as render_module

    # A Graphviz that never finishes: a tiny timeout on the real one is a race under load
    # (a small diagram can finish before the waiting thread is scheduled again).
    slow = tmp_path / "slow-graphviz"
    slow.write_text('#!/bin/sh\n[ "$1" = -V ] && { echo "neato - graphviz version slow" >&2; exit 0; }\nexec sleep 30\n')
    slow.chmod(slow.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(render_module, "PROGRAM", str(slow))
    project(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: S\ntheme: {name: material, font: false}\n"
                                         "plugins:\n  - blueprints:\n      dot_timeout: 0.2\n")
    out = tmp_path / "site"
    out.mkdir()
    (out / ".blueprintgen-site").write_text("previous\n")
    result = build(cwd=tmp_path)
    assert result.exit_code == 1
    assert "diagram of blueprint 'beauty-store-headset-help' failed: " in result.output
    assert "timed out after 0.2 s" in result.output
    assert result.output.count("failed: ") == 7           # every diagram was tried
    assert snapshot(out) == {".blueprintgen-site": hashlib.sha256(b"previous\n").hexdigest()}


@pytest.mark.slow
def test_disk_errors_become_one_clear_line(tmp_path, monkeypatch):
    import blueprintgen.site.mkdocs as site

    def full_disk(staging, out):
        raise OSError(28, "No space left on device", str(out))

    monkeypatch.setattr(site, "swap", full_disk)
    out = tmp_path / "site"
    result = build("-o", out)
    assert result.exit_code == 1
    assert f"cannot write the site: No space left on device ({out})" in result.output
    assert "Traceback" not in result.output and not out.exists()
    assert list(tmp_path.iterdir()) == []                  # the staging folder is gone too


@pytest.mark.slow
def test_warm_build_draws_nothing_and_one_change_draws_one(tmp_path, monkeypatch):
    project(tmp_path)
    cold = build("-o", "site", cwd=tmp_path)
    assert cold.exit_code == 0, cold.output
    assert "diagrams ready (7 drawn, 0 from cache)" in cold.stderr
    first = snapshot(tmp_path / "site")
    import blueprintgen.site.incremental

    def no_dot(*args):
        raise AssertionError("an unchanged diagram's DOT was made again")

    with monkeypatch.context() as patch:
        patch.setattr(blueprintgen.site.incremental, "blueprint_dot", no_dot)
        warm = build("-o", "site", cwd=tmp_path)
    assert warm.exit_code == 0, warm.output
    assert "diagrams ready (0 drawn, 7 from cache)" in warm.stderr
    assert snapshot(tmp_path / "site") == first
    shoes = tmp_path / "blueprints" / "ortho-shoes-prescription.yaml"
    shoes.write_text(shoes.read_text().replace("title: ", "title: Changed ", 1))
    changed = build("-o", "site", cwd=tmp_path)
    assert "diagrams ready (1 drawn, 6 from cache)" in changed.stderr


def _counting(patch, module, name: str, made: list) -> None:
    """`module.name` still works, and notes the id of the blueprint (or file) it was called for in `made`."""
    real = getattr(module, name)

    def counted(first, *rest, **kwargs):
        blueprint = getattr(first, "blueprint", first)   # an analysis, a blueprint, or bytes and a file name
        made.append(blueprint.id if hasattr(blueprint, "id") else rest[0])
        return real(first, *rest, **kwargs)
    patch.setattr(module, name, counted)


@pytest.mark.slow
def test_warm_build_makes_no_blueprint_page_again_and_a_bad_cache_entry_is_a_miss(tmp_path, monkeypatch):
    import blueprintgen.site.incremental

    project(tmp_path)
    assert build("-o", "site", cwd=tmp_path).exit_code == 0
    first = snapshot(tmp_path / "site")
    cache = tmp_path / ".cache" / "blueprintgen"
    # Each blueprint page is kept on its own, by its key; the whole-build entry names them.
    [entry] = list((cache / "generated").glob("*.json"))
    keys = _entry_data(entry)["page_keys"]
    assert len(keys) == 7 and set(keys.values()) <= {p.stem for p in (cache / "pages").glob("*.json")}
    made = []
    shoes = tmp_path / "blueprints" / "ortho-shoes-prescription.yaml"
    # One blueprint changed (the whole-build entry misses): its page alone is made again.
    shoes.write_text(shoes.read_text().replace("title: ", "title: Changed ", 1))
    with monkeypatch.context() as patch:
        _counting(patch, blueprintgen.site.incremental, "blueprint_page", made)
        assert build("-o", "site", cwd=tmp_path).exit_code == 0
    assert made == ["ortho-shoes-prescription"]
    assert "Changed" in (tmp_path / "site" / "blueprints" / "ortho-shoes-prescription" / "index.html").read_text()
    # A damaged page file (cut short, one byte changed, not a page) is a miss: that page is made again.
    [entry] = sorted((cache / "generated").glob("*.json"), key=lambda path: path.stat().st_mtime)[-1:]
    keys = _entry_data(entry)["page_keys"]
    broken = sorted(keys)[0]
    page_file = cache / "pages" / f"{keys[broken]}.json"
    shoes.write_text(shoes.read_text().replace("title: Changed ", "title: Changed again ", 1))
    for damage in (page_file.read_text()[:-20], page_file.read_text().replace("a", "b", 1)):
        page_file.write_text(damage)
        made.clear()
        with monkeypatch.context() as patch:
            _counting(patch, blueprintgen.site.incremental, "blueprint_page", made)
            assert build("-o", "site", cwd=tmp_path).exit_code == 0
        broken_id = broken.rsplit("/", 1)[1].removesuffix(".md")
        assert broken_id in made, damage[:80]
        shoes.write_text(shoes.read_text().replace("title: Changed", "title: Changed more", 1))
    _write_entry(page_file, {"not": "a page"})
    shutil.rmtree(cache / "generated")
    assert build("-o", "site", cwd=tmp_path).exit_code == 0
    shutil.rmtree(tmp_path / "cold", ignore_errors=True)
    shutil.rmtree(cache)
    assert build("-o", "cold", cwd=tmp_path).exit_code == 0
    assert snapshot(tmp_path / "site") == snapshot(tmp_path / "cold")


@pytest.mark.slow
def test_a_build_after_one_change_loads_and_analyses_that_file_only(tmp_path, monkeypatch):
    import blueprintgen.site.survey

    project(tmp_path)
    assert build("-o", "site", cwd=tmp_path).exit_code == 0
    shoes = tmp_path / "blueprints" / "ortho-shoes-prescription.yaml"
    shoes.write_text(shoes.read_text().replace("title: ", "title: Changed ", 1))
    loaded, analysed = [], []
    with monkeypatch.context() as patch:
        _counting(patch, blueprintgen.site.survey, "load_bytes", loaded)
        _counting(patch, blueprintgen.site.survey, "analyse", analysed)
        result = build("-o", "site", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert loaded == ["blueprints/ortho-shoes-prescription.yaml"] and analysed == ["ortho-shoes-prescription"]
    assert "diagrams ready (1 drawn, 6 from cache)" in result.stderr
    # A records that is damaged is a miss: that file is loaded again, and the site is the same.
    records = sorted((tmp_path / ".cache" / "blueprintgen" / "records").glob("*.json"))
    assert len(records) >= 7
    for record in records:
        record.write_text(record.read_text().replace('"facts"', '"fact"'))
    shoes.write_text(shoes.read_text().replace("title: Changed ", "title: Changed again ", 1))
    loaded.clear()
    with monkeypatch.context() as patch:
        _counting(patch, blueprintgen.site.survey, "load_bytes", loaded)
        assert build("-o", "site", cwd=tmp_path).exit_code == 0
    assert len(loaded) == 7
    shutil.rmtree(tmp_path / ".cache")
    assert build("-o", "cold", cwd=tmp_path).exit_code == 0
    assert snapshot(tmp_path / "site") == snapshot(tmp_path / "cold")


@pytest.mark.slow
def test_a_build_with_nothing_changed_loads_and_analyses_nothing(tmp_path, monkeypatch):
    import blueprintgen.site.generate
    import blueprintgen.site.incremental
    import blueprintgen.site.survey

    project(tmp_path)
    assert build("-o", "site", cwd=tmp_path).exit_code == 0
    first = snapshot(tmp_path / "site")
    cache = tmp_path / ".cache" / "blueprintgen"
    [entry] = list((cache / "generated").glob("*.json"))

    def refuse(*args, **kwargs):
        raise AssertionError("an unchanged blueprint was loaded or analysed again")

    def nothing_again(patch):
        for module, name in ((blueprintgen.site.survey, "load_bytes"), (blueprintgen.site.survey, "analyse"),
                             (blueprintgen.site.incremental, "portfolio_from"),
                             (blueprintgen.site.generate, "render_many")):
            patch.setattr(module, name, refuse)

    with monkeypatch.context() as patch:
        nothing_again(patch)
        warm = build("-o", "site", cwd=tmp_path)
    assert warm.exit_code == 0, warm.output
    assert "blueprints validated: 7/7" in warm.stderr and "diagrams ready (0 drawn, 7 from cache)" in warm.stderr
    assert snapshot(tmp_path / "site") == first
    # A damaged entry, or a diagram it names that is gone or different, is a miss: all is made
    # again, and the site is the same.
    sealed = entry.read_text()
    middle = len(sealed) // 2 + sealed[len(sealed) // 2:].index('"') - 1   # a character inside a key or name
    changed_byte = sealed[:middle] + ("0" if sealed[middle] != "0" else "1") + sealed[middle + 1:]   # still JSON
    assert changed_byte != sealed
    for damage in ('{"pages": ', '[]', changed_byte):
        entry.write_text(damage)
        assert build("-o", "site", cwd=tmp_path).exit_code == 0
        assert snapshot(tmp_path / "site") == first
    for data in ({"pages": {"x": 1}}, []):   # sealed, but not an entry
        _write_entry(entry, data)
        assert build("-o", "site", cwd=tmp_path).exit_code == 0
        assert snapshot(tmp_path / "site") == first


@pytest.mark.slow
def test_emoji_titles_and_tags_and_a_tag_named_index_keep_their_pages(tmp_path):
    # An emoji was written as a JSON surrogate pair in the front matter, which YAML refuses:
    # MkDocs then dropped the front matter silently and showed it as page text. A tag named
    # `index` was written over the page that lists the tags.
    folder = tmp_path / "blueprints"
    folder.mkdir()
    text = blueprint_yaml(4, seed=3, title="Refund 🙂 at the till\u2028(late)", blueprint_id="refund")
    (folder / "refund.yaml").write_text(text.replace("\nsteps:", "\ntags: [\"🙂\", index, retail]\nsteps:", 1))
    result = build("--blueprints", folder, "-o", tmp_path / "site", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    site = tmp_path / "site" / "blueprints"
    page = (site / "refund" / "index.html").read_text()
    assert "<title>Refund 🙂 at the till\u2028&#40;late&#41; - " in page   # references: the browser shows ( )
    assert re.search(r"<h1[^>]*>Refund 🙂 at the till", page)
    assert "title:" not in re.sub(r"<[^>]+>", "", page)
    tags_index = (site / "tags" / "index.html").read_text()
    assert "Blueprints by tag" in tags_index
    links = set(re.findall(r'href="([a-z0-9][a-z0-9-]*)/"', tags_index))
    assert len(links) == 3 and "retail" in links and "index" not in links   # the tag `index` has its own page
    for name in links:
        tag_page = (site / "tags" / name / "index.html").read_text()
        assert "refund/" in tag_page and "All tags" in tag_page
    emoji = next(name for name in links if name not in ("retail",) and not name.startswith("index"))
    assert re.search(r"<title>🙂 - ", (site / "tags" / emoji / "index.html").read_text())


def test_a_tag_listed_twice_is_an_error_at_its_position(tmp_path):
    folder = tmp_path / "blueprints"
    folder.mkdir()
    text = blueprint_yaml(4, seed=3, blueprint_id="refund").replace("\nsteps:", "\ntags: [retail, retail]\nsteps:", 1)
    (folder / "refund.yaml").write_text(text)
    line = text.splitlines().index("tags: [retail, retail]") + 1
    result = invoke("validate", folder, cwd=tmp_path)
    assert result.exit_code == 1
    assert f"refund.yaml:{line}:16: error: duplicate tag 'retail' (hint: each tag appears once; remove this one)" \
        in result.output


@pytest.mark.slow
def test_a_blueprint_saved_during_a_build_never_gets_that_builds_pages(tmp_path, monkeypatch):
    # The CLI loads the blueprints, then the site is made from what it loaded. A file saved in
    # between must not have the old pages stored under the new bytes' key (the next build would
    # show the old text until something else changed).
    import blueprintgen.site.plugin

    folder = project(tmp_path)
    path = folder / "double-charge-refund.yaml"
    original = path.read_text()
    path.write_text(original.replace("title: ", "title: Loaded version of ", 1))
    real = blueprintgen.site.plugin.generate   # as the plugin calls it

    def saved_meanwhile(*args, **kwargs):
        path.write_text(original.replace("title: ", "title: Saved version of ", 1))
        return real(*args, **kwargs)

    monkeypatch.setattr(blueprintgen.site.plugin, "generate", saved_meanwhile)
    assert build("--blueprints", folder, "-o", tmp_path / "site", cwd=tmp_path).exit_code == 0
    page = tmp_path / "site" / "blueprints" / "double-charge-refund" / "index.html"
    assert "Loaded version of" in page.read_text()   # this build shows what it loaded and validated
    monkeypatch.setattr(blueprintgen.site.plugin, "generate", real)
    result = build("--blueprints", folder, "-o", tmp_path / "site", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "Saved version of" in page.read_text() and "Loaded version of" not in page.read_text()


@pytest.mark.slow
def test_a_to_be_page_follows_a_change_in_the_as_is_blueprint_it_redesigns(tmp_path):
    # The to-be page shows the as-is blueprint's opportunities; its page must be made again when
    # only the as-is file changes (the cached page was reused before).
    folder = project(tmp_path)
    assert build("--blueprints", folder, "-o", tmp_path / "site", cwd=tmp_path).exit_code == 0
    as_is = folder / "double-charge-refund.yaml"
    as_is.write_text(as_is.read_text().replace("Open a ticket or case for the double charge",
                                               "Open one shared case for the double charge", 1))
    assert build("--blueprints", folder, "-o", tmp_path / "site", cwd=tmp_path).exit_code == 0
    to_be = (tmp_path / "site" / "blueprints" / "double-charge-refund-to-be" / "index.html").read_text()
    assert "Open one shared case" in to_be and "Open a ticket or case" not in to_be
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copytree(folder, fresh / "blueprints")
    assert build("-o", "site", cwd=fresh).exit_code == 0   # the same bytes as a build with no cache
    assert (fresh / "site" / "blueprints" / "double-charge-refund-to-be" / "index.html").read_text() == to_be
