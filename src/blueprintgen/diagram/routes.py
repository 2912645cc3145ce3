"""Arrow routing: which side of a card each arrow leaves and enters, its label, its track, and its path.

Arrows run orthogonally through space kept free of cards: the gaps between
columns (vertical runs) and the margins of each band above and below its cards
(horizontal tracks). An arrow to the next column runs straight across the gap;
any other arrow (skipping columns or going back) leaves its card to the right,
runs along a track in a margin of its source band and comes into its target
from the left. Labels sit on the arrow just right of the source card. Horizontal tracks keep
LINE_CLEAR from a lane separator, so no arrow is ever drawn along a line.

Besides the journey's arrows, a dashed recovery arrow runs from each step with
a `failure: {recovery: ...}` to the step that recovers from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import Finding
from ..model import Blueprint, Edge, Step
from .canvas import Box, Canvas, quote, tooltip
from .cards import actor_name, add_badges, finding_lines, port_room, via
from .look import (ARROW, BANDS, CELL_PAD, CELL_SPACING, DESIGNED_COLOR, FLOW_COLOR, HANDOFF_COLOR, INK, LABEL_TEXT_W,
                   NODE_PAD_X, NODE_PAD_Y, PAD, PORT_GAP, PORT_MIN, RECOVERY_COLOR, RED, REPEAT, TRACK, TRACK_OFF)
from .tables import Table

__all__ = ["Route", "Routes", "plan_routes", "edge_label", "repeat_text", "recovery_edges", "assign_tracks",
           "place_ports", "draw_route"]


@dataclass(slots=True)   # thousands per build: slots make them smaller and quicker to read
class Route:
    """One journey edge and everything the layout decides about it."""

    index: int
    edge: Edge
    a: int                      # source column
    b: int                      # target column
    source_band: int
    target_band: int
    handoff: bool
    findings: list[Finding]
    recovery: bool = False      # a dashed arrow from a failure to its recovery step, not a journey arrow
    label: Table | None = None
    direction: int = 0          # -1 leaves upwards, 0 level, 1 downwards
    arrives: int = 0            # -1 arrives from above, 0 level, 1 from below
    out_port: float = 0.0       # y of its end on the source card
    in_port: float = 0.0
    out_slot: int = 0
    in_slot: int = 0
    track: int = 0
    track_side: str = ""        # "top" or "bottom" margin of the source band

    @property
    def adjacent(self) -> bool:
        return self.b == self.a + 1

    @property
    def name(self) -> str:
        """The arrow's DOT id suffix: e<n> for the file's n-th arrow; recoveries (r<n>) number on after them."""
        return f"r{self.index}" if self.recovery else f"e{self.index}"


@dataclass
class Routes:
    """Every arrow, and per column the arrows leaving and entering it in port order."""

    routes: list[Route]
    outgoing: dict[int, list[Route]]
    incoming: dict[int, list[Route]]
    out_slots: dict[int, int]   # vertical runs in the gap after each column
    in_slots: dict[int, int]    # vertical runs in the gap before each column


def repeat_text(edge: Edge) -> str:
    """A designed repeat's claim as its arrow shows it: `↻ designed repeat, at most 2×: why`."""
    times = "once" if edge.repeat.at_most == 1 else f"{edge.repeat.at_most}\u00d7"
    return f"{REPEAT} designed repeat, at most {times}: {edge.repeat.why}"


def edge_label(blueprint: Blueprint, route: Route) -> Table | None:
    """The label on an arrow: its badges, then a designed repeat's claim, via, within and carries; None when
    it has none."""
    edge = route.edge
    parts = []
    if edge.repeat:
        parts.append(repeat_text(edge))
    if edge.via:
        parts.append(via(blueprint, edge.via))
    if edge.within:
        parts.append(f"within {edge.within.text}")
    if edge.carries:
        parts.append("carries: " + "; ".join(edge.carries))
    if not parts and not route.findings:
        return None
    table = Table(LABEL_TEXT_W + 2 * CELL_PAD + 2 * CELL_SPACING)
    add_badges(table, route.findings)
    for part in parts:
        table.add_text(part, color=RED if route.findings else DESIGNED_COLOR if part.startswith(REPEAT) else INK)
    return table.shrink()


def plan_routes(blueprint: Blueprint, steps: list[Step], column: dict[str, int],
                edge_findings: dict[Edge, list[Finding]]) -> Routes:
    """One Route per arrow, with its direction and the slots its ends take, so no two runs cross."""
    routes: list[Route] = []
    band = {step.id: BANDS.index(step.lane) if step.lane in BANDS else 1 for step in steps}
    for step in blueprint.steps:   # in file order, so arrow number n is the file's n-th arrow
        for edge in step.next:
            if step.id in column and edge.to in column:
                target = blueprint.step_by_id[edge.to]
                routes.append(Route(len(routes), edge, column[step.id], column[edge.to], band[step.id],
                                    band[edge.to], blueprint.actor(step) != blueprint.actor(target),
                                    edge_findings.get(edge, [])))
    for edge in recovery_edges(blueprint):
        if edge.source in column and edge.to in column:
            routes.append(Route(len(routes), edge, column[edge.source], column[edge.to], band[edge.source],
                                band[edge.to], False, [], recovery=True))
    for route in routes:
        route.label = None if route.recovery else edge_label(blueprint, route)
        _set_direction(route)
    outgoing: dict[int, list[Route]] = {index: [] for index in range(len(steps))}
    incoming: dict[int, list[Route]] = {index: [] for index in range(len(steps))}
    for route in routes:
        outgoing[route.a].append(route)
        incoming[route.b].append(route)
    # A lone arrow at a card side keeps slot 0, as made: most cards have one arrow out and one in.
    for index, leaving in outgoing.items():
        if len(leaving) < 2:
            continue
        # Up-going ends at the top of the right side, down-going at the bottom; the top-most
        # up-going edge turns first, as does the bottom-most down-going: no crossings.
        up = sorted((r for r in leaving if r.direction < 0), key=lambda r: (r.target_band, r.b, r.index))
        level = sorted((r for r in leaving if r.direction == 0), key=lambda r: (r.b, r.index))
        down = sorted((r for r in leaving if r.direction > 0), key=lambda r: (r.target_band, r.b, r.index))
        for slot, route in enumerate(up):
            route.out_slot = slot
        for slot, route in enumerate(reversed(down)):
            route.out_slot = slot
        for slot, route in enumerate(level, start=max(len(up), len(down))):
            route.out_slot = slot
        outgoing[index] = up + level + down
    for index, entering in incoming.items():
        if len(entering) < 2:
            continue
        above = sorted((r for r in entering if r.arrives < 0), key=lambda r: (r.adjacent, r.source_band, r.a, r.index))
        level = sorted((r for r in entering if r.arrives == 0), key=lambda r: (r.a, r.index))
        below = sorted((r for r in entering if r.arrives > 0), key=lambda r: (not r.adjacent, r.source_band, r.a, r.index))
        for slot, route in enumerate(r for r in above if not r.adjacent):
            route.in_slot = slot
        for slot, route in enumerate(r for r in reversed(below) if not r.adjacent):
            route.in_slot = slot
        incoming[index] = above + level + below
    out_slots = {index: (max((r.out_slot + 1 for r in leaving), default=0)) for index, leaving in outgoing.items()}
    in_slots = {index: max((r.in_slot + 1 for r in entering if not r.adjacent), default=0)
                for index, entering in incoming.items()}
    return Routes(routes, outgoing, incoming, out_slots, in_slots)


def recovery_edges(blueprint: Blueprint) -> list[Edge]:
    """An arrow from each failure point to the step that recovers from it, in file order."""
    return [Edge(step.id, step.failure.recovery, None, None, (), False, step.failure.position)
            for step in blueprint.steps
            if step.failure and step.failure.recovery and step.failure.recovery != step.id]


def _set_direction(route: Route) -> None:
    """Which way an arrow leaves its card and comes into its target, and which margin its track takes."""
    sb, tb = route.source_band, route.target_band
    if route.adjacent:
        route.direction = (tb > sb) - (tb < sb)
        route.arrives = -route.direction
    else:
        up = tb < sb or (tb == sb and route.b <= route.a)
        route.direction = -1 if up else 1
        route.track_side = "top" if up else "bottom"
        # The track runs in the source band's margin; seen from the target it is
        # above when the source band is above, or when it is the target's own top margin.
        route.arrives = -1 if (sb < tb or (sb == tb and up)) else 1


def assign_tracks(routes: list[Route], columns) -> dict[tuple[int, str], int]:
    """A track per horizontal run of a long arrow, per band margin: margin -> tracks used.

    Shorter runs take the tracks nearest the cards: a run nested inside a longer
    one then turns off before reaching the longer one's track, so the two never cross.
    """
    by_margin: dict[tuple[int, str], list[Route]] = {}
    for route in routes:
        if not route.adjacent:
            by_margin.setdefault((route.source_band, route.track_side), []).append(route)
    track_count: dict[tuple[int, str], int] = {}
    for margin, sharing in by_margin.items():
        taken: list[list[tuple[float, float]]] = []   # per track, the spans on it
        spans = sorted(((min(columns.out_x(r), columns.in_x(r)), max(columns.out_x(r), columns.in_x(r)), r)
                        for r in sharing), key=lambda item: (item[1] - item[0], item[0], item[2].index))
        for start, end, route in spans:
            route.track = next((track for track, used in enumerate(taken)
                                if all(end + 6 < first or last + 6 < start for first, last in used)), len(taken))
            if route.track == len(taken):
                taken.append([])
            taken[route.track].append((start, end))
        track_count[margin] = len(taken)
    return track_count


def place_ports(plan: Routes, cards: list[Box]) -> None:
    """The y of each arrow's ends: leaving ends stacked on the card's right, entering ends on its left."""
    for index, card in enumerate(cards):
        out = plan.outgoing[index]
        rooms = [port_room(r) for r in out]
        stack = sum(rooms) + PORT_GAP * max(0, len(out) - 1)
        y = card.y - stack / 2
        for route, room in zip(out, rooms):
            route.out_port = y + room / 2
            y += room + PORT_GAP
    for index, card in enumerate(cards):
        incoming = plan.incoming[index]
        for number, route in enumerate(incoming):
            route.in_port = card.y + (number - (len(incoming) - 1) / 2) * PORT_MIN
        if len(incoming) == 1 and incoming[0].adjacent and incoming[0].arrives == 0:
            # A lone arrow from the card before, in the same band: keep it straight.
            route = incoming[0]
            route.in_port = min(max(route.out_port, card.top + 12), card.bottom - 12)


def draw_route(canvas: Canvas, blueprint: Blueprint, steps: list[Step], cards: list[Box], route: Route,
               columns, bands) -> None:
    """The arrow of one route, and its label box in the gap after the source card."""
    source, target = cards[route.a], cards[route.b]
    x_out = columns.out_x(route)
    points = [(source.right, route.out_port), (x_out, route.out_port)]
    if route.adjacent:
        points += [(x_out, route.in_port)]
    else:
        band = route.source_band
        if route.track_side == "bottom":
            track_y = bands.row_bottom[band] + TRACK_OFF + TRACK * route.track
        else:
            track_y = bands.row_top[band] - TRACK_OFF - TRACK * route.track
        x_in = columns.in_x(route)
        points += [(x_out, track_y), (x_in, track_y), (x_in, route.in_port)]
    end = (target.left, route.in_port)
    points.append((target.left - ARROW, route.in_port))
    attrs = _recovery_look(blueprint, steps, route) if route.recovery else _journey_look(blueprint, steps, route)
    attrs = {"id": quote(f"{canvas.prefix}-{route.name}"), **attrs}
    canvas.edge(source.name, target.name, points, end, attrs)
    if route.label:
        color = _journey_color(route)
        area = columns.label_area(route.a)
        x = columns.gap_left[route.a] + PAD + area / 2
        table = route.label
        canvas.boxes.append(Box(f"l{route.index}", x, route.out_port, table.width + NODE_PAD_X,
                                table.height + NODE_PAD_Y, {
                                    "class": quote("edge-label" + (" finding" if route.findings else "")),
                                    "shape": "box", "style": '"rounded,filled"', "fillcolor": quote("#ffffff"),
                                    "color": quote(color), "penwidth": "2" if route.findings else "1",
                                    "label": f"<{table.render()}>", "tooltip": attrs["tooltip"]}))


def _journey_color(route: Route) -> str:
    if route.findings:
        return RED
    if route.edge.repeat:
        return DESIGNED_COLOR
    return HANDOFF_COLOR if route.handoff else FLOW_COLOR


def _journey_look(blueprint: Blueprint, steps: list[Step], route: Route) -> dict[str, str]:
    """A journey arrow: thin grey flow or thick blue handoff, red with a finding; its tooltip says who to whom."""
    color = _journey_color(route)
    kinds = (["handoff" if route.handoff else "flow"] + (["finding"] if route.findings else [])
             + (["designed"] if route.edge.repeat else []))
    source_step, target_step = steps[route.a], steps[route.b]
    who = f"{actor_name(blueprint, source_step) or 'nobody'} \u2192 {actor_name(blueprint, target_step) or 'nobody'}"
    tip = [("Handoff: " if route.handoff else "Flow: ") + who]
    if route.label:
        # After the badge strips (one per severity); a designed repeat's claim in full, the rest as before.
        rows = route.label.rows[len({finding.severity for finding in route.findings}):]
        if route.edge.repeat:
            tip.append(repeat_text(route.edge))
            rows = rows[1:]
        tip += [" ".join(cell.lines[0] for cell in row) for row in rows]
    tip += finding_lines(route.findings)
    return {
        "class": quote(" ".join(kinds)), "color": quote(color), "penwidth": "2.6" if route.handoff else "1.4",
        "arrowhead": "normal" if route.handoff else "vee", "arrowsize": "0.9", "tooltip": tooltip("\n".join(tip)),
    }


def _recovery_look(blueprint: Blueprint, steps: list[Step], route: Route) -> dict[str, str]:
    """A recovery arrow: dashed, from the failure point to the step that recovers from it."""
    failing, recovering = steps[route.a], steps[route.b]
    tip = f"Recovery: when \u201c{failing.failure.what}\u201d happens, the journey recovers at: {recovering.action}"
    return {
        "class": quote("recovery"), "color": quote(RECOVERY_COLOR), "penwidth": "1.8", "style": "dashed",
        "arrowhead": "vee", "arrowsize": "0.9", "tooltip": tooltip(tip),
    }
