"""Beyond the embedded site: existing MkDocs sites (explicit nav, literate-nav, awesome-nav, collisions,
prefix) and `blueprintgen generate` built by Zensical. Real MkDocs, real Zensical, real Graphviz."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from clirun import invoke
from helpers import blueprintgen
from helpers import project as example_project

PAIR = ("double-charge-refund", "double-charge-refund-to-be")
MATERIAL = "site_name: Team\ntheme:\n  name: material\n  font: false\n"


def _project(tmp_path: Path, mkdocs_yml: str, docs: dict[str, str]) -> Path:
    example_project(tmp_path, *PAIR)
    for path, text in docs.items():
        (tmp_path / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / path).write_text(text)
    (tmp_path / "mkdocs.yml").write_text(mkdocs_yml)
    return tmp_path


def _mkdocs(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=project, capture_output=True,
                          text=True, timeout=300)


def _nav_links(html: str) -> list[str]:
    nav = html[html.index('class="md-nav md-nav--primary"'):html.index('class="md-content"')]
    return re.findall(r'href="([^"]+)"', nav)


# --- existing MkDocs sites -------------------------------------------------------------------


@pytest.mark.slow
def test_an_explicit_nav_gets_a_blueprints_section(tmp_path):
    project = _project(tmp_path, MATERIAL + "nav:\n  - index.md\n  - Guide: guide.md\nplugins:\n  - search\n  - blueprints\n",
                       {"index.md": "# Handbook\n", "guide.md": "# Guide\n"})
    completed = _mkdocs(project, "--strict")
    assert completed.returncode == 0, completed.stderr
    home = (project / "site" / "index.html").read_text()
    links = _nav_links(home)
    for page in ("blueprints/", "blueprints/all/", "blueprints/breaks/", "blueprints/owners/", "blueprints/rules/"):
        assert page in links, f"the nav does not link to {page}: {links}"
    assert "Handbook" in home   # the user's home page stays theirs
    assert not any("double-charge-refund" in link for link in links), "blueprint pages belong on the dashboard"


@pytest.mark.slow
def test_a_nav_without_the_dashboard_fails_strict_with_a_clear_warning(tmp_path):
    project = _project(tmp_path, MATERIAL + "nav:\n  - index.md\nplugins:\n  - blueprints:\n      nav_section: false\n",
                       {"index.md": "# Handbook\n"})
    completed = _mkdocs(project, "--strict")
    assert completed.returncode == 1
    assert ("the blueprint dashboard blueprints/index.md is not in the site's nav, so no page links to the "
            "blueprint pages") in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.slow
def test_a_users_page_is_never_replaced(tmp_path):
    mine = "# Our own breaks page\n"
    project = _project(tmp_path, MATERIAL + "plugins:\n  - blueprints\n",
                       {"index.md": "# Handbook\n", "blueprints/breaks.md": mine})
    completed = _mkdocs(project)
    assert completed.returncode == 1
    assert "docs/blueprints/breaks.md: your own page(s) where blueprintgen generates one" in completed.stderr
    assert "set the blueprints plugin's `prefix:`" in completed.stderr
    assert (project / "docs" / "blueprints" / "breaks.md").read_text() == mine
    assert "Traceback" not in completed.stderr


@pytest.mark.slow
def test_a_users_rules_page_stays_theirs_and_our_links_go_to_ours(tmp_path):
    project = _project(tmp_path, MATERIAL + "plugins:\n  - blueprints\n",
                       {"index.md": "# Handbook\n", "rules.md": "# House rules\n\nBe kind.\n"})
    completed = _mkdocs(project, "--strict")
    assert completed.returncode == 0, completed.stderr
    assert "Be kind." in (project / "site" / "rules" / "index.html").read_text()
    page = (project / "site" / "blueprints" / "double-charge-refund" / "index.html").read_text()
    assert 'href="../rules/#dead-end"' in page or 'href="../rules/#' in page
    assert 'id="dead-end"' in (project / "site" / "blueprints" / "rules" / "index.html").read_text()


@pytest.mark.slow
def test_pages_go_under_a_configured_prefix(tmp_path):
    project = _project(tmp_path, MATERIAL + "plugins:\n  - blueprints:\n      prefix: journeys\n",
                       {"index.md": "# Handbook\n"})
    completed = _mkdocs(project, "--strict")
    assert completed.returncode == 0, completed.stderr
    site = project / "site"
    assert (site / "journeys" / "index.html").is_file()
    assert (site / "journeys" / "double-charge-refund" / "index.html").is_file()
    assert not (site / "blueprints").exists()
    assert 'href="../assets/blueprintgen.css"' in (site / "journeys" / "double-charge-refund" / "index.html").read_text() \
        or "journeys/assets/blueprintgen.css" in (site / "journeys" / "double-charge-refund" / "index.html").read_text()


@pytest.mark.slow
def test_literate_nav_lists_the_dashboard(tmp_path):
    summary = "* [Handbook](index.md)\n* [Service blueprints](blueprints/index.md)\n"
    project = _project(tmp_path, MATERIAL + "plugins:\n  - blueprints\n  - literate-nav\n",
                       {"index.md": "# Handbook\n", "SUMMARY.md": summary})
    completed = _mkdocs(project, "--strict")
    assert completed.returncode == 0, completed.stderr
    assert "blueprints/" in _nav_links((project / "site" / "index.html").read_text())
    # Without the dashboard in SUMMARY.md, --strict says so.
    (project / "docs" / "SUMMARY.md").write_text("* [Handbook](index.md)\n")
    completed = _mkdocs(project, "--strict")
    assert completed.returncode == 1 and "blueprints/index.md is not in the site's nav" in completed.stderr


@pytest.mark.slow
def test_awesome_nav_keeps_blueprint_pages_out_of_the_nav(tmp_path):
    project = _project(tmp_path, MATERIAL + "plugins:\n  - awesome-nav\n  - blueprints\n",
                       {"index.md": "# Handbook\n", ".nav.yml": "nav:\n  - index.md\n  - '*'\n"})
    completed = _mkdocs(project, "--strict")
    assert completed.returncode == 0, completed.stderr
    links = _nav_links((project / "site" / "index.html").read_text())
    assert "blueprints/" in links
    assert not any("double-charge-refund" in link for link in links), links


# --- blueprintgen generate + Zensical ---------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.diagrams: list[str] = []   # the <img> the viewer replaces with the diagram's SVG

    def handle_starttag(self, tag, attrs):
        if tag == "img" and ("class", "bpg-diagram-file") in attrs:
            self.diagrams.append(dict(attrs)["src"])
        for name, value in attrs:
            if name in ("href", "src") and value and not value.startswith(("#", "http:", "https:", "data:")):
                self.links.append(value)


@pytest.mark.slow
def test_generated_pages_build_with_zensical(tmp_path):
    project = _project(tmp_path, "site_name: Zensical team\n", {"index.md": "# Handbook\n"})
    result = invoke("generate", cwd=project)
    assert result.exit_code == 0, result.output
    assert "files written to docs/blueprints/ from 2 blueprint(s)" in result.output
    completed = subprocess.run([sys.executable, "-m", "zensical", "build"], cwd=project, capture_output=True,
                               text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    site = project / "site"
    html = site / "blueprints" / "double-charge-refund" / "index.html"
    page = html.read_text()
    shown = _Links()
    shown.feed(page)
    assert len(shown.diagrams) == 1, shown.diagrams                      # the diagram, as the file Zensical wrote
    diagram = (html.parent / shown.diagrams[0]).resolve()
    assert diagram == site / "blueprints" / "diagrams" / "double-charge-refund.svg"
    svg = diagram.read_text()
    assert 'class="node step' in svg and 'xlink:href="#step-charged-twice"' in svg   # its steps link the page's
    assert '<script src="../assets/blueprintgen.js" defer>' in page      # the viewer that loads it
    assert 'id="finding-1"' in page and "Fix:" in page                    # the findings
    assert 'id="step-charged-twice"' in page and "Who: " in page          # the steps
    assert 'href="#step-charged-twice"' in page                           # lists link the steps
    # Every link and asset of our pages resolves to a file Zensical wrote.
    for html in sorted((site / "blueprints").rglob("index.html")):
        parser = _Links()
        parser.feed(html.read_text())
        url = "http://x/" + html.relative_to(site).as_posix()
        for link in parser.links:
            target = urlsplit(urljoin(url, link)).path.lstrip("/")
            path = site / target
            assert path.is_file() or (path / "index.html").is_file(), f"{html.relative_to(site)} links to {link}"


def test_generate_refuses_a_folder_it_did_not_write(tmp_path):
    project = _project(tmp_path, "site_name: T\n", {"blueprints/notes.md": "# Mine\n"})
    result = invoke("generate", cwd=project)
    assert result.exit_code == 1
    assert "docs/blueprints exists and was not written by blueprintgen generate; refusing to replace it" in result.output
    assert (project / "docs" / "blueprints" / "notes.md").read_text() == "# Mine\n"
    assert invoke("generate", "-o", "docs/journeys", cwd=project).exit_code == 0
    assert invoke("generate", "-o", "docs/journeys", cwd=project).exit_code == 0   # its own folder: replaced
    assert (project / "docs" / "journeys" / "double-charge-refund.md").is_file()


def test_a_blueprint_named_like_one_of_our_pages_is_an_error(tmp_path):
    (tmp_path / "blueprints").mkdir()
    for name in ("all", "diagrams"):   # the full list and the diagram folder, new with issue 13
        (tmp_path / "blueprints" / f"{name}.yaml").write_text(
            f"id: {name}\ntitle: T\nsteps:\n  - {{id: a, lane: customer, action: x, end: resolved}}\n")
    result = invoke("build", cwd=tmp_path)
    assert result.exit_code == 1
    for name in ("all", "diagrams"):
        assert f"blueprints/{name}.yaml:1:5: error: the id '{name}' is reserved for a page of the site" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "site").exists()


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["../escape", ".hidden", "a/../../b", "'[a, b]'"])
def test_a_prefix_outside_the_docs_folder_is_refused_before_anything_is_written(tmp_path, prefix):
    project = _project(tmp_path, MATERIAL + f"plugins:\n  - blueprints:\n      prefix: {prefix}\n",
                       {"index.md": "# Handbook\n"})
    completed = _mkdocs(project)
    assert completed.returncode == 1 and "Traceback" not in completed.stderr
    assert "must be a folder inside the docs folder" in completed.stderr and "(hint: e.g. `prefix: blueprints`" \
        in completed.stderr
    assert not (tmp_path / "escape").exists() and not (project / "site").exists()
    # blueprintgen's own build reads mkdocs.yml first and points at the line and column.
    result = blueprintgen("build", "-o", "out", cwd=project, timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("mkdocs.yml:") and ":15: error: prefix " in result.stderr.splitlines()[0]


def test_blueprints_dir_must_be_a_folder_path(tmp_path):
    project = _project(tmp_path, MATERIAL + "plugins:\n  - blueprints:\n      blueprints_dir: [a]\n",
                       {"index.md": "# Handbook\n"})
    result = blueprintgen("build", "-o", "out", cwd=project, timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "blueprints_dir must be the path of a folder (hint: e.g. `blueprints_dir: blueprints`)" in result.stderr
    assert ":23: error: " in result.stderr.splitlines()[0]


# --- the nav of generate's pages in Zensical ---------------------------------------------------


def _nav_pages(site: Path, page: Path) -> set[str]:
    """The pages a built page's nav links to (site paths; its table of contents' anchors left out)."""
    url = "http://x/" + page.relative_to(site).as_posix()
    return {urlsplit(urljoin(url, link)).path.lstrip("/") for link in _nav_links(page.read_text())
            if not link.startswith("#")}


def _zensical(project: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean"], cwd=project,
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr


INDEX = {"blueprints/", "blueprints/all/", "blueprints/breaks/", "blueprints/owners/", "blueprints/tags/",
         "blueprints/opportunities/", "blueprints/personas/", "blueprints/trends/", "blueprints/rules/"}


@pytest.mark.slow
@pytest.mark.parametrize("count, config", [(7, "mkdocs.yml"), (50, "zensical.toml")])
def test_generate_says_how_zensical_lists_only_the_index_pages(tmp_path, count, config):
    from blueprint_factory import blueprint_yaml

    if count == 7:
        example_project(tmp_path)
    else:
        (tmp_path / "blueprints").mkdir()
        for index in range(count):
            (tmp_path / "blueprints" / f"b{index:03d}.yaml").write_text(
                blueprint_yaml(steps=8, seed=index, branching=0.2, blueprint_id=f"b{index:03d}"))
    (tmp_path / "docs").mkdir()
    for name, title in (("index.md", "Handbook"), ("guide.md", "Guide")):
        (tmp_path / "docs" / name).write_text(f"# {title}\n")
    (tmp_path / config).write_text('[project]\nsite_name = "Team"\n' if config.endswith(".toml") else "site_name: Team\n")
    first = invoke("generate", cwd=tmp_path)
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("hint: an engine without the blueprints plugin"))
    assert lines[start].endswith(f"beyond the {len(INDEX)} index pages; to list only those, as the plugin does, add to {config}"
                                 + (", under [project]:" if config.endswith(".toml") else ":"))
    snippet = "\n".join(lines[start + 1:]) + "\n"
    site = tmp_path / "site"
    _zensical(tmp_path)
    blueprint_page = site / "blueprints" / ("double-charge-refund" if count == 7 else "b007") / "index.html"
    assert len(_nav_pages(site, blueprint_page)) > count   # without it: every page in every page's nav
    # With the lines it printed, as a designer pastes them: the nav of the index pages and their own.
    (tmp_path / config).write_text((tmp_path / config).read_text() + snippet)
    again = invoke("generate", cwd=tmp_path)
    assert again.exit_code == 0 and "hint:" not in again.output, again.output
    _zensical(tmp_path)
    for page in (site / "index.html", site / "guide" / "index.html", site / "blueprints" / "index.html",
                 blueprint_page, site / "blueprints" / "tags" / "index.html"):
        shown = _nav_pages(site, page) - {"", "guide/"}
        assert shown == INDEX, f"{page.relative_to(site)}: {sorted(shown)}"
    assert list((site / "blueprints" / "owners").glob("*/index.html"))   # out of the nav, still built and linked


def test_generate_says_what_an_explicit_nav_needs_and_nothing_more(tmp_path):
    project = _project(tmp_path, "site_name: T\nnav:\n  - index.md\n  - Blueprints: blueprints/index.md\n",
                       {"index.md": "# Handbook\n"})
    result = invoke("generate", cwd=project)
    assert result.exit_code == 0 and "hint:" not in result.output, result.output   # it names the dashboard
    (project / "mkdocs.yml").write_text("site_name: T\nnav:\n  - index.md\n")
    result = invoke("generate", cwd=project)
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == ("hint: the explicit nav of mkdocs.yml does not name the blueprint "
                                              "dashboard; add `- Service blueprints: blueprints/index.md` to it")
    # Lines already in not_in_nav, but not all: the ones to add to it.
    (project / "mkdocs.yml").write_text("site_name: T\nnot_in_nav: |\n  /blueprints/*.md\n")
    lines = invoke("generate", cwd=project).output.splitlines()
    assert lines[1].endswith("add to mkdocs.yml, in its not_in_nav:") and lines[2:5] == [
        "/blueprints/*/", "/blueprints/*.md", "!/blueprints/index.md"]
    assert f"lists 15 generated pages in its nav beyond the {len(INDEX)} index pages" in lines[1]   # breaks, owners (and No owner), tags
    # Settings from pyproject.toml: the engine's config is still the one it reads, here zensical.toml.
    (project / "mkdocs.yml").unlink()
    (project / "pyproject.toml").write_text("[tool.blueprintgen]\nfail_on = \"never\"\n")
    (project / "zensical.toml").write_text('[project]\nsite_name = "T"\n')
    lines = invoke("generate", "--config", "pyproject.toml", cwd=project).output.splitlines()
    assert lines[1].endswith("add to zensical.toml, under [project]:") and lines[2] == "not_in_nav = '''"
