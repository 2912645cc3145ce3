"""The legend under the bands: each marker, badge, card and arrow kind with what it means."""

from __future__ import annotations

import math
from functools import lru_cache

from ..model import Blueprint
from .canvas import Box, Canvas, quote
from .cards import badge
from .look import (ARROW, BODY_SIZE, CELL_PAD, CELL_SPACING, CURVE_COLOR, DESIGNED_COLOR, FLOW_COLOR, HANDOFF_COLOR,
                   HEAD_SIZE, INK, MARGIN, MARKERS, MUTED, NODE_PAD_X, NODE_PAD_Y, RECOVERY_COLOR, RED, REPEAT,
                   SEVERITY_LOOK)
from .tables import Cell, Table, marker_width
from .text import text_width

__all__ = ["LEGEND_ITEMS", "LAYER_ITEMS", "CURVE_ITEM", "DESIGNED_ITEM", "WITHDRAWS_ITEM", "legend_items",
           "draw_legend"]

# (symbol kind, what it means): a marker, the badge, an evidence card or an arrow sample.
LEGEND_ITEMS: tuple[tuple[str, str], ...] = (
    ("F", "Failure point: what goes wrong at this step"),
    ("W", "Wait: how long the customer waits before the step"),
    ("P", "Promise made to the customer"),
    ("P\u2713", "Keeps a promise made at an earlier step"),
    ("END", "The journey ends here: resolved or abandoned"),
    ("badge-high", f"{badge('n', 'high')}: finding n of the findings list, high (dark red); the card, arrow or "
                   "note it concerns is drawn in red"),
    ("badge-medium", f"{badge('n', 'medium')}: a medium finding (amber)"),
    ("badge-low", f"{badge('n', 'low')}: a low finding (grey)"),
    ("evidence", "Physical evidence: what the customer sees or keeps at the step above which it stands"),
    ("flow", "Flow: the same person or team acts next (thin grey arrow, open head)"),
    ("handoff", "Handoff: someone else acts next, the customer or another owner (thick blue arrow, solid head)"),
    ("broken", "An arrow with a finding is red; its label carries the badge, and the cards at its ends list it"),
    ("recovery", "Recovery: when the failure (F) happens, the journey goes on at the step this dashed arrow reaches"),
)
# Journey-map layers, explained when the diagram draws them.
CURVE_ITEM = ("curve", "Emotion curve: how the customer feels, +2 (top) to \u22122 (bottom); "
                       "\u25bc and 'lowest' mark the lowest points")
LAYER_ITEMS: tuple[tuple[str, str], ...] = (
    ("!", "Pain point: what hurts at this step"),
    ("O", "Opportunity: a change the team has found for this step"),
    ("M", "Measure: a figure the team tracks at this step, its value today vs its target"),
    ("\u00a4", "Cost: what the step costs"),
)
# Explained when a step of the diagram withdraws a promise.
WITHDRAWS_ITEM = ("P\u2717", "Withdraws a promise made at an earlier step: the customer is told it no longer holds")
# Explained when an arrow of the diagram says it repeats by design.
DESIGNED_ITEM = ("designed", f"Designed repeat ({REPEAT}): a loop the blueprint says is part of the design, why and "
                             "at most how often; a claim to review (teal arrow), not a break")


def legend_items(blueprint: Blueprint | None) -> tuple[tuple[str, str], ...]:
    """Every item of the legend; the curve, pain and opportunity items only where the diagram has them."""
    if blueprint is None:
        return LEGEND_ITEMS
    steps = blueprint.steps
    layers = ((WITHDRAWS_ITEM, any(step.withdraws for step in steps)),
              (DESIGNED_ITEM, any(edge.repeat for step in steps for edge in step.next)),
              (CURVE_ITEM, any(step.emotion for step in steps)), (LAYER_ITEMS[0], any(step.pain for step in steps)),
              (LAYER_ITEMS[1], bool(blueprint.opportunities_by_step)),
              (LAYER_ITEMS[2], any(step.measures for step in steps)),
              (LAYER_ITEMS[3], any(step.cost for step in steps)))
    return LEGEND_ITEMS + tuple(item for item, drawn in layers if drawn)


def draw_legend(canvas: Canvas, top: float, blueprint: Blueprint | None = None) -> None:
    """The legend from `top`, in as many columns as the diagram is wide; sets the canvas height."""
    left = MARGIN + 10
    legend_top = top
    top += 10
    heading = Table(200)
    heading.add_text("Legend", size=HEAD_SIZE, bold=True, color=INK)
    canvas.boxes.append(Box("legendtitle", left + heading.width / 2 + NODE_PAD_X / 2,
                            top + (heading.height + NODE_PAD_Y) / 2,
                            heading.width + NODE_PAD_X, heading.height + NODE_PAD_Y,
                            {"class": quote("legend"), "shape": "plaintext", "label": f"<{heading.render()}>"},
                            "cluster_legend"))
    top += heading.height + NODE_PAD_Y + 4
    symbol_w, text_w = 116, 236
    item_w = symbol_w + text_w + NODE_PAD_X
    items = legend_items(blueprint)
    columns = max(1, min(len(items), int((canvas.width - 2 * MARGIN - 20) // (item_w + 16))))
    rows = math.ceil(len(items) / columns)
    labels = [_item_label(text, text_w) for _, text in items]
    row_h = max(max(height for _, height in labels) + NODE_PAD_Y, 34)
    for number, ((kind, text), (label, height)) in enumerate(zip(items, labels)):
        column, row = divmod(number, rows)
        x0 = left + column * (item_w + 16)
        y = top + row * (row_h + 6) + row_h / 2
        canvas.boxes.append(Box(f"legendtext{number}", x0 + symbol_w + (text_w + NODE_PAD_X) / 2, y,
                                text_w + NODE_PAD_X, height + NODE_PAD_Y,
                                {"class": quote("legend-item"), "shape": "plaintext", "label": label},
                                "cluster_legend"))
        symbol = _symbol(canvas, kind, number, x0, y, symbol_w)
        if symbol:
            canvas.boxes.append(symbol)
    bottom = top + rows * (row_h + 6) + 4
    right = left + columns * (item_w + 16) - 6
    canvas.clusters.append(("cluster_legend", (MARGIN, legend_top, max(right, MARGIN + 200), bottom), {
        "id": quote(f"{canvas.prefix}-legend"), "class": quote("legend"), "style": '"rounded"',
        "color": quote("#b0bec5"), "label": '""'}))
    canvas.height = bottom + MARGIN


@lru_cache(maxsize=None)   # the same dozen texts in every diagram
def _item_label(text: str, width: float) -> tuple[str, float]:
    """What one legend item says, as an HTML-like label `width` points wide, and its height."""
    table = Table(width)
    table.add_text(text, color=INK)
    return f"<{table.render()}>", table.height


def _symbol(canvas: Canvas, kind: str, number: int, x0: float, y: float, width: float) -> Box | None:
    """The symbol of one legend item: a box to add, or None when it drew an arrow sample itself."""
    centre = x0 + width / 2
    if kind in MARKERS:
        table = Table(marker_width([kind]) + 2 * CELL_SPACING)
        fill, ink = MARKERS[kind]
        table.rows.append([Cell([kind], bold=True, color=ink, fill=fill, border=ink, align="CENTER")])
        return Box(f"legendsymbol{number}", centre, y, table.width + NODE_PAD_X, table.height + NODE_PAD_Y,
                   {"class": quote("legend-symbol"), "shape": "plaintext", "label": f"<{table.render()}>"},
                   "cluster_legend")
    if kind.startswith("badge-"):
        severity = kind[len("badge-"):]
        fill, ink = SEVERITY_LOOK[severity]
        table = Table(text_width(badge("n", severity), BODY_SIZE, True) + 2 * CELL_PAD + 2 * CELL_SPACING + 2)
        table.add_text(badge("n", severity), bold=True, color=ink, fill=fill, align="CENTER")
        return Box(f"legendsymbol{number}", centre, y, table.width + 8, table.height + NODE_PAD_Y,
                   {"class": quote("legend-symbol"), "shape": "plaintext", "label": f"<{table.render()}>"},
                   "cluster_legend")
    if kind == "curve":
        table = Table(width - 12)
        table.add_text("\u25a0\u2500\u25bc", bold=True, color=CURVE_COLOR, align="CENTER")
        return Box(f"legendsymbol{number}", centre, y, width - 12, table.height + NODE_PAD_Y,
                   {"class": quote("legend-symbol"), "shape": "plaintext", "label": f"<{table.render()}>"},
                   "cluster_legend")
    if kind == "evidence":
        return Box(f"legendsymbol{number}", centre, y, width - 12, 24,
                   {"class": quote("legend-symbol"), "shape": "box", "style": '"dashed,filled"',
                    "fillcolor": quote("#fffdf5"), "color": quote(MUTED), "label": '""'}, "cluster_legend")
    colour = {"flow": FLOW_COLOR, "handoff": HANDOFF_COLOR, "broken": RED, "recovery": RECOVERY_COLOR,
              "designed": DESIGNED_COLOR}[kind]
    a, b = f"legenda{number}", f"legendb{number}"
    x1, x2 = x0 + 6, x0 + width - 6
    canvas.point(a, x1, y, "cluster_legend")
    canvas.point(b, x2, y, "cluster_legend")
    thin = kind in ("flow", "recovery")
    attrs = {
        "id": quote(f"{canvas.prefix}-legendedge{number}"), "class": quote(f"legend-sample sample-{kind}"),
        "color": quote(colour),
        "penwidth": "1.4" if kind == "flow" else "1.8" if kind == "recovery" else "2.6",
        "arrowhead": "vee" if thin else "normal", "arrowsize": "0.9"}
    if kind == "recovery":
        attrs["style"] = "dashed"
    canvas.edge(a, b, [(x1, y), (x2 - ARROW, y)], (x2, y), attrs)
    return None
