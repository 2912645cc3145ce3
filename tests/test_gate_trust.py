"""A pull request cannot switch the gate off (issue 26): settings are part of the change, a removed or renamed
blueprint is not a fixed one, a folder with no blueprints is an error, and a baseline judges what it ran.

Real git repositories in tmp_path, the real command line, and scripts/action.sh on a pull-request merge
commit as actions/checkout makes it (helpers shared with test_revisions_trust).
"""

from __future__ import annotations

import json
import os

import pytest

from helpers import blueprintgen, git
from test_revisions_trust import BASE_FILES, blueprint, commit, errors_in, new_repository, pull_request, run_action

pytestmark = pytest.mark.slow   # long git scenarios: a pull request's merge commit, the Action's script


def _write(repo, name: str, text: str) -> None:
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text(text)


# -- settings are part of the change ------------------------------------------------------------------

def test_moving_the_blueprint_folder_in_the_change_does_not_switch_the_gate_off(tmp_path):
    def change(repo, base):
        _write(repo, "pyproject.toml", '[tool.blueprintgen]\nblueprints_dir = "notes"\n')
        _write(repo, "notes/readme.md", "no blueprints here\n")
        _write(repo, "blueprints/parcel.yaml", blueprint("parcel", resolved=False))   # a break, in a to-be

    pr = pull_request(tmp_path, change)
    diff = blueprintgen("diff", f"{pr.base}", "HEAD", cwd=pr.repo)
    assert diff.returncode == 1, diff.stdout + diff.stderr
    assert "Setting changed: blueprints_dir blueprints \u2192 notes." in diff.stdout
    assert "Hidden by the settings change: 1 new finding" in diff.stdout
    assert "No longer checked" not in diff.stdout or "fixes" not in diff.stdout.splitlines()[0]
    run = run_action(tmp_path, pr)
    assert run.returncode == 2   # the change's own settings point at a folder with no blueprints
    assert run.headline.startswith("## \u274c blueprintgen: fail")
    assert "Setting changed: blueprints\\_dir blueprints \u2192 notes." in run.summary


def test_turning_a_rule_off_in_the_change_hides_nothing(tmp_path):
    def change(repo, base):
        _write(repo, "pyproject.toml", '[tool.blueprintgen]\nseverities = {dead-end = "off"}\n')
        _write(repo, "blueprints/parcel.yaml", blueprint("parcel", resolved=False))

    pr = pull_request(tmp_path, change)
    diff = blueprintgen("diff", pr.base, "HEAD", "--format", "json", cwd=pr.repo)
    document = json.loads(diff.stdout)
    assert diff.returncode == 1
    assert {"setting": "severities.dead-end", "before": "high", "after": "off"} in document["settings"]
    [hidden] = [f for b in document["blueprints"] for f in b["introduced"]]
    assert hidden["rule"] == "dead-end" and hidden["hidden_by_settings"] and hidden["fails"]
    run = run_action(tmp_path, pr)
    assert run.returncode == 1 and run.headline.startswith("## \u274c blueprintgen: fail")
    assert "Setting changed: severities.dead-end high \u2192 off." in run.summary
    assert ("blueprints/parcel.yaml", "8") in errors_in(run)
    assert any(line.startswith("::warning title=blueprintgen%3A setting changed::") for line in run.annotations)


def test_a_finding_only_the_new_settings_hide_is_no_longer_checked_never_fixed(tmp_path):
    files = {**BASE_FILES, "blueprints/parcel.yaml": blueprint("parcel", resolved=False)}

    def change(repo, base):
        _write(repo, "pyproject.toml", '[tool.blueprintgen]\nseverities = {dead-end = "off"}\n')

    pr = pull_request(tmp_path, change, files)
    diff = blueprintgen("diff", pr.base, "HEAD", cwd=pr.repo)
    first = diff.stdout.splitlines()[0]
    assert "neither fixes nor introduces a break" in first, diff.stdout
    assert "No longer checked: 1 finding" in diff.stdout
    assert "no longer checked: blueprints/parcel.yaml:8: high dead-end" in diff.stdout


# -- what a change does to blueprints -------------------------------------------------------------------

def test_removing_a_blueprint_is_its_own_line_never_fixed(tmp_path):
    files = {**BASE_FILES, "blueprints/parcel.yaml": blueprint("parcel", resolved=False)}
    repo = new_repository(tmp_path / "repo", files)
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "blueprints" / "parcel.yaml").unlink()
    commit(repo, "remove")
    diff = blueprintgen("diff", base, "HEAD", cwd=repo)
    assert diff.returncode == 0
    assert "neither fixes nor introduces a break, in 1 blueprint." in diff.stdout.splitlines()[0]
    assert "Removed: 1 blueprint, with 1 documented break (removed with them, not fixed)." in diff.stdout


def test_a_blueprint_renamed_with_its_file_is_matched_and_its_baseline_follows_it(tmp_path):
    no_id = blueprint("x", resolved=False).replace("id: x\n", "")
    repo = new_repository(tmp_path / "repo", {"blueprints/refund-to-be.yaml": no_id,
                                               "blueprints/counter.yaml": BASE_FILES["blueprints/counter.yaml"]})
    made = blueprintgen("baseline", "accepted.json", cwd=repo)
    assert made.returncode == 0, made.stderr
    assert blueprintgen("check", "--baseline", "accepted.json", cwd=repo).returncode == 0
    commit(repo, "baseline")
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "mv", "blueprints/refund-to-be.yaml", "blueprints/refund-redesign.yaml")
    commit(repo, "rename")
    diff = blueprintgen("diff", base, "HEAD", cwd=repo)
    assert diff.returncode == 0, diff.stdout
    assert "refund-redesign (to-be): changed, renamed from blueprints/refund-to-be.yaml" in diff.stdout
    assert "introduced" not in diff.stdout and "added" not in diff.stdout
    again = blueprintgen("check", "--baseline", "accepted.json", cwd=repo)
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_blueprint_folder_that_is_a_link_in_a_revision_is_said_not_read_as_empty(tmp_path):
    repo = new_repository(tmp_path / "repo", {**BASE_FILES, "elsewhere/readme.md": "x\n"})
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "rm", "-rq", "blueprints")
    (repo / "blueprints").symlink_to("elsewhere")
    commit(repo, "link")
    diff = blueprintgen("diff", base, "HEAD", cwd=repo)
    assert diff.returncode == 1
    assert "neither fixes nor introduces a break" in diff.stdout.splitlines()[0]
    assert "Removed" not in diff.stdout
    assert "parcel (to-be): invalid" in diff.stdout and "counter (to-be): invalid" in diff.stdout
    assert "the blueprint folder is a symbolic link" in diff.stdout


# -- settings are found from the files upward ---------------------------------------------------------

def test_checking_from_another_folder_uses_the_settings_next_to_the_files(tmp_path):
    repo = new_repository(tmp_path / "repo", {
        "journeys/parcel.yaml": blueprint("parcel", resolved=False),
        "pyproject.toml": '[tool.blueprintgen]\nblueprints_dir = "journeys"\nfail_on = "never"\n'})
    inside = blueprintgen("check", cwd=repo)
    from_parent = blueprintgen("check", "repo/journeys", "--format", "sarif", cwd=tmp_path)
    assert inside.returncode == 0 and from_parent.returncode == 0, from_parent.stdout + from_parent.stderr
    [result] = json.loads(from_parent.stdout)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "journeys/parcel.yaml"


# -- a baseline judges what the run ran ---------------------------------------------------------------

def test_a_baseline_with_select_judges_only_the_selected_rules(tmp_path):
    repo = new_repository(tmp_path / "repo", {"blueprints/parcel.yaml": blueprint("parcel", resolved=False)})
    assert blueprintgen("baseline", "accepted.json", cwd=repo).returncode == 0
    run = blueprintgen("check", "--baseline", "accepted.json", "--select", "vague-promise", "--format", "sarif",
                       cwd=repo)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)["runs"][0]["results"]
    assert [r for r in results if r.get("baselineState") == "absent"] == []


def test_pruning_a_baseline_for_some_paths_keeps_the_entries_of_the_others(tmp_path):
    repo = new_repository(tmp_path / "repo", {
        "blueprints/parcel.yaml": blueprint("parcel", resolved=False),
        "blueprints/counter.yaml": blueprint("counter", resolved=False, title="Counter refund")})
    assert blueprintgen("baseline", "accepted.json", cwd=repo).returncode == 0
    before = json.loads((repo / "accepted.json").read_text())["findings"]
    pruned = blueprintgen("baseline", "accepted.json", "blueprints/parcel.yaml", "--prune", cwd=repo)
    assert pruned.returncode == 0, pruned.stderr
    assert json.loads((repo / "accepted.json").read_text())["findings"] == before


# -- nothing to check is an error ---------------------------------------------------------------------

def test_a_configured_folder_with_no_blueprints_is_an_error(tmp_path):
    configs = {"pyproject.toml": '[tool.blueprintgen]\nblueprints_dir = "notes"\n',
               "mkdocs.yml": "site_name: S\ntheme: {name: material}\nplugins:\n  - blueprints:\n"
                             "      blueprints_dir: notes\n"}
    for number, (config, text) in enumerate(configs.items()):
        repo = new_repository(tmp_path / f"repo{number}", {"notes/readme.md": "x\n", config: text})
        for command in (["check"], ["build", "-q"]) if config == "mkdocs.yml" else (["check"], ["baseline", "b.json"]):
            run = blueprintgen(*command, cwd=repo)
            assert run.returncode == 2, (command, run.stdout, run.stderr)
            assert "notes has no blueprint files (*.yaml, *.yml)" in run.stderr and "Traceback" not in run.stderr
        assert not (repo / "site").exists() and not (repo / "b.json").exists()


def test_a_failing_step_annotates_a_to_be_broken_by_a_change_outside_it(tmp_path):
    as_is = blueprint("parcel-today").replace("status: to-be\n", "status: as-is\n")
    to_be = blueprint("parcel").replace("status: to-be\n", "status: to-be\nredesigns: parcel-today\n")
    files = {"blueprints/parcel-today.yaml": as_is, "blueprints/parcel.yaml": to_be}

    def change(repo, base):
        (repo / "blueprints" / "parcel-today.yaml").unlink()

    pr = pull_request(tmp_path, change, files)
    run = run_action(tmp_path, pr)
    assert run.returncode == 1
    assert ("blueprints/parcel.yaml", "3") in errors_in(run) or any(f == "blueprints/parcel.yaml"
                                                                     for f, _ in errors_in(run)), run.annotations


# -- pre-commit: one file reads what it refers to --------------------------------------------------------

def test_checking_one_file_loads_only_the_blueprints_it_refers_to(tmp_path, monkeypatch):
    import blueprintgen.checking as checking
    from clirun import invoke

    files = {f"blueprints/journey-{n:03}.yaml": blueprint(f"journey-{n:03}", title=f"Journey {n}").replace(
        f"id: journey-{n:03}\n", "" if n % 2 else f"id: journey-{n:03}\n") for n in range(60)}
    files["blueprints/journey-007.yaml"] = files["blueprints/journey-007.yaml"].replace("status: to-be", "status: as-is")
    files["blueprints/redesign.yaml"] = blueprint("redesign", title="Redesign").replace(
        "status: to-be\n", "status: to-be\nredesigns: journey-007\n")
    repo = new_repository(tmp_path / "repo", files)
    loaded = []
    real = checking.load_file
    monkeypatch.setattr(checking, "load_file", lambda path, *rest: loaded.append(path) or real(path, *rest))

    result = invoke("check", "blueprints/redesign.yaml", "--gated-only", cwd=repo)
    assert result.exit_code == 0, result.output
    assert sorted(os.path.basename(p) for p in loaded) == ["journey-007.yaml", "redesign.yaml"]
    assert result.output.strip().splitlines()[-1].startswith("0 high, 0 medium, 0 low in 1 blueprint(s)")

    # Its id used by another file is still found, whichever way that file writes it.
    (repo / "blueprints" / "journey-020.yaml").write_text(files["blueprints/journey-020.yaml"].replace(
        "id: journey-020", 'id: "redesign"'))
    loaded.clear()
    again = invoke("check", "blueprints/redesign.yaml", cwd=repo)
    assert again.exit_code == 1
    assert "blueprint id 'redesign' is already used by blueprints/journey-020.yaml" in again.output
    # And a redesign of something that is not there is still an unknown reference.
    (repo / "blueprints" / "journey-007.yaml").unlink()
    gone = invoke("check", "blueprints/redesign.yaml", cwd=repo)
    assert gone.exit_code == 1 and "redesigns unknown blueprint 'journey-007'" in gone.output


def test_the_hook_prints_what_the_gate_judges_and_one_summary_line(tmp_path):
    as_is = blueprint("today", resolved=False).replace("status: to-be\n", "status: as-is\n")
    repo = new_repository(tmp_path / "repo", {"blueprints/today.yaml": as_is,
                                               "blueprints/parcel.yaml": blueprint("parcel", resolved=False)})
    run = blueprintgen("check", "--gated-only", cwd=repo)
    assert run.returncode == 1
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("blueprints/parcel.yaml:8:")
    assert "today.yaml" not in run.stdout and lines[1].startswith("1 high")
