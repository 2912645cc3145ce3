"""unrecovered-failure: its cases (unrecovered_failure/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_finding_quotes_the_failure():
    assert "The booking is lost." in one(CASES.run("no-recovery"), "unrecovered-failure").message
