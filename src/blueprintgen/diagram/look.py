"""How the diagram looks: fonts, colours, the five bands and their lines, and every size in points."""

from __future__ import annotations

from ..model import LANES

__all__ = [
    "FONT", "BODY_SIZE", "HEAD_SIZE", "TITLE_SIZE", "BANDS", "BAND_TITLES", "LINES", "BAND_FILL", "INK", "MUTED",
    "RED", "RED_TINT", "FLOW_COLOR", "HANDOFF_COLOR", "RECOVERY_COLOR", "DESIGNED_COLOR", "LINE_COLOR", "STAGE_FILL",
    "MARKERS", "BADGE", "SEVERITY_LOOK", "REPEAT",
    "MARGIN", "LANE_W", "CARD_W", "LABEL_TEXT_W", "PAD", "SLOT", "ARROW", "MIN_GAP", "BASE_MARGIN", "TRACK_OFF",
    "TRACK", "LINE_CLEAR", "EDGE_CLEAR", "MIN_ROW", "CURVE_COLOR", "CURVE_UNIT", "CURVE_PAD", "CURVE_LABEL",
    "PORT_MIN", "PORT_GAP",
    "CELL_PAD", "CELL_SPACING", "NODE_PAD_X", "NODE_PAD_Y", "CORNER",
]

# DejaVu Sans is measured in text.py; browsers without it fall back to narrower fonts.
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
RECOVERY_COLOR = "#6a1b9a"   # dashed, apart from flow grey, handoff blue and finding red
DESIGNED_COLOR = "#00695c"   # a designed repeat: teal, with its label; never the red of a finding
LINE_COLOR = "#37474f"
STAGE_FILL = "#37474f"
MARKERS = {  # marker text -> (cell fill, text colour)
    "F": (RED_TINT, RED),
    "W": ("#fff3e0", "#8a4b00"),
    "P": ("#e8f5e9", "#1b5e20"),
    "P\u2713": ("#e8f5e9", "#1b5e20"),
    "P\u2717": ("#fff8e1", "#6d4c00"),   # withdraws a promise: the customer is told it no longer holds
    "END": (INK, "#ffffff"),
    "!": ("#fce4ec", "#880e4f"),    # a pain point
    "O": ("#e0f7fa", "#00595e"),    # an opportunity names the step
    "M": ("#ede7f6", "#4527a0"),    # a measure: a figure the team tracks, value against target
    "\u00a4": ("#f1f8e9", "#33691e"),   # ¤, the generic currency sign: what the step costs
}
CURVE_COLOR = "#6a1b9a"   # the emotion curve; its lowest points are also shaped and labelled, never colour alone
BADGE = "\u26a0"  # warning sign, before each finding number
# A finding's badge by its severity: (fill, text colour). The badge also says the severity in words,
# so high and medium are told apart without colour.
SEVERITY_LOOK = {"high": ("#b71c1c", "#ffffff"), "medium": ("#ffe0b2", "#6d2c00"), "low": ("#eceff1", "#263238")}
REPEAT = "\u21bb"   # ↻, before a designed repeat's claim on its arrow

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
LINE_CLEAR = 32         # a track keeps this far from a lane separator, so it reads as inside its band
EDGE_CLEAR = 14         # ... and this far from a band edge with no separator (evidence, the bottom)
MIN_ROW = 56
PORT_MIN = 14           # room for one edge end on a card side
PORT_GAP = 6
CELL_PAD = 2
CELL_SPACING = 2
NODE_PAD_X = 20         # fixed node size = table size + these, so the label never overflows
NODE_PAD_Y = 10
CORNER = 8
# The emotion strip at the top of the customer band: a score unit's height, and room above and below.
CURVE_UNIT = 14
CURVE_PAD = 12
CURVE_LABEL = 20   # more room under the lowest score, for the 'lowest' label below its point
