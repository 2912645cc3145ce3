"""unreachable-step: its cases (unreachable_step/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_message_names_the_first_step():
    assert "'ask'" in one(CASES.run("orphan"), "unreachable-step").message
