"""`blueprintgen serve`: the live preview. It says in one line why it cannot start (outside a
project, an address in use, a folder name that is not UTF-8), survives a half-typed blueprint,
goes on rebuilding when the blueprint folder goes away and comes back, and a rebuild loads,
analyses and draws only what was saved."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from helpers import CLI, blueprintgen, needs_graphviz, project, run, wait_until


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _page(url: str) -> str:
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(url: str, predicate, seconds: float = 30.0) -> str:
    import time
    import urllib.request
    deadline = time.monotonic() + seconds
    body = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body = response.read().decode("utf-8")
            if predicate(body):
                return body
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never satisfied the condition; last body: {body[:300]}")


def test_serve_outside_a_project_is_a_usage_error_like_the_other_commands(tmp_path):
    result = run("serve", "-a", "127.0.0.1:0", cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert result.stderr.endswith("Error: there is no blueprints/ folder; give the blueprint folder with --blueprints\n")


@pytest.mark.slow
def test_serve_on_an_address_in_use_says_so_in_one_line(tmp_path):
    import socket
    folder = project(tmp_path, blueprints="blue prints ✓")   # it goes into the preview's config as a YAML string
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        result = blueprintgen("serve", "--blueprints", folder, "-a", address, cwd=tmp_path, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-1500:]
    assert f"Error: cannot serve on {address}: Address already in use; choose another address with -a" \
        in result.stderr


def test_serve_of_a_folder_whose_name_is_not_utf8_says_so(tmp_path):
    folder = os.fsdecode(bytes(tmp_path) + b"/bp\xff")
    os.mkdir(folder)
    result = blueprintgen("serve", "--blueprints", folder, "-a", f"127.0.0.1:{_free_port()}", cwd=tmp_path,
                          timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-1500:]
    assert "is not valid UTF-8; rename the folder" in result.stderr


@pytest.mark.slow
def test_serve_survives_a_half_typed_blueprint_and_recovers(tmp_path):
    folder = project(tmp_path)
    port = _free_port()
    server = subprocess.Popen([*CLI, "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        home = f"http://127.0.0.1:{port}/"
        _wait_for(home, lambda body: "bpg-card" in body)
        (folder / "half.yaml").write_text("title: Half\nsteps: [\n")
        body = _wait_for(home, lambda body: "problem(s) in the blueprints" in body)
        assert "half.yaml:3:1: error: YAML syntax error" in body   # the positioned error, as text
        (folder / "half.yaml").write_text("title: Half\nsteps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
        _wait_for(home, lambda body: "problem(s) in the blueprints" not in body and "Half" in body)
        assert server.poll() is None                          # still serving
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "half.yaml:3:1: error: YAML syntax error" in output
    # Only the blueprint that changed is drawn again; the others come from the cache.
    assert "7 blueprint(s): 7 diagram(s) drawn, 0 from the cache" in output
    assert "8 blueprint(s): 1 diagram(s) drawn, 7 from the cache" in output


@pytest.mark.slow
@needs_graphviz
def test_serve_goes_on_rebuilding_after_the_blueprint_folder_is_removed_and_put_back(tmp_path):
    blueprints = project(tmp_path, "ortho-shoes-prescription", "double-charge-refund")
    port = _free_port()
    home = f"http://127.0.0.1:{port}/"
    watch_folders = set(Path(tempfile.gettempdir()).glob("blueprintgen-watch-*"))
    server = subprocess.Popen([*CLI, "serve", "-a", f"127.0.0.1:{port}"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: "Double charge" in _page(home), what="the first build being served")
        blueprints.rename(tmp_path / "elsewhere")                          # mv blueprints elsewhere
        wait_until(lambda: "the blueprint folder does not exist" in _page(home), what="the folder's absence shown")
        assert "Double charge" not in _page(home)                          # nothing deleted is served
        (tmp_path / "elsewhere").rename(blueprints)                         # and back
        wait_until(lambda: "Double charge" in _page(home), what="the folder's return")
        shutil.rmtree(blueprints)                                           # git checkout: a new folder
        wait_until(lambda: "Double charge" not in _page(home), what="the deletion shown")
        project(tmp_path, "ortho-shoes-prescription")
        shoes = blueprints / "ortho-shoes-prescription.yaml"
        wait_until(lambda: "does not exist" not in _page(home), what="the new folder's build")
        shoes.write_text(shoes.read_text().replace("title: ", "title: Watched ", 1))
        wait_until(lambda: "Watched" in _page(home), what="an edit in the new folder rebuilding")
        assert server.poll() is None
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert f"the blueprint folder {blueprints} is gone; the preview shows no blueprints until it is back" in output
    assert f"the blueprint folder {blueprints} is there again; watching it" in output
    assert set(Path(tempfile.gettempdir()).glob("blueprintgen-watch-*")) <= watch_folders   # ours is removed


def test_a_live_preview_loads_and_analyses_only_the_saved_blueprint_again(tmp_path, monkeypatch):
    import blueprintgen.loader as loader
    import blueprintgen.site.generate as site
    from blueprintgen.settings import Settings

    project(tmp_path)
    monkeypatch.chdir(tmp_path)
    import blueprintgen.site.preview as kept_in_memory

    for kept in ("_PREVIEW_FILES", "_PREVIEW_ANALYSES", "_PREVIEW_PAGE_KEYS"):
        monkeypatch.setattr(site, kept, {})   # module state, kept between a preview's rebuilds
    monkeypatch.setattr(kept_in_memory, "_DIAGRAMS", {})
    monkeypatch.setattr(kept_in_memory, "_GOOD", {})
    monkeypatch.setattr(kept_in_memory, "_PORTFOLIO", {"made_from": None, "pages": None, "deferred": False})
    loads, analyses = [], []
    real_load, real_analyse = loader.load_bytes, kept_in_memory.analyse
    monkeypatch.setattr(loader, "load_bytes", lambda data, name, *rest: loads.append(name) or real_load(data, name, *rest))
    monkeypatch.setattr(kept_in_memory, "analyse", lambda b, *rest: analyses.append(b.id) or real_analyse(b, *rest))

    def preview():
        return site.generate(Settings(), "blueprints", set(), preview=True)

    first = preview()
    assert len(loads) == 7 and len(analyses) == 7
    shoes = tmp_path / "blueprints" / "ortho-shoes-prescription.yaml"
    shoes.write_text(shoes.read_text().replace("title: ", "title: Changed ", 1))
    loads.clear(), analyses.clear()
    made, stored_reads = [], []
    real_page, real_stored = kept_in_memory.blueprint_page, kept_in_memory.load_page
    monkeypatch.setattr(kept_in_memory, "blueprint_page", lambda a, *rest: made.append(a.blueprint.id) or real_page(a, *rest))
    monkeypatch.setattr(kept_in_memory, "load_page", lambda *args: stored_reads.append(1) or real_stored(*args))
    second = preview()
    assert loads == ["blueprints/ortho-shoes-prescription.yaml"] and analyses == ["ortho-shoes-prescription"]
    # Unchanged pages come from memory; the page cache is not read again on a rebuild.
    assert made == ["ortho-shoes-prescription"] and stored_reads == []
    # The saved blueprint's page at once; the portfolio pages are the last rebuild's, made in the next.
    full = site.generate(Settings(), "blueprints", set())
    page = "blueprints/ortho-shoes-prescription.md"
    assert second.deferred and second.files[page] == full.files[page] != first.files[page]
    portfolio = [path for path in full.pages if path not in full.blueprint_pages and full.pages[path] != first.pages[path]]
    assert portfolio and all(second.pages[path] == first.pages[path] for path in portfolio)
    loads.clear()
    third = preview()   # the rebuild that follows: nothing loaded again, the portfolio pages made
    assert not third.deferred and loads == []
    # The same pages as a build that loads and analyses everything.
    assert third.files == full.files and third.pages == full.pages
    assert {f"blueprints/{a.blueprint.id}.md" for a in third.analyses} == full.blueprint_pages and full.count == 7


def test_a_live_preview_keeps_the_themes_compiled_templates_until_they_change():
    from jinja2 import DictLoader, Environment

    from blueprintgen.site.plugin import KeptTemplates

    kept = KeptTemplates()
    Environment(loader=DictLoader({"page.html": "<p>{{ x }}</p>"}), bytecode_cache=kept).get_template("page.html")
    assert len(kept.compiled) == 1

    class NoCompiling(Environment):
        def compile(self, *args, **kwargs):
            raise AssertionError("a kept template was compiled again")

    again = NoCompiling(loader=DictLoader({"page.html": "<p>{{ x }}</p>"}), bytecode_cache=kept)
    assert again.get_template("page.html").render(x="<b>") == "<p><b></p>"
    edited = Environment(loader=DictLoader({"page.html": "<i>{{ x }}</i>"}), bytecode_cache=kept)
    assert edited.get_template("page.html").render(x=1) == "<i>1</i>"

