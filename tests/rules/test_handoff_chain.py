"""handoff-chain: its cases (handoff_chain/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_message_lists_the_owners_in_the_order_met_and_the_limit():
    message = one(CASES.run("four-owners"), "handoff-chain").message
    assert "Help desk \u2192 Repair lab \u2192 Store manager \u2192 Shipping" in message
    assert "more than 3 frontstage owners" in message


def test_back_office_owners_show_as_a_metric_not_a_finding():
    assert CASES.run("back-office").metrics.back_office_owners_on_longest_path == 3
    assert CASES.run("four-owners").metrics.back_office_owners_on_longest_path == 0


def test_the_message_lists_the_frontstage_owners_only():
    message = one(CASES.run("backstage-between"), "handoff-chain").message
    assert "Help desk \u2192 Repair lab \u2192 Shipping \u2192 Store manager" in message
