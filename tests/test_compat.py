"""Fitting into what teams already have (issue 27): their mkdocs.yml as MkDocs reads it, the package's
licence and metadata, and a clear word when another MkDocs is installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from clirun import invoke

ROOT = Path(__file__).resolve().parent.parent

# uvicorn's docs say `plugins:` twice; MkDocs keeps the last, and so must every command.
DUPLICATE_PLUGINS = """\
site_name: Duplicate plugins
theme: {name: material, font: false}
plugins:
  - search
markdown_extensions: [tables, toc]
plugins:
  - blueprints:
      fail_on: never
"""


def test_a_duplicate_key_in_mkdocs_yml_is_read_as_mkdocs_reads_it_with_one_warning(tmp_path):
    shutil.copytree(ROOT / "blueprints", tmp_path / "blueprints")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# The team's own home page\n")
    (tmp_path / "mkdocs.yml").write_text(DUPLICATE_PLUGINS)
    warning = ("mkdocs.yml:6:1: warning: duplicate key 'plugins' (first at line 3, column 1); the last one is "
               "used, as MkDocs does (hint: keep one)")
    check = subprocess.run([sys.executable, "-m", "blueprintgen", "check", "--gate", "all"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr   # fail_on: never, from the second `plugins:`
    assert check.stderr.count(warning) == 1
    build = subprocess.run([sys.executable, "-m", "blueprintgen", "build", "-q", "-o", "out"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    assert build.stderr.count(warning) == 1 and "Traceback" not in build.stderr
    assert (tmp_path / "out" / "blueprints" / "index.html").is_file()
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "plain"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=600)
    assert plain.returncode == 0, plain.stderr   # the plugin inside a plain `mkdocs build` too
    assert (tmp_path / "plain" / "blueprints" / "index.html").is_file()


def test_the_wheel_carries_the_licence_and_says_who_made_it_and_where_it_lives(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT), "-w",
                            str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("blueprintgen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        licence = next(name for name in names if name.endswith(".dist-info/licenses/LICENSE"))
        assert archive.read(licence) == (ROOT / "LICENSE").read_bytes()
        metadata = Parser().parsestr(archive.read(next(n for n in names if n.endswith("METADATA"))).decode())
    assert metadata["License-Expression"] == "MIT" and metadata["Author"]
    assert any(url.startswith("Homepage, https://") for url in metadata.get_all("Project-URL"))
    assert "mkdocs<2,>=1.6" in metadata.get_all("Requires-Dist")
    assert "MIT License" in (ROOT / "LICENSE").read_text()


def test_another_mkdocs_is_one_line_saying_what_to_install(tmp_path, monkeypatch):
    import blueprintgen.site.commands as commands

    shutil.copytree(ROOT / "blueprints", tmp_path / "blueprints")
    monkeypatch.setattr(commands, "mkdocs_version", lambda: "2.0.dev6")
    for command in (["build"], ["serve"]):
        result = invoke(*command, cwd=tmp_path)
        assert result.exit_code == 2
        assert result.output.strip().splitlines() == [
            "blueprintgen builds with MkDocs 1.x, and MkDocs 2.0.dev6 is installed (hint: "
            "`pip install 'mkdocs>=1.6,<2'`; MkDocs 2 has no plugins)"]
