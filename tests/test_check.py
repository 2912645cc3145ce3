"""`blueprintgen check`: the examples tell their stories; every format; exit codes; configuration."""

import json
import re
from pathlib import Path

import pytest
from blueprintgen.analysis import analyse
from clirun import invoke
from blueprintgen.loader import load_paths
from helpers import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def analyses():
    loaded = load_paths([str(EXAMPLES)])
    assert not loaded.problems
    return {b.id: analyse(b) for b in loaded.blueprints}


def found(analysis, rule):
    return {f.step for f in analysis.findings if f.rule == rule}


# The breaks each story tells (see ../shared/seeds), as (rule, step) pairs that must be flagged.
STORIES = {
    "facial-appointment-cancelled": [   # voicemail cancels; "someone will get back to you"; manager never follows up
        ("unwatched-channel", "voicemail-cancels"), ("broken-promise", "voicemail-cancels"),
        ("broken-promise", "manager-promises-follow-up"), ("customer-chases", "no-follow-up"),
        ("context-lost", "clerk-listens")],
    "beauty-store-headset-help": [      # headset call nobody answers; "I'll go find someone"; walks out
        ("broken-promise", "promises-to-find"), ("dead-end", "coworker-asked")],
    "two-providers-four-people": [      # four people before one who can act, each deflecting
        ("handoff-chain", "new-manager-blames-staff"), ("context-lost", "second-staffer-deflects"),
        ("unrecovered-failure", "second-staffer-deflects")],
    "double-charge-refund": [           # refund promised never comes; email auto-sorted unread; story repeated
        ("broken-promise", "staff-promise-refund"), ("unwatched-channel", "emails-store"),
        ("context-lost", "floor-staff-restart"), ("dead-end", "manager-inbox"),
        ("customer-chases", "floor-staff-restart")],
    "ortho-shoes-prescription": [       # voicemail twice, no return call; provider tells the doctor, not the patient
        ("unwatched-channel", "calls-provider"), ("customer-chases", "provider-voicemail"),
        ("silent-backstage", "provider-wants-new-exam"), ("handoff-chain", "corporate-takes-it-on")],
}


@pytest.mark.parametrize("blueprint_id", sorted(STORIES))
def test_each_as_is_example_is_flagged_for_the_breaks_its_story_tells(analyses, blueprint_id):
    flagged = {(f.rule, f.step) for f in analyses[blueprint_id].findings}
    assert set(STORIES[blueprint_id]) <= flagged


def test_headset_call_nobody_answers_is_an_unwatched_handoff(analyses):
    analysis = analyses["beauty-store-headset-help"]
    assert any(f.rule == "unwatched-channel" and f.edge is not None for f in analysis.findings)


@pytest.mark.parametrize("blueprint_id", ["double-charge-refund-to-be", "facial-appointment-cancelled-to-be"])
def test_to_be_redesigns_pass_clean(analyses, blueprint_id):
    analysis = analyses[blueprint_id]
    assert analysis.blueprint.status == "to-be" and analysis.blueprint.redesigns in analyses
    assert [(f.rule, f.step) for f in analysis.findings] == []
    assert invoke("check", EXAMPLES / f"{blueprint_id}.yaml", EXAMPLES / f"{analysis.blueprint.redesigns}.yaml",
                  "--fail-on", "high").output.count(" high ") == len(
        [f for f in analyses[analysis.blueprint.redesigns].findings if f.severity == "high"])


def test_text_format_lines_sorted_by_file_and_line_then_summary():
    result = invoke("check", "blueprints")
    lines = result.output.splitlines()
    assert result.exit_code == 0     # every finding is in an as-is blueprint: documentation, not gated
    keys = [(line.split(":")[0], int(line.split(":")[1]), int(line.split(":")[2])) for line in lines[:-1]]
    assert keys == sorted(keys)
    assert lines[0].startswith("blueprints/beauty-store-headset-help.yaml:")
    assert " high " in lines[0] and "(hint: " in lines[0]
    assert re.fullmatch(r"27 high, 30 medium, 0 low in 7 blueprint\(s\): 0 gated, 57 documentation \(as-is\); "
                        r"0 failing; 1 ignored", lines[-1]), lines[-1]
    assert all(" (as-is): " in line for line in lines[:-1])


def test_json_format_has_the_documented_keys():
    document = json.loads(invoke("check", "--format", "json", "--fail-on", "never").output)
    blueprint = document["blueprints"][0]
    assert {"id", "file", "title", "metrics", "findings"} <= set(blueprint)
    assert {"rule", "severity", "step", "file", "line", "column", "message", "hint"} <= set(blueprint["findings"][0])
    assert document["errors"] == []
    ignored = [f for b in document["blueprints"] for f in b["ignored"]]
    assert ignored and all(f["ignored"] for f in ignored)


def test_sarif_has_what_code_scanning_requires():
    sarif = json.loads(invoke("check", "--format", "sarif", "--fail-on", "never").output)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run_ = sarif["runs"][0]
    rule_ids = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert "dead-end" in rule_ids and "handoff-chain" in rule_ids
    assert run_["results"]
    for result in run_["results"]:
        assert result["ruleId"] in rule_ids and result["level"] in ("error", "warning", "note")
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith("blueprints/")
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
    suppressed = [r for r in run_["results"] if "suppressions" in r]
    assert suppressed and suppressed[0]["suppressions"][0]["justification"]


def test_github_format_prints_annotations():
    lines = invoke("check", "--format", "github", "--gate", "all").output.splitlines()
    assert lines[0].startswith("::error file=blueprints/beauty-store-headset-help.yaml,line=")
    assert any(line.startswith("::warning file=") for line in lines)


def test_github_format_shows_as_is_findings_as_notices():
    lines = invoke("check", "--format", "github").output.splitlines()
    assert lines[0].startswith("::notice file=blueprints/beauty-store-headset-help.yaml,line=")
    assert not any(line.startswith(("::error", "::warning")) for line in lines)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_output_is_byte_identical_across_runs(fmt):
    assert invoke("check", "--format", fmt).output == invoke("check", "--format", fmt).output


@pytest.mark.parametrize("fail_on, code", [("high", 1), ("medium", 1), ("low", 1), ("never", 0)])
def test_fail_on_exit_codes_on_the_as_is_examples_when_everything_is_gated(fail_on, code):
    assert invoke("check", "--fail-on", fail_on, "--gate", "all").exit_code == code


@pytest.mark.parametrize("fail_on", ["high", "medium", "low", "never"])
def test_as_is_examples_never_fail_the_default_gate(fail_on):
    result = invoke("check", "--fail-on", fail_on)
    assert result.exit_code == 0 and " high dead-end (as-is): " in result.output


def test_clean_blueprint_exits_0_at_any_threshold():
    assert invoke("check", EXAMPLES / "double-charge-refund-to-be.yaml", EXAMPLES / "double-charge-refund.yaml",
                  "--fail-on", "never").exit_code == 0
    assert invoke("check", "--fail-on", "low", "--gate", "all", EXAMPLES / "facial-appointment-cancelled-to-be.yaml",
                  EXAMPLES / "facial-appointment-cancelled.yaml").exit_code == 1  # the as-is one fails


def test_invalid_blueprint_fails_check_with_its_position(tmp_path):
    (tmp_path / "x.yaml").write_text("title: T\nsteps:\n  - {id: a, lane: customer, action: x, end: done}\n")
    result = invoke("check", tmp_path, "--fail-on", "never")
    assert result.exit_code == 1
    # Outside any repository, the folder given is the project: paths are relative to it.
    assert "x.yaml:3:45: error: steps[0].end 'done' is not one of: resolved, abandoned" in result.output


def _project(tmp_path: Path, plugin_entry: str) -> Path:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "a.yaml").write_text(
        "title: T\nowners: {desk: {name: Desk}}\nsteps:\n  - {id: a, lane: customer, action: x}\n"
        "  - {id: b, lane: frontstage, owner: desk, action: y}\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: S\ntheme:\n  name: material\n"
                                         "  icon: !!python/name:material.extensions.emoji.twemoji\n"
                                         f"plugins:\n  - search\n  - blueprints:\n{plugin_entry}")
    return tmp_path


def test_configuration_from_mkdocs_yml_sets_folder_severities_and_fail_on(tmp_path):
    project = _project(tmp_path, "      blueprints_dir: flows\n      severities: {dead-end: low}\n"
                                 "      fail_on: medium\n")
    result = invoke("check", cwd=project)
    assert "flows/a.yaml:5:5: low dead-end (as-is): " in result.output
    assert result.exit_code == 0      # a low finding passes fail_on: medium


def test_severity_off_silences_a_rule(tmp_path):
    project = _project(tmp_path, "      blueprints_dir: flows\n      severities:\n        dead-end: off\n")
    assert "dead-end" not in invoke("check", cwd=project).output


def test_configuration_errors_are_positioned_and_exit_2(tmp_path):
    project = _project(tmp_path, "      blueprints_dir: flows\n      severities: {dead-ends: low}\n"
                                 "      chain_limt: 4\n")
    result = invoke("check", cwd=project)
    assert result.exit_code == 2
    assert result.output == (
        "mkdocs.yml:9:20: error: severities: unknown rule 'dead-ends' (hint: did you mean 'dead-end'?)\n"
        "mkdocs.yml:10:7: error: unknown blueprints option 'chain_limt' (hint: did you mean 'chain_limit'?)\n")


def test_pre_commit_hook_runs_check():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "entry: blueprintgen check" in hooks and "id: blueprintgen-check" in hooks


@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif"])
def test_worker_processes_give_the_same_report_as_one_process(tmp_path, monkeypatch, fmt):
    import blueprint_factory
    from blueprintgen import checking
    from blueprintgen.report import format_records
    from blueprintgen.settings import Settings

    for index in range(12):
        text = blueprint_factory.blueprint_yaml(8 + index, index, branching=0.3, looping=0.2)
        (tmp_path / f"generated-{index:02}.yaml").write_text(text)
    (tmp_path / "broken.yaml").write_text("title: Broken\nsteps: [\n")
    taken = blueprint_factory.load((tmp_path / "generated-03.yaml").read_text()).id
    (tmp_path / "twin.yaml").write_text(blueprint_factory.blueprint_yaml(5, 99, blueprint_id=taken))
    one = checking.check_paths([str(tmp_path)], Settings(), workers=1, fmt=fmt)
    monkeypatch.setattr(checking, "PARALLEL_FROM", 1)
    two = checking.check_paths([str(tmp_path)], Settings(), workers=2, fmt=fmt)
    report = format_records(*one, fmt)
    assert report == format_records(*two, fmt)
    assert "broken.yaml" in report and "twin.yaml" in report
    assert len(one[0]) == 12   # the broken file and the twin that reuses an id are left out
    if fmt in ("text", "github"):   # full records (as `record` makes them) give the same lines
        from blueprintgen.analysis import analyse
        from blueprintgen.report import record
        loaded = load_paths([str(tmp_path)])
        valid = [record(analyse(b)) for b in loaded.blueprints if b.file not in {p.file for p in one[1]}]
        assert format_records(valid, one[1], fmt) == report
