"""A blueprint and its findings -> the DOT text of its diagram, putting layout, cards, routes and legend together."""

from __future__ import annotations

from typing import Iterable

from ..analysis import Analysis, Finding
from ..model import ID_PATTERN, Blueprint, Edge
from .canvas import Canvas
from .cards import arrow_findings, card_box, card_height, card_table, evidence_box, evidence_table, step_tooltip
from .curve import curve_height, draw_curve
from .layout import Columns, column_order, draw_bands, place_rows
from .legend import draw_legend
from .look import BANDS, CARD_W
from .routes import assign_tracks, draw_route, place_ports, plan_routes

__all__ = ["blueprint_dot", "sort_findings"]


def sort_findings(blueprint: Blueprint, findings: Iterable[Finding]):
    """Active findings by where they are drawn: (on a step, on an arrow, in the note on the whole blueprint)."""
    edges = set(blueprint.edges)
    steps = {step.id for step in blueprint.steps}
    on_step: dict[str, list[Finding]] = {}
    on_edge: dict[Edge, list[Finding]] = {}
    note: list[Finding] = []
    for finding in sorted((f for f in findings if not f.ignored), key=lambda f: (f.number, f.rule)):
        if finding.edge is not None and finding.edge in edges:
            on_edge.setdefault(finding.edge, []).append(finding)
        elif finding.step is not None and finding.step in steps:
            on_step.setdefault(finding.step, []).append(finding)
        else:
            note.append(finding)
    return on_step, on_edge, note


def blueprint_dot(blueprint: Blueprint | Analysis, findings: Iterable[Finding] = ()) -> str:
    """The DOT text of a blueprint's diagram, for `neato -n2`; `findings` are drawn with their badges.

    Accepts an `Analysis` too, whose active findings are then drawn.
    """
    if isinstance(blueprint, Analysis):
        findings = tuple(blueprint.findings) + tuple(findings)
        blueprint = blueprint.blueprint
    steps = column_order(blueprint)
    column = {step.id: index for index, step in enumerate(steps)}
    number = {step.id: index for index, step in enumerate(blueprint.steps)}   # names cards by file order
    canvas = Canvas(f"bp-{blueprint.id}" if ID_PATTERN.fullmatch(blueprint.id or "") else "bp")
    on_step, on_edge, note = sort_findings(blueprint, findings)
    plan = plan_routes(blueprint, steps, column, on_edge)
    promised = {step.id: step.promise for step in steps if step.promise}
    on_arrows = arrow_findings(plan)
    tables = [card_table(blueprint, step, on_step.get(step.id, []), promised, on_arrows.get(index, []))
              for index, step in enumerate(steps)]
    evidence = {index: evidence_table(step) for index, step in enumerate(steps) if step.evidence}
    heights = [card_height(tables[index], plan.outgoing[index], plan.incoming[index]) for index in range(len(steps))]
    columns = Columns(len(steps), plan)
    canvas.width = columns.width
    track_count = assign_tracks(plan.routes, columns)
    bands = place_rows(canvas, blueprint, steps, columns, note, heights, evidence, track_count, curve_height(steps))
    draw_bands(canvas, bands)
    cards = []
    for index, step in enumerate(steps):
        band = BANDS.index(step.lane)
        x = columns.card_left[index] + CARD_W / 2
        centre = (bands.row_top[band] + bands.row_bottom[band]) / 2
        found, touching = on_step.get(step.id, []), on_arrows.get(index, [])
        card = card_box(number[step.id], step, x, centre, heights[index], tables[index],
                        step_tooltip(blueprint, step, found + touching), found, touching)
        cards.append(card)
        canvas.boxes.append(card)
        if index in evidence:
            canvas.boxes.append(evidence_box(number[step.id], step, x, (bands.row_top[0] + bands.row_bottom[0]) / 2,
                                             evidence[index]))
    draw_curve(canvas, steps, [card.x for card in cards], bands.curve_top)
    place_ports(plan, cards)
    for route in plan.routes:
        draw_route(canvas, blueprint, steps, cards, route, columns, bands)
    draw_legend(canvas, bands.legend_top, blueprint)
    return canvas.dot(blueprint.title or blueprint.id)
