"""Step cards and evidence cards: what each shows (owner, markers, badges), their size and their box."""

from __future__ import annotations

from ..analysis import Finding
from ..model import ID_PATTERN, Blueprint, Measure, Promise, Step
from ..rules import SEVERITIES
from ..words import counted, score
from .canvas import Box, quote, tooltip
from .look import (BADGE, CARD_W, INK, MARKERS, MUTED, NODE_PAD_X, NODE_PAD_Y, PORT_GAP, PORT_MIN, RED, RED_TINT,
                   SEVERITY_LOOK)
from .tables import Table, marker_width
from .text import shorten

# Pain points and opportunities are cut on the card (in full in the tooltip and on the page).
PAIN_LIMIT = 70

__all__ = ["actor_name", "via", "badge", "badges", "add_badges", "finding_lines", "measure_text", "promise_bounds",
           "card_table", "evidence_table", "arrow_findings", "step_tooltip",
           "port_room", "card_height", "card_box", "evidence_box"]


def actor_name(blueprint: Blueprint, step: Step) -> str | None:
    """Who acts at the step as the diagram names them: "Customer", the owner's name, or None."""
    if step.lane == "customer":
        return "Customer"
    owner = blueprint.owner_by_key.get(step.owner or "")
    return owner.name if owner else None


def via(blueprint: Blueprint, key: str) -> str:
    """"via <channel name>" (or its key when it has no name), as cards and arrow labels say it."""
    channel = blueprint.channel_by_key.get(key)
    return f"via {channel.name if channel and channel.name else key}"


def badge(number: int | str, severity: str | None = None) -> str:
    """A finding's badge text, with its severity in words when given (`⚠ 3 high`): told apart without
    colour. No-break spaces keep sign, number and severity on one line."""
    return f"{BADGE}\u00a0{number}" + (f"\u00a0{severity}" if severity else "")


def badges(findings: list[Finding], severity: bool = False) -> str:
    return "   ".join(badge(finding.number, finding.severity if severity else None) for finding in findings)


def add_badges(table, findings: list[Finding]) -> None:
    """One strip of badges per severity, most severe first, each in its severity's shade and saying it."""
    for severity in reversed(SEVERITIES):
        found = [finding for finding in findings if finding.severity == severity]
        if found:
            fill, ink = SEVERITY_LOOK[severity]
            table.add_text(badges(found, severity=True), bold=True, color=ink, fill=fill)


def measure_text(measure: Measure) -> str:
    """A measure as the card says it: `handling time: 12 min vs target 5 min`, `requests (1,200 customers)`."""
    unit = f" {measure.unit}" if measure.unit else ""
    figures = [f"{measure.value}{unit}" if measure.value else None,
               f"target {measure.target}{unit}" if measure.target else None]
    shown = [figure for figure in figures if figure]
    text = measure.name + (f": {' vs '.join(shown)}" if shown else "")
    return text + (f" ({counted(measure.volume, 'customer')})" if measure.volume is not None else "")


def promise_bounds(promise: Promise) -> str:
    """` (within 2d)`, ` (until collects-car)`, both, or nothing."""
    bounds = [f"within {promise.within.text}" if promise.within else None,
              f"until {promise.until}" if promise.until else None]
    return f" ({', '.join(b for b in bounds if b)})" if any(bounds) else ""


def finding_lines(findings: list[Finding]) -> list[str]:
    return [f"Finding {finding.number} ({finding.severity} {finding.rule}): {finding.message}" for finding in findings]


def card_table(blueprint: Blueprint, step: Step, findings: list[Finding], promised: dict[str, Promise],
               on_arrows: list[Finding] = ()) -> Table:
    """The card of one step: badges (its own, then those on its arrows), owner, wait, action, where, promise,
    kept promise, failure, end."""
    table = Table(CARD_W - NODE_PAD_X)
    add_badges(table, findings)
    if on_arrows:
        # So a step whose arrows carry findings never looks clean when one scans the cards.
        where = "on an arrow" if len({finding.edge for finding in on_arrows}) == 1 else "on its arrows"
        table.add_text(f"{badges(on_arrows)} {where}", bold=True, color=RED, fill=RED_TINT)
    owner = actor_name(blueprint, step)
    if step.lane != "customer":
        table.add_text(owner or "(no owner)", bold=True, color=INK if owner else RED)
    opportunities = blueprint.opportunities_by_step.get(step.id, ())
    markers = [m for m, present in (("W", step.wait), ("P", step.promise), ("P\u2713", step.fulfils),
                                    ("P\u2717", step.withdraws),
                                    ("F", step.failure), ("!", step.pain), ("O", opportunities),
                                    ("M", step.measures), ("\u00a4", step.cost), ("END", step.end)) if present]
    width = marker_width(markers)
    if step.wait:
        table.add_marked("W", f"waits {step.wait.text} before this", width, color=MARKERS["W"][1])
    table.add_text(step.action)
    where = []
    if step.channel:
        where.append(via(blueprint, step.channel))
    if step.touchpoint:
        where.append(f"at {step.touchpoint}")
    if step.duration:
        where.append(f"takes {step.duration.text}")
    if where:
        table.add_text(" \u00b7 ".join(where), color=MUTED, italic=True)
    if step.promise:
        table.add_marked("P", f"promise: {step.promise.what}{promise_bounds(step.promise)}", width,
                         color=MARKERS["P"][1])
    if step.fulfils:
        kept = promised.get(step.fulfils)
        table.add_marked("P\u2713", f"keeps: {kept.what}" if kept else "keeps a promise", width,
                         color=MARKERS["P"][1])
    if step.withdraws:
        withdrawn = promised.get(step.withdraws)
        table.add_marked("P\u2717", f"withdraws: {withdrawn.what}" if withdrawn else "withdraws a promise", width,
                         color=MARKERS["P\u2717"][1])
    if step.failure:
        table.add_marked("F", f"fails: {step.failure.what}", width, color=RED)
    for pain in step.pain:
        table.add_marked("!", f"pain: {shorten(pain, PAIN_LIMIT)}", width, color=MARKERS["!"][1])
    for opportunity in opportunities:
        table.add_marked("O", f"opportunity: {shorten(opportunity.what, PAIN_LIMIT)}", width, color=MARKERS["O"][1])
    for measure in step.measures:
        table.add_marked("M", shorten(measure_text(measure), PAIN_LIMIT), width, color=MARKERS["M"][1])
    if step.cost:
        table.add_marked("\u00a4", f"cost: {step.cost.text}", width, color=MARKERS["\u00a4"][1])
    if step.end:
        table.add_marked("END", f"journey ends: {step.end}", width, color=INK)
    return table


def evidence_table(step: Step) -> Table:
    evidence = Table(CARD_W - NODE_PAD_X)
    evidence.add_text(step.evidence)
    return evidence


def arrow_findings(plan) -> dict[int, list[Finding]]:
    """Per column, the findings on the arrows that leave or reach its card, by number."""
    touching: dict[int, dict[int, Finding]] = {}
    for route in plan.routes:
        for end in (route.a, route.b):
            touching.setdefault(end, {}).update((finding.number, finding) for finding in route.findings)
    return {end: [found[number] for number in sorted(found)] for end, found in touching.items() if found}


def step_tooltip(blueprint: Blueprint, step: Step, findings: list[Finding]) -> str:
    lines = [step.action]
    owner = actor_name(blueprint, step)
    if step.lane != "customer":
        lines.append(f"Owner: {owner or 'nobody'}")
    if step.channel:
        channel = blueprint.channel_by_key.get(step.channel)
        lines.append(f"Channel: {channel.name if channel else step.channel}")
    if step.touchpoint:
        lines.append(f"Touchpoint: {step.touchpoint}")
    if step.wait:
        lines.append(f"Wait before: {step.wait.text}")
    if step.promise:
        lines.append(f"Promise: {step.promise.what}{promise_bounds(step.promise)}")
    if step.failure:
        lines.append(f"Failure point: {step.failure.what}")
    if step.emotion:
        note = f" ({step.emotion.note})" if step.emotion.note else ""
        lines.append(f"Customer feels: {score(step.emotion.score)}{note}")
    lines.extend(f"Pain point: {pain}" for pain in step.pain)
    lines.extend(f"Opportunity: {o.what}" for o in blueprint.opportunities_by_step.get(step.id, ()))
    lines.extend(f"Measure: {measure_text(measure)}" for measure in step.measures)
    if step.cost:
        lines.append(f"Cost: {step.cost.text}")
    if step.end:
        lines.append(f"Journey ends: {step.end}")
    return "\n".join(lines + finding_lines(findings))


def port_room(route) -> float:
    """Height an arrow's end takes on the right side of its card: its label, or one port."""
    return (route.label.height + NODE_PAD_Y) if route.label else PORT_MIN


def card_height(table: Table, outgoing: list, incoming: list) -> float:
    """Tall enough for the card's text, the ends of the arrows leaving it and those coming in."""
    stack = sum(port_room(route) for route in outgoing) + PORT_GAP * max(0, len(outgoing) - 1)
    into = PORT_MIN * max(0, len(incoming) - 1)
    return max(table.height + NODE_PAD_Y, stack + 16, into + 24, 40)


def card_box(index: int, step: Step, x: float, y: float, height: float, table: Table, tip: str,
             findings: list[Finding], on_arrows: list[Finding] = ()) -> Box:
    """The card of step number `index` centred at (x, y); red and thick when a finding sits on it, red when
    one sits on one of its arrows."""
    kind = " finding" if findings else " arrow-finding" if on_arrows else ""
    attrs = {
        "class": quote(f"step lane-{step.lane}{kind}"),
        "shape": "box", "style": '"rounded,filled"', "fillcolor": quote("#ffffff"),
        "color": quote(RED if kind else INK), "penwidth": "3" if findings else "2" if on_arrows else "1.2",
        "label": f"<{table.render()}>", "tooltip": tooltip(tip),
    }
    if ID_PATTERN.fullmatch(step.id):
        attrs["href"] = quote(f"#step-{step.id}")
    return Box(f"s{index}", x, y, CARD_W, height, attrs)


def evidence_box(index: int, step: Step, x: float, y: float, table: Table) -> Box:
    attrs = {"class": quote("evidence"), "shape": "box", "style": '"dashed,filled"',
             "fillcolor": quote("#fffdf5"), "color": quote(MUTED),
             "label": f"<{table.render()}>", "tooltip": tooltip(f"Evidence: {step.evidence}")}
    if ID_PATTERN.fullmatch(step.id):
        attrs["href"] = quote(f"#step-{step.id}")
    return Box(f"v{index}", x, y, CARD_W, table.height + NODE_PAD_Y, attrs)
