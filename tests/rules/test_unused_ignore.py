"""unused-ignore: its cases (unused_ignore/*.yaml, each with the findings it gives) and what they say."""

import pytest

from blueprintgen.rules import RULES
from blueprintgen.settings import Settings
from rulecases import Folder, check, found, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_it_names_the_step_the_finding_is_on():
    finding = one(CASES.run("loop-first-step"), "unused-ignore")
    assert finding.step is None
    assert finding.message == ("The `ignore:` entry for customer-chases on step 'asks-refund' matches no finding, so "
                               "it silences nothing: the customer-chases finding is on step 'still-nothing'.")
    assert finding.hint.endswith("(did you mean `rule: customer-chases`, `step: still-nothing`?)")


def test_it_names_the_findings_on_the_step_or_says_there_are_none():
    dead_end, vague = [f for f in CASES.run("nothing-there").findings if f.rule == "unused-ignore"]
    assert dead_end.message.endswith("matches no finding, so it silences nothing: this blueprint has no dead-end "
                                     "finding.")
    assert "(the whole blueprint)" in dead_end.message
    assert "vague-promise on step 'store-says-wait'" in vague.message


def test_an_entry_for_a_rule_that_is_off_is_not_reported():
    severities = {rule.slug: rule.severity for rule in RULES} | {"dead-end": "off"}
    analysis = CASES.run("nothing-there", Settings(severities=severities))
    assert [f.position.line for f in analysis.findings if f.rule == "unused-ignore"] == [28]
    assert found(analysis, "dead-end") == []
