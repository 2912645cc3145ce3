"""Metrics, handoffs, and large generated blueprints (no path enumeration, no recursion limit)."""

from __future__ import annotations

import random

from blueprintgen.analysis import Metrics, analyse
from blueprintgen.loader import load_bytes
from blueprintgen.model import Blueprint
from blueprintgen.settings import Settings


def load(text: str) -> Blueprint:
    loaded = load_bytes(text.encode(), "m.yaml", "m")
    assert not loaded.problems, [str(problem) for problem in loaded.problems]
    (blueprint,) = loaded.blueprints
    return blueprint


HEADER = """\
title: M
owners:
  desk: {name: Help desk}
  lab: {name: Repair lab}
channels:
  phone: {name: Phone, watched_by: desk, response: 1h}
  email: {name: Email, watched_by: desk, response: 1d}
steps:
"""

# Worked by hand:
#   arrows: calls->desk-logs (implicit), desk-logs->lab-fixes, desk-logs->gives-up,
#           lab-fixes->desk-reports, desk-reports->hears-back (implicit)
#   all five join different actors; desk-logs->lab-fixes and lab-fixes->desk-reports
#   cross the line of visibility.
#   customer steps in file order: calls (phone), hears-back (email), gives-up (phone): 2 switches.
#   longest way to `end: resolved`: 10+5 + 15 + 120 + 10 + 1440 = 1600 minutes.
SMALL = HEADER + """\
  - id: calls
    lane: customer
    channel: phone
    action: Calls about a broken item.
    wait: 10m
    duration: 5m
  - id: desk-logs
    lane: frontstage
    owner: desk
    action: Logs it and promises a fix.
    duration: 15m
    promise:
      what: Fixed within two days.
      within: 2d
    next:
      - to: lab-fixes
        carries: [fault report]
        within: 1d
      - gives-up
  - id: lab-fixes
    lane: backstage
    owner: lab
    action: Fixes it.
    duration: 2h
    next:
      - to: desk-reports
        carries: [repair notes]
        within: 1h
  - id: desk-reports
    lane: frontstage
    owner: desk
    action: Reports the fix.
    duration: 10m
    fulfils: desk-logs
  - id: hears-back
    lane: customer
    channel: email
    action: Reads the email.
    wait: 1d
    end: resolved
  - id: gives-up
    lane: customer
    channel: phone
    action: Gives up.
    end: abandoned
"""


def test_metrics_of_a_small_blueprint():
    analysis = analyse(load(SMALL))
    assert analysis.metrics == Metrics(
        steps=6, owners=2, handoffs=5, handoffs_across_visibility=2, customer_contacts=3,
        channel_switches=2, promises_kept=1, promises_broken=0, promises_withdrawn=0,
        longest_time_to_resolution_minutes=1600, back_office_owners_on_longest_path=1)
    assert [(h.edge.source, h.edge.to) for h in analysis.handoffs] == [
        ("calls", "desk-logs"), ("desk-logs", "lab-fixes"), ("desk-logs", "gives-up"),
        ("lab-fixes", "desk-reports"), ("desk-reports", "hears-back")]
    assert [(h.source_actor, h.target_actor) for h in analysis.handoffs][:2] == [
        ("(customer)", "desk"), ("desk", "lab")]
    # The small blueprint is clean, so no handoff is broken.
    assert analysis.findings == ()
    assert all(h.broken_by == () for h in analysis.handoffs)


def test_longest_wait_counts_a_loop_once():
    blueprint = load(HEADER + """\
  - id: calls
    lane: customer
    action: Calls.
    duration: 10m
  - id: desk-answers
    lane: frontstage
    owner: desk
    action: Answers.
    duration: 20m
    next: [calls, done]
  - id: done
    lane: customer
    action: Done.
    duration: 5m
    end: resolved
""")
    assert analyse(blueprint).metrics.longest_time_to_resolution_minutes == 35


def test_longest_wait_takes_the_longer_branch_and_none_without_resolution():
    branches = HEADER + """\
  - id: calls
    lane: customer
    action: Calls.
    next: [quick, slow]
  - id: quick
    lane: frontstage
    owner: desk
    action: Quick answer.
    duration: 5m
    next: [done]
  - id: slow
    lane: frontstage
    owner: desk
    action: Slow answer.
    duration: 3h
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""
    assert analyse(load(branches)).metrics.longest_time_to_resolution_minutes == 180
    assert analyse(load(branches.replace("end: resolved", "end: abandoned"))).metrics.longest_time_to_resolution_minutes is None


def test_metrics_do_not_depend_on_severities():
    off = Settings(severities={})
    assert analyse(load(SMALL), off).metrics == analyse(load(SMALL)).metrics
    broken = SMALL.replace("    fulfils: desk-logs\n", "")
    metrics = analyse(load(broken), off).metrics
    assert (metrics.promises_kept, metrics.promises_broken) == (0, 1)


# -- large generated blueprints ---------------------------------------------------------------


def generated(n: int, owners: int = 12, seed: int = 7) -> str:
    """A branching, looping blueprint: every step leads to the next two, some jump back or far ahead."""
    rnd = random.Random(seed)
    lanes = ["customer", "frontstage", "backstage", "support"]
    lines = ["title: Generated", "owners:"]
    lines += [f"  o{k}: {{name: Owner {k}}}" for k in range(owners)]
    lines += ["channels:", "  vm: {name: Voicemail}", "  desk: {name: Desk, watched_by: o0, response: 1h}",
              "steps:"]
    for i in range(n):
        lane = lanes[i % 4]
        lines += [f"  - id: s{i}", f"    lane: {lane}", f"    action: Step {i}.", f"    wait: {rnd.randrange(60)}m"]
        if lane != "customer":
            lines.append(f"    owner: o{rnd.randrange(owners)}")
        if i % 7 == 0:
            lines.append(f"    promise: {{what: Promise {i}}}")
        if i % 7 == 3:
            lines.append(f"    fulfils: s{i - 3}")
        if i == n - 1:
            lines.append("    end: resolved")
            continue
        targets = {i + 1, min(i + 2, n - 1)}
        if i > 5 and rnd.random() < 0.3:
            targets.add(rnd.randrange(i - 5, i))
        if rnd.random() < 0.2:
            targets.add(min(n - 1, i + rnd.randrange(3, 40)))
        lines.append("    next:")
        for target in sorted(targets):
            via = "vm" if rnd.random() < 0.1 else "desk"
            lines.append(f"      - {{to: s{target}, via: {via}}}" if rnd.random() < 0.5 else f"      - s{target}")
    return "\n".join(lines) + "\n"


def test_a_2000_step_branching_looping_blueprint_finishes():
    blueprint = load(generated(2000))
    analysis = analyse(blueprint)
    assert analysis.metrics.steps == 2000
    assert [f.number for f in analysis.findings] == list(range(1, len(analysis.findings) + 1))
    assert sum(1 for f in analysis.findings if f.rule == "handoff-chain") == 1
    assert analysis.metrics.longest_time_to_resolution_minutes is not None
    assert analysis.metrics.promises_kept + analysis.metrics.promises_broken == 286
    assert analysis == analyse(blueprint)


def test_one_loop_through_3000_steps_needs_no_recursion():
    steps = [f"""\
  - id: s{i}
    lane: {"customer" if i % 2 else "frontstage"}
{"" if i % 2 else "    owner: desk" + chr(10)}    action: Step {i}.
""" for i in range(3000)]
    steps[-1] += "    next: [s0, done]\n"
    text = HEADER + "".join(steps) + """\
  - id: done
    lane: customer
    action: Done.
    end: resolved
"""
    analysis = analyse(load(text))
    chases = [f for f in analysis.findings if f.rule == "customer-chases"]
    # One loop, closed by the arrow from the last step back to the first.
    assert len(chases) == 1 and chases[0].step == "s2999" and chases[0].edge.to == "s0"
    assert "(2992 more)" in chases[0].message
    assert [f.rule for f in analysis.findings if f.rule != "customer-chases"] == []


def test_a_long_straight_journey_with_a_diamond_ladder():
    # 2^500 ways from the entry to the end: anything that enumerates paths never finishes.
    lines = []
    for layer in range(500):
        for side in ("a", "b"):
            lines += [f"  - id: {side}{layer}", "    lane: frontstage", f"    owner: {'desk' if side == 'a' else 'lab'}",
                      "    action: Works.", "    duration: 1m"]
            if layer == 499:
                lines.append("    end: resolved")
            else:
                lines += ["    next:", f"      - {{to: a{layer + 1}, within: 1h, carries: [file]}}",
                          f"      - {{to: b{layer + 1}, within: 1h, carries: [file]}}"]
    analysis = analyse(load(HEADER + "\n".join(lines) + "\n"))
    assert analysis.metrics.longest_time_to_resolution_minutes == 500
    # Only b0 is cut off (nothing leads to it); everything else is clean.
    assert [(f.rule, f.step) for f in analysis.findings] == [("unreachable-step", "b0")]


JOURNEY_MAP = """title: T
owners: {desk: {name: Desk}, lab: {name: Lab}}
steps:
  - {id: calls, lane: customer, action: Calls., emotion: -1, pain: [On hold, Explains again], cost: 2.50 EUR}
  - {id: desk-logs, lane: frontstage, owner: desk, action: Logs it., pain: No case tool, cost: 10 EUR,
     next: [lab-fixes, gives-up]}
  - {id: lab-fixes, lane: backstage, owner: lab, action: Fixes it., cost: 40 EUR, duration: 2d}
  - {id: hears-back, lane: customer, action: Hears back., emotion: {score: 1, note: Relieved}, end: resolved}
  - {id: gives-up, lane: customer, action: Gives up., emotion: {score: -2, note: Fed up}, cost: 99 EUR, end: abandoned}
opportunities:
  - {id: a, what: One case., impact: high}
  - {id: b, what: Call back., impact: high, effort: low}
  - {id: c, what: Tell the customer., impact: low}
  - {id: d, what: Something.}
"""


def test_journey_map_metrics_lowest_moment_pain_cost_and_opportunities():
    metrics = analyse(load(JOURNEY_MAP)).metrics
    assert (metrics.lowest_emotion, metrics.lowest_emotion_step, metrics.steps_below_neutral) == (-2, "gives-up", 2)
    assert metrics.pain_points == 3
    # Along calls -> desk-logs -> lab-fixes -> hears-back; the abandoned branch's 99 EUR is not on it.
    assert metrics.cost_on_longest_path == "52.50 EUR"
    assert metrics.opportunities_by_impact == {"high": 2, "medium": 0, "low": 1, "unrated": 1}


def test_journey_map_metrics_without_emotions_or_costs():
    metrics = analyse(load(SMALL)).metrics
    assert (metrics.lowest_emotion, metrics.lowest_emotion_step, metrics.cost_on_longest_path) == (None, None, None)
    assert (metrics.steps_below_neutral, metrics.pain_points) == (0, 0)
