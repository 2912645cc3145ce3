"""A build after a change makes the same site as a build from nothing, whatever changed: one blueprint,
the blueprint a to-be redesigns, the settings, a page template or the tool's version; and a save
under `serve` shows on the open page, with only what it touched made again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import CLI, ROOT, blueprintgen, project, snapshot, wait_until

sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402

pytestmark = pytest.mark.slow

SETTINGS = """\
site_name: Service blueprints
theme:
  name: material
  font: false
plugins:
  - blueprints:
      chain_limit: {chain_limit}
"""


def _build(folder: Path, out: str = "site", env: dict | None = None) -> dict[str, str]:
    """`blueprintgen build -o out` in `folder` (with its cache); every file of the site and its sha256."""
    result = blueprintgen("build", "-o", out, cwd=folder, env=env, timeout=300)
    assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
    return snapshot(folder / out)


def _cold(folder: Path, env: dict | None = None) -> dict[str, str]:
    """The same files built from nothing: no cache, no earlier output."""
    shutil.rmtree(folder / ".cache", ignore_errors=True)
    shutil.rmtree(folder / "cold", ignore_errors=True)
    return _build(folder, "cold", env)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _page(folder: Path, blueprint_id: str, out: str = "site") -> str:
    return (folder / out / "blueprints" / blueprint_id / "index.html").read_text(encoding="utf-8")


def test_a_build_after_one_blueprint_changed_is_byte_for_byte_a_cold_build(tmp_path):
    blueprints = project(tmp_path)
    first = _build(tmp_path)
    _edit(blueprints / "ortho-shoes-prescription.yaml", "action: ", "action: Edited once. ")
    changed = _build(tmp_path)
    assert "Edited once." in _page(tmp_path, "ortho-shoes-prescription")
    assert changed != first
    assert changed == _cold(tmp_path)   # every file, the search index and sitemap too


def test_a_build_after_one_change_in_a_portfolio_with_long_lists_is_byte_for_byte_a_cold_build(tmp_path):
    """Long lists keep their rows past the first in "Show more" files; those without the changed
    blueprint's rows come from the cache, the others are made again."""
    generate.write_blueprints(str(tmp_path / "blueprints"), 60)
    first = _build(tmp_path)
    assert any("/rows-" in path for path in first)
    _edit(tmp_path / "blueprints" / f"{generate.blueprint_id(7)}.yaml", "title: '", "title: 'Edited ")
    changed = _build(tmp_path)
    shown = [path for path in changed if "/rows-" in path and changed[path] != first.get(path)]
    assert shown and len(shown) < sum(1 for path in changed if "/rows-" in path)
    assert changed == _cold(tmp_path)


def test_a_change_to_the_blueprint_a_to_be_redesigns_shows_on_the_to_be_page(tmp_path):
    blueprints = project(tmp_path)
    _build(tmp_path)
    assert "Renamed as-is" not in _page(tmp_path, "double-charge-refund-to-be")
    _edit(blueprints / "double-charge-refund.yaml", "title: ", "title: Renamed as-is ")
    changed = _build(tmp_path)
    # Only the as-is file changed; the to-be page names the blueprint it redesigns.
    assert "Renamed as-is" in _page(tmp_path, "double-charge-refund-to-be")
    assert changed == _cold(tmp_path)


def test_a_change_to_the_settings_makes_every_page_it_affects_again(tmp_path):
    project(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(SETTINGS.format(chain_limit=3), encoding="utf-8")
    before = _build(tmp_path)
    config.write_text(SETTINGS.format(chain_limit=1), encoding="utf-8")
    after = _build(tmp_path)
    changed = {path for path in after if before.get(path) != after[path]}
    # A lower limit finds more handoff chains: blueprint pages and the breaks pages change.
    assert any(path.startswith("blueprints/") and path.endswith("/index.html") for path in changed), changed
    assert after == _cold(tmp_path)


def _our_code_changed(tmp_path: Path, change) -> dict:
    """A copy of our package with `change(package)` made to it; the environment that runs the copy."""
    copy = tmp_path / "code"
    shutil.copytree(ROOT / "src" / "blueprintgen", copy / "blueprintgen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    change(copy / "blueprintgen")
    return {**os.environ, "PYTHONPATH": str(copy)}


def test_a_changed_page_template_makes_every_page_again(tmp_path):
    folder = tmp_path / "project"
    project(folder)
    _build(folder)

    def mark_template(package: Path):
        template = package / "site" / "templates" / "blueprint_head.html"
        template.write_text(template.read_text(encoding="utf-8") + "<!-- template edited -->\n", encoding="utf-8")
    env = _our_code_changed(tmp_path, mark_template)
    after = _build(folder, env=env)
    ids = sorted(path.stem for path in (folder / "blueprints").glob("*.yaml"))
    assert len(ids) == 7
    assert all("template edited" in _page(folder, blueprint_id) for blueprint_id in ids)
    assert after == _cold(folder, env)


def test_a_new_version_of_the_tool_reuses_nothing_the_old_one_made(tmp_path):
    folder = tmp_path / "project"
    project(folder)
    before = _build(folder)
    stored = set((folder / ".cache" / "blueprintgen" / "generated").iterdir())

    def new_version(package: Path):
        init = package / "__init__.py"
        text = init.read_text(encoding="utf-8")
        assert "__version__ = " in text
        init.write_text(text.replace("__version__ = ", "__version__ = '9.9.9' or ", 1), encoding="utf-8")
    env = _our_code_changed(tmp_path, new_version)
    after = _build(folder, env=env)
    # The new version stored its own build (it did not take the old one's), and made the same site.
    assert set((folder / ".cache" / "blueprintgen" / "generated").iterdir()) - stored
    assert after == before == _cold(folder, env)


def _preview_build(config_file: Path, site: Path, dirty: bool = True, start: bool = False) -> None:
    """One rebuild of a live preview, in this process, as `blueprintgen serve` makes it (MkDocs' own build;
    `start`: the server's first, which MkDocs starts the plugin for)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file), site_dir=str(site))
    config.site_url = "http://127.0.0.1:8000/"
    if start:
        config.plugins.on_startup(command="serve", dirty=dirty)
    build(config, serve_url=config.site_url, dirty=dirty)


def _times(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def test_a_preview_rebuild_writes_only_what_changed_and_equals_a_clean_one(tmp_path, monkeypatch):
    from blueprintgen.site.mkdocs import DEFAULT_CONFIG

    blueprints = project(tmp_path / "project")
    (tmp_path / "project" / "docs").mkdir()
    overrides = tmp_path / "project" / "overrides"
    overrides.mkdir()
    config = tmp_path / "project" / "mkdocs.yml"
    config.write_text(DEFAULT_CONFIG.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    monkeypatch.chdir(tmp_path / "project")
    site, clean = tmp_path / "served", tmp_path / "clean"
    try:
        _preview_build(config, site, start=True)
        before = _times(site)
        _edit(blueprints / "ortho-shoes-prescription.yaml", "action: ", "action: Previewed. ")
        (blueprints / "beauty-store-headset-help.yaml").unlink()
        _preview_build(config, site)
        after = _times(site)
        rewritten = {path for path in after if after[path] != before.get(path)}
        assert "blueprints/ortho-shoes-prescription/index.html" in rewritten
        assert "blueprints/double-charge-refund/index.html" not in rewritten   # untouched: not made again
        assert "blueprints/beauty-store-headset-help/index.html" not in after     # deleted: removed
        _preview_build(config, site)   # the rebuild that follows (serve asks for it): the portfolio pages
        (overrides / "main.html").write_text('{% extends "base.html" %}\n{% block content %}<p>overridden</p>'
                                             "{{ super() }}{% endblock %}\n")
        _preview_build(config, site)
        # A theme override changes every page: the untouched ones are made again too.
        assert "overridden" in (site / "blueprints" / "double-charge-refund" / "index.html").read_text()
        _preview_build(config, clean, dirty=False, start=True)
        assert snapshot(site) == snapshot(clean)   # the same site as a rebuild that makes everything
    finally:   # MkDocs keeps a plugin instance per process: the next test's build is not a preview
        from mkdocs.config import load_config

        load_config(config_file=str(config), site_dir=str(site)).plugins.on_startup(command="build", dirty=False)


def test_a_preview_with_a_search_plugin_renders_every_page_so_its_index_holds_them_all(tmp_path, monkeypatch):
    from blueprintgen.site.mkdocs import DEFAULT_CONFIG

    blueprints = project(tmp_path / "project", "ortho-shoes-prescription", "double-charge-refund")
    (tmp_path / "project" / "docs").mkdir()
    config = tmp_path / "project" / "mkdocs.yml"
    config.write_text(DEFAULT_CONFIG.replace("  - blueprints\n", "  - search\n  - blueprints\n"))
    monkeypatch.chdir(tmp_path / "project")
    site = tmp_path / "served"
    try:
        _preview_build(config, site, start=True)
        before = _times(site)
        _edit(blueprints / "ortho-shoes-prescription.yaml", "action: ", "action: Previewed. ")
        _preview_build(config, site)
        # Material's search indexes the pages it renders: an untouched page is rendered too.
        assert _times(site)["blueprints/double-charge-refund/index.html"] != before["blueprints/double-charge-refund/index.html"]
        assert "blueprints/double-charge-refund/" in (site / "search" / "search_index.json").read_text()
    finally:
        from mkdocs.config import load_config

        load_config(config_file=str(config), site_dir=str(site)).plugins.on_startup(command="build", dirty=False)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _body(url: str) -> str:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _article(html: str) -> str:
    """A page's content (the server's live-reload script around it changes with every rebuild)."""
    return html[html.index("<article"):html.index("</article>")]


@pytest.mark.browser
def test_a_save_under_serve_shows_on_the_open_page_then_on_the_dashboard_and_a_bad_save_keeps_it(tmp_path):
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM_ARGS, _chromium_path

    blueprints = project(tmp_path)
    port = _free_port()
    home, url = f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/blueprints/ortho-shoes-prescription/"
    server = subprocess.Popen([*CLI, "serve", "-a", f"127.0.0.1:{port}"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: "bpg-viewer" in _body(url), seconds=120, what="the first build being served")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            other = _article(_body(f"http://127.0.0.1:{port}/blueprints/double-charge-refund/"))
            _edit(blueprints / "ortho-shoes-prescription.yaml", "title: ", "title: Saved under serve ")
            # MkDocs' live reload reloads the open page once the rebuild is done.
            page.wait_for_function("document.title.includes('Saved under serve')", timeout=60_000)
            assert "Saved under serve" in page.inner_text("article")
            browser.close()
        wait_until(lambda: "Saved under serve" in _body(home), seconds=60, what="the dashboard following")
        # A page the save did not touch is the page it was.
        assert _article(_body(f"http://127.0.0.1:{port}/blueprints/double-charge-refund/")) == other
        (blueprints / "ortho-shoes-prescription.yaml").write_text("title: Half\nsteps: [\n", encoding="utf-8")
        wait_until(lambda: "ortho-shoes-prescription.yaml:3:1: error" in _body(home), seconds=60,
                   what="the positioned error on the dashboard")
        assert "Saved under serve" in _body(url)   # the half-typed blueprint's page stays as it last was
        assert server.poll() is None
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "dirty" not in output   # MkDocs' warning about dirty builds is not shown
    assert "7 blueprint(s): 1 diagram(s) drawn, 6 from the cache" in output
