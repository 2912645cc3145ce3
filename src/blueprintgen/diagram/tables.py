"""HTML-like tables whose size is known before Graphviz sees them: cards, labels, headers and the legend."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from .look import BODY_SIZE, CELL_PAD, CELL_SPACING, MARKERS
from .text import line_height, text_width, wrap_text

__all__ = ["Cell", "Table", "html_text", "marker_width"]


@lru_cache(maxsize=1 << 14)   # the same texts (badges, owners, legend items) are in every diagram
def html_text(text: str) -> str:
    """Text for inside an HTML-like label: escaped, and backslashes doubled so `\\N` stays literal.

    `]` is written as a character reference: Graphviz's label lexer refuses a text that starts with it.
    """
    return html.escape(text, quote=True).replace("\\", "\\\\").replace("]", "&#93;")


@dataclass(slots=True)   # thousands per build: slots make them smaller and quicker to read
class Cell:
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
        width = width or self.fixed
        return _cell_html(tuple(self.lines), self.size, self.bold, self.italic, self.color, self.fill, self.border,
                          self.span, self.align, math.floor(width) if width else None)


# A pure function of what the cell shows, so the cells every diagram has (legend, lane labels, badges,
# owners) are written once per build. Typed: a size of 12.0 is written "12.0", not as the 12 cached.
@lru_cache(maxsize=1 << 14, typed=True)
def _cell_html(lines: tuple[str, ...], size: int, bold: bool, italic: bool, color: str | None, fill: str | None,
               border: str | None, span: bool, align: str, width: int | None) -> str:
    """The <TD> of a cell, `width` points wide when given."""
    attrs = [f'ALIGN="{align}"', f'BALIGN="{align}"', 'VALIGN="MIDDLE"']
    if span:
        attrs.append('COLSPAN="2"')
    if width is not None:
        attrs.append(f'WIDTH="{width}"')
    if fill:
        attrs.append(f'BGCOLOR="{fill}"')
    if border:
        attrs.append(f'BORDER="1" COLOR="{border}"')
    text = "<BR/>".join(html_text(line) for line in lines)
    if bold:
        text = f"<B>{text}</B>"
    if italic:
        text = f"<I>{text}</I>"
    font = f'POINT-SIZE="{size}"' + (f' COLOR="{color}"' if color else "")
    return f"<TD {' '.join(attrs)}><FONT {font}>{text}</FONT></TD>"


@dataclass(slots=True)   # thousands per build: slots make them smaller and quicker to read
class Table:
    """Rows of one full-width cell or of (marker, text) cells, `width` points wide."""

    width: float
    rows: list[list[Cell]] = field(default_factory=list)

    @property
    def height(self) -> float:
        rows = sum([max([cell.height for cell in row]) for row in self.rows])
        return rows + CELL_SPACING * (len(self.rows) + 1)

    def add_text(self, text: str, size: int = BODY_SIZE, bold: bool = False, **style) -> None:
        lines = wrap_text(text, self.width - 2 * CELL_PAD - 2 * CELL_SPACING, size, bold)
        self.rows.append([Cell(lines, size, bold, span=True, **style)])

    def add_marked(self, marker: str, text: str, marker_width: float, **style) -> None:
        fill, ink = MARKERS[marker]
        mark = Cell([marker], bold=True, color=ink, fill=fill, border=ink, align="CENTER", fixed=marker_width)
        rest = self.width - marker_width - 3 * CELL_SPACING
        # The text cell takes all the rest, so the marker column keeps the marker's width.
        self.rows.append([mark, Cell(wrap_text(text, rest - 2 * CELL_PAD - 2), fixed=rest, **style)])

    def shrink(self) -> "Table":
        """Narrow the table to its widest row, once all rows are added."""
        self.width = max(sum(cell.width for cell in row) + CELL_SPACING * (len(row) + 1) for row in self.rows)
        return self

    def render(self) -> str:
        # Full-width rows are given the table's width, so a badge strip spans the whole card.
        full = self.width - 2 * CELL_SPACING
        rows = "".join([f"<TR>{''.join([cell.render(full if cell.span else None) for cell in row])}</TR>"
                        for row in self.rows])
        return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="{CELL_SPACING}" CELLPADDING="{CELL_PAD}" '
                f'WIDTH="{math.ceil(self.width)}">{rows}</TABLE>')


def marker_width(markers: Iterable[str]) -> float:
    return max((text_width(marker, BODY_SIZE, True) + 2 * CELL_PAD + 2 for marker in markers), default=0)
