"""The handoff rules: for each rule a failing blueprint, its passing twin, and the exact finding.

Every blueprint starts with HEADER (lines 1-10), so the first step is on
line 11 and a step's position is its `- id:` line, column 5.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprintgen.analysis import Analysis, Finding, analyse
from blueprintgen.loader import load_bytes
from blueprintgen.model import Blueprint
from blueprintgen.rules import RULES
from blueprintgen.settings import Settings

HEADER = """\
title: T
owners:
  desk: {name: Help desk}
  lab: {name: Repair lab}
  boss: {name: Store manager}
  ship: {name: Shipping}
channels:
  phone: {name: Phone line, watched_by: desk, response: 1h}
  vm: {name: Store voicemail}
steps:
"""


def load(steps: str, tail: str = "") -> Blueprint:
    loaded = load_bytes((HEADER + steps + tail).encode(), "t.yaml", "t")
    assert not loaded.problems, [str(problem) for problem in loaded.problems]
    (blueprint,) = loaded.blueprints
    return blueprint


def run(steps: str, tail: str = "", settings: Settings = Settings()) -> Analysis:
    return analyse(load(steps, tail), settings)


def found(analysis: Analysis, rule: str) -> list[tuple]:
    """(rule, step, line, column, severity) of each active finding of `rule`."""
    return [(f.rule, f.step, f.position.line, f.position.column, f.severity)
            for f in analysis.findings if f.rule == rule]


def one(analysis: Analysis, rule: str) -> Finding:
    (finding,) = [f for f in analysis.findings if f.rule == rule]
    return finding


def with_severities(**changes: str) -> Settings:
    severities = {rule.slug: rule.severity for rule in RULES}
    severities.update({slug.replace("_", "-"): value for slug, value in changes.items()})
    return Settings(severities=severities)


ASK = """\
  - id: ask
    lane: customer
    action: Asks for help.
"""

# -- dead-end ---------------------------------------------------------------------------

DEAD_END = ASK + """\
  - id: answer
    lane: frontstage
    owner: desk
    action: Answers.
"""


def test_dead_end_fires_on_a_last_step_that_is_not_an_end():
    analysis = run(DEAD_END)
    assert found(analysis, "dead-end") == [("dead-end", "answer", 14, 5, "high")]
    finding = one(analysis, "dead-end")
    assert finding.blueprint == "t"
    assert "'answer' (Help desk)" in finding.message
    assert "end: resolved" in finding.hint and "'answer'" in finding.hint


def test_dead_end_passing_twin_ends_the_journey():
    assert found(run(DEAD_END + "    end: resolved\n"), "dead-end") == []
    assert found(run(DEAD_END + "    end: abandoned\n"), "dead-end") == []


def test_dead_end_on_empty_next_in_the_middle():
    analysis = run(ASK + "    next: []\n" + """\
  - id: done
    lane: customer
    action: Done.
    end: resolved
""")
    assert found(analysis, "dead-end") == [("dead-end", "ask", 11, 5, "high")]
    # `done` is then cut off from the entry.
    assert found(analysis, "unreachable-step") == [("unreachable-step", "done", 15, 5, "low")]


# -- broken-promise and vague-promise -----------------------------------------------------

PROMISE = ASK + """\
  - id: promise
    lane: frontstage
    owner: desk
    action: Promises a call back.
    promise:
      what: We will call you back.
      within: 1d
"""
GIVES_UP = """\
  - id: gives-up
    lane: customer
    action: Gives up.
    end: abandoned
"""
CALLS = """\
  - id: calls
    lane: frontstage
    owner: desk
    action: Calls back.
    fulfils: promise
    end: resolved
"""


def test_broken_promise_fires_when_no_later_step_keeps_it():
    analysis = run(PROMISE + GIVES_UP)
    assert found(analysis, "broken-promise") == [("broken-promise", "promise", 19, 7, "high")]
    finding = one(analysis, "broken-promise")
    assert "We will call you back." in finding.message
    assert "fulfils: promise" in finding.hint
    assert analysis.metrics.promises_broken == 1 and analysis.metrics.promises_kept == 0


def test_broken_promise_passing_twin_keeps_it():
    analysis = run(PROMISE + CALLS)
    assert found(analysis, "broken-promise") == []
    assert analysis.metrics.promises_kept == 1 and analysis.metrics.promises_broken == 0


def test_broken_promise_when_the_keeping_step_cannot_be_reached_from_it():
    # `calls` keeps the promise but comes before it, and nothing leads back.
    steps = ASK + """\
  - id: calls
    lane: frontstage
    owner: desk
    action: Calls back.
    fulfils: promise
  - id: promise
    lane: frontstage
    owner: desk
    action: Promises a call back.
    promise:
      what: We will call you back.
      within: 1d
""" + GIVES_UP
    finding = one(run(steps), "broken-promise")
    assert (finding.step, finding.position.line, finding.position.column) == ("promise", 24, 7)
    assert "'calls' says it keeps it" in finding.message


def test_a_step_may_keep_its_own_promise():
    steps = ASK + """\
  - id: promise
    lane: frontstage
    owner: desk
    action: Promises and does it at once.
    promise:
      what: Done on the spot.
      within: 5m
    fulfils: promise
    end: resolved
"""
    assert found(run(steps), "broken-promise") == []


def test_promise_kept_inside_a_loop_before_the_promising_step():
    # keep -> promise -> keep: the loop reaches the keeping step again.
    steps = ASK + """\
  - id: keep
    lane: frontstage
    owner: desk
    action: Calls back.
    fulfils: promise
  - id: promise
    lane: frontstage
    owner: desk
    action: Promises a call back.
    promise:
      what: We will call you back.
      within: 1d
    next: [keep, done]
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""
    assert found(run(steps), "broken-promise") == []


def test_vague_promise_fires_without_within():
    analysis = run(PROMISE.replace("      within: 1d\n", "") + CALLS)
    assert found(analysis, "vague-promise") == [("vague-promise", "promise", 19, 7, "medium")]
    assert "We will call you back." in one(analysis, "vague-promise").message


def test_vague_promise_passing_twin_has_a_deadline():
    assert found(run(PROMISE + CALLS), "vague-promise") == []


# -- missing-owner -------------------------------------------------------------------------

NO_OWNER = ASK + """\
  - id: checks
    lane: backstage
    action: Checks the stock.
    end: resolved
"""


def test_missing_owner_fires_on_a_staff_step_without_owner():
    analysis = run(NO_OWNER)
    assert found(analysis, "missing-owner") == [("missing-owner", "checks", 14, 5, "high")]
    finding = one(analysis, "missing-owner")
    assert "backstage" in finding.message and "Checks the stock." in finding.message
    assert "owner:" in finding.hint and "desk" in finding.hint


def test_missing_owner_passing_twin_names_the_owner():
    analysis = run(NO_OWNER.replace("    lane: backstage\n", "    lane: backstage\n    owner: lab\n"))
    assert found(analysis, "missing-owner") == []


def test_customer_steps_need_no_owner():
    assert found(run(ASK + "    end: resolved\n"), "missing-owner") == []


# -- unwatched-channel ---------------------------------------------------------------------

UNWATCHED_STEP = """\
  - id: calls-store
    lane: customer
    channel: vm
    action: Leaves a message.
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""


def test_unwatched_channel_fires_on_a_step_channel():
    analysis = run(UNWATCHED_STEP)
    assert found(analysis, "unwatched-channel") == [("unwatched-channel", "calls-store", 11, 5, "high")]
    finding = one(analysis, "unwatched-channel")
    assert "'Store voicemail'" in finding.message and finding.edge is None
    assert "watched_by:" in finding.hint and "'vm'" in finding.hint


def test_unwatched_channel_passing_twin_uses_a_watched_channel():
    assert found(run(UNWATCHED_STEP.replace("channel: vm", "channel: phone")), "unwatched-channel") == []


UNWATCHED_EDGE = ASK + """\
    next:
      - to: desk-answers
        via: vm
  - id: desk-answers
    lane: frontstage
    owner: desk
    action: Answers.
    end: resolved
"""


def test_unwatched_channel_fires_on_a_handoff_via():
    analysis = run(UNWATCHED_EDGE)
    assert found(analysis, "unwatched-channel") == [("unwatched-channel", "ask", 15, 9, "high")]
    finding = one(analysis, "unwatched-channel")
    assert finding.edge is not None and (finding.edge.source, finding.edge.to) == ("ask", "desk-answers")
    assert "'ask'" in finding.message and "'desk-answers'" in finding.message
    assert "'Store voicemail'" in finding.message
    (handoff,) = analysis.handoffs
    assert handoff.broken_by == (finding.number,)


def test_unwatched_channel_passing_twin_routes_via_a_watched_channel():
    analysis = run(UNWATCHED_EDGE.replace("via: vm", "via: phone"))
    assert found(analysis, "unwatched-channel") == []
    assert analysis.handoffs[0].broken_by == ()


# -- no-deadline ---------------------------------------------------------------------------

NO_DEADLINE = ASK + """\
  - id: desk-logs
    lane: frontstage
    owner: desk
    action: Logs the fault.
    next:
      - to: lab-repairs
        carries: [fault report]
  - id: lab-repairs
    lane: backstage
    owner: lab
    action: Repairs.
  - id: desk-returns
    lane: frontstage
    owner: desk
    action: Returns the item.
    end: resolved
"""


def test_no_deadline_fires_on_a_handoff_between_owners_without_within():
    analysis = run(NO_DEADLINE)
    assert found(analysis, "no-deadline") == [
        ("no-deadline", "desk-logs", 19, 9, "medium"),
        # lab-repairs -> desk-returns is implicit: it sits on lab-repairs' id.
        ("no-deadline", "lab-repairs", 21, 9, "medium"),
    ]
    first = [f for f in analysis.findings if f.rule == "no-deadline"][0]
    assert "'desk-logs' (Help desk)" in first.message and "'lab-repairs' (Repair lab)" in first.message
    assert first.hint.startswith("add `within:` to the handoff from 'desk-logs' to 'lab-repairs'")
    implicit = [f for f in analysis.findings if f.rule == "no-deadline"][1]
    assert implicit.edge.implicit and "write the flow out" in implicit.hint


def test_no_deadline_passing_twins_within_or_channel_response():
    with_within = NO_DEADLINE.replace("        carries: [fault report]\n",
                                      "        carries: [fault report]\n        within: 2d\n")
    assert [f.step for f in run(with_within).findings if f.rule == "no-deadline"] == ["lab-repairs"]
    via_phone = NO_DEADLINE.replace("        carries: [fault report]\n",
                                    "        carries: [fault report]\n        via: phone\n")
    assert [f.step for f in run(via_phone).findings if f.rule == "no-deadline"] == ["lab-repairs"]


def test_no_deadline_via_a_channel_without_response_still_fires():
    steps = NO_DEADLINE.replace("        carries: [fault report]\n",
                                "        carries: [fault report]\n        via: vm\n")
    finding = [f for f in run(steps).findings if f.rule == "no-deadline"][0]
    assert "'Store voicemail'" in finding.message and "response" in finding.hint


def test_no_deadline_ignores_same_owner_and_customer_handoffs():
    steps = ASK + """\
  - id: desk-logs
    lane: frontstage
    owner: desk
    action: Logs.
  - id: desk-checks
    lane: backstage
    owner: desk
    action: Checks.
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""
    assert found(run(steps), "no-deadline") == []


# -- context-lost --------------------------------------------------------------------------

CONTEXT_LOST = ASK + """\
  - id: desk-takes
    lane: frontstage
    owner: desk
    action: Takes the case.
  - id: told-to-go
    lane: customer
    action: Goes to the repair lab.
  - id: lab-checks
    lane: frontstage
    owner: lab
    action: Checks the item.
    end: resolved
"""


def test_context_lost_through_the_customer():
    # desk -> customer -> lab with nothing carried: the customer tells the story again.
    analysis = run(CONTEXT_LOST)
    assert found(analysis, "context-lost") == [("context-lost", "lab-checks", 18, 9, "medium")]
    finding = one(analysis, "context-lost")
    assert finding.edge.source == "told-to-go" and finding.edge.to == "lab-checks"
    assert "Help desk handled the case before" in finding.message
    assert "tell Repair lab the story again" in finding.message
    assert "carries:" in finding.hint


def test_context_lost_passing_twin_carries_the_case():
    steps = CONTEXT_LOST.replace("    action: Goes to the repair lab.\n", """\
    action: Goes to the repair lab.
    next:
      - to: lab-checks
        carries: [case number]
""")
    assert found(run(steps), "context-lost") == []


def test_context_lost_on_a_direct_staff_handoff():
    steps = NO_DEADLINE.replace("        carries: [fault report]\n", "")
    analysis = run(steps)
    # desk-logs -> lab-repairs (explicit) and lab-repairs -> desk-returns (implicit).
    assert found(analysis, "context-lost") == [
        ("context-lost", "lab-repairs", 19, 9, "medium"),
        ("context-lost", "desk-returns", 20, 9, "medium"),
    ]
    assert one(run(NO_DEADLINE), "context-lost").step == "desk-returns"


def test_no_context_lost_without_an_earlier_owner():
    steps = ASK + """\
  - id: lab-checks
    lane: frontstage
    owner: lab
    action: Checks the item.
    end: resolved
"""
    assert found(run(steps), "context-lost") == []


def test_context_lost_counts_owners_met_on_a_loop():
    # desk <-> lab loop where only lab -> desk carries something: desk -> lab still loses it.
    steps = ASK + """\
  - id: desk-takes
    lane: frontstage
    owner: desk
    action: Takes the case.
  - id: lab-checks
    lane: backstage
    owner: lab
    action: Checks.
    next:
      - to: desk-takes
        carries: [report]
      - to: done
        carries: [report]
  - id: done
    lane: frontstage
    owner: lab
    action: Hands back.
    end: resolved
"""
    assert [f.edge.source for f in run(steps).findings if f.rule == "context-lost"] == ["desk-takes"]


# -- silent-backstage ----------------------------------------------------------------------

SILENT = ASK + """\
  - id: lab-repairs
    lane: backstage
    owner: lab
    action: Repairs.
  - id: picks-up
    lane: customer
    action: Comes to pick up.
    end: resolved
"""


def test_silent_backstage_fires_when_the_customer_is_reached_unseen():
    analysis = run(SILENT)
    assert found(analysis, "silent-backstage") == [("silent-backstage", "lab-repairs", 14, 5, "medium")]
    finding = one(analysis, "silent-backstage")
    assert "'lab-repairs' (Repair lab)" in finding.message and "'picks-up'" in finding.message


def test_silent_backstage_passing_twin_tells_the_customer():
    steps = SILENT.replace("  - id: picks-up\n", """\
  - id: desk-calls
    lane: frontstage
    owner: desk
    action: Calls to say it is ready.
  - id: picks-up
""")
    assert found(run(steps), "silent-backstage") == []


def test_silent_backstage_through_support_steps_and_at_a_backstage_end():
    steps = ASK + """\
  - id: lab-repairs
    lane: backstage
    owner: lab
    action: Repairs.
  - id: ship-sends
    lane: support
    owner: ship
    action: Sends it back.
    end: resolved
"""
    analysis = run(steps)
    assert [f.step for f in analysis.findings if f.rule == "silent-backstage"] == ["lab-repairs", "ship-sends"]
    assert "ends the journey behind the line of visibility" in \
        [f for f in analysis.findings if f.step == "ship-sends" and f.rule == "silent-backstage"][0].message


def test_silent_backstage_needs_only_one_silent_way():
    steps = ASK + """\
  - id: lab-repairs
    lane: backstage
    owner: lab
    action: Repairs.
    next: [desk-calls, picks-up]
  - id: desk-calls
    lane: frontstage
    owner: desk
    action: Calls.
  - id: picks-up
    lane: customer
    action: Picks up.
    end: resolved
"""
    assert [f.step for f in run(steps).findings if f.rule == "silent-backstage"] == ["lab-repairs"]


# -- unrecovered-failure -------------------------------------------------------------------

FAILURE = ASK + """\
  - id: desk-books
    lane: frontstage
    owner: desk
    action: Books a slot.
    failure:
      what: The booking is lost.
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""


def test_unrecovered_failure_fires_without_recovery():
    analysis = run(FAILURE)
    assert found(analysis, "unrecovered-failure") == [("unrecovered-failure", "desk-books", 19, 7, "high")]
    assert "The booking is lost." in one(analysis, "unrecovered-failure").message


def test_unrecovered_failure_passing_twin_names_the_recovery():
    steps = FAILURE.replace("      what: The booking is lost.\n",
                            "      what: The booking is lost.\n      recovery: done\n")
    assert found(run(steps), "unrecovered-failure") == []


# -- customer-chases -----------------------------------------------------------------------

CHASES = ASK + """\
  - id: desk-promises
    lane: frontstage
    owner: desk
    action: Says someone will call.
    next: [ask, done]
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""


def test_customer_chases_one_finding_per_loop():
    analysis = run(CHASES)
    assert found(analysis, "customer-chases") == [("customer-chases", "ask", 11, 5, "high")]
    assert "'ask', 'desk-promises'" in one(analysis, "customer-chases").message


def test_customer_chases_passing_twin_has_no_loop():
    assert found(run(CHASES.replace("next: [ask, done]", "next: [done]")), "customer-chases") == []


def test_a_loop_without_a_customer_step_is_not_chasing():
    steps = ASK + """\
  - id: desk-asks
    lane: frontstage
    owner: desk
    action: Asks the lab.
  - id: lab-answers
    lane: backstage
    owner: lab
    action: Answers.
    next:
      - to: desk-asks
        carries: [answer]
      - to: done
        carries: [answer]
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""
    assert found(run(steps), "customer-chases") == []


def test_a_staff_self_loop_is_neither_chasing_nor_a_dead_end():
    steps = ASK + """\
  - id: desk-retries
    lane: frontstage
    owner: desk
    action: Tries again.
    next: [desk-retries, done]
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""
    analysis = run(steps)
    assert found(analysis, "customer-chases") == [] and found(analysis, "dead-end") == []


def test_customer_self_loop_counts_and_two_loops_give_two_findings():
    steps = ASK + """\
    next: [ask, desk-promises]
  - id: desk-promises
    lane: frontstage
    owner: desk
    action: Says someone will call.
  - id: waits
    lane: customer
    action: Waits.
    next: [desk-promises, done]
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""
    analysis = run(steps)
    assert found(analysis, "customer-chases") == [
        ("customer-chases", "ask", 11, 5, "high"),
        ("customer-chases", "desk-promises", 15, 5, "high"),
    ]
    assert "leads back to itself" in analysis.findings[0].message


# -- handoff-chain -------------------------------------------------------------------------

CHAIN = ASK + """\
  - id: desk-takes
    lane: frontstage
    owner: desk
    action: Takes it.
  - id: lab-checks
    lane: frontstage
    owner: lab
    action: Checks.
  - id: boss-approves
    lane: frontstage
    owner: boss
    action: Approves.
  - id: ship-sends
    lane: frontstage
    owner: ship
    action: Sends it.
  - id: done
    lane: customer
    action: Receives it.
    end: resolved
"""


def test_handoff_chain_fires_on_the_step_that_passes_the_limit():
    analysis = run(CHAIN)
    assert found(analysis, "handoff-chain") == [("handoff-chain", "ship-sends", 26, 5, "medium")]
    message = one(analysis, "handoff-chain").message
    assert "Help desk \u2192 Repair lab \u2192 Store manager \u2192 Shipping" in message
    assert "more than 3 owners" in message


def test_handoff_chain_passing_twin_stays_within_the_limit():
    steps = CHAIN.replace("    owner: ship\n", "    owner: desk\n")
    assert found(run(steps), "handoff-chain") == []


def test_handoff_chain_limit_comes_from_settings():
    assert found(run(CHAIN, settings=Settings(chain_limit=4)), "handoff-chain") == []
    assert found(run(CHAIN, settings=Settings(chain_limit=2)), "handoff-chain") == [
        ("handoff-chain", "boss-approves", 22, 5, "medium")]


def test_handoff_chain_only_counts_ways_to_a_resolution():
    assert found(run(CHAIN.replace("end: resolved", "end: abandoned")), "handoff-chain") == []


def test_handoff_chain_one_finding_on_the_earliest_step():
    # Two ways exceed the limit (through ship-sends, and through a second 4th owner later).
    steps = CHAIN.replace("    end: resolved\n", """\
    next: [desk-again, end-here]
  - id: desk-again
    lane: frontstage
    owner: desk
    action: Checks again.
  - id: end-here
    lane: customer
    action: Ends.
    end: resolved
""")
    assert found(run(steps), "handoff-chain") == [("handoff-chain", "ship-sends", 26, 5, "medium")]


def test_handoff_chain_counts_every_owner_of_a_loop():
    # desk -> (lab <-> boss) -> ship: the loop gives lab and boss, ship is the 4th.
    steps = ASK + """\
  - id: desk-takes
    lane: frontstage
    owner: desk
    action: Takes it.
  - id: boss-approves
    lane: backstage
    owner: boss
    action: Approves.
  - id: lab-checks
    lane: backstage
    owner: lab
    action: Checks.
    next:
      - to: boss-approves
        carries: [report]
        within: 1d
      - ship-sends
  - id: ship-sends
    lane: frontstage
    owner: ship
    action: Sends it.
    end: resolved
"""
    assert found(run(steps), "handoff-chain") == [("handoff-chain", "ship-sends", 31, 5, "medium")]


# -- unreachable-step ----------------------------------------------------------------------

UNREACHABLE = ASK + """\
    end: resolved
  - id: orphan
    lane: frontstage
    owner: desk
    action: Never happens.
    end: resolved
"""


def test_unreachable_step_fires_on_a_step_nothing_leads_to():
    analysis = run(UNREACHABLE)
    assert found(analysis, "unreachable-step") == [("unreachable-step", "orphan", 15, 5, "low")]
    assert "'ask'" in one(analysis, "unreachable-step").message


def test_unreachable_step_passing_twin_connects_it():
    steps = UNREACHABLE.replace("    end: resolved\n  - id: orphan", "    next: [orphan]\n  - id: orphan", 1)
    assert found(run(steps), "unreachable-step") == []


# -- severities, ignores, numbering ----------------------------------------------------------


def test_severity_override_and_off():
    assert found(run(DEAD_END, settings=with_severities(dead_end="low")), "dead-end") == [
        ("dead-end", "answer", 14, 5, "low")]
    analysis = run(DEAD_END, settings=with_severities(dead_end="off"))
    assert found(analysis, "dead-end") == []
    assert all(f.rule != "dead-end" for f in analysis.ignored)


def test_every_rule_can_be_turned_off():
    everything_off = Settings(severities={rule.slug: "off" for rule in RULES})
    for steps in (DEAD_END, PROMISE + GIVES_UP, NO_OWNER, UNWATCHED_EDGE, NO_DEADLINE, CONTEXT_LOST,
                  SILENT, FAILURE, CHASES, CHAIN, UNREACHABLE):
        analysis = run(steps, settings=everything_off)
        assert analysis.findings == () and analysis.ignored == ()


def test_ignore_for_a_step_moves_the_finding_to_ignored():
    tail = """\
ignore:
  - rule: dead-end
    step: answer
    reason: The desk closes the case by phone.
"""
    analysis = run(DEAD_END, tail)
    assert found(analysis, "dead-end") == []
    (ignored,) = [f for f in analysis.ignored if f.rule == "dead-end"]
    assert ignored.ignored == "The desk closes the case by phone."
    assert ignored.number == 0 and ignored.step == "answer"


def test_ignore_for_another_step_does_not_silence():
    tail = """\
ignore:
  - rule: dead-end
    step: ask
    reason: Not this one.
"""
    analysis = run(DEAD_END, tail)
    assert found(analysis, "dead-end") == [("dead-end", "answer", 14, 5, "high")]
    assert analysis.ignored == ()


def test_ignore_without_step_silences_the_rule_in_the_whole_blueprint():
    tail = """\
ignore:
  - rule: context-lost
    reason: Everyone reads the shared case file.
"""
    analysis = run(NO_DEADLINE.replace("        carries: [fault report]\n", ""), tail)
    assert found(analysis, "context-lost") == []
    assert [f.step for f in analysis.ignored] == ["lab-repairs", "desk-returns"]
    assert {f.ignored for f in analysis.ignored} == {"Everyone reads the shared case file."}
    # Numbers stay 1..n over the active findings only.
    assert [f.number for f in analysis.findings] == list(range(1, len(analysis.findings) + 1))


def test_findings_sorted_by_position_then_rule_and_numbered():
    analysis = run(NO_DEADLINE.replace("        carries: [fault report]\n", ""))
    keys = [(f.position.line, f.position.column, f.rule, f.step) for f in analysis.findings]
    assert keys == sorted(keys)
    assert [f.number for f in analysis.findings] == list(range(1, len(keys) + 1))
    # Two rules on the same arrow: context-lost sorts before no-deadline.
    assert [(f.rule, f.position.line) for f in analysis.findings[:2]] == [
        ("context-lost", 19), ("no-deadline", 19)]


def test_handoffs_list_the_numbers_of_their_findings():
    analysis = run(NO_DEADLINE.replace("        carries: [fault report]\n", ""))
    by_arrow = {(h.edge.source, h.edge.to): h for h in analysis.handoffs}
    assert set(by_arrow) == {("ask", "desk-logs"), ("desk-logs", "lab-repairs"), ("lab-repairs", "desk-returns")}
    numbers = {(f.rule, f.edge.source): f.number for f in analysis.findings if f.edge is not None}
    assert by_arrow["desk-logs", "lab-repairs"].broken_by == tuple(sorted(
        (numbers["context-lost", "desk-logs"], numbers["no-deadline", "desk-logs"])))
    assert by_arrow["ask", "desk-logs"].broken_by == ()
    assert by_arrow["ask", "desk-logs"].source_actor == "(customer)"
    assert by_arrow["ask", "desk-logs"].target_actor == "desk"


def test_analysis_is_deterministic():
    blueprint = load(CHASES)
    assert analyse(blueprint) == analyse(blueprint)
    assert analyse(load(NO_DEADLINE)) == analyse(load(NO_DEADLINE))


@pytest.mark.parametrize("rule", [rule.slug for rule in RULES])
def test_every_rule_has_a_failing_example_here(rule):
    """Each rule of the catalogue fires on at least one blueprint of this file."""
    examples = (DEAD_END, PROMISE.replace("      within: 1d\n", "") + GIVES_UP, NO_OWNER, UNWATCHED_EDGE,
                NO_DEADLINE.replace("        carries: [fault report]\n", ""), SILENT, FAILURE, CHASES, CHAIN,
                UNREACHABLE)
    assert any(f.rule == rule for steps in examples for f in run(steps).findings)


# -- docs/rules.md -------------------------------------------------------------------------

RULES_DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def doc_examples() -> dict[str, list[str]]:
    """Each `## <slug>` section of docs/rules.md -> its YAML blocks (breaks, then fixed)."""
    sections = re.split(r"^## ", RULES_DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    examples = {}
    for section in sections:
        heading, _, body = section.partition("\n")
        examples[heading.strip()] = re.findall(r"```yaml\n(.*?)```", body, flags=re.DOTALL)
    return examples


@pytest.mark.parametrize("rule", [rule.slug for rule in RULES])
def test_the_rules_page_examples_break_and_fix(rule):
    examples = doc_examples()
    assert rule in examples, f"docs/rules.md has no section `## {rule}`"
    breaks, fixed = examples[rule]
    default = next(r.severity for r in RULES if r.slug == rule)
    section = RULES_DOC.read_text(encoding="utf-8").split(f"\n## {rule}\n")[1].split("\n## ")[0]
    assert f"**Default severity: {default}.**" in section

    def analysed(text: str) -> Analysis:
        loaded = load_bytes(text.encode(), "example.yaml", "example")
        assert not loaded.problems, [str(problem) for problem in loaded.problems]
        return analyse(loaded.blueprints[0])

    assert rule in {f.rule for f in analysed(breaks).findings}
    assert [f"{f.rule} {f.step}" for f in analysed(fixed).findings] == []


# -- the registry and the catalogue ------------------------------------------------------------


def test_registry_maps_each_slug_to_its_module_and_names_the_rules_for_an_unknown_one():
    from blueprintgen import rules
    for module in rules.MODULES:
        assert rules.get(module.ID) is module
        assert module.SEVERITY in rules.SEVERITIES and module.TITLE and module.MEANING and module.FIX
        assert module.__doc__.split("\n")[0].startswith(f"{module.ID}: ")
        assert set(module.__all__) >= {"ID", "SEVERITY", "TITLE", "MEANING", "FIX", "check"}
    with pytest.raises(rules.UnknownRule) as raised:
        rules.get("dead-ends")
    assert str(raised.value).startswith("no rule named 'dead-ends'; the rules are: dead-end, ")


def test_the_rules_page_table_and_sarif_metadata_agree_with_the_rule_modules():
    from blueprintgen import rules
    from blueprintgen.report import format_report
    import json
    text = RULES_DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[([a-z-]+)\]\(#\1\) \| (low|medium|high) \|", text, flags=re.MULTILINE)
    assert rows == [(module.ID, module.SEVERITY) for module in rules.MODULES]
    sarif = json.loads(format_report([], [], "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    assert [(r["id"], r["fullDescription"]["text"], r["help"]["text"]) for r in sarif[:-1]] == [
        (module.ID, module.MEANING, f"Fix: {module.FIX}") for module in rules.MODULES]
