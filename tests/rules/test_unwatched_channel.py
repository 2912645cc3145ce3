"""unwatched-channel: its cases (unwatched_channel/*.yaml, each with the findings it gives) and what they say."""

import pytest

from rulecases import Folder, check, one

CASES = Folder(__file__)


@pytest.mark.parametrize("case", CASES.cases(), ids=str)
def test_case(case):
    check(case)


def test_on_a_step_the_finding_names_the_channel_and_no_arrow():
    finding = one(CASES.run("step-channel"), "unwatched-channel")
    assert "'Store voicemail'" in finding.message and finding.edge is None
    assert "watched_by:" in finding.hint and "'vm'" in finding.hint


def test_on_a_handoff_the_finding_is_on_the_arrow_and_breaks_the_handoff():
    analysis = CASES.run("handoff-via")
    finding = one(analysis, "unwatched-channel")
    assert finding.edge is not None and (finding.edge.source, finding.edge.to) == ("ask", "desk-answers")
    assert "'ask'" in finding.message and "'desk-answers'" in finding.message
    assert "'Store voicemail'" in finding.message
    (handoff,) = analysis.handoffs
    assert handoff.broken_by == (finding.number,)


def test_a_handoff_via_a_watched_channel_is_not_broken():
    assert CASES.run("watched-handoff-via").handoffs[0].broken_by == ()
