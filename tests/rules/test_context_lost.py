"""context-lost: its cases (context_lost/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_through_the_customer_the_finding_is_on_the_arrow_into_the_receiver_and_names_who_handled_it():
    finding = one(CASES.run("through-the-customer"), "context-lost")
    assert finding.edge.source == "told-to-go" and finding.edge.to == "lab-checks"
    assert "Help desk handled the case last" in finding.message
    assert "tell Repair lab the story again" in finding.message
    assert "carries:" in finding.hint


def test_on_a_loop_only_the_arrow_that_carries_nothing_loses_the_case():
    assert [f.edge.source for f in CASES.run("loop").findings if f.rule == "context-lost"] == ["desk-takes"]


def test_the_message_names_the_owner_who_handled_the_case_since():
    visit = [f for f in CASES.run("someone-else-since").findings if f.rule == "context-lost"][1]
    assert "though Repair lab handled the case last" in visit.message
