"""Shared fixtures. Helpers that are not fixtures are in helpers.py; the in-process CLI runner is clirun.py.

    example_site   the bundled example site, built once per session by the real command line (read only)
    portfolio_site 1,000 generated blueprints (benchmarks/generate.py), built once per session the same way (read only)
    shared         a project folder any user may write in, for tests that run as an unprivileged user
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from helpers import ROOT, blueprintgen, make_removable, snapshot


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """blueprints/ built with the repository's mkdocs.yml by `python -m blueprintgen build`, once.

    Every test that reads the example site shares this folder, so none may change it: a test
    that does works on its own copy (`shutil.copytree(example_site, tmp_path / "site")`). The
    session ends with an error if the shared site was changed.
    """
    out = tmp_path_factory.mktemp("example") / "site"
    result = blueprintgen("build", "-o", out, cwd=ROOT, timeout=300)
    assert result.returncode == 0, f"blueprintgen build failed in {ROOT}:\n{result.stdout}\n{result.stderr}"
    assert (out / "index.html").is_file(), f"no index.html in {out}"
    built = snapshot(out)
    yield out
    assert snapshot(out) == built, "a test changed the shared example site: copy it into tmp_path first"


@pytest.fixture(scope="session")
def portfolio_site(tmp_path_factory) -> Path:
    """The site of 1,000 generated blueprints (the benchmark's), built by `python -m blueprintgen build`, once.

    A cold build takes a minute or two: every test that needs a large site shares this one, and
    none may change it (as example_site).
    """
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    project = tmp_path_factory.mktemp("portfolio")
    generate.write_blueprints(str(project / "blueprints"), 1000)
    out = project / "site"
    result = blueprintgen("build", "-o", out, cwd=project, timeout=1800)
    assert result.returncode == 0, f"blueprintgen build failed in {project}:\n{result.stdout}\n{result.stderr}"
    built = snapshot(out)
    yield out
    assert snapshot(out) == built, "a test changed the shared portfolio site: copy it into tmp_path first"


@pytest.fixture
def shared():
    """A project folder any user may write in (pytest's own temporary folders are private)."""
    folder = Path(tempfile.mkdtemp(prefix="bpg-faults-"))
    folder.chmod(0o777)
    yield folder
    make_removable(folder)
    shutil.rmtree(folder)


@pytest.fixture(autouse=True)
def _no_stop_left_over():
    """A test that stops a drawing leaves the process-wide stop set (until the next batch of
    renders, as in a build): the next test starts without it, as a new build process would."""
    yield
    from blueprintgen import graphviz

    graphviz._STOPPED.clear()
