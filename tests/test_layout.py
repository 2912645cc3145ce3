"""Diagram geometry, read back from the SVG that Graphviz draws: bands, columns, overlaps, routes, text."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))

import blueprint_factory as factory  # noqa: E402
import generate as benchmark_blueprints  # noqa: E402
from test_dot import example_files, finding, load_example  # noqa: E402
from blueprintgen.analysis import analyse  # noqa: E402
from blueprintgen.diagram import BANDS, BODY_SIZE, LINES, blueprint_dot, clean_text  # noqa: E402
from blueprintgen.diagram.look import ARROW, LINE_CLEAR  # noqa: E402
from blueprintgen.graphviz import render_checked  # noqa: E402
from helpers import EXAMPLES, needs_graphviz  # noqa: E402

pytestmark = needs_graphviz

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
BADGE = "\u26a0"
EPS = 0.5


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    def inside(self, other: "Box") -> bool:
        return (self.left >= other.left - EPS and self.right <= other.right + EPS
                and self.top >= other.top - EPS and self.bottom <= other.bottom + EPS)

    def overlaps(self, other: "Box") -> bool:
        return (self.left < other.right - EPS and other.left < self.right - EPS
                and self.top < other.bottom - EPS and other.top < self.bottom - EPS)

    def contains_point(self, x: float, y: float, shrink: float = 1.0) -> bool:
        return self.left + shrink < x < self.right - shrink and self.top + shrink < y < self.bottom - shrink


NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"


def _shape_box(group: ET.Element) -> Box | None:
    """The node's (or cluster's) own shape: its first polygon or path."""
    for element in group.iter():
        tag = element.tag.replace(SVG, "")
        if tag == "polygon":
            numbers = [float(n) for n in re.findall(NUMBER, element.get("points"))]
        elif tag == "path":
            numbers = [float(n) for n in re.findall(NUMBER, element.get("d"))]
        else:
            continue
        xs, ys = numbers[0::2], numbers[1::2]
        return Box(min(xs), min(ys), max(xs), max(ys))
    return None


@dataclass
class Node:
    name: str
    classes: list[str]
    box: Box | None
    href: str | None
    tooltip: str | None
    text: str
    font_sizes: list[float]


@dataclass
class Diagram:
    blueprint: object
    findings: list
    warnings: str
    nodes: dict[str, Node]
    bands: dict[str, Box]
    edges: list[tuple[str, list[str], list[tuple[float, float]]]]   # (svg id, classes, sampled points)
    font_sizes: list[float]
    runs: dict[str, list[tuple[float, float, float]]]   # svg id -> straight horizontal runs (y, x1, x2)
    dashed: set[str]                                     # svg ids of dashed edges

    def of_class(self, css: str) -> list[Node]:
        return [node for node in self.nodes.values() if css in node.classes]


def _bezier_points(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(NUMBER, d)]
    points = list(zip(numbers[0::2], numbers[1::2]))
    sampled = [points[0]]
    for index in range(1, len(points) - 2, 3):
        p0, p1, p2, p3 = points[index - 1], points[index], points[index + 1], points[index + 2]
        for step in range(1, 11):
            t = step / 10
            sampled.append(tuple((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t ** 2 * c + t ** 3 * e
                                 for a, b, c, e in zip(p0, p1, p2, p3)))
    return sampled


def _horizontal_runs(d: str) -> list[tuple[float, float, float]]:
    """The straight horizontal pieces of a path: cubic segments whose four points share one y."""
    numbers = [float(n) for n in re.findall(NUMBER, d)]
    points = list(zip(numbers[0::2], numbers[1::2]))
    runs = []
    for index in range(0, len(points) - 3, 3):
        segment = points[index:index + 4]
        ys = [y for _, y in segment]
        if max(ys) - min(ys) <= EPS and abs(segment[3][0] - segment[0][0]) > 1:
            runs.append((segment[0][1], min(segment[0][0], segment[3][0]), max(segment[0][0], segment[3][0])))
    return runs


def parse(svg: bytes, blueprint, findings, warnings: str) -> Diagram:
    root = ET.fromstring(svg)
    nodes, bands, edges, runs, dashed = {}, {}, [], {}, set()
    for group in root.iter(f"{SVG}g"):
        classes = (group.get("class") or "").split()
        title = group.find(f"{SVG}title")
        if "node" in classes:
            anchor = next(iter(group.iter(f"{SVG}a")), None)
            texts = list(group.iter(f"{SVG}text"))
            nodes[title.text] = Node(
                title.text, classes, _shape_box(group),
                anchor.get(f"{XLINK}href") if anchor is not None else None,
                anchor.get(f"{XLINK}title") if anchor is not None else None,
                " ".join(t.text or "" for t in texts), [float(t.get("font-size")) for t in texts])
        elif "cluster" in classes and "band" in classes:
            name = next(c for c in classes if c.startswith("band-"))[5:]
            bands[name] = _shape_box(group)
        elif "edge" in classes:
            path = next(group.iter(f"{SVG}path"))
            edges.append((group.get("id"), classes, _bezier_points(path.get("d"))))
            runs[group.get("id")] = _horizontal_runs(path.get("d"))
            if path.get("stroke-dasharray"):
                dashed.add(group.get("id"))
    font_sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    return Diagram(blueprint, findings, warnings, nodes, bands, edges, font_sizes, runs, dashed)


def sample_findings(blueprint) -> list:
    """Findings on every third step, every fourth edge and the whole blueprint, numbered in order."""
    findings = []
    for step in blueprint.steps[::3]:
        findings.append(finding(blueprint, len(findings) + 1, step=step.id, rule="missing-owner"))
    for edge in blueprint.edges[1::4]:
        findings.append(finding(blueprint, len(findings) + 1, step=edge.source, edge=edge, rule="context-lost"))
    findings.append(finding(blueprint, len(findings) + 1, rule="handoff-chain", message="Too many hands"))
    return findings


GENERATED = {
    "linear": lambda: factory.linear_yaml(),
    "branching": lambda: factory.branching_yaml(),
    "looping": lambda: factory.looping_yaml(),
    "forty": lambda: factory.forty_yaml(),
    "forty-loops": lambda: factory.blueprint_yaml(40, 9, looping=0.3, labels=0.6, blueprint_id="forty-loops"),
    "hostile": lambda: factory.hostile_yaml(long=2000),
    "discharge": factory.discharge_yaml,   # a Ward step listed after the Home steps; a recovery; two loops
    "shuffled": lambda: factory.shuffled_yaml(),
    "shuffled-big": lambda: factory.shuffled_yaml(30, 8, moved=6),
    # The benchmark's blueprints: 20-40 steps, owners, failures with recoveries, forks and loops.
    "benchmark-0": lambda: benchmark_blueprints.blueprint_yaml(0),
    "benchmark-1": lambda: benchmark_blueprints.blueprint_yaml(1),
    "benchmark-5": lambda: benchmark_blueprints.blueprint_yaml(5),
}
CASES = [f"generated:{name}" for name in GENERATED] + [f"example:{path.stem}" for path in example_files()]
JOURNEY = {"flow", "handoff", "recovery"}   # classes of the arrows of the journey and its recoveries


@lru_cache(maxsize=None)
def diagram(case: str) -> Diagram:
    kind, name = case.split(":", 1)
    if kind == "generated":
        blueprint = factory.load(GENERATED[name](), f"{name}.yaml")
    else:
        blueprint = load_example(EXAMPLES / f"{name}.yaml")
    findings = sample_findings(blueprint)
    svg, warnings = render_checked(blueprint_dot(blueprint, findings), "svg", 60)
    return parse(svg, blueprint, findings, warnings)


@pytest.fixture(params=CASES)
def drawn(request) -> Diagram:
    return diagram(request.param)


def test_graphviz_has_nothing_to_say(drawn):
    # In particular no "size too small for label": our text measure is never short.
    assert drawn.warnings == ""


def test_bands_are_stacked_in_order(drawn):
    assert list(drawn.bands) == list(BANDS)
    boxes = [drawn.bands[name] for name in BANDS]
    for upper, lower in zip(boxes, boxes[1:]):
        assert upper.top < lower.top
        assert abs(upper.bottom - lower.top) <= EPS
        assert abs(upper.left - lower.left) <= EPS and abs(upper.right - lower.right) <= EPS


def test_bands_and_lines_are_labelled(drawn):
    labels = " ".join(node.text for node in drawn.of_class("lane-label"))
    for title in ("Physical evidence", "Customer actions", "Frontstage", "Backstage", "Support processes"):
        assert title in labels
    lines = {edge_id: points for edge_id, classes, points in drawn.edges if "line" in classes}
    assert len(lines) == 3
    line_labels = drawn.of_class("line-label")
    for (upper, lower, name), (edge_id, points) in zip(LINES, sorted(lines.items())):
        y = drawn.bands[upper].bottom
        assert all(abs(py - y) <= EPS for _, py in points)
        label = next(node for node in line_labels if node.text == name or name in node.text)
        assert label.box.top < y < label.box.bottom


def test_every_step_is_inside_its_lane_band(drawn):
    steps = drawn.of_class("step")
    assert len(steps) == len(drawn.blueprint.steps)
    for node in steps:
        lane = next(c for c in node.classes if c.startswith("lane-"))[5:]
        assert node.box.inside(drawn.bands[lane]), (node.name, lane)


def stage_ranks(blueprint) -> dict[str, int]:
    """Each step's stage by its place in `stages`; a step without one goes with the step before it."""
    rank, current = {}, 0
    for step in blueprint.steps:
        current = blueprint.stages.index(step.stage) if step.stage else current
        rank[step.id] = current
    return rank


def test_steps_go_left_to_right_by_stage_then_in_file_order(drawn):
    by_id = {node.href[len("#step-"):]: node for node in drawn.of_class("step")}
    rank = stage_ranks(drawn.blueprint)
    order = sorted(drawn.blueprint.steps, key=lambda step: rank[step.id])   # stable: file order within a stage
    boxes = [by_id[step.id].box for step in order]
    for before, after in zip(boxes, boxes[1:]):
        assert before.right < after.left


def test_each_stage_has_one_header_over_all_its_steps(drawn):
    headers = drawn.of_class("stage")
    used = [stage for stage in drawn.blueprint.stages if any(step.stage == stage for step in drawn.blueprint.steps)]
    squeeze = lambda text: re.sub(r"\s+", "", text)   # noqa: E731  (headers wrap long names)
    assert sorted(squeeze(header.text) for header in headers) == sorted(squeeze(clean_text(s)) for s in used)
    by_stage = {squeeze(header.text): header for header in headers}
    by_href = {node.href: node for node in drawn.of_class("step")}
    for step in drawn.blueprint.steps:
        if step.stage:
            box = by_href[f"#step-{step.id}"].box
            header = by_stage[squeeze(clean_text(step.stage))]
            assert header.box.left <= box.left and box.right <= header.box.right, step.id
    lefts = [by_stage[squeeze(clean_text(stage))].box.left for stage in used]
    assert lefts == sorted(lefts)   # in the order `stages` lists them


def test_no_arrow_runs_along_a_lane_separator(drawn):
    separators = {name: drawn.bands[upper].bottom for upper, _, name in LINES}
    runs = 0
    for edge_id, classes, _ in drawn.edges:
        if not JOURNEY & set(classes):
            continue
        for y, x1, x2 in drawn.runs[edge_id]:
            runs += 1
            for name, line in separators.items():
                assert abs(y - line) >= LINE_CLEAR - EPS, (edge_id, name, y, line, x1, x2)
    assert runs >= len(drawn.blueprint.edges)   # every arrow has a horizontal piece: into its target


def test_a_dashed_recovery_arrow_runs_from_each_failure_to_its_recovery(drawn):
    by_href = {node.href: node for node in drawn.of_class("step")}
    recoveries = [(edge_id, points) for edge_id, classes, points in drawn.edges if "recovery" in classes]
    failing = [step for step in drawn.blueprint.steps
               if step.failure and step.failure.recovery and step.failure.recovery != step.id]
    assert len(recoveries) == len(failing)
    for step, (edge_id, points) in zip(failing, recoveries):
        source = by_href[f"#step-{step.id}"].box
        target = by_href[f"#step-{step.failure.recovery}"].box
        (x0, y0), (x1, y1) = points[0], points[-1]
        assert abs(x0 - source.right) <= 1 and source.top < y0 < source.bottom, edge_id
        assert abs(x1 - (target.left - ARROW)) <= 1 and target.top < y1 < target.bottom, edge_id
        assert edge_id in drawn.dashed
    legend = [node for node in drawn.of_class("legend-item") if node.text.startswith("Recovery")]
    assert len(legend) == 1 and "dashed arrow" in legend[0].text
    samples = [edge_id for edge_id, classes, _ in drawn.edges if "sample-recovery" in classes]
    assert len(samples) == 1 and samples[0] in drawn.dashed


def test_a_finding_on_an_arrow_marks_both_cards_it_touches(drawn):
    by_href = {node.href: node for node in drawn.of_class("step")}
    on_arrows = [found for found in drawn.findings if found.edge is not None]
    assert on_arrows
    for found in on_arrows:
        for end in (found.edge.source, found.edge.to):
            card = by_href[f"#step-{end}"]
            assert re.search(rf"{BADGE}\u00a0{found.number}(?!\d)", card.text), (found.number, end)
            assert "on an arrow" in card.text or "on its arrows" in card.text
            assert {"finding", "arrow-finding"} & set(card.classes), end


def test_evidence_sits_above_its_step(drawn):
    steps = {node.href: node for node in drawn.of_class("step")}
    evidence = drawn.of_class("evidence")
    assert len(evidence) == sum(1 for step in drawn.blueprint.steps if step.evidence)
    for node in evidence:
        step = steps[node.href]
        assert node.box.inside(drawn.bands["evidence"])
        assert node.box.bottom < step.box.top
        assert abs(node.box.cx - step.box.cx) <= EPS


def test_no_two_boxes_overlap(drawn):
    boxes = [node for node in drawn.nodes.values() if node.classes != ["node"]]  # all but invisible points
    assert all(node.box is not None for node in boxes), [node.name for node in boxes if node.box is None]
    assert len(boxes) > len(drawn.blueprint.steps)
    for index, first in enumerate(boxes):
        for second in boxes[index + 1:]:
            assert not first.box.overlaps(second.box), (first.name, second.name)


def test_text_is_never_smaller_than_body_text(drawn):
    assert min(drawn.font_sizes) >= BODY_SIZE
    assert Counter(drawn.font_sizes).most_common(1)[0][0] == BODY_SIZE


def test_edges_never_cross_cards_or_other_labels(drawn):
    obstacles = {name: node.box for name, node in drawn.nodes.items()
                 if {"step", "evidence", "edge-label", "stage", "lane-label", "note", "title"} & set(node.classes)}
    for edge_id, classes, points in drawn.edges:
        if not JOURNEY & set(classes):
            continue
        own_label = "l" + edge_id.rsplit("-e", 1)[1] if "recovery" not in classes else None
        for name, box in obstacles.items():
            if name == own_label:
                continue
            assert not any(box.contains_point(x, y) for x, y in points), (edge_id, name)


def test_steps_link_to_their_anchor_with_a_tooltip(drawn):
    by_href = {node.href: node for node in drawn.of_class("step")}
    for step in drawn.blueprint.steps:
        node = by_href[f"#step-{step.id}"]
        assert node.tooltip.startswith(clean_text(step.action)[:200])


def test_findings_are_drawn_with_their_numbers(drawn):
    edges = [edge for step in drawn.blueprint.steps for edge in step.next]
    for found in drawn.findings:
        badge = f"{BADGE}\u00a0{found.number}"
        if found.edge is not None:
            node = drawn.nodes[f"l{edges.index(found.edge)}"]
        elif found.step is not None:
            step_index = [step.id for step in drawn.blueprint.steps].index(found.step)
            node = drawn.nodes[f"s{step_index}"]
        else:
            node = drawn.nodes["note"]
        assert re.search(rf"{badge}(?!\d)", node.text), (found.number, node.name)
        assert "finding" in node.classes


def test_stage_headers_stand_over_their_steps(drawn):
    stages = drawn.of_class("stage")
    by_href = {node.href: node for node in drawn.of_class("step")}
    for step in drawn.blueprint.steps:
        if step.stage:
            box = by_href[f"#step-{step.id}"].box
            assert any(header.box.left <= box.cx <= header.box.right and header.box.bottom <= drawn.bands["evidence"].top
                       and clean_text(step.stage).split(" ")[0] in header.text for header in stages), step.id


def test_no_huge_empty_areas(drawn):
    """Each band is only as tall as its tallest box plus its margins and edge tracks."""
    for name, band in drawn.bands.items():
        inside = [node.box for node in drawn.nodes.values()
                  if node.box and node.box.inside(band) and "line-label" not in node.classes]
        tallest = max(box.bottom - box.top for box in inside)
        tracks = sum(1 for _, classes, _ in drawn.edges if JOURNEY & set(classes))
        assert band.bottom - band.top <= tallest + 2 * 22 + 10 * tracks + 30, name
    steps = drawn.of_class("step")
    widths = [after.box.left - before.box.right for before, after in zip(steps, steps[1:])]
    assert max(widths, default=0) <= 400


def test_analysis_findings_render_when_analysis_exists():
    from blueprintgen.analysis import analyse

    blueprint = factory.load(factory.forty_yaml())
    try:
        analysis = analyse(blueprint)
    except NotImplementedError:
        pytest.skip("analyse() is not written yet")
    svg, warnings = render_checked(blueprint_dot(analysis), "svg", 60)
    assert warnings == ""
    for found in analysis.findings:
        assert f"{BADGE}\u00a0{found.number}".encode() in svg


# -- journey-map layers: the emotion curve, pain and opportunity markers ---------------------------

LAYERED = [case for case in CASES if case.startswith("example:") and not case.endswith("-to-be")]


@pytest.mark.parametrize("case", LAYERED)
def test_emotion_curve_runs_across_the_customer_band_above_its_cards(case):
    drawn = diagram(case)
    steps = drawn.blueprint.steps
    felt = [(index, step) for index, step in enumerate(steps) if step.emotion]
    points = {int(node.name[3:]): node for node in drawn.of_class("emotion-point")}
    assert sorted(points) == [index for index, _ in felt]
    band = drawn.bands["customer"]
    top_card = min(node.box.top for node in drawn.of_class("step") if node.box.inside(band))
    for index, step in felt:
        box = points[index].box
        assert box.inside(band) and box.bottom < top_card
        assert abs(box.cx - drawn.nodes[f"s{index}"].box.cx) <= EPS    # over its step's card
        assert points[index].href == f"#step-{step.id}"
    # Higher feelings are drawn higher: y falls as the score rises.
    centre = {index: (points[index].box.top + points[index].box.bottom) / 2 for index, _ in felt}
    for (i, a), (j, b) in zip(felt, felt[1:]):
        assert (centre[i] - centre[j]) * (a.emotion.score - b.emotion.score) <= 0
        if a.emotion.score != b.emotion.score:
            assert (centre[i] < centre[j]) == (a.emotion.score > b.emotion.score)
    lines = [edge for edge in drawn.edges if "emotion-curve" in edge[1]]
    # Neighbouring points are joined unless a customer step with no emotion stands between them: a gap.
    joined = [j for (i, _), (j, _) in zip(felt, felt[1:]) if all(steps[k].lane != "customer" for k in range(i + 1, j))]
    assert sorted(int(edge_id.rsplit("emoline", 1)[1]) for edge_id, _, _ in lines) == joined


@pytest.mark.parametrize("case", LAYERED)
def test_lowest_points_are_marked_by_shape_and_words_not_only_colour(case):
    drawn = diagram(case)
    scores = [step.emotion.score for step in drawn.blueprint.steps if step.emotion]
    lowest = drawn.of_class("emotion-lowest")
    assert len(lowest) == scores.count(min(scores)) >= 1
    for node in lowest:
        index = int(node.name[3:])
        assert drawn.nodes[f"emolow{index}"].text == f"lowest {min(scores):+d}".replace("-", "\u2212")   # a real minus sign
    others = [node for node in drawn.of_class("emotion-point") if "emotion-lowest" not in node.classes]
    shape = lambda node: node.box.right - node.box.left   # noqa: E731
    assert all(shape(node) < shape(lowest[0]) for node in others)
    legend = " ".join(node.text for node in drawn.of_class("legend-item"))
    assert "Emotion curve" in legend and "lowest" in legend


@pytest.mark.parametrize("case", LAYERED)
def test_pain_and_opportunity_markers_sit_on_their_cards(case):
    drawn = diagram(case)
    blueprint = drawn.blueprint
    legend = " ".join(node.text for node in drawn.of_class("legend-item"))
    for index, step in enumerate(blueprint.steps):
        text = drawn.nodes[f"s{index}"].text
        assert (text.count("pain:") == len(step.pain)), step.id
        named = blueprint.opportunities_by_step.get(step.id, ())
        assert text.count("opportunity:") == len(named), step.id
        assert (" O " in f" {text} ") == bool(named)
    assert ("Pain point" in legend) == any(step.pain for step in blueprint.steps)
    assert ("Opportunity" in legend) == bool(blueprint.opportunities_by_step)


def test_a_diagram_without_layers_has_no_curve_and_no_layer_legend():
    drawn = diagram("generated:linear")
    assert drawn.of_class("emotion-point") == [] and drawn.of_class("emotion-scale") == []
    legend = " ".join(node.text for node in drawn.of_class("legend-item"))
    assert "Emotion curve" not in legend and "Pain point" not in legend


@pytest.mark.parametrize("name", ["discharge", "looping", "forty-loops", "benchmark-1"])
def test_each_customer_chases_loop_has_its_badge_on_the_arrow_that_closes_it(name):
    blueprint = factory.load(GENERATED[name](), f"{name}.yaml")
    analysis = analyse(blueprint)
    loops = [found for found in analysis.findings if found.rule == "customer-chases"]
    assert loops
    svg, warnings = render_checked(blueprint_dot(analysis), "svg", 60)
    drawn = parse(svg, blueprint, list(analysis.findings), warnings)
    edges = list(blueprint.edges)
    red = {edge_id for edge_id, classes, _ in drawn.edges if "finding" in classes}
    for found in loops:
        number = edges.index(found.edge)
        label = drawn.nodes[f"l{number}"]
        assert re.search(rf"{BADGE}\u00a0{found.number}(?!\d)", label.text), found.message
        assert f"bp-{blueprint.id}-e{number}" in red
    if name == "discharge":   # two loops that share the council desk: two badges on two arrows
        assert {(found.edge.source, found.edge.to) for found in loops} == {
            ("sends-letter", "council-desk"), ("council-visit", "calls-council")}
