"""long-silence: its cases (long_silence/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_finding_says_how_long_and_the_hint_names_the_limit():
    finding = one(CASES.run("three-weeks"), "long-silence")
    assert "hear nothing for 3w before step 'desk-writes'" in finding.message
    assert "`silence_limit: 1w`" in finding.hint
