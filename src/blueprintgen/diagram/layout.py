"""Where things go: one column per step left to right, and the title, stage headers and five bands top to bottom."""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import Finding
from ..model import Blueprint, Step
from .canvas import Box, Canvas, quote, tooltip
from .cards import badge, finding_lines
from .look import (ARROW, BAND_FILL, BAND_TITLES, BANDS, BASE_MARGIN, CARD_W, EDGE_CLEAR, HEAD_SIZE, INK, LANE_W,
                   LINE_CLEAR, LINE_COLOR, LINES, MARGIN, MIN_GAP, MIN_ROW, MUTED, NODE_PAD_X, NODE_PAD_Y, PAD, RED, SLOT, STAGE_FILL,
                   TITLE_SIZE, TRACK, TRACK_OFF)
from .routes import Route, Routes
from .tables import Table
from .text import clean_text, text_width

__all__ = ["Columns", "Bands", "column_order", "stage_runs", "faces_line", "place_rows", "draw_bands"]


class Columns:
    """The x layout: the lane labels, then per step a gap (room for arrows and labels) and its card."""

    def __init__(self, count: int, plan: Routes):
        # Labels are sized before the columns: each column's label area is asked for once per arrow.
        self.label_areas = {index: max((route.label.width + NODE_PAD_X for route in leaving if route.label), default=0)
                            for index, leaving in plan.outgoing.items()}
        self.card_left: list[float] = []
        self.gap_left: dict[int, float] = {}   # gap after column a (a = -1: before the first)
        x = MARGIN + LANE_W
        for a in range(-1, count):
            self.gap_left[a] = x
            label = self.label_area(a) if a >= 0 else 0
            width = PAD + (label + PAD if label else 0) + SLOT * plan.out_slots.get(a, 0)
            width += SLOT * plan.in_slots.get(a + 1, 0) + PAD + ARROW
            x += max(MIN_GAP, width)
            if a + 1 < count:
                self.card_left.append(x)
                x += CARD_W
        self.width = x + MARGIN - 4

    def label_area(self, index: int) -> float:
        """Width of the widest label on an arrow leaving column `index`."""
        return self.label_areas.get(index, 0)

    def out_x(self, route: Route) -> float:
        """The x of the vertical run of an arrow, just right of its source card (and its label)."""
        label = self.label_area(route.a)
        return self.gap_left[route.a] + PAD + (label + PAD if label else 0) + SLOT * (route.out_slot + 0.5)

    def in_x(self, route: Route) -> float:
        """The x of the run by which a long arrow comes down or up to its target, left of the target card."""
        return self.card_left[route.b] - ARROW - PAD - SLOT * (route.in_slot + 0.5)


def column_order(blueprint: Blueprint) -> list[Step]:
    """The steps left to right: by stage in the order `stages` lists them, then in file order.

    A step the file lists after steps of a later stage is still drawn in its own
    stage's column, so every stage is one run of columns under one header. A step
    without a stage stays with the step before it in the file (the first stage if none).
    """
    rank = {stage: number for number, stage in enumerate(blueprint.stages)}
    keys = []
    current = 0
    for index, step in enumerate(blueprint.steps):
        current = rank.get(step.stage, current) if step.stage else current
        keys.append((current, index))
    return [blueprint.steps[index] for _, index in sorted(keys)]


def stage_runs(steps: list[Step]) -> list[tuple[str, int, int]]:
    """(stage, first column, last column) of each run of consecutive steps in the same stage."""
    runs: list[tuple[str, int, int]] = []
    for index, step in enumerate(steps):
        if step.stage and runs and runs[-1][0] == step.stage and runs[-1][2] == index - 1:
            runs[-1] = (step.stage, runs[-1][1], index)
        elif step.stage:
            runs.append((step.stage, index, index))
    return runs


@dataclass
class Bands:
    """The y layout of the five bands: where each starts and ends, and its row of cards."""

    band_top: list[float]
    band_bottom: list[float]
    row_top: list[float]
    row_bottom: list[float]
    lane_tables: list[Table]
    legend_top: float
    curve_top: float = 0.0   # the emotion strip at the top of the customer band, when there is one


def faces_line(band: int, side: str) -> bool:
    """Whether the `side` ("top" or "bottom") of band number `band` is a lane separator."""
    name = BANDS[band]
    return any((upper if side == "bottom" else lower) == name for upper, lower, _ in LINES)


def _margin(track_count: dict[tuple[int, str], int], band: int, side: str) -> float:
    """Room above or below a band's cards: its tracks, clear of the cards and of the separator beyond."""
    tracks = track_count.get((band, side), 0)
    if not tracks:
        return BASE_MARGIN
    clear = LINE_CLEAR if faces_line(band, side) else EDGE_CLEAR
    return max(BASE_MARGIN, TRACK_OFF + TRACK * (tracks - 1) + clear)


def _add_table_box(canvas: Canvas, name: str, table: Table, x: float, top: float, css: str, **attrs) -> Box:
    w, h = table.width + NODE_PAD_X, table.height + NODE_PAD_Y
    box = Box(name, x, top + h / 2, w, h, {"class": quote(css), "label": f"<{table.render()}>"})
    for key, value in attrs.items():
        box.attrs[key] = tooltip(value) if key == "tooltip" else quote(value)
    canvas.boxes.append(box)
    return box


def place_rows(canvas: Canvas, blueprint: Blueprint, steps: list[Step], columns: Columns,
               note_findings: list[Finding], card_heights: list[float], evidence_tables: dict[int, Table],
               track_count: dict[tuple[int, str], int], curve: float = 0.0) -> Bands:
    """Title, blueprint-level findings and stage headers (drawn here), then the height of every band.

    `curve` is the height of the emotion strip above the customer band's arrow tracks and cards.
    """
    y = MARGIN
    width = columns.width
    content_w = width - 2 * MARGIN
    # Title and, when there are any, the findings on the whole blueprint.
    title = Table(min(content_w, max(420, min(900, text_width(clean_text(blueprint.title), TITLE_SIZE, True) + 20))))
    title.add_text(blueprint.title or blueprint.id, size=TITLE_SIZE, bold=True, color=INK)
    status = "To-be" if blueprint.status == "to-be" else "As-is"
    subtitle = f"{status} service blueprint \u00b7 {len(steps)} step{'' if len(steps) == 1 else 's'}"
    if blueprint.redesigns:
        subtitle += f" \u00b7 redesigns {blueprint.redesigns}"
    title.add_text(subtitle, color=MUTED)
    y = _add_table_box(canvas, "title", title, MARGIN + title.width / 2 + NODE_PAD_X / 2, y, "title",
                       shape="plaintext", tooltip=blueprint.title or blueprint.id).bottom + 8
    if note_findings:
        note = Table(min(content_w, 700))
        note.add_text("Findings on the whole blueprint", bold=True, color=RED)
        for finding in note_findings:
            note.add_text(f"{badge(finding.number, finding.severity)}  {finding.message}", color=RED)
        y = _add_table_box(canvas, "note", note, MARGIN + note.width / 2 + NODE_PAD_X / 2, y, "note finding",
                           shape="box", style="filled", fillcolor="#ffffff", color=RED, penwidth="2.5",
                           tooltip="\n".join(finding_lines(note_findings))).bottom + 12
    y = _stage_headers(canvas, steps, columns, y)
    # The bands.
    band_top: list[float] = []
    band_bottom: list[float] = []
    row_top: list[float] = []
    row_bottom: list[float] = []
    lane_tables = []
    for band, name in enumerate(BANDS):
        title_text, note_text = BAND_TITLES[name]
        table = Table(LANE_W - NODE_PAD_X - 8)
        table.add_text(title_text, size=HEAD_SIZE, bold=True, color=INK)
        if note_text:
            table.add_text(note_text, color=MUTED)
        lane_tables.append(table)
        heights = [table.height + NODE_PAD_Y, MIN_ROW]
        for index, step in enumerate(steps):
            if band == 0 and index in evidence_tables:
                heights.append(evidence_tables[index].height + NODE_PAD_Y)
            elif band > 0 and BANDS.index(step.lane) == band:
                heights.append(card_heights[index])
        band_top.append(y)
        if name == "customer":
            curve_top = y
            y += curve
        top = _margin(track_count, band, "top") if band else 14
        row_top.append(y + top)
        row_bottom.append(y + top + max(heights))
        y = row_bottom[-1] + (_margin(track_count, band, "bottom") if band else 14)
        band_bottom.append(y)
    return Bands(band_top, band_bottom, row_top, row_bottom, lane_tables, y + 18, curve_top)


def _stage_headers(canvas: Canvas, steps: list[Step], columns: Columns, y: float) -> float:
    """Stage headers over runs of consecutive steps in the same stage; returns the y below them."""
    runs = stage_runs(steps)
    if not runs:
        return y
    headers = []
    for stage, first, last in runs:
        left = (columns.gap_left[first - 1] + columns.card_left[first]) / 2 + 2
        right = (columns.gap_left[last] + (columns.card_left[last + 1] if last + 1 < len(steps)
                                           else columns.width - MARGIN)) / 2 - 2
        table = Table(right - left - NODE_PAD_X)
        table.add_text(stage, size=HEAD_SIZE, bold=True, color="#ffffff", align="CENTER")
        headers.append((stage, left, right, table))
    row = max(table.height for *_, table in headers) + NODE_PAD_Y
    for number, (stage, left, right, table) in enumerate(headers):
        canvas.boxes.append(Box(f"h{number}", (left + right) / 2, y + row / 2, right - left, row, {
            "class": quote("stage"), "shape": "box", "style": '"filled"', "fillcolor": quote(STAGE_FILL),
            "color": quote(STAGE_FILL), "label": f"<{table.render()}>", "tooltip": tooltip(f"Stage: {stage}"),
        }))
    return y + row + 6


def draw_bands(canvas: Canvas, bands: Bands) -> None:
    """The five bands with their lane labels, and the three lines between them, named on the left."""
    left, right = MARGIN, canvas.width - MARGIN
    for band, name in enumerate(BANDS):
        cluster = f"cluster_{name}"
        canvas.clusters.append((cluster, (left, bands.band_top[band], right, bands.band_bottom[band]), {
            "id": quote(f"{canvas.prefix}-band-{name}"), "class": quote(f"band band-{name}"),
            "style": '"filled"', "fillcolor": quote(BAND_FILL[name]), "color": quote(BAND_FILL[name]),
            "label": '""', "tooltip": tooltip(BAND_TITLES[name][0]),
        }))
        table = bands.lane_tables[band]
        centre = (bands.row_top[band] + bands.row_bottom[band]) / 2
        canvas.boxes.append(Box(f"lane{band}", left + LANE_W / 2, centre, LANE_W - 8, table.height + NODE_PAD_Y,
                                {"class": quote(f"lane-label lane-label-{name}"), "shape": "plaintext",
                                 "label": f"<{table.render()}>"}, cluster))
    for number, (upper, lower, name) in enumerate(LINES):
        y = bands.band_bottom[BANDS.index(upper)]
        _line(canvas, f"line{number}", left, right, y, name)
        table = Table(LANE_W - NODE_PAD_X - 16)
        table.add_text(name, italic=True, color=LINE_COLOR, align="CENTER")
        table.shrink()
        canvas.boxes.append(Box(f"linelabel{number}", left + LANE_W / 2, y, table.width + NODE_PAD_X,
                                table.height + 4, {
                                    "class": quote("line-label"), "shape": "box", "style": '"rounded,filled"',
                                    "fillcolor": quote("#ffffff"), "color": quote(LINE_COLOR),
                                    "label": f"<{table.render()}>"}))


def _line(canvas: Canvas, name: str, x1: float, x2: float, y: float, tip: str) -> None:
    first, second = f"{name}a", f"{name}b"
    canvas.point(first, x1, y)
    canvas.point(second, x2, y)
    points = [(x1, y), (x1 + (x2 - x1) / 3, y), (x1 + 2 * (x2 - x1) / 3, y), (x2, y)]
    canvas.edge(first, second, points, None, {
        "id": quote(f"{canvas.prefix}-{name}"), "class": quote("line"), "dir": "none", "style": "dashed",
        "color": quote(LINE_COLOR), "penwidth": "1.5", "tooltip": tooltip(tip)})
