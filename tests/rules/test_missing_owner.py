"""missing-owner: its cases (missing_owner/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_finding_names_the_lane_and_the_action_and_the_hint_the_owners():
    finding = one(CASES.run("no-owner"), "missing-owner")
    assert "backstage" in finding.message and "Checks the stock." in finding.message
    assert "owner:" in finding.hint and "desk" in finding.hint
