"""A build after one change checks every file against the others without loading them again: the problems
between files (a second use of an id, a `redesigns` or `realises` that no longer holds) are found as a build
from nothing finds them, at their file, line and column, whichever side of them changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clirun import invoke
from helpers import project, snapshot

pytestmark = pytest.mark.slow


def build(folder: Path, out: str = "site"):
    return invoke("build", "-o", out, cwd=folder, catch_exceptions=True)


def _cold_result(folder: Path):
    """The same command from nothing: no cache, so every file is loaded."""
    shutil.rmtree(folder / ".cache", ignore_errors=True)
    return build(folder, "cold")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_new_file_that_reuses_a_kept_blueprints_id_is_refused_at_its_place(tmp_path):
    blueprints = project(tmp_path)
    assert build(tmp_path).exit_code == 0
    site = snapshot(tmp_path / "site")
    copy = blueprints / "copy.yaml"
    text = (blueprints / "ortho-shoes-prescription.yaml").read_text(encoding="utf-8")
    copy.write_text("id: ortho-shoes-prescription\n" + text, encoding="utf-8")
    result = build(tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    # Files are read in name order: the first use of an id keeps it, the kept file is the second.
    line = ("blueprints/ortho-shoes-prescription.yaml:2:1: error: blueprint id 'ortho-shoes-prescription' is "
            "already used by blueprints/copy.yaml")
    assert line in result.output, result.output
    assert snapshot(tmp_path / "site") == site   # the previous site stays
    assert result.output == _cold_result(tmp_path).output.replace("cold/", "site/")


def test_removing_the_as_is_a_kept_to_be_redesigns_is_refused_at_the_to_be(tmp_path):
    blueprints = project(tmp_path)
    assert build(tmp_path).exit_code == 0
    (blueprints / "double-charge-refund.yaml").rename(tmp_path / "elsewhere.yaml")
    result = build(tmp_path)
    assert result.exit_code == 1
    assert ("blueprints/double-charge-refund-to-be.yaml:9:12: error: redesigns unknown blueprint "
            "'double-charge-refund'") in result.output, result.output
    assert result.output == _cold_result(tmp_path).output.replace("cold/", "site/")


def test_an_opportunity_renamed_in_the_as_is_is_refused_where_the_kept_to_be_realises_it(tmp_path):
    blueprints = project(tmp_path)
    assert build(tmp_path).exit_code == 0
    as_is = blueprints / "double-charge-refund.yaml"
    _replace(as_is, "  - id: open-a-case\n", "  - id: open-one-case\n")
    result = build(tmp_path)
    assert result.exit_code == 1
    assert ("blueprints/double-charge-refund-to-be.yaml:11:5: error: realises unknown opportunity 'open-a-case' "
            "of 'double-charge-refund'") in result.output, result.output
    assert result.output == _cold_result(tmp_path).output.replace("cold/", "site/")
    # Put back: the build goes on from the records it kept, and equals a build from nothing.
    _replace(as_is, "  - id: open-one-case\n", "  - id: open-a-case\n")
    assert build(tmp_path).exit_code == 0
    shutil.rmtree(tmp_path / ".cache")
    assert build(tmp_path, "cold").exit_code == 0
    assert snapshot(tmp_path / "site") == snapshot(tmp_path / "cold")


def test_a_file_that_breaks_after_it_was_kept_shows_its_own_problem_and_nothing_else(tmp_path):
    blueprints = project(tmp_path)
    assert build(tmp_path).exit_code == 0
    _replace(blueprints / "ortho-shoes-prescription.yaml", "title: ", "title: [unclosed ")
    result = build(tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith("blueprints/ortho-shoes-prescription.yaml:3:8: error: YAML")
    assert result.output == _cold_result(tmp_path).output.replace("cold/", "site/")
