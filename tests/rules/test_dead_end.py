"""dead-end: its cases (dead_end/*.yaml, each with the findings it gives) and what its findings say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_finding_names_the_step_and_its_owner_and_the_hint_the_ends():
    finding = one(CASES.run("last-step"), "dead-end")
    assert finding.blueprint == "last-step"
    assert "'answer' (Help desk)" in finding.message
    assert "end: resolved" in finding.hint and "'answer'" in finding.hint
