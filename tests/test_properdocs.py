"""ProperDocs, the maintained continuation of MkDocs 1.x: `build`, `serve` and the plugin under it, as under
MkDocs. Real ProperDocs, real MkDocs, real Graphviz; each run in its own process (an engine, once loaded,
answers every `mkdocs.` import of that process)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import CLI, ROOT, blueprintgen, wait_until

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def _example_site(folder: Path) -> Path:
    """The repository's own example site: its mkdocs.yml, docs and blueprints."""
    for name in ("blueprints", "docs"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    return folder


def _files(site: Path) -> dict[str, bytes]:
    """Every file of a built site, with the generator line (which names the engine) taken out of its pages."""
    return {path.relative_to(site).as_posix(): GENERATOR.sub(b"", path.read_bytes())
            for path in sorted(site.rglob("*")) if path.is_file() and path.name != ".blueprintgen-site"}


@pytest.mark.slow
def test_the_example_site_builds_the_same_under_mkdocs_and_properdocs(tmp_path):
    project = _example_site(tmp_path)
    built = {}
    for engine in ("mkdocs", "properdocs"):
        result = blueprintgen("build", "-q", "--engine", engine, "-o", engine, cwd=project, timeout=600)
        assert result.returncode == 0, result.stderr
        assert result.stderr == "", result.stderr   # no warning from either engine, the theme or the plugin
        built[engine] = _files(project / engine)
    site = project / "properdocs"
    assert b"ProperDocs" in GENERATOR.search((site / "index.html").read_bytes()).group()
    for page in ("blueprints/double-charge-refund/index.html", "blueprints/breaks/index.html",
                 "blueprints/owners/index.html", "blueprints/tags/index.html", "blueprints/search/index.html"):
        assert (site / page).is_file(), page
    diagrams = sorted(path.name for path in (site / "blueprints" / "diagrams").glob("*.svg"))
    assert diagrams == sorted(f"{path.stem}.svg" for path in (project / "blueprints").glob("*.yaml"))
    assert 'class="node step' in (site / "blueprints" / "diagrams" / "double-charge-refund.svg").read_text()
    assert (site / "pagefind").is_dir()   # the search index, made by the plugin under ProperDocs too
    # Byte for byte the same site, but for the line that names the engine.
    assert built["properdocs"].keys() == built["mkdocs"].keys()
    assert [name for name in built["mkdocs"] if built["mkdocs"][name] != built["properdocs"][name]] == []


@pytest.mark.slow
def test_the_plugin_runs_inside_properdocs_own_build_without_a_warning(tmp_path):
    project = _example_site(tmp_path)
    completed = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml",
                                "-d", "plain"], cwd=project, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    assert "WARNING" not in completed.stderr and "Traceback" not in completed.stderr, completed.stderr
    site = project / "plain"
    assert (site / "blueprints" / "double-charge-refund" / "index.html").is_file()
    assert (site / "blueprints" / "diagrams" / "double-charge-refund.svg").is_file()
    assert "ProperDocs" in (site / "index.html").read_text()


@pytest.mark.slow
def test_a_plugin_warning_stops_a_strict_properdocs_build_in_one_line(tmp_path):
    project = tmp_path
    shutil.copytree(ROOT / "blueprints", project / "blueprints")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Handbook\n")
    (project / "mkdocs.yml").write_text("site_name: Team\ntheme: {name: material, font: false}\nnav:\n  - index.md\n"
                                        "plugins:\n  - blueprints:\n      nav_section: false\n")
    result = blueprintgen("build", "-q", "--strict", "--engine", "properdocs", "-o", "out", cwd=project, timeout=600)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert ("WARNING: blueprintgen: the blueprint dashboard blueprints/index.md is not in the site's nav, so no page "
            "links to the blueprint pages") in result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stderr   # ProperDocs counted the plugin's warning
    assert not (project / "out").exists()


def _page(url: str) -> str:
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_serve_under_properdocs_shows_the_site_and_rebuilds_on_a_save(tmp_path):
    shutil.copytree(ROOT / "blueprints", tmp_path / "blueprints")
    port = _free_port()
    home = f"http://127.0.0.1:{port}/"
    # Chosen as a CI job would choose it, by the environment.
    server = subprocess.Popen([*CLI, "serve", "-a", f"127.0.0.1:{port}"], cwd=tmp_path,
                              env={**os.environ, "BLUEPRINTGEN_ENGINE": "properdocs"},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: "bpg-card" in _page(home), what="the first build being served")
        assert "ProperDocs" in _page(home)
        assert "Double charge" in _page(home + "blueprints/double-charge-refund/")
        shoes = tmp_path / "blueprints" / "ortho-shoes-prescription.yaml"
        shoes.write_text(shoes.read_text().replace("title: ", "title: Watched ", 1))
        wait_until(lambda: "Watched" in _page(home), what="a saved blueprint rebuilding the preview")
        assert server.poll() is None
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "7 blueprint(s): " in output and "Traceback" not in output and "WARNING" not in output, output
    assert "Serving on http://127.0.0.1:" in output


def test_auto_takes_mkdocs_1_when_it_is_installed_else_properdocs():
    from blueprintgen.site.engine import choose

    both = {"mkdocs": "1.6.1", "properdocs": "1.6.7"}.get
    assert choose("auto", both) == "mkdocs"             # what the team's own `mkdocs build` runs
    assert choose("properdocs", both) == "properdocs"
    assert choose("mkdocs", both) == "mkdocs"
    assert choose("auto", {"mkdocs": "2.0.dev6", "properdocs": "1.6.7"}.get) == "properdocs"   # MkDocs 2: no plugins
    assert choose("auto", {"properdocs": "1.6.7"}.get) == "properdocs"
