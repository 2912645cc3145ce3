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


def test_a_late_withdrawal_says_it_was_withdrawn_late():
    finding = one(CASES.run("withdrawn-late"), "late-promise")
    assert "the way to 'desk-cancels-visit', which withdraws it, can take 5d" in finding.message
    assert finding.message.endswith("the promise is withdrawn late.")


def test_kept_late_and_withdrawn_late_is_one_finding_that_names_both():
    finding = one(CASES.run("kept-late-and-withdrawn-late"), "late-promise")
    assert finding.message.endswith("the promise is kept late and withdrawn late.")


def test_a_promise_bound_to_an_event_names_the_way_that_reaches_it_first():
    message = one(CASES.run("until-one-way-first"), "late-promise").message
    assert "until 'collects-car', but a way reaches 'collects-car' before the promise is kept " \
           "('garage-promises-car' \u2192 'garage-checks' \u2192 'collects-car')" in message
