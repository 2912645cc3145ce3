"""broken-promise: its cases (broken_promise/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, found, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_the_finding_quotes_the_promise_and_the_metrics_count_it_broken():
    analysis = CASES.run("not-kept")
    finding = one(analysis, "broken-promise")
    assert "We will call you back." in finding.message
    assert "fulfils: promise" in finding.hint
    assert analysis.metrics.promises_broken == 1 and analysis.metrics.promises_kept == 0


def test_a_kept_promise_counts_as_kept():
    analysis = CASES.run("kept")
    assert found(analysis, "broken-promise") == []
    assert analysis.metrics.promises_kept == 1 and analysis.metrics.promises_broken == 0


def test_the_message_names_a_keeping_step_the_journey_cannot_get_to_from_the_promise():
    assert "'calls' says it keeps it" in one(CASES.run("kept-before"), "broken-promise").message


def test_a_withdrawn_promise_is_neither_broken_nor_kept():
    metrics = CASES.run("withdrawn").metrics
    assert (metrics.promises_kept, metrics.promises_broken, metrics.promises_withdrawn) == (0, 0, 1)
    assert CASES.run("withdrawn-not").metrics.promises_withdrawn == 0
