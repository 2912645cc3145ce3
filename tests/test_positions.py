"""Positions as an editor counts them: every line ending YAML knows ends a line, and columns count
characters, not bytes, so FILE:LINE:COL points where the editor does."""

from __future__ import annotations

import pytest


LANE_LINE = "  - {id: a, lane: nowhere, action: x, end: resolved}\n"


LANE_ERROR = "steps[0].lane 'nowhere' is not one of: customer, frontstage, backstage, support"


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"], ids=["U+2028", "U+2029", "U+0085"])
def test_yaml_only_line_breaks_inside_a_value_do_not_shift_later_positions(separator):
    from blueprintgen.loader import load_bytes

    text = f'title: "a{separator}b"\nsummary: "c{separator}{separator}d"\nsteps:\n{LANE_LINE}title: again\n'
    problems = [str(p) for p in load_bytes(text.encode(), "f.yaml", "f").problems]
    assert problems == ["f.yaml:4:19: error: " + LANE_ERROR,
                        "f.yaml:5:1: error: duplicate key 'title' (first at line 1, column 1) "
                        "(hint: remove one of them; YAML would silently keep only the last)"]


@pytest.mark.parametrize("data, expected", [
    (b"title: T\rsteps:\r  - id: a\r    lane: customer\r  x\x00\r", "5:4: error: the file is binary"),
    (b"title: T\r\nsteps:\r\n  x\x00", "3:4: error: the file is binary"),
    ("title: \u00e9\u00e9\u00e9\x00\n".encode(), "1:11: error: the file is binary"),
    ("title: \u6f22\u5b57".encode() + b"\xff\n", "1:10: error: the file is not valid UTF-8"),
    ("title: T\rsteps: [\u00e9\x07]\r".encode(), "2:10: error: the file contains the control character U+0007"),
], ids=["lone-cr", "crlf", "nul-after-accents", "bad-byte-after-cjk", "control-after-cr"])
def test_lines_count_every_line_ending_and_columns_count_characters(data, expected):
    from blueprintgen.loader import load_bytes

    problem, = load_bytes(data, "f.yaml", "f").problems
    assert str(problem).startswith(f"f.yaml:{expected}")

