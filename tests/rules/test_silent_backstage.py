"""silent-backstage: its cases (silent_backstage/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_finding_names_the_step_and_the_customer_step_it_reaches():
    finding = one(CASES.run("reaches-the-customer"), "silent-backstage")
    assert "'lab-repairs' (Repair lab)" in finding.message and "'picks-up'" in finding.message


def test_a_journey_that_ends_out_of_sight_says_so():
    analysis = CASES.run("support-and-backstage-end")
    assert "ends the journey behind the line of visibility" in \
        [f for f in analysis.findings if f.step == "ship-sends" and f.rule == "silent-backstage"][0].message
