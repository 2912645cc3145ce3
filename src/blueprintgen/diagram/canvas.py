"""DOT assembly: positioned boxes, routed edges and clusters written out as DOT text for `neato -n2`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from .look import BODY_SIZE, CORNER, FONT, INK
from .text import TOOLTIP_LIMIT, clean_text, shorten

__all__ = ["Box", "Canvas", "quote", "tooltip", "attr_list", "rounded"]


def tooltip(text: str) -> str:
    """A quoted DOT escString that shows `text` literally (tooltips go through two unescapings)."""
    # filter(None, ...) leaves out lines with nothing displayable.
    return '"' + "\\n".join(filter(None, map(_tooltip_line, shorten(text, TOOLTIP_LIMIT).split("\n")))) + '"'


# Tooltips repeat lines: the cards at both ends of an arrow and the arrow itself list its findings.
@lru_cache(maxsize=1 << 14)
def _tooltip_line(line: str) -> str:
    """One cleaned line of a tooltip, escaped; empty when nothing of it is displayable."""
    return clean_text(line).replace("&", "&amp;").replace("\\", "\\\\\\\\").replace('"', '\\"')


def quote(text: str) -> str:
    """A quoted DOT string for our own values (colours, ids, styles)."""
    if "\\" in text or '"' in text:   # seldom: a diagram quotes some 700 values
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def attr_list(attrs: dict[str, str]) -> str:
    # "=".join on each (key, value) pair: a diagram writes some 2,000 of them, and this loop stays in C.
    return ", ".join(map("=".join, attrs.items()))


@dataclass(slots=True)   # thousands per build: slots make them smaller and quicker to read
class Box:
    """A positioned node: centre (x, y) with y growing downwards, size in points."""

    name: str
    x: float
    y: float
    w: float
    h: float
    attrs: dict[str, str] = field(default_factory=dict)   # already-quoted DOT values
    cluster: str | None = None

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def right(self) -> float:
        return self.x + self.w / 2

    @property
    def top(self) -> float:
        return self.y - self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h / 2


class Canvas:
    """Everything drawn so far, with y growing downwards; flipped for Graphviz only when written out."""

    def __init__(self, prefix: str):
        self.prefix = prefix            # of every SVG id, so two diagrams on one page never clash
        self.boxes: list[Box] = []
        self.edges: list[tuple] = []
        self.clusters: list[tuple[str, tuple[float, float, float, float], dict[str, str]]] = []
        self.width = 0.0
        self.height = 0.0

    def point(self, name: str, x: float, y: float, cluster: str | None = None) -> None:
        """An invisible node for an edge that starts or ends on no card (lines, legend samples)."""
        self.boxes.append(Box(name, x, y, 0.1, 0.1, {"shape": "point", "style": "invis", "label": '""'}, cluster))

    def edge(self, tail: str, head: str, points, end, attrs: dict[str, str]) -> None:
        """An orthogonal edge through `points` (rounded here), ending in an arrowhead at `end` if given."""
        self.edges.append((tail, head, rounded(points), end, attrs))

    def dot(self, title: str) -> str:
        out = [
            "digraph blueprint {",
            f"  graph [{attr_list({'id': quote(self.prefix), 'class': quote('blueprint'), 'bb': quote(f'0,0,{self.width:.1f},{self.height:.1f}'), 'outputorder': 'edgesfirst', 'notranslate': 'true', 'splines': 'true', 'overlap': 'true', 'bgcolor': quote('#ffffff'), 'fontname': quote(FONT), 'fontsize': str(BODY_SIZE), 'tooltip': tooltip(title)})}];",
            f"  node [{attr_list({'fontname': quote(FONT), 'fontsize': str(BODY_SIZE), 'fontcolor': quote(INK), 'fixedsize': 'true', 'margin': '0'})}];",
            f"  edge [{attr_list({'fontname': quote(FONT), 'fontsize': str(BODY_SIZE)})}];",
        ]
        members: dict[str | None, list[Box]] = {}
        for box in self.boxes:
            members.setdefault(box.cluster, []).append(box)
        for name, (x1, y1, x2, y2), attrs in self.clusters:
            bb = f"{x1:.1f},{self._y(y2):.1f},{x2:.1f},{self._y(y1):.1f}"
            out.append(f"  subgraph {name} {{")
            out.append(f"    graph [{attr_list({**attrs, 'bb': quote(bb)})}];")
            out.extend("  " + self._node_text(box) for box in members.get(name, []))
            out.append("  }")
        out.extend(self._node_text(box) for box in members.get(None, []))
        out.extend(self._edge_text(*edge) for edge in self.edges)
        out.append("}")
        return "\n".join(out) + "\n"

    def _y(self, y: float) -> float:
        return self.height - y

    # Coordinates are written with %-formatting: the same text as f"{x:.1f}", in half the time, and
    # a diagram writes some 700 numbers.

    def _edge_text(self, tail: str, head: str, spline, end, attrs: dict[str, str]) -> str:
        height = self.height   # self._y inlined: an edge has a dozen points or more
        pos = " ".join(["%.1f,%.1f" % (x, height - y) for x, y in spline])
        if end:
            pos = "e,%.1f,%.1f %s" % (end[0], height - end[1], pos)
        return f"  {tail} -> {head} [{attr_list({**attrs, 'pos': quote(pos)})}];"

    def _node_text(self, box: Box) -> str:
        attrs = {
            "id": quote(f"{self.prefix}-{box.name}"),
            "pos": quote("%.1f,%.1f!" % (box.x, self._y(box.y))),
            "width": "%.4f" % (box.w / 72), "height": "%.4f" % (box.h / 72),
            **box.attrs,
        }
        if attrs.get("shape") in ("plaintext", '"plaintext"'):
            # An invisible box rather than plaintext, so the SVG still shows where the node is.
            attrs["shape"] = "box"
            attrs.setdefault("color", '"transparent"')
        return f"  {box.name} [{attr_list(attrs)}];"


def rounded(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """An orthogonal polyline as cubic Bezier control points (3n+1), corners rounded."""
    clean = [points[0]]
    for point in points[1:]:
        if math.dist(point, clean[-1]) > 0.01:
            clean.append(point)
    # Drop middle points of straight runs.
    merged = [clean[0]]
    for index in range(1, len(clean) - 1):
        (x0, y0), (x1, y1), (x2, y2) = merged[-1], clean[index], clean[index + 1]
        if abs((x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1)) > 0.01:
            merged.append(clean[index])
    if len(clean) > 1:
        merged.append(clean[-1])
    if len(merged) == 1:
        merged.append(merged[0])

    spline = [merged[0]]
    current = merged[0]
    for index in range(1, len(merged) - 1):
        before, corner, after = merged[index - 1], merged[index], merged[index + 1]
        # math.dist is symmetric to the bit (it squares absolute differences): each length is measured once.
        back, ahead = math.dist(before, corner), math.dist(corner, after)
        radius = min(CORNER, back / 2, ahead / 2)
        start, finish = _toward(corner, before, radius, back), _toward(corner, after, radius, ahead)
        _line_to(spline, current, start)
        spline.extend([_toward(start, corner, radius * 0.55, math.dist(start, corner)),
                       _toward(finish, corner, radius * 0.55, math.dist(finish, corner)), finish])
        current = finish
    _line_to(spline, current, merged[-1])
    return spline


def _line_to(spline: list[tuple[float, float]], current: tuple[float, float], point: tuple[float, float]) -> None:
    """A straight segment from `current` to `point` onto `spline`; none when shorter than 0.01 pt, but the first."""
    length = math.dist(current, point)
    if length > 0.01 or len(spline) == 1:
        spline.extend([_toward(current, point, length / 3, length), _toward(current, point, 2 * length / 3, length),
                       point])


def _toward(p, q, distance: float, length: float):
    """The point `distance` from p on the way to q, which is `length` away from p."""
    return p if length == 0 else (p[0] + (q[0] - p[0]) * distance / length, p[1] + (q[1] - p[1]) * distance / length)
