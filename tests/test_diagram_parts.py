"""Each module of diagram/ on its own: text, tables, cards, routes, layout, legend and canvas, without Graphviz."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import blueprint_factory as factory  # noqa: E402
from blueprintgen.analysis import Finding  # noqa: E402
from blueprintgen.diagram import canvas, cards, layout, legend, routes, tables, text  # noqa: E402
from blueprintgen.diagram.look import CARD_W, MARGIN, NODE_PAD_Y, PORT_MIN  # noqa: E402

TWO_BRANCHES = """
id: parts
title: Parts
stages: [Ask, Fix]
owners:
  desk: {name: Help desk}
  lab: {name: Repair lab}
steps:
  - {id: asks, lane: customer, stage: Ask, action: Asks for a repair}
  - id: logs
    lane: frontstage
    stage: Ask
    owner: desk
    action: Logs the repair
    next:
      - {to: repairs, within: 2d, carries: [case number]}
      - to: asks
  - {id: repairs, lane: backstage, stage: Fix, owner: lab, action: Repairs it}
  - {id: tells, lane: frontstage, stage: Fix, owner: desk, action: Tells the customer, end: resolved}
"""


def test_text_measures_wider_for_bold_and_wraps_to_width():
    assert text.text_width("Handoff", bold=True) > text.text_width("Handoff") > 0
    lines = text.wrap_text("the customer tells the story again to every new person", 80)
    assert len(lines) > 1 and all(text.text_width(line) <= 80 for line in lines)
    assert text.shorten("x" * 10, 5) == "xxxx\u2026"


def test_table_height_grows_with_rows_and_marker_cells_keep_their_width():
    table = tables.Table(150)
    table.add_text("one")
    one = table.height
    table.add_marked("P", "promise: a call back", tables.marker_width(["P", "END"]))
    assert table.height > one
    assert "promise: a call<BR/>back" in table.render()   # wrapped to the cell left of the marker
    assert tables.html_text("<b>\\N") == "&lt;b&gt;\\\\N"


def test_card_shows_owner_markers_and_badges_and_grows_for_ports():
    blueprint = factory.load(TWO_BRANCHES)
    step = blueprint.step_by_id["logs"]
    table = cards.card_table(blueprint, step, [], {})
    rendered = table.render()
    assert "Help desk" in rendered and "Logs the repair" in rendered
    assert cards.badge(3) == "\u26a0\u00a03"
    plan = routes.plan_routes(blueprint, list(blueprint.steps), {s.id: i for i, s in enumerate(blueprint.steps)}, {})
    alone = cards.card_height(table, [], [])
    assert cards.card_height(table, plan.outgoing[1] * 4, []) > alone
    assert alone >= table.height + NODE_PAD_Y


def test_routes_go_up_and_down_from_ports_that_never_cross():
    blueprint = factory.load(TWO_BRANCHES)
    steps = list(blueprint.steps)
    plan = routes.plan_routes(blueprint, steps, {s.id: i for i, s in enumerate(steps)}, {})
    by_pair = {(steps[r.a].id, steps[r.b].id): r for r in plan.routes}
    back = by_pair[("logs", "asks")]
    assert not back.adjacent and back.direction == -1 and back.track_side == "top"
    down = by_pair[("logs", "repairs")]
    assert down.adjacent and down.direction == 1 and down.label is not None   # within and carries
    assert plan.outgoing[1] == [back, down]   # up-going first, so the two never cross
    assert plan.in_slots[0] == 1 and plan.out_slots[1] == 1   # one up and one down share a run


def test_columns_leave_room_for_labels_and_tracks_stack():
    blueprint = factory.load(TWO_BRANCHES)
    steps = list(blueprint.steps)
    plan = routes.plan_routes(blueprint, steps, {s.id: i for i, s in enumerate(steps)}, {})
    columns = layout.Columns(len(steps), plan)
    gaps = [columns.card_left[i + 1] - columns.card_left[i] - CARD_W for i in range(len(steps) - 1)]
    assert gaps[1] > gaps[0]   # the labelled arrow leaves `logs`
    back = next(r for r in plan.routes if r.b < r.a)
    assert columns.in_x(back) < columns.card_left[0] < columns.out_x(back)
    counts = routes.assign_tracks(plan.routes, columns)
    assert counts == {(back.source_band, "top"): 1}


def test_stage_runs_follow_consecutive_steps():
    blueprint = factory.load(TWO_BRANCHES)
    assert layout.stage_runs(list(blueprint.steps)) == [("Ask", 0, 1), ("Fix", 2, 3)]


def test_columns_keep_each_stage_together_in_the_order_stages_lists_them():
    blueprint = factory.load(factory.discharge_yaml())
    order = [step.id for step in layout.column_order(blueprint)]
    assert order[2:4] == ["ward-round", "pharmacy-prepares"]   # listed last in the file, drawn in the Ward
    assert layout.stage_runs(layout.column_order(blueprint)) == [
        ("Admission", 0, 1), ("Ward", 2, 3), ("Discharge", 4, 5), ("Home", 6, 10)]
    unstaged = factory.load(TWO_BRANCHES.replace(", stage: Fix, owner: lab", ", owner: lab"))
    assert [step.id for step in layout.column_order(unstaged)] == ["asks", "logs", "repairs", "tells"]


def test_only_the_inner_band_edges_are_separators():
    assert [(layout.faces_line(band, "top"), layout.faces_line(band, "bottom")) for band in range(5)] == [
        (False, False), (False, True), (True, True), (True, True), (True, False)]


def test_a_recovery_is_a_route_of_its_own_after_the_journey_arrows():
    blueprint = factory.load(factory.discharge_yaml())
    steps = layout.column_order(blueprint)
    column = {step.id: index for index, step in enumerate(steps)}
    assert [(e.source, e.to) for e in routes.recovery_edges(blueprint)] == [("ward-round", "pharmacy-prepares")]
    plan = routes.plan_routes(blueprint, steps, column, {})
    recovery = plan.routes[-1]
    assert recovery.recovery and recovery.label is None and recovery.name == f"r{len(blueprint.edges)}"
    assert [route.name for route in plan.routes[:-1]] == [f"e{n}" for n in range(len(blueprint.edges))]
    assert recovery.adjacent and recovery.direction == 1   # Ward doctor, then the pharmacy below it


def test_cards_list_the_findings_on_their_arrows():
    blueprint = factory.load(factory.discharge_yaml())
    steps = layout.column_order(blueprint)
    column = {step.id: index for index, step in enumerate(steps)}
    edge = blueprint.step_by_id["sends-letter"].next[0]
    found = Finding("customer-chases", "high", blueprint.id, "sends-letter", edge.position, "loop", "fix",
                    number=7, edge=edge)
    plan = routes.plan_routes(blueprint, steps, column, {edge: [found]})
    touching = cards.arrow_findings(plan)
    assert touching == {column["sends-letter"]: [found], column["council-desk"]: [found]}
    table = cards.card_table(blueprint, blueprint.step_by_id["council-desk"], [], {}, [found])
    assert "\u26a0\u00a07 on an arrow" in table.render()


def test_legend_draws_every_item_and_sets_the_height():
    drawn = canvas.Canvas("bp-x")
    drawn.width = 2000
    legend.draw_legend(drawn, 100)
    texts = [box for box in drawn.boxes if box.name.startswith("legendtext")]
    assert len(texts) == len(legend.LEGEND_ITEMS)
    assert drawn.height > max(box.bottom for box in texts) >= 100
    assert all(box.top > 100 for box in texts)


def test_canvas_rounds_corners_and_flips_y():
    spline = canvas.rounded([(0, 0), (10, 0), (10, 10)])
    assert len(spline) % 3 == 1 and spline[0] == (0, 0) and spline[-1] == (10, 10)
    drawn = canvas.Canvas("bp-x")
    drawn.height = 100
    drawn.boxes.append(canvas.Box("a", 10, 20, 4, 4))
    dot = drawn.dot("T")
    assert 'pos="10.0,80.0!"' in dot and dot.startswith("digraph blueprint {")
    assert canvas.tooltip('say "\\N"') == '"say \\"\\\\\\\\N\\""'
    assert MARGIN > 0 and PORT_MIN > 0


def test_a_run_nested_in_a_longer_one_takes_the_track_nearer_the_cards():
    class Spans:   # out_x and in_x as Columns gives them: right of the source, left of the target
        out_x = staticmethod(lambda route: route.a * 100 + 50)
        in_x = staticmethod(lambda route: route.b * 100 - 10)

    long, short, apart = (routes.Route(n, None, a, b, 2, 2, False, [], track_side="bottom")
                          for n, (a, b) in enumerate([(0, 5), (2, 4), (6, 8)]))
    assert routes.assign_tracks([long, short, apart], Spans()) == {(2, "bottom"): 2}
    assert (short.track, long.track, apart.track) == (0, 1, 0)
