"""vague-promise: its cases (vague_promise/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_finding_quotes_the_promise():
    assert "We will call you back." in one(CASES.run("no-within"), "vague-promise").message
