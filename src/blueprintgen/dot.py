"""A blueprint and its findings -> DOT text, laid out here for `neato -n2`. Pure: no I/O.

Graphviz does not lay out swimlanes, so this module computes every position
itself and Graphviz only draws: each node gets `pos="x,y!"` and a fixed size
computed from our own text wrapping, and each edge gets its whole route in
`pos`, so the output is deterministic and the geometry is guaranteed.

Layout, top to bottom: the title, a note with the blueprint-level findings,
the stage headers, then five bands (physical evidence, customer, frontstage,
backstage, support) separated by the line of interaction, the line of
visibility and the line of internal interaction, and a legend. Left to right:
the lane labels, then one column per step in file (journey) order.

Edges are routed orthogonally, with rounded corners, through space that is
kept free of cards: the gaps between columns (vertical runs) and the margins
of each band above and below its cards (horizontal tracks). An edge to the
next column runs straight across the gap; any other edge (skipping columns or
going back) leaves its card to the right, runs along a track in a margin of
its source band and comes into its target from the left. Edge labels sit on
the edge just right of the source card, in room reserved for them.

All text from a blueprint is cleaned (control and bidi characters removed)
and escaped: HTML-escaped in HTML-like labels, with backslashes doubled so
Graphviz's `\\N`-style escapes never expand. Node ids are generated; the only
URL is `#step-<id>` for ids matching the id pattern.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from .escape import clean
from .analysis import Analysis, Finding
from .model import ID_PATTERN, LANES, Blueprint, Edge, Step

__all__ = [
    "FONT", "BODY_SIZE", "BANDS", "BAND_TITLES", "LINES", "blueprint_dot", "clean_text",
    "text_width", "wrap_text",
]

# -- look ----------------------------------------------------------------------------------

# DejaVu Sans is measured below; browsers without it fall back to narrower fonts.
FONT = "DejaVu Sans,Arial,Helvetica,sans-serif"
BODY_SIZE = 12          # every text of the diagram is at least this size
HEAD_SIZE = 13          # lane labels and stage headers
TITLE_SIZE = 18

BANDS = ("evidence",) + LANES
BAND_TITLES = {
    "evidence": ("Physical evidence", "what the customer sees"),
    "customer": ("Customer actions", None),
    "frontstage": ("Frontstage", "staff the customer sees"),
    "backstage": ("Backstage", "staff out of sight"),
    "support": ("Support processes", "systems, other teams"),
}
# (upper band, lower band, name): drawn on the boundary between the two bands.
LINES = (
    ("customer", "frontstage", "Line of interaction"),
    ("frontstage", "backstage", "Line of visibility"),
    ("backstage", "support", "Line of internal interaction"),
)
BAND_FILL = {"evidence": "#f3f3f3", "customer": "#fff5d6", "frontstage": "#e3eefa",
             "backstage": "#ece8f6", "support": "#e4f2e6"}
INK = "#263238"
MUTED = "#546e7a"
RED = "#c62828"
RED_TINT = "#ffebee"
FLOW_COLOR = "#546e7a"
HANDOFF_COLOR = "#1565c0"
LINE_COLOR = "#37474f"
STAGE_FILL = "#37474f"
MARKERS = {  # marker text -> (cell fill, text colour)
    "F": (RED_TINT, RED),
    "W": ("#fff3e0", "#8a4b00"),
    "P": ("#e8f5e9", "#1b5e20"),
    "P\u2713": ("#e8f5e9", "#1b5e20"),
    "END": (INK, "#ffffff"),
}
BADGE = "\u26a0"  # warning sign, before each finding number

# -- geometry (points) ---------------------------------------------------------------------

MARGIN = 16
LANE_W = 150            # the column of lane labels on the left
CARD_W = 196            # step and evidence cards
LABEL_TEXT_W = 150      # edge labels wrap at this width
PAD = 10                # space between a card and what is next to it in a gap
SLOT = 12               # distance between vertical edge runs in a gap
ARROW = 9               # arrowhead length (arrowsize 0.9)
MIN_GAP = 44
BASE_MARGIN = 22        # band margin above and below its cards, without tracks
TRACK_OFF = 12          # first horizontal track, from the cards
TRACK = 10              # distance between horizontal tracks
MIN_ROW = 56
PORT_MIN = 14           # room for one edge end on a card side
PORT_GAP = 6
CELL_PAD = 2
CELL_SPACING = 2
NODE_PAD_X = 20         # fixed node size = table size + these, so the label never overflows
NODE_PAD_Y = 10
CORNER = 8


def line_height(size: int) -> int:
    return math.ceil(size * 1.17)


# DejaVu Sans advance widths in 1/1000 em, for U+0020-U+007E and U+00A0-U+00FF.
_REGULAR = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 636 636 "
    "636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 603 787 "
    "695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 615 352 635 634 278 278 "
    "579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 636 337 636 838",
    "318 401 636 636 636 636 337 500 500 1000 471 612 838 361 1000 500 500 838 401 401 500 636 636 318 500 "
    "401 471 612 969 969 969 531 684 684 684 684 684 684 974 698 632 632 632 632 295 295 295 295 775 748 "
    "787 787 787 787 787 838 787 732 732 732 732 611 605 630 613 613 613 613 613 613 982 550 615 615 615 "
    "615 278 278 278 278 612 634 612 612 612 612 612 838 612 634 634 634 634 592 635 592",
)
_BOLD = (
    "348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696 696 696 696 "
    "696 400 400 838 838 838 580 1000 774 762 734 830 683 683 821 837 372 372 775 637 995 837 850 733 850 "
    "770 720 682 812 774 1103 771 724 725 457 365 457 838 500 500 675 716 593 716 678 435 716 712 343 343 "
    "665 343 1042 712 687 716 716 493 595 478 712 652 924 645 652 582 712 365 712 838",
    "348 456 696 696 636 696 365 500 500 1000 564 646 838 415 1000 500 500 838 438 438 500 736 636 380 500 "
    "438 564 646 1035 1035 1035 580 774 774 774 774 774 774 1085 734 683 683 683 683 372 372 372 372 838 "
    "837 850 850 850 850 850 838 850 812 812 812 812 724 738 719 675 675 675 675 675 675 1048 593 678 678 "
    "678 678 343 343 343 343 687 712 687 687 687 687 687 838 687 712 712 712 712 652 716 652",
)


def _width_table(parts: tuple[str, str]) -> dict[str, int]:
    ascii_part, latin_part = (list(map(int, part.split())) for part in parts)
    table = {chr(32 + index): width for index, width in enumerate(ascii_part)}
    table.update({chr(160 + index): width for index, width in enumerate(latin_part)})
    table.update({"\u2014": 1000, "\u2013": 500, "\u2026": 1000, "\u2018": 380, "\u2019": 380,
                  "\u201c": 657, "\u201d": 657, BADGE: 896, "\u2713": 838, "\u2192": 838})
    return table


_WIDTHS = {False: _width_table(_REGULAR), True: _width_table(_BOLD)}
# Anything else (CJK, emoji, other scripts): a full em and more, to be safe.
_OTHER_WIDTH = {False: 1000, True: 1110}


class _Advances(dict):
    """Glyph advances of one font size and weight, in 1/10,000 pt, so sums are exact integers."""

    def __init__(self, size: float, bold: bool):
        # Graphviz rounds each glyph's advance; 0.3 pt per character covers it.
        super().__init__((char, round(width * size * 10) + 3000) for char, width in _WIDTHS[bold].items())
        self.other = round(_OTHER_WIDTH[bold] * size * 10) + 3000

    def __missing__(self, char: str) -> int:
        return self.other


@lru_cache(maxsize=None)
def _advances(size: float, bold: bool) -> _Advances:
    return _Advances(size, bold)


def _units(text: str, advances: _Advances) -> int:
    return sum(map(advances.__getitem__, text))


def _points(units: int) -> float:
    return units / 10000 * 1.01 + 1


def text_width(text: str, size: float = BODY_SIZE, bold: bool = False) -> float:
    """A conservative estimate of the width of one line of DejaVu Sans, in points."""
    return _points(_units(text, _advances(size, bold)))


# -- text ----------------------------------------------------------------------------------

_SPACE_RUNS = re.compile(" {2,}")
_SPACES = {ord(c): " " for c in "\t\n\r\x0b\x0c\x85\u2028\u2029"}
# Besides what escape.clean drops: what XML forbids in SVG (surrogates, non-characters).
_NOT_IN_XML = re.compile("[\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)) + "]")


def clean_text(text: str | None) -> str:
    """One line of displayable text: no control, bidi-override or non-characters; spaces collapsed."""
    if not text:
        return ""
    text = _NOT_IN_XML.sub("", clean(str(text).translate(_SPACES)))
    return _SPACE_RUNS.sub(" ", text).strip(" ")   # only " ": badges keep their no-break space


# Graphviz refuses a label or attribute longer than 16,384 bytes, and a card is for scanning, not
# reading: each text on a card shows at most CARD_TEXT_LIMIT characters and a tooltip at most
# TOOLTIP_LIMIT (escaped, the worst case stays well under Graphviz's limit). The page shows it all.
CARD_TEXT_LIMIT = 200
TOOLTIP_LIMIT = 1500


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when something was left out."""
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ") + "\u2026"


def wrap_text(text: str, width: float, size: float = BODY_SIZE, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` points; a word longer than a line is broken, never cut.

    Text longer than CARD_TEXT_LIMIT characters is shortened first, with an ellipsis.
    """
    advances = _advances(size, bold)
    space = advances[" "]
    lines: list[str] = []
    current, used = "", 0   # the line so far and its width in advance units
    for word in shorten(clean_text(text), CARD_TEXT_LIMIT).split(" "):
        if not word:
            continue
        units = _units(word, advances)
        # Widths add up exactly (integers), so the line is never measured again.
        candidate = used + space + units if current else units
        if _points(candidate) <= width:
            current = f"{current} {word}" if current else word
            used = candidate
            continue
        if current:
            lines.append(current)
        if _points(units) > width:
            chunk, filled = "", 1.0
            for char in word:
                advance = advances[char] / 10000 * 1.01
                if chunk and filled + advance > width:
                    lines.append(chunk)
                    chunk, filled = "", 1.0
                chunk += char
                filled += advance
            word, units = chunk, _units(chunk, advances)
        current, used = word, units
    if current:
        lines.append(current)
    return lines or [""]


def _html(text: str) -> str:
    """Text for inside an HTML-like label: escaped, and backslashes doubled so `\\N` stays literal.

    `]` is written as a character reference: Graphviz's label lexer refuses a text that starts with it.
    """
    return html.escape(text, quote=True).replace("\\", "\\\\").replace("]", "&#93;")


def _tooltip(text: str) -> str:
    """A quoted DOT escString that shows `text` literally (tooltips go through two unescapings)."""
    lines = (clean_text(line) for line in shorten(text, TOOLTIP_LIMIT).split("\n"))
    escaped = (line.replace("&", "&amp;").replace("\\", "\\\\\\\\").replace('"', '\\"') for line in lines if line)
    return '"' + "\\n".join(escaped) + '"'


def _quote(text: str) -> str:
    """A quoted DOT string for our own values (colours, ids, styles)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- HTML-like tables whose size we know -----------------------------------------------------


@dataclass
class _Cell:
    lines: list[str]
    size: int = BODY_SIZE
    bold: bool = False
    italic: bool = False
    color: str | None = None
    fill: str | None = None
    border: str | None = None   # border colour; the cell then has a 1-pt border
    span: bool = False          # spans the two columns of a card table
    align: str = "LEFT"
    fixed: float | None = None  # the cell's width, when it must not take more or less

    @property
    def height(self) -> float:
        return len(self.lines) * line_height(self.size) + 2 * CELL_PAD + (2 if self.border else 0)

    @property
    def width(self) -> float:
        widest = max((text_width(line, self.size, self.bold) for line in self.lines), default=0)
        return widest + 2 * CELL_PAD + (2 if self.border else 0)

    def render(self, width: float | None = None) -> str:
        attrs = [f'ALIGN="{self.align}"', f'BALIGN="{self.align}"', 'VALIGN="MIDDLE"']
        if self.span:
            attrs.append('COLSPAN="2"')
        width = width or self.fixed
        if width:
            attrs.append(f'WIDTH="{math.floor(width)}"')
        if self.fill:
            attrs.append(f'BGCOLOR="{self.fill}"')
        if self.border:
            attrs.append(f'BORDER="1" COLOR="{self.border}"')
        text = "<BR/>".join(_html(line) for line in self.lines)
        if self.bold:
            text = f"<B>{text}</B>"
        if self.italic:
            text = f"<I>{text}</I>"
        font = f'POINT-SIZE="{self.size}"' + (f' COLOR="{self.color}"' if self.color else "")
        return f"<TD {' '.join(attrs)}><FONT {font}>{text}</FONT></TD>"


@dataclass
class _Table:
    """Rows of one full-width cell or of (marker, text) cells, `width` points wide."""

    width: float
    rows: list[list[_Cell]] = field(default_factory=list)

    @property
    def height(self) -> float:
        rows = sum(max(cell.height for cell in row) for row in self.rows)
        return rows + CELL_SPACING * (len(self.rows) + 1)

    def add_text(self, text: str, **style) -> None:
        size = style.get("size", BODY_SIZE)
        lines = wrap_text(text, self.width - 2 * CELL_PAD - 2 * CELL_SPACING, size, style.get("bold", False))
        self.rows.append([_Cell(lines, span=True, **style)])

    def add_marked(self, marker: str, text: str, marker_width: float, **style) -> None:
        fill, ink = MARKERS[marker]
        mark = _Cell([marker], bold=True, color=ink, fill=fill, border=ink, align="CENTER", fixed=marker_width)
        rest = self.width - marker_width - 3 * CELL_SPACING
        # The text cell takes all the rest, so the marker column keeps the marker's width.
        self.rows.append([mark, _Cell(wrap_text(text, rest - 2 * CELL_PAD - 2), fixed=rest, **style)])

    def shrink(self) -> "_Table":
        """Narrow the table to its widest row, once all rows are added."""
        self.width = max(sum(cell.width for cell in row) + CELL_SPACING * (len(row) + 1) for row in self.rows)
        return self

    def render(self) -> str:
        # Full-width rows are given the table's width, so a badge strip spans the whole card.
        full = self.width - 2 * CELL_SPACING
        rows = "".join(f"<TR>{''.join(cell.render(full if cell.span else None) for cell in row)}</TR>"
                       for row in self.rows)
        return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="{CELL_SPACING}" CELLPADDING="{CELL_PAD}" '
                f'WIDTH="{math.ceil(self.width)}">{rows}</TABLE>')


def _marker_width(markers: Iterable[str]) -> float:
    return max((text_width(marker, BODY_SIZE, True) + 2 * CELL_PAD + 2 for marker in markers), default=0)


# -- layout ----------------------------------------------------------------------------------


@dataclass
class _Box:
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


@dataclass
class _Route:
    """One journey edge and everything the layout decides about it."""

    index: int
    edge: Edge
    a: int                      # source column
    b: int                      # target column
    source_band: int
    target_band: int
    handoff: bool
    findings: list[Finding]
    label: _Table | None = None
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


def _actor_name(blueprint: Blueprint, step: Step) -> str | None:
    if step.lane == "customer":
        return "Customer"
    owner = blueprint.owner_by_key.get(step.owner or "")
    return owner.name if owner else None


def _badge(number: int | str) -> str:
    """A finding's badge text; the no-break space keeps sign and number on one line."""
    return f"{BADGE}\u00a0{number}"


def _badges(findings: list[Finding]) -> str:
    return "   ".join(_badge(finding.number) for finding in findings)


def _finding_lines(findings: list[Finding]) -> list[str]:
    return [f"Finding {finding.number} ({finding.rule}): {finding.message}" for finding in findings]


class _Layout:
    def __init__(self, blueprint: Blueprint, findings: Iterable[Finding]):
        self.blueprint = blueprint
        self.steps = list(blueprint.steps)
        self.column = {step.id: index for index, step in enumerate(self.steps)}
        self.prefix = f"bp-{blueprint.id}" if ID_PATTERN.fullmatch(blueprint.id or "") else "bp"
        self.boxes: list[_Box] = []
        self.edges: list[tuple] = []
        self.clusters: list[tuple[str, tuple[float, float, float, float], dict[str, str]]] = []
        self._sort_findings([finding for finding in findings if not finding.ignored])
        self._routes()
        self._cards()
        self._x_layout()
        self._tracks()
        self._y_layout()
        self._draw()

    # -- what goes where ----------------------------------------------------------------

    def _sort_findings(self, findings: list[Finding]) -> None:
        edges = set(self.blueprint.edges)
        self.step_findings: dict[str, list[Finding]] = {}
        self.edge_findings: dict[Edge, list[Finding]] = {}
        self.note_findings: list[Finding] = []
        for finding in sorted(findings, key=lambda f: (f.number, f.rule)):
            if finding.edge is not None and finding.edge in edges:
                self.edge_findings.setdefault(finding.edge, []).append(finding)
            elif finding.step is not None and finding.step in self.column:
                self.step_findings.setdefault(finding.step, []).append(finding)
            else:
                self.note_findings.append(finding)

    def _routes(self) -> None:
        self.routes: list[_Route] = []
        band = {step.id: BANDS.index(step.lane) if step.lane in BANDS else 1 for step in self.steps}
        for step in self.steps:
            for edge in step.next:
                if edge.to not in self.column:
                    continue
                target = self.blueprint.step_by_id[edge.to]
                route = _Route(len(self.routes), edge, self.column[step.id], self.column[edge.to],
                               band[step.id], band[edge.to],
                               self.blueprint.actor(step) != self.blueprint.actor(target),
                               self.edge_findings.get(edge, []))
                route.label = self._edge_label(route)
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
                self.routes.append(route)
        self.outgoing = {index: [] for index in range(len(self.steps))}
        self.incoming = {index: [] for index in range(len(self.steps))}
        for route in self.routes:
            self.outgoing[route.a].append(route)
            self.incoming[route.b].append(route)
        for index, routes in self.outgoing.items():
            # Up-going ends at the top of the right side, down-going at the bottom; the top-most
            # up-going edge turns first, as does the bottom-most down-going: no crossings.
            up = sorted((r for r in routes if r.direction < 0), key=lambda r: (r.target_band, r.b, r.index))
            level = sorted((r for r in routes if r.direction == 0), key=lambda r: (r.b, r.index))
            down = sorted((r for r in routes if r.direction > 0), key=lambda r: (r.target_band, r.b, r.index))
            for slot, route in enumerate(up):
                route.out_slot = slot
            for slot, route in enumerate(reversed(down)):
                route.out_slot = slot
            for slot, route in enumerate(level, start=max(len(up), len(down))):
                route.out_slot = slot
            self.outgoing[index] = up + level + down
        for index, routes in self.incoming.items():
            above = sorted((r for r in routes if r.arrives < 0), key=lambda r: (r.adjacent, r.source_band, r.a, r.index))
            level = sorted((r for r in routes if r.arrives == 0), key=lambda r: (r.a, r.index))
            below = sorted((r for r in routes if r.arrives > 0), key=lambda r: (not r.adjacent, r.source_band, r.a, r.index))
            for slot, route in enumerate(r for r in above if not r.adjacent):
                route.in_slot = slot
            for slot, route in enumerate(r for r in reversed(below) if not r.adjacent):
                route.in_slot = slot
            self.incoming[index] = above + level + below
        self.out_slots = {index: (max((r.out_slot + 1 for r in routes), default=0)) for index, routes in self.outgoing.items()}
        self.in_slots = {index: max((r.in_slot + 1 for r in routes if not r.adjacent), default=0)
                         for index, routes in self.incoming.items()}

    def _edge_label(self, route: _Route) -> _Table | None:
        edge = route.edge
        parts = []
        if edge.via:
            channel = self.blueprint.channel_by_key.get(edge.via)
            parts.append(f"via {channel.name if channel and channel.name else edge.via}")
        if edge.within:
            parts.append(f"within {edge.within.text}")
        if edge.carries:
            parts.append("carries: " + "; ".join(edge.carries))
        if not parts and not route.findings:
            return None
        table = _Table(LABEL_TEXT_W + 2 * CELL_PAD + 2 * CELL_SPACING)
        if route.findings:
            table.add_text(_badges(route.findings), bold=True, color="#ffffff", fill=RED)
        for part in parts:
            table.add_text(part, color=RED if route.findings else INK)
        return table.shrink()

    def _cards(self) -> None:
        """Card contents and sizes for each step, and evidence cards."""
        blueprint = self.blueprint
        self.card_tables: list[_Table] = []
        self.evidence_tables: dict[int, _Table] = {}
        promised = {step.id: step.promise for step in self.steps if step.promise}
        for index, step in enumerate(self.steps):
            table = _Table(CARD_W - NODE_PAD_X)
            findings = self.step_findings.get(step.id, [])
            if findings:
                table.add_text(_badges(findings), bold=True, color="#ffffff", fill=RED)
            owner = _actor_name(blueprint, step)
            if step.lane != "customer":
                table.add_text(owner or "(no owner)", bold=True, color=INK if owner else RED)
            markers = [m for m, present in (("W", step.wait), ("P", step.promise), ("P\u2713", step.fulfils),
                                            ("F", step.failure), ("END", step.end)) if present]
            width = _marker_width(markers)
            if step.wait:
                table.add_marked("W", f"waits {step.wait.text} before this", width, color=MARKERS["W"][1])
            table.add_text(step.action)
            where = []
            if step.channel:
                channel = blueprint.channel_by_key.get(step.channel)
                where.append(f"via {channel.name if channel and channel.name else step.channel}")
            if step.touchpoint:
                where.append(f"at {step.touchpoint}")
            if step.duration:
                where.append(f"takes {step.duration.text}")
            if where:
                table.add_text(" \u00b7 ".join(where), color=MUTED, italic=True)
            if step.promise:
                within = f" (within {step.promise.within.text})" if step.promise.within else ""
                table.add_marked("P", f"promise: {step.promise.what}{within}", width, color=MARKERS["P"][1])
            if step.fulfils:
                kept = promised.get(step.fulfils)
                table.add_marked("P\u2713", f"keeps: {kept.what}" if kept else "keeps a promise", width,
                                 color=MARKERS["P"][1])
            if step.failure:
                table.add_marked("F", f"fails: {step.failure.what}", width, color=RED)
            if step.end:
                table.add_marked("END", f"journey ends: {step.end}", width, color=INK)
            self.card_tables.append(table)
            if step.evidence:
                evidence = _Table(CARD_W - NODE_PAD_X)
                evidence.add_text(step.evidence)
                self.evidence_tables[index] = evidence

    def _card_height(self, index: int) -> float:
        out = self.outgoing[index]
        stack = sum(self._port_room(route) for route in out) + PORT_GAP * max(0, len(out) - 1)
        incoming = PORT_MIN * max(0, len(self.incoming[index]) - 1)
        return max(self.card_tables[index].height + NODE_PAD_Y, stack + 16, incoming + 24, 40)

    @staticmethod
    def _port_room(route: _Route) -> float:
        return (route.label.height + NODE_PAD_Y) if route.label else PORT_MIN

    def _label_area(self, index: int) -> float:
        return max((route.label.width + NODE_PAD_X for route in self.outgoing.get(index, []) if route.label),
                   default=0)

    def _x_layout(self) -> None:
        n = len(self.steps)
        self.card_left: list[float] = []
        self.gap_left: dict[int, float] = {}   # gap after column a (a = -1: before the first)
        x = MARGIN + LANE_W
        for a in range(-1, n):
            self.gap_left[a] = x
            label = self._label_area(a) if a >= 0 else 0
            width = PAD + (label + PAD if label else 0) + SLOT * self.out_slots.get(a, 0)
            width += SLOT * self.in_slots.get(a + 1, 0) + PAD + ARROW
            x += max(MIN_GAP, width)
            if a + 1 < n:
                self.card_left.append(x)
                x += CARD_W
        self.width = x + MARGIN - 4

    def _out_x(self, route: _Route) -> float:
        label = self._label_area(route.a)
        return self.gap_left[route.a] + PAD + (label + PAD if label else 0) + SLOT * (route.out_slot + 0.5)

    def _in_x(self, route: _Route) -> float:
        return self.card_left[route.b] - ARROW - PAD - SLOT * (route.in_slot + 0.5)

    def _tracks(self) -> None:
        """Interval colouring of the horizontal runs of long edges, per band margin."""
        by_margin: dict[tuple[int, str], list[_Route]] = {}
        for route in self.routes:
            if not route.adjacent:
                by_margin.setdefault((route.source_band, route.track_side), []).append(route)
        self.track_count: dict[tuple[int, str], int] = {}
        for margin, routes in by_margin.items():
            ends: list[float] = []
            spans = sorted(((min(self._out_x(r), self._in_x(r)), max(self._out_x(r), self._in_x(r)), r)
                            for r in routes), key=lambda item: (item[0], item[1], item[2].index))
            for start, end, route in spans:
                for track, last in enumerate(ends):
                    if last + 6 < start:
                        route.track, ends[track] = track, end
                        break
                else:
                    route.track = len(ends)
                    ends.append(end)
            self.track_count[margin] = len(ends)

    def _margin(self, band: int, side: str) -> float:
        tracks = self.track_count.get((band, side), 0)
        return max(BASE_MARGIN, TRACK_OFF + TRACK * (tracks - 1) + 14) if tracks else BASE_MARGIN

    def _y_layout(self) -> None:
        blueprint = self.blueprint
        y = MARGIN
        content_w = self.width - 2 * MARGIN
        # Title and, when there are any, the findings on the whole blueprint.
        title = _Table(min(content_w, max(420, min(900, text_width(clean_text(blueprint.title), TITLE_SIZE, True) + 20))))
        title.add_text(blueprint.title or blueprint.id, size=TITLE_SIZE, bold=True, color=INK)
        status = "To-be" if blueprint.status == "to-be" else "As-is"
        subtitle = f"{status} service blueprint \u00b7 {len(self.steps)} steps"
        if blueprint.redesigns:
            subtitle += f" \u00b7 redesigns {blueprint.redesigns}"
        title.add_text(subtitle, color=MUTED)
        self._add_table_box("title", title, MARGIN + title.width / 2 + NODE_PAD_X / 2, y, "title",
                            shape="plaintext", tooltip=blueprint.title or blueprint.id)
        y = self.boxes[-1].bottom + 8
        if self.note_findings:
            note = _Table(min(content_w, 700))
            note.add_text("Findings on the whole blueprint", bold=True, color=RED)
            for finding in self.note_findings:
                note.add_text(f"{_badge(finding.number)}  {finding.message}", color=RED)
            self._add_table_box("note", note, MARGIN + note.width / 2 + NODE_PAD_X / 2, y, "note finding",
                                shape="box", style="filled", fillcolor="#ffffff", color=RED, penwidth="2.5",
                                tooltip="\n".join(_finding_lines(self.note_findings)))
            y = self.boxes[-1].bottom + 12
        # Stage headers over runs of consecutive steps in the same stage.
        runs: list[tuple[str, int, int]] = []
        for index, step in enumerate(self.steps):
            if step.stage and runs and runs[-1][0] == step.stage and runs[-1][2] == index - 1:
                runs[-1] = (step.stage, runs[-1][1], index)
            elif step.stage:
                runs.append((step.stage, index, index))
        if runs:
            headers = []
            for stage, first, last in runs:
                left = (self.gap_left[first - 1] + self.card_left[first]) / 2 + 2
                right = (self.gap_left[last] + (self.card_left[last + 1] if last + 1 < len(self.steps)
                                                else self.width - MARGIN)) / 2 - 2
                table = _Table(right - left - NODE_PAD_X)
                table.add_text(stage, size=HEAD_SIZE, bold=True, color="#ffffff", align="CENTER")
                headers.append((stage, left, right, table))
            row = max(table.height for *_, table in headers) + NODE_PAD_Y
            for number, (stage, left, right, table) in enumerate(headers):
                self.boxes.append(_Box(f"h{number}", (left + right) / 2, y + row / 2, right - left, row, {
                    "class": _quote("stage"), "shape": "box", "style": '"filled"', "fillcolor": _quote(STAGE_FILL),
                    "color": _quote(STAGE_FILL), "label": f"<{table.render()}>", "tooltip": _tooltip(f"Stage: {stage}"),
                }))
            y += row + 6
        # The bands.
        self.band_top: list[float] = []
        self.band_bottom: list[float] = []
        self.row_top: list[float] = []
        self.row_bottom: list[float] = []
        self.lane_tables = []
        for band, name in enumerate(BANDS):
            title, note = BAND_TITLES[name]
            table = _Table(LANE_W - NODE_PAD_X - 8)
            table.add_text(title, size=HEAD_SIZE, bold=True, color=INK)
            if note:
                table.add_text(note, color=MUTED)
            self.lane_tables.append(table)
            heights = [table.height + NODE_PAD_Y, MIN_ROW]
            for index, step in enumerate(self.steps):
                if band == 0 and index in self.evidence_tables:
                    heights.append(self.evidence_tables[index].height + NODE_PAD_Y)
                elif band > 0 and BANDS.index(step.lane) == band:
                    heights.append(self._card_height(index))
            self.band_top.append(y)
            top = self._margin(band, "top") if band else 14
            self.row_top.append(y + top)
            self.row_bottom.append(y + top + max(heights))
            y = self.row_bottom[-1] + (self._margin(band, "bottom") if band else 14)
            self.band_bottom.append(y)
        self.legend_top = y + 18

    def _add_table_box(self, name: str, table: _Table, x: float, top: float, css: str, **attrs) -> _Box:
        w, h = table.width + NODE_PAD_X, table.height + NODE_PAD_Y
        box = _Box(name, x, top + h / 2, w, h, {"class": _quote(css), "label": f"<{table.render()}>"})
        for key, value in attrs.items():
            box.attrs[key] = _tooltip(value) if key == "tooltip" else _quote(value)
        self.boxes.append(box)
        return box

    # -- drawing ---------------------------------------------------------------------------

    def _draw(self) -> None:
        left, right = MARGIN, self.width - MARGIN
        for band, name in enumerate(BANDS):
            cluster = f"cluster_{name}"
            self.clusters.append((cluster, (left, self.band_top[band], right, self.band_bottom[band]), {
                "id": _quote(f"{self.prefix}-band-{name}"), "class": _quote(f"band band-{name}"),
                "style": '"filled"', "fillcolor": _quote(BAND_FILL[name]), "color": _quote(BAND_FILL[name]),
                "label": '""', "tooltip": _tooltip(BAND_TITLES[name][0]),
            }))
            table = self.lane_tables[band]
            centre = (self.row_top[band] + self.row_bottom[band]) / 2
            box = _Box(f"lane{band}", left + LANE_W / 2, centre, LANE_W - 8, table.height + NODE_PAD_Y,
                       {"class": _quote(f"lane-label lane-label-{name}"), "shape": "plaintext",
                        "label": f"<{table.render()}>"}, cluster)
            self.boxes.append(box)
        # The three lines, with their names on the left.
        for number, (upper, lower, name) in enumerate(LINES):
            y = self.band_bottom[BANDS.index(upper)]
            self.edges.append(self._line(f"line{number}", left, right, y, name))
            table = _Table(LANE_W - NODE_PAD_X - 16)
            table.add_text(name, italic=True, color=LINE_COLOR, align="CENTER")
            table.shrink()
            self.boxes.append(_Box(f"linelabel{number}", left + LANE_W / 2, y, table.width + NODE_PAD_X,
                                   table.height + 4, {
                                       "class": _quote("line-label"), "shape": "box", "style": '"rounded,filled"',
                                       "fillcolor": _quote("#ffffff"), "color": _quote(LINE_COLOR),
                                       "label": f"<{table.render()}>"}))
        # Cards.
        self.cards: list[_Box] = []
        for index, step in enumerate(self.steps):
            band = BANDS.index(step.lane)
            x = self.card_left[index] + CARD_W / 2
            centre = (self.row_top[band] + self.row_bottom[band]) / 2
            findings = self.step_findings.get(step.id, [])
            attrs = {
                "class": _quote(f"step lane-{step.lane}" + (" finding" if findings else "")),
                "shape": "box", "style": '"rounded,filled"', "fillcolor": _quote("#ffffff"),
                "color": _quote(RED if findings else INK), "penwidth": "3" if findings else "1.2",
                "label": f"<{self.card_tables[index].render()}>", "tooltip": _tooltip(self._step_tooltip(step, findings)),
            }
            if ID_PATTERN.fullmatch(step.id):
                attrs["href"] = _quote(f"#step-{step.id}")
            box = _Box(f"s{index}", x, centre, CARD_W, self._card_height(index), attrs)
            self.cards.append(box)
            self.boxes.append(box)
            if index in self.evidence_tables:
                table = self.evidence_tables[index]
                evidence_centre = (self.row_top[0] + self.row_bottom[0]) / 2
                attrs = {"class": _quote("evidence"), "shape": "box", "style": '"dashed,filled"',
                         "fillcolor": _quote("#fffdf5"), "color": _quote(MUTED),
                         "label": f"<{table.render()}>", "tooltip": _tooltip(f"Evidence: {step.evidence}")}
                if ID_PATTERN.fullmatch(step.id):
                    attrs["href"] = _quote(f"#step-{step.id}")
                self.boxes.append(_Box(f"v{index}", x, evidence_centre, CARD_W, table.height + NODE_PAD_Y, attrs))
        # Ports, labels and edges.
        for index in range(len(self.steps)):
            card = self.cards[index]
            out = self.outgoing[index]
            stack = sum(self._port_room(r) for r in out) + PORT_GAP * max(0, len(out) - 1)
            y = card.y - stack / 2
            for route in out:
                room = self._port_room(route)
                route.out_port = y + room / 2
                y += room + PORT_GAP
        for index, card in enumerate(self.cards):
            incoming = self.incoming[index]
            for number, route in enumerate(incoming):
                route.in_port = card.y + (number - (len(incoming) - 1) / 2) * PORT_MIN
            if len(incoming) == 1 and incoming[0].adjacent and incoming[0].arrives == 0:
                # A lone arrow from the card before, in the same band: keep it straight.
                route = incoming[0]
                route.in_port = min(max(route.out_port, card.top + 12), card.bottom - 12)
        for route in self.routes:
            self._draw_route(route)
        self._legend()

    def _step_tooltip(self, step: Step, findings: list[Finding]) -> str:
        lines = [step.action]
        owner = _actor_name(self.blueprint, step)
        if step.lane != "customer":
            lines.append(f"Owner: {owner or 'nobody'}")
        if step.channel:
            channel = self.blueprint.channel_by_key.get(step.channel)
            lines.append(f"Channel: {channel.name if channel else step.channel}")
        if step.touchpoint:
            lines.append(f"Touchpoint: {step.touchpoint}")
        if step.wait:
            lines.append(f"Wait before: {step.wait.text}")
        if step.promise:
            lines.append(f"Promise: {step.promise.what}")
        if step.failure:
            lines.append(f"Failure point: {step.failure.what}")
        if step.end:
            lines.append(f"Journey ends: {step.end}")
        return "\n".join(lines + _finding_lines(findings))

    def _line(self, name: str, x1: float, x2: float, y: float, tooltip: str) -> str:
        first, second = f"{name}a", f"{name}b"
        for point, x in ((first, x1), (second, x2)):
            self.boxes.append(_Box(point, x, y, 0.1, 0.1, {"shape": "point", "style": "invis", "label": '""'}))
        points = [(x1, y), (x1 + (x2 - x1) / 3, y), (x1 + 2 * (x2 - x1) / 3, y), (x2, y)]
        return self._edge_text(first, second, points, None, {
            "id": _quote(f"{self.prefix}-{name}"), "class": _quote("line"), "dir": "none", "style": "dashed",
            "color": _quote(LINE_COLOR), "penwidth": "1.5", "tooltip": _tooltip(tooltip)})

    def _draw_route(self, route: _Route) -> None:
        source, target = self.cards[route.a], self.cards[route.b]
        x_out = self._out_x(route)
        points = [(source.right, route.out_port), (x_out, route.out_port)]
        if route.adjacent:
            points += [(x_out, route.in_port)]
        else:
            band = route.source_band
            if route.track_side == "bottom":
                track_y = self.row_bottom[band] + TRACK_OFF + TRACK * route.track
            else:
                track_y = self.row_top[band] - TRACK_OFF - TRACK * route.track
            x_in = self._in_x(route)
            points += [(x_out, track_y), (x_in, track_y), (x_in, route.in_port)]
        end = (target.left, route.in_port)
        points.append((target.left - ARROW, route.in_port))
        color = RED if route.findings else HANDOFF_COLOR if route.handoff else FLOW_COLOR
        kinds = ["handoff" if route.handoff else "flow"] + (["finding"] if route.findings else [])
        source_step, target_step = self.steps[route.a], self.steps[route.b]
        who = f"{_actor_name(self.blueprint, source_step) or 'nobody'} \u2192 {_actor_name(self.blueprint, target_step) or 'nobody'}"
        tip = [("Handoff: " if route.handoff else "Flow: ") + who]
        if route.label:
            tip += [" ".join(cell.lines[0] for cell in row) for row in route.label.rows[1 if route.findings else 0:]]
        tip += _finding_lines(route.findings)
        attrs = {
            "id": _quote(f"{self.prefix}-e{route.index}"), "class": _quote(" ".join(kinds)),
            "color": _quote(color), "penwidth": "2.6" if route.handoff else "1.4",
            "arrowhead": "normal" if route.handoff else "vee", "arrowsize": "0.9",
            "tooltip": _tooltip("\n".join(tip)),
        }
        self.edges.append(self._edge_text(source.name, target.name, points, end, attrs))
        if route.label:
            area = self._label_area(route.a)
            x = self.gap_left[route.a] + PAD + area / 2
            table = route.label
            self.boxes.append(_Box(f"l{route.index}", x, route.out_port, table.width + NODE_PAD_X,
                                   table.height + NODE_PAD_Y, {
                                       "class": _quote("edge-label" + (" finding" if route.findings else "")),
                                       "shape": "box", "style": '"rounded,filled"', "fillcolor": _quote("#ffffff"),
                                       "color": _quote(color), "penwidth": "2" if route.findings else "1",
                                       "label": f"<{table.render()}>", "tooltip": attrs["tooltip"]}))

    def _edge_text(self, tail: str, head: str, points, end, attrs: dict[str, str]):
        """An edge to write out once the height (and so the flipped y) is known."""
        return (tail, head, _rounded(points), end, attrs)

    def _format_edge(self, tail: str, head: str, spline, end, attrs: dict[str, str]) -> str:
        pos = " ".join(f"{x:.1f},{self._y(y):.1f}" for x, y in spline)
        if end:
            pos = f"e,{end[0]:.1f},{self._y(end[1]):.1f} {pos}"
        return f"  {tail} -> {head} [{_attr_list({**attrs, 'pos': _quote(pos)})}];"

    def _legend(self) -> None:
        left = MARGIN + 10
        top = self.legend_top + 10
        heading = _Table(200)
        heading.add_text("Legend", size=HEAD_SIZE, bold=True, color=INK)
        self.boxes.append(_Box("legendtitle", left + heading.width / 2 + NODE_PAD_X / 2, top + (heading.height + NODE_PAD_Y) / 2,
                               heading.width + NODE_PAD_X, heading.height + NODE_PAD_Y,
                               {"class": _quote("legend"), "shape": "plaintext", "label": f"<{heading.render()}>"},
                               "cluster_legend"))
        top += heading.height + NODE_PAD_Y + 4
        symbol_w, text_w = 64, 250
        item_w = symbol_w + text_w + NODE_PAD_X
        items: list[tuple[str, str]] = [
            ("F", "Failure point: what goes wrong at this step"),
            ("W", "Wait: how long the customer waits before the step"),
            ("P", "Promise made to the customer"),
            ("P\u2713", "Keeps a promise made at an earlier step"),
            ("END", "The journey ends here: resolved or abandoned"),
            ("badge", f"{_badge('n')}: finding n of the findings list; the card, arrow or note it concerns is drawn in red"),
            ("evidence", "Physical evidence: what the customer sees or keeps at the step above which it stands"),
            ("flow", "Flow: the same person or team acts next (thin grey arrow, open head)"),
            ("handoff", "Handoff: someone else acts next, the customer or another owner (thick blue arrow, solid head)"),
            ("broken", "An arrow with a finding is red; its label carries the badge"),
        ]
        columns = max(1, min(len(items), int((self.width - 2 * MARGIN - 20) // (item_w + 16))))
        rows = math.ceil(len(items) / columns)
        tables = []
        for kind, text in items:
            table = _Table(text_w)
            table.add_text(text, color=INK)
            tables.append(table)
        row_h = max(max(t.height for t in tables) + NODE_PAD_Y, 34)
        for number, ((kind, text), table) in enumerate(zip(items, tables)):
            column, row = divmod(number, rows)
            x0 = left + column * (item_w + 16)
            y = top + row * (row_h + 6) + row_h / 2
            self.boxes.append(_Box(f"legendtext{number}", x0 + symbol_w + (text_w + NODE_PAD_X) / 2, y,
                                   text_w + NODE_PAD_X, table.height + NODE_PAD_Y,
                                   {"class": _quote("legend-item"), "shape": "plaintext", "label": f"<{table.render()}>"},
                                   "cluster_legend"))
            symbol = self._legend_symbol(kind, number, x0, y, symbol_w)
            if symbol:
                self.boxes.append(symbol)
        bottom = top + rows * (row_h + 6) + 4
        right = left + columns * (item_w + 16) - 6
        self.clusters.append(("cluster_legend", (MARGIN, self.legend_top, max(right, MARGIN + 200), bottom), {
            "id": _quote(f"{self.prefix}-legend"), "class": _quote("legend"), "style": '"rounded"',
            "color": _quote("#b0bec5"), "label": '""'}))
        self.height = bottom + MARGIN

    def _legend_symbol(self, kind: str, number: int, x0: float, y: float, width: float) -> _Box | None:
        centre = x0 + width / 2
        if kind in MARKERS:
            table = _Table(_marker_width([kind]) + 2 * CELL_SPACING)
            fill, ink = MARKERS[kind]
            table.rows.append([_Cell([kind], bold=True, color=ink, fill=fill, border=ink, align="CENTER")])
            return _Box(f"legendsymbol{number}", centre, y, table.width + NODE_PAD_X, table.height + NODE_PAD_Y,
                        {"class": _quote("legend-symbol"), "shape": "plaintext", "label": f"<{table.render()}>"},
                        "cluster_legend")
        if kind == "badge":
            table = _Table(text_width(_badge("n"), BODY_SIZE, True) + 2 * CELL_PAD + 2 * CELL_SPACING + 2)
            table.add_text(_badge("n"), bold=True, color="#ffffff", fill=RED, align="CENTER")
            return _Box(f"legendsymbol{number}", centre, y, table.width + NODE_PAD_X, table.height + NODE_PAD_Y,
                        {"class": _quote("legend-symbol"), "shape": "box", "style": '"rounded"', "color": _quote(RED),
                         "penwidth": "3", "label": f"<{table.render()}>"}, "cluster_legend")
        if kind == "evidence":
            return _Box(f"legendsymbol{number}", centre, y, width - 12, 24,
                        {"class": _quote("legend-symbol"), "shape": "box", "style": '"dashed,filled"',
                         "fillcolor": _quote("#fffdf5"), "color": _quote(MUTED), "label": '""'}, "cluster_legend")
        colour = {"flow": FLOW_COLOR, "handoff": HANDOFF_COLOR, "broken": RED}[kind]
        a, b = f"legenda{number}", f"legendb{number}"
        x1, x2 = x0 + 6, x0 + width - 6
        for point, x in ((a, x1), (b, x2)):
            self.boxes.append(_Box(point, x, y, 0.1, 0.1, {"shape": "point", "style": "invis", "label": '""'},
                                   "cluster_legend"))
        self.edges.append(self._edge_text(a, b, [(x1, y), (x2 - ARROW, y)], (x2, y), {
            "id": _quote(f"{self.prefix}-legendedge{number}"), "class": _quote(f"legend-sample sample-{kind}"),
            "color": _quote(colour),
            "penwidth": "1.4" if kind == "flow" else "2.6", "arrowhead": "vee" if kind == "flow" else "normal",
            "arrowsize": "0.9"}))
        return None

    def _y(self, y: float) -> float:
        return self.height - y

    # -- output ----------------------------------------------------------------------------

    def dot(self) -> str:
        blueprint = self.blueprint
        out = [
            "digraph blueprint {",
            f"  graph [{_attr_list({'id': _quote(self.prefix), 'class': _quote('blueprint'), 'bb': _quote(f'0,0,{self.width:.1f},{self.height:.1f}'), 'outputorder': 'edgesfirst', 'notranslate': 'true', 'splines': 'true', 'overlap': 'true', 'bgcolor': _quote('#ffffff'), 'fontname': _quote(FONT), 'fontsize': str(BODY_SIZE), 'tooltip': _tooltip(blueprint.title or blueprint.id)})}];",
            f"  node [{_attr_list({'fontname': _quote(FONT), 'fontsize': str(BODY_SIZE), 'fontcolor': _quote(INK), 'fixedsize': 'true', 'margin': '0'})}];",
            f"  edge [{_attr_list({'fontname': _quote(FONT), 'fontsize': str(BODY_SIZE)})}];",
        ]
        members: dict[str | None, list[_Box]] = {}
        for box in self.boxes:
            members.setdefault(box.cluster, []).append(box)
        for name, (x1, y1, x2, y2), attrs in self.clusters:
            bb = f"{x1:.1f},{self._y(y2):.1f},{x2:.1f},{self._y(y1):.1f}"
            out.append(f"  subgraph {name} {{")
            out.append(f"    graph [{_attr_list({**attrs, 'bb': _quote(bb)})}];")
            out.extend("  " + self._node_text(box) for box in members.get(name, []))
            out.append("  }")
        out.extend(self._node_text(box) for box in members.get(None, []))
        out.extend(self._format_edge(*edge) for edge in self.edges)
        out.append("}")
        return "\n".join(out) + "\n"

    def _node_text(self, box: _Box) -> str:
        attrs = {
            "id": _quote(f"{self.prefix}-{box.name}"),
            "pos": _quote(f"{box.x:.1f},{self._y(box.y):.1f}!"),
            "width": f"{box.w / 72:.4f}", "height": f"{box.h / 72:.4f}",
            **box.attrs,
        }
        if attrs.get("shape") in ("plaintext", '"plaintext"'):
            # An invisible box rather than plaintext, so the SVG still shows where the node is.
            attrs["shape"] = "box"
            attrs.setdefault("color", '"transparent"')
        return f"  {box.name} [{_attr_list(attrs)}];"


def _attr_list(attrs: dict[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in attrs.items())


def _rounded(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
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

    def toward(p, q, distance):
        length = math.dist(p, q)
        return p if length == 0 else (p[0] + (q[0] - p[0]) * distance / length, p[1] + (q[1] - p[1]) * distance / length)

    spline = [merged[0]]
    current = merged[0]

    def line_to(point):
        nonlocal current
        if math.dist(current, point) > 0.01 or len(spline) == 1:
            spline.extend([toward(current, point, math.dist(current, point) / 3),
                           toward(current, point, 2 * math.dist(current, point) / 3), point])
        current = point

    for index in range(1, len(merged) - 1):
        before, corner, after = merged[index - 1], merged[index], merged[index + 1]
        radius = min(CORNER, math.dist(before, corner) / 2, math.dist(corner, after) / 2)
        start, finish = toward(corner, before, radius), toward(corner, after, radius)
        line_to(start)
        spline.extend([toward(start, corner, radius * 0.55), toward(finish, corner, radius * 0.55), finish])
        current = finish
    line_to(merged[-1])
    return spline


def blueprint_dot(blueprint: Blueprint | Analysis, findings: Iterable[Finding] = ()) -> str:
    """The DOT text of a blueprint's diagram, for `neato -n2`; `findings` are drawn with their badges.

    Accepts an `Analysis` too, whose active findings are then drawn.
    """
    if isinstance(blueprint, Analysis):
        findings = tuple(blueprint.findings) + tuple(findings)
        blueprint = blueprint.blueprint
    return _Layout(blueprint, findings).dot()
