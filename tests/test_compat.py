"""Fitting into what teams already have (issue 27): their mkdocs.yml as MkDocs reads it, the package's
licence and metadata, and a clear word when another MkDocs is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from clirun import invoke
from helpers import ROOT

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


@pytest.mark.slow
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


def archive_text(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(next(n for n in archive.namelist() if n.endswith(f".dist-info/{name}"))).decode()


@pytest.mark.slow
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
    # The plugin, for MkDocs and for ProperDocs (which reads both groups; its own says it is made for it).
    entry_points = archive_text(wheel, "entry_points.txt")
    for group in ("[mkdocs.plugins]", "[properdocs.plugins]"):
        assert f"{group}\nblueprints = blueprintgen.site.plugin:BlueprintsPlugin" in entry_points, entry_points
    assert "MIT License" in (ROOT / "LICENSE").read_text()


def test_another_mkdocs_is_one_line_saying_what_to_install(tmp_path, monkeypatch):
    import blueprintgen.site.engine as engine

    shutil.copytree(ROOT / "blueprints", tmp_path / "blueprints")
    # MkDocs 2 (no plugins) and no ProperDocs: nothing can build the site.
    monkeypatch.setattr(engine, "installed", {"mkdocs": "2.0.dev6"}.get)
    for command in (["build"], ["serve"], ["build", "--engine", "mkdocs"]):
        result = invoke(*command, cwd=tmp_path)
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert invoke("build", cwd=tmp_path).output.strip() == (
        "blueprintgen builds with MkDocs 1.x or ProperDocs, and MkDocs 2.0.dev6 is installed (hint: `pip install "
        "properdocs` (the maintained continuation of MkDocs 1.x) or `pip install 'mkdocs>=1.6,<2'`; MkDocs 2 has "
        "no plugins)")
    assert invoke("build", "--engine", "mkdocs", cwd=tmp_path).output.strip() == (
        "--engine mkdocs needs MkDocs 1.x, and MkDocs 2.0.dev6 is installed (hint: `pip install 'mkdocs>=1.6,<2'`, "
        "or use --engine properdocs)")
    assert invoke("serve", "--engine", "properdocs", cwd=tmp_path).output.strip() == (
        "--engine properdocs needs ProperDocs, which is not installed (hint: `pip install properdocs`)")


@pytest.mark.slow
def test_file_names_that_are_not_utf8_never_crash_a_report(tmp_path):
    import json
    import os

    repo = tmp_path / "repo"
    (repo / "blueprints").mkdir(parents=True)
    name = os.fsdecode(b"caf\xe9.yaml")   # Latin-1, as an old archive or a Windows share names it
    text = (ROOT / "blueprints" / "double-charge-refund.yaml").read_text()
    (repo / "blueprints" / name).write_text("id: cafe\n" + text.replace("\nid:", "\nold-id:") if "\nid:" in text
                                            else "id: cafe\n" + text)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    for fmt in ("text", "json", "sarif", "github"):
        written = subprocess.run([sys.executable, "-m", "blueprintgen", "check", "--format", fmt, "-o", f"out.{fmt}"],
                                 cwd=repo, capture_output=True, timeout=120)
        assert written.returncode in (0, 1) and b"Traceback" not in written.stderr, written.stderr
        out = (repo / f"out.{fmt}").read_bytes().decode("utf-8")   # always valid UTF-8
        assert "caf" in out
    sarif = subprocess.run([sys.executable, "-m", "blueprintgen", "check", "--format", "sarif"], cwd=repo,
                           capture_output=True, timeout=120)
    assert b"Traceback" not in sarif.stderr
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(sarif.stdout)["runs"][0]["results"]}
    assert uris == {"blueprints/caf%E9.yaml"}   # the file's own bytes, percent-encoded
    assert json.loads((repo / "out.json").read_text())["blueprints"][0]["file"] == "blueprints/caf\udce9.yaml"
    (repo / "blueprints" / name).write_text((repo / "blueprints" / name).read_text() + "\n")
    diff = subprocess.run([sys.executable, "-m", "blueprintgen", "diff", "HEAD", "--format", "markdown", "-o", "d.md"],
                          cwd=repo, capture_output=True, timeout=120)
    assert diff.returncode == 0 and b"Traceback" not in diff.stderr, diff.stderr
    (repo / "d.md").read_bytes().decode("utf-8")


def test_a_baseline_with_a_duplicate_key_or_a_lone_surrogate_is_one_positioned_line(tmp_path):
    import json

    shutil.copytree(ROOT / "blueprints", tmp_path / "blueprints")
    assert invoke("baseline", "b.json", cwd=tmp_path).exit_code == 0
    text = (tmp_path / "b.json").read_text()
    first = next(iter(json.loads(text)["findings"]))
    entry = json.dumps(json.loads(text)["findings"][first])
    (tmp_path / "dup.json").write_text(text.replace('"findings": {', '"findings": {\n    ' + json.dumps(first)
                                                    + ": " + entry + ",", 1))
    (tmp_path / "sur.json").write_text(text.replace('"rule": "', '"rule": "\\udc80', 1))
    dup = invoke("check", "--baseline", "dup.json", cwd=tmp_path)
    assert dup.exit_code == 2 and "Traceback" not in dup.output
    assert f"the key '{first}' appears twice in the same object" in dup.output and "dup.json:" in dup.output
    sur = invoke("check", "--baseline", "sur.json", cwd=tmp_path)
    assert sur.exit_code == 2 and "sur.json:6:5: error: the baseline entry holds a `\\u` escape" in sur.output


def test_shell_completion_offers_rule_names(tmp_path):
    import os

    env = {**os.environ, "_BLUEPRINTGEN_COMPLETE": "bash_complete", "COMP_CWORD": "3"}
    program = str(Path(sys.executable).parent / "blueprintgen")   # completion is keyed by the program's name
    one = subprocess.run([program], capture_output=True, text=True, timeout=60,
                         env={**env, "COMP_WORDS": "blueprintgen check --select dead"})
    assert one.stdout.splitlines() == ["plain,dead-end"]
    more = subprocess.run([program], capture_output=True, text=True, timeout=60,
                          env={**env, "COMP_WORDS": "blueprintgen check --ignore dead-end,br"})
    assert more.stdout.splitlines() == ["plain,dead-end,broken-promise"]


def test_blueprintgen_without_a_command_shows_its_help_as_lines():
    shown = subprocess.run([sys.executable, "-m", "blueprintgen"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 2
    assert "\\x0a" not in shown.stdout + shown.stderr
    assert "Commands:" in (shown.stdout + shown.stderr).splitlines()


@pytest.mark.slow
def test_folders_nested_1200_deep_and_a_long_inherit_chain_are_no_traceback(tmp_path):
    import os

    folder = tmp_path / "blueprints"
    folder.mkdir()
    os.chdir(folder)
    try:
        for _ in range(1200):
            os.mkdir("d")
            os.chdir("d")
        Path("deep.yaml").write_text("title: Deep\nsteps:\n  - id: a\n    lane: customer\n    action: A.\n"
                                     "    end: resolved\n")
    finally:
        os.chdir(ROOT)
    try:
        deep = invoke("check", cwd=tmp_path)
        assert deep.exit_code == 0, deep.output
        assert "in 1 blueprint(s)" in deep.output
    finally:
        _remove_deep(folder)   # pytest's clean-up (shutil.rmtree in Python 3.11) recurses, and would fail
    for number in range(1500):
        (tmp_path / f"c{number}.yml").write_text(f"INHERIT: c{number + 1}.yml\n" if number < 1499 else "site_name: x\n")
    (tmp_path / "mkdocs.yml").write_text("INHERIT: c0.yml\nsite_name: y\n")
    chain = invoke("check", cwd=tmp_path)
    assert chain.exit_code == 2
    assert chain.output.strip().splitlines() == [
        "c49.yml:1:10: error: INHERIT goes more than 50 files deep (hint: inherit from one shared file, not a chain "
        "of them)"]


def _remove_deep(folder: Path) -> None:
    """Remove a tree of folders nested deeper than Python's recursion limit (os.walk and shutil.rmtree
    recurse in Python 3.11), with a stack of its own, from the bottom up."""
    import os

    stack, order = [str(folder)], []
    while stack:
        current = stack.pop()
        order.append(current)
        for entry in os.scandir(current):
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                os.unlink(entry.path)
    for current in reversed(order):
        os.rmdir(current)


@pytest.mark.slow
def test_the_plugin_puts_its_stylesheet_and_scripts_on_its_own_pages_only(tmp_path):
    shutil.copytree(ROOT / "blueprints", tmp_path / "blueprints")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Our team\n")
    (tmp_path / "docs" / "guide.md").write_text("# A guide of ours\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: S\ntheme: {name: material, font: false}\nplugins:\n"
                                         "  - blueprints\n")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    for page in ("index.html", "guide/index.html"):   # the team's own pages carry nothing of ours
        html = (tmp_path / "site" / page).read_text()
        assert "blueprintgen.css" not in html and "blueprintgen.js" not in html and "svg-pan-zoom" not in html
    page = (tmp_path / "site" / "blueprints" / "double-charge-refund" / "index.html").read_text()
    head, _, body = page.partition("</head>")
    assert '<link rel="stylesheet" href="../assets/blueprintgen.css">' in head
    assert body.index('<script src="../assets/svg-pan-zoom.min.js"></script>') < body.index(
        '<script src="../assets/blueprintgen.js"></script>') < body.index("</body>")
    # With Material's instant navigation, pages are swapped without their own scripts: then they are site-wide.
    (tmp_path / "mkdocs.yml").write_text("site_name: S\ntheme: {name: material, font: false, features: "
                                         "[navigation.instant]}\nplugins:\n  - blueprints\n")
    again = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "blueprints/assets/blueprintgen.js" in (tmp_path / "site" / "guide" / "index.html").read_text()


STRICT_SITE = """\
site_name: Strict
strict: true
theme: {name: material, font: false}
nav:
  - Home: index.md
plugins:
  - search
  - blueprints
validation:
  omitted_files: warn
"""


def _strict_project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "blueprints", tmp_path / "blueprints")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text(STRICT_SITE)
    return tmp_path


@pytest.mark.slow
def test_a_strict_site_with_an_explicit_nav_and_omitted_files_warnings_builds(tmp_path):
    project = _strict_project(tmp_path)
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, capture_output=True,
                           text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert "not included in the \"nav\"" not in built.stderr
    assert not re.search(r"^WARNING\b", built.stderr, re.M), built.stderr   # MkDocs' own warnings (strict fails on them)
    assert (project / "site" / "blueprints" / "double-charge-refund" / "index.html").is_file()
    nav = (project / "site" / "index.html").read_text()
    assert 'href="blueprints/search/"' in nav   # a build has the search page, and the nav names it


@pytest.mark.slow
def test_a_strict_site_with_an_explicit_nav_serves(tmp_path):
    import socket
    import time
    import urllib.request

    project = _strict_project(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--strict", "-a", f"127.0.0.1:{port}"],
                              cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, page = time.monotonic() + 240, None
        while time.monotonic() < deadline and server.poll() is None and page is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/blueprints/", timeout=5) as answer:
                    page = answer.read().decode()
            except OSError:
                time.sleep(0.5)
        assert server.poll() is None, server.stdout.read()   # strict serve did not stop on a missing page
        assert page is not None and "double-charge-refund" in page
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_concurrent_builds_never_take_each_others_work_folders(tmp_path):
    """Issue 27: another build could delete a freshly made work folder before it was locked (4 of 120
    builds failed). Many builds into one output at once, several rounds: every one succeeds."""
    shutil.copytree(ROOT / "blueprints", tmp_path / "blueprints")
    first = subprocess.run([sys.executable, "-m", "blueprintgen", "build", "-q", "-o", "site"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr   # a warm cache: the rounds below are about the folders
    for _ in range(3):
        builds = [subprocess.Popen([sys.executable, "-m", "blueprintgen", "build", "-q", "-o", "site"], cwd=tmp_path,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
        for build in builds:
            _, stderr = build.communicate(timeout=600)
            assert build.returncode == 0 and "Traceback" not in stderr, stderr
    assert (tmp_path / "site" / "blueprints" / "double-charge-refund" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == []


def test_handoff_chain_stays_near_linear_on_the_ladder(tmp_path):
    """The ladder that took 41 s and 4.3 GB (issue 27) is checked in bounded memory; the benchmark times it.
    Measured here by the peak memory of a fresh process (deterministic, unlike time)."""
    import resource

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    (tmp_path / "blueprints").mkdir()
    (tmp_path / "blueprints" / "ladder.yaml").write_text(generate.ladder_yaml(1000))
    (tmp_path / "mkdocs.yml").write_text("plugins:\n  - blueprints:\n      chain_limit: 1000\n")
    code = ("import resource, subprocess, sys; subprocess.run([sys.executable, '-m', 'blueprintgen', 'check', "
            "'--fail-on', 'never'], stdout=subprocess.DEVNULL, check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    measured = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert measured.returncode == 0, measured.stderr
    assert int(measured.stdout) < 1024 * 1024   # KiB: under 1 GiB (it was 4.3 GB)


@pytest.mark.slow
def test_a_blobless_clone_whose_remote_is_gone_is_one_line_saying_what_to_do(tmp_path):
    origin = tmp_path / "origin"
    shutil.copytree(ROOT / "blueprints", origin / "blueprints")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "uploadpack.allowFilter=true"]
    subprocess.run([*git, "-C", str(origin), "init", "-q", "-b", "main"], check=True)
    subprocess.run(["git", "-C", str(origin), "config", "uploadpack.allowFilter", "true"], check=True)
    subprocess.run([*git, "-C", str(origin), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(origin), "commit", "-qm", "one"], check=True)
    with open(origin / "blueprints" / "double-charge-refund.yaml", "a") as handle:
        handle.write("# edited\n")
    subprocess.run([*git, "-C", str(origin), "commit", "-qam", "two"], check=True)
    subprocess.run(["git", "-c", "uploadpack.allowFilter=true", "clone", "-q", "--filter=blob:none",
                    f"file://{origin}", str(tmp_path / "clone")], check=True)
    shutil.rmtree(origin)   # the remote is gone: the older blobs cannot be fetched
    result = subprocess.run([sys.executable, "-m", "blueprintgen", "diff", "HEAD~1", "HEAD"], cwd=tmp_path / "clone",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: the files of this revision are not in this partial clone, and its remote cannot "
                           "be reached to fetch them")
    assert "clone without --filter" in line
