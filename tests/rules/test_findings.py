"""What the findings of every rule share: severities, `ignore:`, numbering, handoffs (cases in findings/)."""

import pytest

from blueprintgen.analysis import analyse
from blueprintgen.rules import RULES
from blueprintgen.settings import Settings
from rulecases import Folder, case, cases, check, found, load, run

CASES = Folder(__file__)
LAST_STEP = case("dead_end/last-step")
DIRECT = case("context_lost/direct-handoffs")   # two rules on one arrow


def with_severities(**changes: str) -> Settings:
    severities = {rule.slug: rule.severity for rule in RULES}
    severities.update({slug.replace("_", "-"): value for slug, value in changes.items()})
    return Settings(severities=severities)


@pytest.mark.parametrize("example", CASES.cases(), ids=str)
def test_case(example):
    check(example)


def test_severity_override_and_off():
    expected = [(rule, step, line, column, "low") for rule, step, line, column, _ in LAST_STEP.expected["dead-end"]]
    assert found(run(LAST_STEP, with_severities(dead_end="low")), "dead-end") == expected
    analysis = run(LAST_STEP, with_severities(dead_end="off"))
    assert found(analysis, "dead-end") == []
    assert all(f.rule != "dead-end" for f in analysis.ignored)


@pytest.mark.parametrize("example", [example for example in cases() if not example.problems], ids=str)
def test_every_rule_can_be_turned_off(example):
    everything_off = Settings(severities={rule.slug: "off" for rule in RULES})
    analysis = run(example, everything_off)
    assert analysis.findings == () and analysis.ignored == ()


def test_ignore_for_a_step_moves_the_finding_to_ignored():
    analysis = CASES.run("ignored-on-its-step")
    (ignored,) = [f for f in analysis.ignored if f.rule == "dead-end"]
    assert ignored.ignored == "The desk closes the case by phone."
    assert ignored.number == 0 and ignored.step == "answer"


def test_ignore_for_another_step_does_not_silence():
    assert CASES.run("ignored-on-another-step").ignored == ()


def test_ignore_without_step_silences_the_rule_in_the_whole_blueprint():
    analysis = CASES.run("ignored-everywhere")
    assert [f.step for f in analysis.ignored] == ["lab-repairs", "desk-returns"]
    assert {f.ignored for f in analysis.ignored} == {"Everyone reads the shared case file."}
    # Numbers stay 1..n over the active findings only.
    assert [f.number for f in analysis.findings] == list(range(1, len(analysis.findings) + 1))


def test_findings_sorted_by_position_then_rule_and_numbered():
    analysis = run(DIRECT)
    keys = [(f.position.line, f.position.column, f.rule, f.step) for f in analysis.findings]
    assert keys == sorted(keys)
    assert [f.number for f in analysis.findings] == list(range(1, len(keys) + 1))
    # Two rules on the same arrow: context-lost sorts before no-deadline.
    first_line = DIRECT.expected["context-lost"][0][2]
    assert [(f.rule, f.position.line) for f in analysis.findings[:2]] == [
        ("context-lost", first_line), ("no-deadline", first_line)]


def test_handoffs_list_the_numbers_of_their_findings():
    analysis = run(DIRECT)
    by_arrow = {(h.edge.source, h.edge.to): h for h in analysis.handoffs}
    assert set(by_arrow) == {("ask", "desk-logs"), ("desk-logs", "lab-repairs"), ("lab-repairs", "desk-returns")}
    numbers = {(f.rule, f.edge.source): f.number for f in analysis.findings if f.edge is not None}
    assert by_arrow["desk-logs", "lab-repairs"].broken_by == tuple(sorted(
        (numbers["context-lost", "desk-logs"], numbers["no-deadline", "desk-logs"])))
    assert by_arrow["ask", "desk-logs"].broken_by == ()
    assert by_arrow["ask", "desk-logs"].source_actor == "(customer)"
    assert by_arrow["ask", "desk-logs"].target_actor == "desk"


def test_analysis_is_deterministic():
    blueprint = load(case("customer_chases/loop"))
    assert analyse(blueprint) == analyse(blueprint)
    carried = case("context_lost/direct-handoff-carried")
    assert analyse(load(carried)) == analyse(load(carried))
