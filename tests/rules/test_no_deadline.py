"""no-deadline: its cases (no_deadline/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_findings_name_both_owners_and_the_hint_writes_an_implicit_arrow_out():
    first, implicit = [f for f in CASES.run("between-owners").findings if f.rule == "no-deadline"]
    assert "'desk-logs' (Help desk)" in first.message and "'lab-repairs' (Repair lab)" in first.message
    assert first.hint.startswith("add `within:` to the handoff from 'desk-logs' to 'lab-repairs'")
    assert implicit.edge.implicit and "write the flow out" in implicit.hint


def test_via_a_channel_without_response_the_finding_names_the_channel():
    finding = [f for f in CASES.run("via-unanswered-channel").findings if f.rule == "no-deadline"][0]
    assert "'Store voicemail'" in finding.message and "response" in finding.hint
