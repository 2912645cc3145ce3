"""A blueprint and its findings -> DOT text, laid out here for `neato -n2`. Pure: no I/O.

Graphviz does not lay out swimlanes, so this package computes every position
itself and Graphviz only draws: each node gets `pos="x,y!"` and a fixed size
computed from our own text wrapping, and each edge gets its whole route in
`pos`, so the output is deterministic and the geometry is guaranteed.

Layout, top to bottom: the title, a note with the blueprint-level findings,
the stage headers, then five bands (physical evidence, customer, frontstage,
backstage, support) separated by the line of interaction, the line of
visibility and the line of internal interaction, and a legend. Left to right:
the lane labels, then one column per step: stage by stage in the order
`stages` lists them, and in file order within a stage, so each stage is one
run of columns under one header.

Edges are routed orthogonally, with rounded corners, through space that is
kept free of cards: the gaps between columns (vertical runs) and the margins
of each band above and below its cards (horizontal tracks). An edge to the
next column runs straight across the gap; any other edge (skipping columns or
going back) leaves its card to the right, runs along a track in a margin of
its source band and comes into its target from the left. Tracks keep clear of
the lines between bands, so no arrow is drawn along a line. Edge labels sit on
the edge just right of the source card, in room reserved for them; the cards
at both ends of an arrow with a finding list its badge. A dashed arrow runs
from each failure to its recovery step.

All text from a blueprint is cleaned (control and bidi characters removed)
and escaped: HTML-escaped in HTML-like labels, with backslashes doubled so
Graphviz's `\\N`-style escapes never expand. Node ids are generated; the only
URL is `#step-<id>` for ids matching the id pattern.

One module per concern: `look` (fonts, colours, sizes), `text` (measuring and
wrapping), `tables` (HTML-like tables of known size), `cards` (step and
evidence cards), `routes` (arrows: ports, tracks, paths, labels), `layout`
(columns, title, stage headers, bands), `legend`, `canvas` (the DOT text) and
`draw`, which runs them in order.
"""

from .draw import blueprint_dot
from .look import BANDS, BAND_TITLES, BODY_SIZE, FONT, LINES
from .text import CARD_TEXT_LIMIT, clean_text, text_width, wrap_text

__all__ = [
    "FONT", "BODY_SIZE", "BANDS", "BAND_TITLES", "LINES", "CARD_TEXT_LIMIT", "blueprint_dot", "clean_text",
    "text_width", "wrap_text",
]
