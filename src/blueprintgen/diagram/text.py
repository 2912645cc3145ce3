"""Text on the diagram: DejaVu Sans widths measured without a font file, cleaning, shortening and wrapping."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from ..escape import clean
from .look import BADGE, BODY_SIZE

__all__ = ["CARD_TEXT_LIMIT", "TOOLTIP_LIMIT", "line_height", "text_width", "clean_text", "shorten", "wrap_text"]


@lru_cache(maxsize=None)   # a handful of sizes, asked for every cell of every table
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
                  "\u201c": 657, "\u201d": 657, BADGE: 896, "\u2713": 838, "\u2192": 838, "\u21bb": 838, "\u2717": 838})
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


@lru_cache(maxsize=1 << 14)   # markers, badges and wrapped lines are measured again and again
def text_width(text: str, size: float = BODY_SIZE, bold: bool = False) -> float:
    """A conservative estimate of the width of one line of DejaVu Sans, in points."""
    return _points(_units(text, _advances(size, bold)))


# -- cleaning and wrapping -------------------------------------------------------------------

_SPACE_RUNS = re.compile(" {2,}")
_SPACES = {ord(c): " " for c in "\t\n\r\x0b\x0c\x85\u2028\u2029"}
# Besides what escape.clean drops: what XML forbids in SVG (surrogates, non-characters).
_NOT_IN_XML = re.compile("[\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)) + "]")


def clean_text(text: str | None) -> str:
    """One line of displayable text: no control, bidi-override or non-characters; spaces collapsed."""
    return _clean_line(str(text)) if text else ""


# A diagram cleans the same texts again and again (a step's action is on its card, in its tooltip and
# in its arrows' tooltips), and so does a build across blueprints; bounded, so a big build stays small.
@lru_cache(maxsize=1 << 14)
def _clean_line(text: str) -> str:
    # Every character dropped or made a space below is a control, format, separator, surrogate or
    # non-character, none of which is printable: most text skips the three passes.
    if not text.isprintable():
        text = _NOT_IN_XML.sub("", clean(text.translate(_SPACES)))
    if "  " in text:
        text = _SPACE_RUNS.sub(" ", text)
    return text.strip(" ")   # only " ": badges keep their no-break space


# Graphviz refuses a label or attribute longer than 16,384 bytes, and a card is for scanning, not
# reading: each text on a card shows at most CARD_TEXT_LIMIT characters and a tooltip at most
# TOOLTIP_LIMIT (escaped, the worst case stays well under Graphviz's limit). The page shows it all.
CARD_TEXT_LIMIT = 200
TOOLTIP_LIMIT = 1500


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when something was left out.

    It is cut after a whole word when one ends in the second half of the room, so no word is left
    half ("so the move is not\u2026", not "…not hel\u2026"); a single long word is cut where it must.
    """
    if len(text) <= limit:
        return text
    room = text[: limit - 1]
    if text[limit - 1] != " ":   # the cut falls inside a word: go back to the end of the one before
        space = room.rfind(" ")
        if space >= limit // 2:
            room = room[:space]
    return room.rstrip(" ,;:") + "\u2026"


def wrap_text(text: str, width: float, size: float = BODY_SIZE, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` points; a word longer than a line is broken, never cut.

    Text longer than CARD_TEXT_LIMIT characters is shortened first, with an ellipsis.
    """
    return list(_wrapped(text, width, size, bold))


# Cards, labels and legends wrap the same texts at the same widths across a build. Typed, as
# clean_text(1) is "1" and clean_text(True) is "True".
@lru_cache(maxsize=1 << 14, typed=True)
def _wrapped(text: str, width: float, size: float, bold: bool) -> tuple[str, ...]:
    """The lines of `text` as wrap_text gives them, as a tuple: a cached value must not be changed."""
    # Cleaned, its words are one space apart, with nothing at either end.
    text = shorten(clean_text(text), CARD_TEXT_LIMIT)
    advances = _advances(size, bold)
    # Most texts fit on one line; measured whole, they measure what their words and spaces add up to.
    if text and _points(_units(text, advances)) <= width:
        return (text,)
    space = advances[" "]
    lines: list[str] = []
    current, used = "", 0   # the line so far and its width in advance units
    for word in text.split(" "):
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
    return tuple(lines) or ("",)
