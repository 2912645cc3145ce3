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
    assert "Help desk handled the case last" in finding.message
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


# -- context-lost: only owners met since the receiver last handled the case ----------------

REVISIT = ASK + """\
  - id: lab-checks
    lane: frontstage
    owner: lab
    action: The ward checks the case.
    next:
      - to: desk-hears
        within: 1d
        carries: [the whole story]
  - id: desk-hears
    lane: frontstage
    owner: desk
    action: The council team hears the whole story.
  - id: waits-at-home
    lane: customer
    action: Waits at home.
  - id: desk-visits
    lane: frontstage
    owner: desk
    action: The same council team visits.
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""


def test_context_lost_passing_twin_the_receiver_already_holds_the_case():
    # lab -> desk (carries) -> customer -> desk: nobody else handled it since the desk last did.
    assert found(run(REVISIT), "context-lost") == []


def test_context_lost_fires_when_someone_else_handled_it_since():
    # The ward (lab) handles it again after the desk: the desk's visit must be told again.
    steps = REVISIT.replace("""  - id: waits-at-home
""", """  - id: lab-again
    lane: frontstage
    owner: lab
    action: The ward looks again.
    next:
      - to: waits-at-home
  - id: waits-at-home
""")
    analysis = run(steps)
    # lab-again itself is a handoff from the desk with nothing carried; then the desk's visit.
    assert found(analysis, "context-lost") == [("context-lost", "lab-again", 22, 9, "medium"),
                                               ("context-lost", "desk-visits", 32, 9, "medium")]
    visit = [f for f in analysis.findings if f.rule == "context-lost"][1]
    assert "though Repair lab handled the case last" in visit.message


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
    # The finding sits on the arrow that closes the loop (desk-promises -> ask), at its line.
    analysis = run(CHASES)
    assert found(analysis, "customer-chases") == [("customer-chases", "desk-promises", 18, 12, "high")]
    finding = one(analysis, "customer-chases")
    assert (finding.edge.source, finding.edge.to) == ("desk-promises", "ask")
    assert "over steps 'ask', 'desk-promises':" in finding.message


OVERLAPPING = ASK + """\
  - id: desk-books
    lane: frontstage
    owner: desk
    action: Books a visit.
    next:
      - to: lab-visits
        within: 1d
        carries: [booking]
  - id: lab-visits
    lane: frontstage
    owner: lab
    action: Visits, but cannot fix it.
    next:
      - to: calls-again
        carries: [visit report]
  - id: calls-again
    lane: customer
    action: Calls again.
    next:
      - to: desk-books
        carries: [case number]
      - to: desk-asks-document
        carries: [case number]
  - id: desk-asks-document
    lane: frontstage
    owner: desk
    action: Asks for the receipt.
  - id: sends-document
    lane: customer
    action: Sends the receipt back.
    next:
      - to: calls-again
      - to: done
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""


def test_customer_chases_overlapping_loops_give_one_finding_each_naming_only_their_steps():
    # Two loops share calls-again: the failed visit (calls-again -> desk-books) and the
    # document asked for and sent back (sends-document -> calls-again).
    analysis = run(OVERLAPPING)
    assert found(analysis, "customer-chases") == [
        ("customer-chases", "calls-again", 33, 9, "high"),
        ("customer-chases", "sends-document", 45, 9, "high"),
    ]
    visit, document = [f for f in analysis.findings if f.rule == "customer-chases"]
    assert "over steps 'desk-books', 'lab-visits', 'calls-again':" in visit.message
    assert "'desk-asks-document'" not in visit.message and "'calls-again'" in visit.hint
    assert "over steps 'calls-again', 'desk-asks-document', 'sends-document':" in document.message
    assert "'desk-books'" not in document.message and "'desk-books'" not in document.hint


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
        ("customer-chases", "ask", 14, 12, "high"),
        ("customer-chases", "waits", 22, 12, "high"),
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
    assert "more than 3 frontstage owners" in message


def test_handoff_chain_passing_twin_stays_within_the_limit():
    steps = CHAIN.replace("    owner: ship\n", "    owner: desk\n")
    assert found(run(steps), "handoff-chain") == []


def test_handoff_chain_limit_comes_from_settings():
    assert found(run(CHAIN, settings=Settings(rule_options={"chain_limit": 4})), "handoff-chain") == []
    assert found(run(CHAIN, settings=Settings(rule_options={"chain_limit": 2})), "handoff-chain") == [
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
    lane: frontstage
    owner: boss
    action: Approves.
  - id: lab-checks
    lane: frontstage
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


def test_handoff_chain_does_not_count_back_office_owners_and_shows_them_as_a_metric():
    # desk takes it, then lab, boss and ship route it behind the scenes: the customer deals with
    # one frontstage owner, so no finding; the back-office owners show in the metric.
    steps = CHAIN.replace("    lane: frontstage\n    owner: lab", "    lane: backstage\n    owner: lab").replace(
        "    lane: frontstage\n    owner: boss", "    lane: backstage\n    owner: boss").replace(
        "    lane: frontstage\n    owner: ship", "    lane: support\n    owner: ship")
    analysis = run(steps)
    assert found(analysis, "handoff-chain") == []
    assert analysis.metrics.back_office_owners_on_longest_path == 3
    assert run(CHAIN).metrics.back_office_owners_on_longest_path == 0


def test_handoff_chain_sits_on_the_frontstage_step_that_passes_the_limit():
    # A backstage step between the 3rd and 4th frontstage owners is not where the limit is passed.
    steps = CHAIN.replace("""  - id: ship-sends
""", """  - id: lab-routes
    lane: backstage
    owner: ship
    action: Routes it.
  - id: ship-sends
""").replace("    owner: ship\n    action: Sends it.", "    owner: boss\n    action: Sends it.").replace(
        "  - id: boss-approves\n    lane: frontstage\n    owner: boss", "  - id: boss-approves\n    lane: frontstage\n    owner: ship")
    analysis = run(steps)
    assert found(analysis, "handoff-chain") == [("handoff-chain", "ship-sends", 30, 5, "medium")]
    assert "Help desk \u2192 Repair lab \u2192 Shipping \u2192 Store manager" in one(analysis, "handoff-chain").message


# -- late-promise ----------------------------------------------------------------------------

LATE = ASK + """\
  - id: desk-promises
    lane: frontstage
    owner: desk
    action: Says the phone is back in two days.
    promise:
      what: Your phone back in two days.
      within: 2d
  - id: desk-returns
    lane: frontstage
    owner: desk
    wait: 4d
    action: Hands the phone back.
    fulfils: desk-promises
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""


def test_late_promise_fires_when_the_way_to_the_keeping_step_takes_longer():
    analysis = run(LATE)
    assert found(analysis, "late-promise") == [("late-promise", "desk-promises", 19, 7, "high")]
    finding = one(analysis, "late-promise")
    assert "within 2d" in finding.message and "'desk-returns', which keeps it, can take 4d" in finding.message
    assert found(analysis, "broken-promise") == []


def test_late_promise_passing_twin_keeps_it_in_time():
    assert found(run(LATE.replace("wait: 4d", "wait: 1d")), "late-promise") == []


def test_late_promise_adds_waits_and_durations_on_the_longest_way():
    # Within 36h: 1d + 12h on the fast branch keeps it; 1d + 13h + 12h on the slow one does not.
    steps = LATE.replace("within: 2d", "within: 36h").replace("""  - id: desk-returns
""", """    next: [lab-fast, lab-slow]
  - id: lab-fast
    lane: backstage
    owner: lab
    duration: 1d
    action: Repairs fast.
    next:
      - to: desk-returns
        within: 1h
        carries: [phone]
  - id: lab-slow
    lane: backstage
    owner: lab
    wait: 1d
    duration: 13h
    action: Repairs slowly.
    next:
      - to: desk-returns
        within: 1h
        carries: [phone]
  - id: desk-returns
""").replace("wait: 4d", "wait: 12h")
    finding = one(run(steps), "late-promise")
    assert "can take 2d 1h" in finding.message
    assert found(run(steps.replace("    wait: 1d\n    duration: 13h", "    duration: 13h")), "late-promise") == []


# -- withdraws -------------------------------------------------------------------------------

WITHDRAWN = PROMISE + """\
  - id: desk-withdraws
    lane: frontstage
    owner: desk
    action: Calls to say the call-back will not happen after all.
    withdraws: promise
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""


def test_a_withdrawn_promise_is_neither_broken_nor_kept():
    analysis = run(WITHDRAWN)
    assert found(analysis, "broken-promise") == []
    assert (analysis.metrics.promises_kept, analysis.metrics.promises_broken,
            analysis.metrics.promises_withdrawn) == (0, 0, 1)
    broken = run(WITHDRAWN.replace("    withdraws: promise\n", ""))
    assert [f.step for f in broken.findings if f.rule == "broken-promise"] == ["promise"]
    assert broken.metrics.promises_withdrawn == 0


def test_withdraws_out_of_the_customers_sight_or_without_a_promise_is_a_load_error():
    backstage = WITHDRAWN.replace("  - id: desk-withdraws\n    lane: frontstage", "  - id: desk-withdraws\n    lane: backstage")
    loaded = load_bytes((HEADER + backstage).encode(), "t.yaml", "t")
    assert [str(p) for p in loaded.problems] == [
        "t.yaml:25:16: error: steps[2] is in the backstage lane, out of the customer's sight, so it cannot tell "
        "the customer that a promise no longer holds (hint: put `withdraws:` on the frontstage (or customer) step "
        "where the customer is told)"]
    nothing = WITHDRAWN.replace("withdraws: promise", "withdraws: ask")
    loaded = load_bytes((HEADER + nothing).encode(), "t.yaml", "t")
    assert [str(p) for p in loaded.problems] == [
        "t.yaml:25:16: error: step 'desk-withdraws' withdraws the promise of step 'ask', which makes no promise "
        "(hint: add a `promise:` to step 'ask', or point `withdraws:` at the step that made it)"]


# -- long-silence ----------------------------------------------------------------------------

SILENCE = ASK + """\
  - id: desk-logs
    lane: frontstage
    owner: desk
    action: Logs the claim.
    next:
      - to: lab-decides
        within: 1d
        carries: [claim]
  - id: lab-decides
    lane: backstage
    owner: lab
    wait: 3w
    action: Decides the claim.
    next:
      - to: desk-writes
        within: 1d
        carries: [decision]
  - id: desk-writes
    lane: frontstage
    owner: desk
    action: Sends the decision letter.
  - id: done
    lane: customer
    action: Reads the letter.
    end: resolved
"""


def test_long_silence_fires_where_the_customer_hears_again():
    analysis = run(SILENCE)
    assert found(analysis, "long-silence") == [("long-silence", "desk-writes", 31, 5, "medium")]
    finding = one(analysis, "long-silence")
    assert "hear nothing for 3w before step 'desk-writes'" in finding.message
    assert "`silence_limit: 1w`" in finding.hint


def test_long_silence_passing_twin_and_the_limit_comes_from_settings():
    assert found(run(SILENCE.replace("wait: 3w", "wait: 5d")), "long-silence") == []
    from blueprintgen.model import Duration
    assert found(run(SILENCE, settings=Settings(rule_options={"silence_limit": Duration("4w", 4 * 7 * 24 * 60)})),
                 "long-silence") == []


def test_long_silence_on_a_journey_that_ends_out_of_sight():
    steps = SILENCE.split("  - id: desk-writes")[0].replace("""    next:
      - to: desk-writes
        within: 1d
        carries: [decision]
""", "    end: resolved\n")
    assert found(run(steps), "long-silence") == [("long-silence", "lab-decides", 22, 5, "medium")]


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
                UNREACHABLE, LATE, SILENCE)
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
    for module in [rule.module for rule in rules.RULES]:
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
    assert rows == [(rule.slug, rule.severity) for rule in rules.RULES]
    sarif = json.loads(format_report([], [], "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    assert [(r["id"], r["fullDescription"]["text"], r["help"]["text"]) for r in sarif[:-1]] == [
        (rule.slug, rule.explanation, f"Fix: {rule.hint}") for rule in rules.RULES]


def test_the_worked_example_in_the_format_page_is_flagged_as_it_says():
    text = (RULES_DOC.parent / "format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text.split("## A full worked example")[1], flags=re.DOTALL).group(1)
    loaded = load_bytes(example.encode(), "worked.yaml", "worked")
    assert not loaded.problems
    analysis = analyse(loaded.blueprints[0])
    assert sorted((f.rule, f.step) for f in analysis.findings) == [
        ("late-promise", "counter-takes-phone"), ("no-deadline", "technician-checks"),
        ("unwatched-channel", "technician-checks")]
    assert [(f.rule, f.step) for f in analysis.ignored] == [("unrecovered-failure", "technician-checks")]
