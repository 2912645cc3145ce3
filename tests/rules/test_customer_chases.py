"""customer-chases: its cases (customer_chases/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_finding_is_on_the_arrow_that_closes_the_loop_and_names_its_steps():
    finding = one(CASES.run("loop"), "customer-chases")
    assert (finding.edge.source, finding.edge.to) == ("desk-promises", "ask")
    assert "over steps 'ask', 'desk-promises':" in finding.message


def test_overlapping_loops_each_name_only_their_own_steps():
    visit, document = [f for f in CASES.run("overlapping-loops").findings if f.rule == "customer-chases"]
    assert "over steps 'desk-books', 'lab-visits', 'calls-again':" in visit.message
    assert "'desk-asks-document'" not in visit.message and "'calls-again'" in visit.hint
    assert "over steps 'calls-again', 'desk-asks-document', 'sends-document':" in document.message
    assert "'desk-books'" not in document.message and "'desk-books'" not in document.hint


def test_a_customer_step_that_leads_back_to_itself_says_so():
    assert "leads back to itself" in CASES.run("self-loop-and-loop").findings[0].message



def test_a_designed_repeat_is_listed_with_its_claim_instead_of_a_finding():
    analysis = CASES.run("designed-and-chasing")
    (designed,) = analysis.designed
    assert (designed.rule, designed.step, designed.edge.to, designed.repeat.at_most) == (
        "customer-chases", "tries-it", "fix", 2)
    assert designed.message.endswith("designed to repeat at most 2 times, because "
                                     "\u201cThe technician is still there and tries again.\u201d")
    assert [f.step for f in analysis.findings if f.rule == "customer-chases"] == ["desk-books"]


def test_an_as_is_loop_stays_a_break_and_says_why_the_claim_does_not_count():
    analysis = CASES.run("designed-repeat-as-is")
    assert analysis.designed == ()
    assert "this blueprint is as-is" in one(analysis, "customer-chases").message


def test_a_repeat_away_from_the_arrow_back_names_the_arrow_back():
    message = one(CASES.run("repeat-not-on-the-arrow-back"), "customer-chases").message
    assert "the arrow that closes this loop is the one from 'tries-it' back to 'fix'" in message
