"""late-promise: its cases (late_promise/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_finding_says_the_deadline_and_how_long_the_way_to_the_keeping_step_can_take():
    finding = one(CASES.run("late"), "late-promise")
    assert "within 2d" in finding.message and "'desk-returns', which keeps it, can take 4d" in finding.message


def test_waits_and_durations_add_up_on_the_longest_way():
    assert "can take 2d 1h" in one(CASES.run("slow-branch"), "late-promise").message
