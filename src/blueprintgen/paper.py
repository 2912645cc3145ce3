"""A diagram on paper: landscape A4, A3 or Letter pages, stage by stage, lane names on each page, step text at 7.2 pt.

Where things are is read from Graphviz's own SVG of the diagram (its coordinates are the
DOT's: x to the right, y up, once the SVG's sign is undone). Each piece of a page is drawn
by Graphviz itself through a `viewport` (graphviz.render_view), which leaves out what lies
outside it, so a page's text is its own; pypdf puts the pieces of each page together.
"""

from __future__ import annotations

import io
import os
import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .diagram import FONT
from .graphviz import render, render_view

__all__ = ["PAPERS", "SCALE", "paged_pdf", "Geometry", "geometry", "page_cuts"]

PAPERS = {"a4": (842.0, 595.0), "a3": (1191.0, 842.0), "letter": (792.0, 612.0)}   # landscape, in points
MARGIN = 28.0    # 10 mm all round
SCALE = 0.6      # points on paper per diagram unit: 12-unit step text prints at 7.2 pt
GAP = 4.0        # between the lane names, the stage headers and the drawing
CAPTION = 14.0   # the line above each page's drawing: its stages, lanes and number
_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
# Nodes that are not part of the journey's columns: the page never has to keep them whole.
_APART = {"stage", "lane-label", "title", "legend", "legend-item", "legend-symbol", "line-label"}


@dataclass
class Geometry:
    """What a page cut needs, in diagram units (y up): lanes top to bottom, stage headers, things not to cut."""

    bands: list[tuple[str, float, float]] = field(default_factory=list)   # (name, top, bottom), top first
    stages: list[tuple[str, float, float]] = field(default_factory=list)  # (name, left, right), left first
    header: tuple[float, float] | None = None                             # the stage headers' (top, bottom)
    lanes: tuple[float, float] = (0.0, 0.0)                                # the lane names' (left, right)
    nodes: list[tuple[float, float]] = field(default_factory=list)        # (left, right) of cards and labels
    right: float = 0.0


def _extent(group) -> tuple[float, float, float, float] | None:
    """(left, right, bottom, top) of a group's shapes, y turned up."""
    xs, ys = [], []
    for shape in group.iter():
        text = shape.get("points") or shape.get("d") or ""
        numbers = [float(n) for n in _NUMBER.findall(text)]
        xs.extend(numbers[0::2])
        ys.extend(-y for y in numbers[1::2])
    return (min(xs), max(xs), min(ys), max(ys)) if xs and ys else None


def _name(group) -> str:
    texts = [t.text or "" for t in group.iter(f"{_SVG}text")]
    return " ".join(texts).strip()


def geometry(svg: bytes) -> Geometry:
    """The bands, stages, lane names and cards of a diagram, from its SVG."""
    geo = Geometry()
    lanes = []
    for group in ET.fromstring(svg).iter(f"{_SVG}g"):
        classes = set((group.get("class") or "").split())
        box = _extent(group) if classes & {"band", "node"} else None
        if box is None:
            continue
        left, right, bottom, top = box
        geo.right = max(geo.right, right)
        if "band" in classes:
            title = next((a.get("{http://www.w3.org/1999/xlink}title") for a in group.iter(f"{_SVG}a")), "")
            geo.bands.append((title or "", top, bottom))
        elif "stage" in classes:
            geo.stages.append((_name(group), left, right))
            geo.header = (max(top, geo.header[0]), min(bottom, geo.header[1])) if geo.header else (top, bottom)
        elif "lane-label" in classes:
            lanes.append((left, right))
        elif not classes & _APART:
            geo.nodes.append((left, right))
    geo.bands.sort(key=lambda band: -band[1])
    geo.stages.sort(key=lambda stage: stage[1])
    if lanes:
        geo.lanes = (min(left for left, _ in lanes) - 4, max(right for _, right in lanes) + 4)
    return geo


def _free(nodes: list[tuple[float, float]], start: float, limit: float) -> list[float]:
    """x positions between `start` and `limit` that cut no card or label: the middles of the gaps."""
    spans, cuts = sorted(nodes), []
    reach = start
    for left, right in spans:
        if left > reach and start < (left + reach) / 2 <= limit:
            cuts.append((left + reach) / 2)
        reach = max(reach, right)
    return cuts


def page_cuts(geo: Geometry, width: float) -> list[float]:
    """Where pages start along x: at a stage's start where the page is at least half used, else between cards."""
    start, end = geo.lanes[1], geo.right + 8
    cuts = [start]
    while end - cuts[-1] > width:
        here = cuts[-1]
        free = _free(geo.nodes, here + 1, here + width)
        stages = [x for x in free if any(abs(x - left) < 60 for _, left, _ in geo.stages) and x > here + width / 2]
        cuts.append(stages[-1] if stages else (free[-1] if free else here + width))
    return cuts + [end]


def _rows(geo: Geometry, height: float) -> list[tuple[float, float]]:
    """Runs of whole lanes, top first, each as tall as a page allows (a taller lane stands alone)."""
    rows: list[list[float]] = []
    for _, top, bottom in geo.bands:
        if rows and rows[-1][0] - bottom <= height:
            rows[-1][1] = bottom
        else:
            rows.append([top, bottom])
    return [(top, bottom) for top, bottom in rows]


def _caption_dot(text: str, width: float) -> str:
    """A line of text as DOT for `neato -n2`, left-aligned: what a page shows above its drawing."""
    # Graphviz reads escapes (\N, \l) and entities in a label: the text's own backslashes and ampersands stay text.
    label = text.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"') + "\\l"
    return (f'digraph caption {{\n  graph [bb="0,0,{width:.1f},{CAPTION:.1f}", margin=0, pad=0];\n'
            f'  node [shape=plaintext, fontname="{FONT}", fontsize=8, fontcolor="#37474f", fixedsize=true];\n'
            f'  c [pos="{width / 2:.1f},{CAPTION / 2:.1f}!", width={width / 72:.3f}, height={CAPTION / 72:.3f}, '
            f'label="{label}"];\n}}\n')


def _caption(geo: Geometry, left: float, right: float, top: float, bottom: float) -> str:
    stages = [name for name, start, end in geo.stages if end > left + 20 and start < right - 20]
    lanes = [name for name, band_top, band_bottom in geo.bands if band_top <= top + 1 and band_bottom >= bottom - 1]
    return (f"Stages: {', '.join(stages)} · " if stages else "") + f"lanes: {', '.join(lanes)}"


def _layout(geo: Geometry, paper: str) -> list[list[tuple[tuple, float, float]]]:
    """Each page's pieces: (("view", box in diagram units) or ("caption", text), x and top on the page in points)."""
    paper_width, paper_height = PAPERS[paper]
    lanes_width = geo.lanes[1] - geo.lanes[0]
    header = geo.header[0] - geo.header[1] if geo.header else 0.0
    width = (paper_width - 2 * MARGIN - GAP) / SCALE - lanes_width
    height = (paper_height - 2 * MARGIN - GAP - CAPTION) / SCALE - header
    cuts, pages = page_cuts(geo, width), []
    rows = _rows(geo, height)
    for left, right in zip(cuts, cuts[1:]):
        for top, bottom in rows:
            number = len(pages) + 1
            caption = f"{_caption(geo, left, right, top, bottom)} · page {number} of {(len(cuts) - 1) * len(rows)}"
            pieces = [(("caption", caption), MARGIN, paper_height - MARGIN)]
            body_x, body_top = MARGIN + lanes_width * SCALE + GAP, paper_height - MARGIN - CAPTION
            if geo.header:
                pieces.append((("view", (left, geo.header[1], right, geo.header[0])), body_x, body_top))
                body_top -= header * SCALE + GAP
            pieces.append((("view", (geo.lanes[0], bottom, geo.lanes[1], top)), MARGIN, body_top))
            pieces.append((("view", (left, bottom, right, top)), body_x, body_top))
            pages.append(pieces)
    return pages


def paged_pdf(dot_text: str, svg: bytes, paper: str, timeout: float = 30.0, workers: int | None = None) -> bytes:
    """The diagram as a landscape PDF of `paper` pages; each page: a caption, the stage headers, the lane names, a slice."""
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation
    from pypdf.generic import ContentStream, NameObject

    pages = _layout(geometry(svg), paper)
    text_width = PAPERS[paper][0] - 2 * MARGIN

    def draw(piece: tuple) -> bytes:
        kind, what = piece
        return render_view(dot_text, what, SCALE, timeout) if kind == "view" else render(
            _caption_dot(what, text_width), "pdf", timeout)

    pieces = sorted({piece for page in pages for piece, _, _ in page})   # lane names and headers repeat: drawn once
    with ThreadPoolExecutor(max_workers=max(1, workers or os.cpu_count() or 1)) as pool:
        drawn = dict(zip(pieces, pool.map(draw, pieces)))
    writer = PdfWriter()
    for page_pieces in pages:
        page = PageObject.create_blank_page(width=PAPERS[paper][0], height=PAPERS[paper][1])
        for piece, x, top in page_pieces:
            # Graphviz's page of that piece, clipped to itself, its top left corner at (x, top).
            view = PdfReader(io.BytesIO(drawn[piece])).pages[0]
            w, h = float(view.mediabox.width), float(view.mediabox.height)
            content = ContentStream(view.get_contents(), view.pdf)
            content.set_data(f"0 0 {w:.2f} {h:.2f} re W n\n".encode() + content.get_data())
            view[NameObject("/Contents")] = content
            page.merge_transformed_page(view, Transformation().translate(x, top - h))
        writer.add_page(page)
    writer.add_metadata({"/Producer": "blueprintgen"})
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
