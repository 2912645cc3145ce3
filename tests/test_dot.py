"""diagram/ (blueprint -> DOT text) and render.py (the only place Graphviz runs)."""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import blueprint_factory as factory  # noqa: E402
from blueprintgen import graphviz as render_module  # noqa: E402
from blueprintgen.site.cache import diagrams as diagram_cache  # noqa: E402
from blueprintgen.site.cache.diagrams import DiagramCache, diagram_input  # noqa: E402
from blueprintgen.analysis import Analysis, Finding, Metrics  # noqa: E402
from blueprintgen.diagram import CARD_TEXT_LIMIT, blueprint_dot, clean_text, text_width, wrap_text  # noqa: E402
from blueprintgen.loader import load_paths  # noqa: E402
from blueprintgen.model import Position  # noqa: E402
from blueprintgen.graphviz import RenderError, render, render_checked, render_many  # noqa: E402
from blueprintgen.render import render_blueprints  # noqa: E402
from helpers import EXAMPLES, NEATO, needs_graphviz  # noqa: E402

GOLDENS = Path(__file__).parent / "goldens"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def finding(blueprint, number, step=None, edge=None, rule="dead-end", message="Something breaks here"):
    return Finding(rule, "high", blueprint.id, step, Position(blueprint.file, 1, 1), message, "fix it",
                   number=number, edge=edge)


def node_groups(svg: bytes) -> dict[str, ET.Element]:
    """SVG node groups by their DOT node name (the <title>)."""
    root = ET.fromstring(svg)
    return {group.find(f"{SVG}title").text: group for group in root.iter(f"{SVG}g")
            if "node" in (group.get("class") or "").split()}


def texts(element: ET.Element) -> str:
    return " ".join(text.text or "" for text in element.iter(f"{SVG}text"))


# -- text ------------------------------------------------------------------------------------


def test_clean_text_removes_controls_and_bidi_overrides():
    text = "a\x00b\x07c\u202ed\u2066e\u2069f\u200eg\u200fh\ufeffi\r\nj\tk\u2028l\ufffem"
    assert clean_text(text) == "abcdefghi j k lm"
    assert clean_text("  many   spaces\n\n") == "many spaces"
    assert clean_text(None) == ""


def test_wrap_text_never_cuts_and_fits():
    text = "Supercalifragilistic " * 5 + "W" * 80 + " the end"
    lines = wrap_text(text, 120)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(text_width(line) <= 120 for line in lines)
    assert wrap_text("", 100) == [""]


def test_a_text_too_long_for_a_card_is_shortened_with_an_ellipsis():
    text = "word " * 1000
    lines = wrap_text(text, 120)
    shown = " ".join(lines)
    assert shown.endswith("\u2026") and len(shown) <= CARD_TEXT_LIMIT
    assert text.startswith(shown[:-1].rstrip())


def test_text_width_is_at_least_what_graphviz_measures():
    # DejaVu Sans 12 pt as measured by Graphviz 2.43 / pango: 40 'a' = 301 pt, 20 'W' = 241 pt.
    assert text_width("a" * 40) >= 301
    assert text_width("W" * 20) >= 241
    assert text_width("W" * 20, bold=True) >= 271


# -- DOT text ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def looping():
    return factory.load(factory.looping_yaml())


def test_dot_is_deterministic_and_ids_are_generated(looping):
    dot = blueprint_dot(looping)
    assert dot == blueprint_dot(looping)
    names = re.findall(r"^\s+(\w+) \[", dot, re.MULTILINE)
    assert names and all(re.fullmatch(r"(s|v|l|h|lane|linelabel|line|legend\w*|title|note)\d*[ab]?", name)
                         for name in names if name not in ("graph", "node", "edge")), names
    for step in looping.steps:
        assert f" {step.id} [" not in dot
    hrefs = re.findall(r'href="([^"]*)"', dot)
    assert hrefs and all(re.fullmatch(r"#step-[a-z0-9-]+", href) for href in hrefs)
    assert {f"#step-{step.id}" for step in looping.steps} <= set(hrefs)


def test_every_node_has_a_pinned_position_and_fixed_size(looping):
    dot = blueprint_dot(looping)
    for line in dot.splitlines():
        if re.match(r"\s+\w+ \[", line) and not line.strip().startswith(("graph", "node", "edge")):
            assert re.search(r'pos="[0-9.]+,[0-9.]+!"', line), line
            assert "width=" in line and "height=" in line
    assert "fixedsize=true" in dot


def test_every_edge_carries_its_route(looping):
    dot = blueprint_dot(looping)
    edges = [line for line in dot.splitlines() if re.match(r"\s+\w+ -> \w+ \[", line)]
    assert len([e for e in edges if "class=\"flow" in e or "class=\"handoff" in e]) == len(looping.edges)
    for line in edges:
        pos = re.search(r'pos="([^"]*)"', line).group(1)
        points = [p for p in pos.split() if not p.startswith("e,")]
        assert (len(points) - 1) % 3 == 0 and len(points) >= 4


def test_handoffs_are_distinct_from_same_owner_flow():
    blueprint = factory.load(factory.linear_yaml(12, 5))
    dot = blueprint_dot(blueprint)
    styles = {}
    for step in blueprint.steps:
        for edge in step.next:
            target = blueprint.step_by_id[edge.to]
            kind = "handoff" if blueprint.actor(step) != blueprint.actor(target) else "flow"
            index = [e for s in blueprint.steps for e in s.next].index(edge)
            line = next(line for line in dot.splitlines() if f'id="bp-{blueprint.id}-e{index}"' in line)
            assert f'class="{kind}"' in line
            styles[kind] = tuple(re.search(f'{key}=("[^"]*"|[^,\\]]*)', line).group(1)
                                 for key in ("color", "penwidth", "arrowhead"))
    assert set(styles) == {"flow", "handoff"}
    assert all(a != b for a, b in zip(styles["flow"], styles["handoff"]))


MARKED = """
title: Markers
owners: {clerk: {name: Store clerk}}
channels: {phone: {name: Store phone line}}
steps:
  - {id: ask, lane: customer, action: Asks for a refund., wait: 2d, channel: phone, touchpoint: Counter,
     next: [{to: answer, via: phone, within: 4h, carries: [receipt, order number]}]}
  - {id: answer, lane: frontstage, owner: clerk, action: Promises a call.,
     promise: {what: We will call you, within: 1d}, failure: {what: Nobody calls}}
  - {id: call, lane: frontstage, owner: clerk, action: Calls back., fulfils: answer, end: resolved}
"""


def test_cards_show_markers_owner_channel_and_edge_labels():
    dot = blueprint_dot(factory.load(MARKED)).replace("<BR/>", " ")
    for marker in (">W<", ">P<", ">P\u2713<", ">F<", ">END<"):
        assert marker in dot, marker
    for text in ("waits 2d before this", "promise: We will call you (within 1d)", "fails: Nobody calls",
                 "keeps: We will call you", "journey ends: resolved", "<B>Store clerk</B>",
                 "via Store phone line", "at Counter", "within 4h", "carries: receipt; order number"):
        assert text in dot, text


def test_findings_are_drawn_where_they_belong(looping):
    edge = looping.steps[3].next[-1]
    findings = [
        finding(looping, 1, step=looping.steps[1].id),
        finding(looping, 2, step=looping.steps[3].id, edge=edge, rule="context-lost"),
        finding(looping, 3, message="The whole journey has no owner"),
        replace(finding(looping, 4, step=looping.steps[2].id), ignored="accepted"),
    ]
    dot = blueprint_dot(looping, findings)
    lines = dot.splitlines()
    card = next(line for line in lines if line.strip().startswith("s1 ["))
    assert "\u26a0\u00a01" in card and "finding" in card and "#c62828" in card
    index = [e for s in looping.steps for e in s.next].index(edge)
    label = next(line for line in lines if line.strip().startswith(f"l{index} ["))
    assert "\u26a0\u00a02" in label and "#c62828" in label
    arrow = next(line for line in lines if f'-e{index}"' in line)
    assert "finding" in arrow and "#c62828" in arrow
    note = next(line for line in lines if line.strip().startswith("note ["))
    assert "\u26a0\u00a03" in note and "The whole journey has no owner" in note
    assert "\u26a0\u00a04" not in dot  # ignored findings are not drawn
    # An Analysis is accepted too.
    metrics = Metrics(0, 0, 0, 0, 0, 0, 0, 0, 0, None, None)
    assert blueprint_dot(Analysis(looping, tuple(findings[:3]), (), (), metrics)) == blueprint_dot(looping, findings[:3])


def test_legend_and_lines_are_labelled(looping):
    dot = blueprint_dot(looping)
    for text in ("Line of interaction", "Line of visibility", "Line of internal interaction", "Physical",
                 "Customer", "Frontstage", "Backstage", "Support", "Legend", "Handoff", "Flow", "Failure point"):
        assert text in dot


def test_empty_blueprint_still_gives_a_diagram():
    blueprint = replace(factory.load(factory.linear_yaml(2, 1)), steps=())
    dot = blueprint_dot(blueprint)
    assert "digraph" in dot
    if NEATO is not None:
        assert render_checked(dot, "svg", 30)[1] == ""


# -- security --------------------------------------------------------------------------------


@needs_graphviz
@pytest.mark.parametrize("text", ["]", "]]", "]>", "a]", "]]>"])
def test_texts_graphviz_would_misread_are_drawn(text):
    """Graphviz's label lexer refuses a text starting with `]` (found by the fuzzer)."""
    blueprint = factory.load("title: T\nsteps:\n  - id: a\n    lane: customer\n"
                             f"    action: {json.dumps(text)}\n    end: resolved\n")
    svg, warnings = render_checked(blueprint_dot(blueprint), "svg", 30)
    assert warnings == "" and text in texts(ET.fromstring(svg))


@needs_graphviz
def test_hostile_texts_stay_text():
    blueprint = factory.load(factory.hostile_yaml())
    findings = [finding(blueprint, 1, step="b", message=factory.HOSTILE_TEXTS[1]),
                finding(blueprint, 2, message=factory.HOSTILE_TEXTS[2]),
                finding(blueprint, 3, step="a", edge=blueprint.steps[0].next[0], message=factory.HOSTILE_TEXTS[4])]
    dot = blueprint_dot(blueprint, findings)
    svg, warnings = render_checked(dot, "svg", 60)
    assert warnings == ""
    assert b"<script" not in svg.lower()
    root = ET.fromstring(svg)  # well-formed XML
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1].lower() not in ("script", "foreignobject", "iframe")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            assert not local.startswith("on"), (name, value)
            if local in ("href", "src"):
                assert re.fullmatch(r"#step-[a-z0-9-]+", value), value
    # "javascript:" only ever appears as inert, escaped text (<text> content or a tooltip).
    raw = svg.decode()
    for match in re.finditer("javascript:", raw, re.IGNORECASE):
        before = raw[:match.start()]
        tag_start, tag_end = before.rfind("<"), before.rfind(">")
        if tag_start > tag_end:  # inside a tag: only in a tooltip
            assert re.search(r'xlink:title="[^"]*$', before), raw[tag_start:match.end()]
    shown = texts(root)
    # Shown literally: no \N or \G expansion, no markup, no bidi overrides or controls.
    assert '\\N \\G \\\\ " \\l \\E \\T \\H' in shown
    assert "<script>alert(1)</script>" in shown
    assert "a:b" in shown
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f\x00-\x08\x0b-\x1f]", svg.decode())
    nodes = node_groups(svg)
    long_card = texts(nodes["s2"])
    # Wrapped, and shortened to the card's limit with an ellipsis (the page shows it whole).
    assert 100 < long_card.replace(" ", "").count("W") < CARD_TEXT_LIMIT and "\u2026" in long_card
    tooltips = [a.get(f"{XLINK}title") for a in root.iter(f"{SVG}a") if a.get(f"{XLINK}title")]
    assert any('\\N \\G \\\\ "' in tip for tip in tooltips)
    assert any("<script>alert(1)</script>" in tip for tip in tooltips)
    assert "s0" not in {tip.strip() for tip in tooltips}
    # The three bad things of the brief in one edge-label: still plain text.
    assert "&amp;" in shown and "&#60;" in shown


@needs_graphviz
def test_tooltips_show_text_literally():
    from blueprintgen.diagram.canvas import tooltip as _tooltip

    text = 'first \\N \\G "q" &amp; <b> line\\\nsecond ends with \\'
    dot = f'digraph {{ a [pos="10,10!", href="#x", tooltip={_tooltip(text)}]; }}'
    root = ET.fromstring(render(dot, "svg", 30))
    titles = [a.get(f"{XLINK}title") for a in root.iter(f"{SVG}a")]
    assert titles == [text]


def test_blueprint_and_step_ids_never_reach_urls_unvalidated():
    blueprint = factory.load(factory.linear_yaml(3, 1))
    bad_step = replace(blueprint.steps[0], id='x" onclick="alert(1)')
    bad = replace(blueprint, id="../../etc", steps=(bad_step,) + blueprint.steps[1:])
    dot = blueprint_dot(bad)
    assert "onclick" not in dot and "../" not in dot
    assert all(re.fullmatch(r"#step-[a-z0-9-]+", href) for href in re.findall(r'href="([^"]*)"', dot))
    assert all(re.fullmatch(r"bp(-[a-z0-9-]+)?", value) for value in re.findall(r'\bid="([^"]*?)(?:-[a-z]+\d*[ab]?)?"', dot)
               if not value.startswith("bp-"))


# -- goldens -----------------------------------------------------------------------------------


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*.yml"))


def load_example(path: Path):
    """The blueprint of one example file, loaded with all the others (for `redesigns`)."""
    loaded = load_paths([str(EXAMPLES)])
    problems = [problem for problem in loaded.problems if Path(problem.file).name == path.name]
    found = [blueprint for blueprint in loaded.blueprints if Path(blueprint.file).name == path.name]
    if problems or not found:
        pytest.skip(f"{path.name} does not load: {problems[:1]}")
    return found[0]


@pytest.mark.parametrize("path", example_files(), ids=lambda path: path.stem)
def test_example_matches_its_golden(path):
    """Regenerate with BLUEPRINTGEN_UPDATE_GOLDENS=1 pytest tests/test_dot.py -k golden."""
    blueprint = load_example(path)
    dot = blueprint_dot(blueprint)
    golden = GOLDENS / f"{blueprint.id}.dot"
    if os.environ.get("BLUEPRINTGEN_UPDATE_GOLDENS") == "1":
        GOLDENS.mkdir(exist_ok=True)
        golden.write_text(dot, encoding="utf-8")
    assert golden.exists(), f"no golden for {blueprint.id}; run with BLUEPRINTGEN_UPDATE_GOLDENS=1"
    assert dot == golden.read_text(encoding="utf-8"), \
        f"{golden.name} differs; if the change is intended, run with BLUEPRINTGEN_UPDATE_GOLDENS=1"


# -- render.py ---------------------------------------------------------------------------------

SMALL = 'digraph { graph [bb="0,0,100,50"]; a [pos="25,25!", width=0.5, height=0.3]; }'


@needs_graphviz
@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_render_formats(fmt, magic):
    assert render(SMALL, fmt, 30).startswith(magic)


def test_render_dot_format_is_the_text_itself():
    assert render(SMALL, "dot", 1) == SMALL.encode()
    with pytest.raises(ValueError):
        render(SMALL, "gif", 1)


@needs_graphviz
def test_render_error_carries_graphviz_message():
    with pytest.raises(RenderError, match="syntax error"):
        render("digraph { a -> }", "svg", 30)


def test_missing_graphviz_says_what_to_install(monkeypatch):
    monkeypatch.setattr(render_module, "PROGRAM", "neato-not-installed-here")
    with pytest.raises(RenderError, match="sudo apt-get install graphviz"):
        render(SMALL, "svg", 5)


def _slow_program(tmp_path: Path) -> str:
    script = tmp_path / "slow-graphviz"
    script.write_text("#!/bin/sh\nexec sleep 30\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.mark.slow
def test_render_times_out_and_kills(monkeypatch, tmp_path):
    monkeypatch.setattr(render_module, "PROGRAM", _slow_program(tmp_path))
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"timed out after 0\.5 s"):
        render(SMALL, "svg", 0.5)
    assert time.monotonic() - started < 10


@needs_graphviz
def test_render_many_keeps_going_and_caches(tmp_path):
    good = [SMALL.replace("a [", "n ["), SMALL.replace("a [", "m [")]
    jobs = [good[0], "digraph { a -> }", good[1]]
    first = render_many(jobs, "svg", 30, workers=2, cache=DiagramCache(tmp_path))
    assert first.runs == 3 and first.cached == 0
    assert isinstance(first.results[1], RenderError)
    assert first.results[0].startswith(b"<?xml") and first.results[2].startswith(b"<?xml")
    warm = render_many(jobs, "svg", 30, cache=DiagramCache(tmp_path))
    assert warm.runs == 1 and warm.cached == 2  # only the failing job is tried again
    changed = render_many([good[0], good[1].replace("0.3", "0.4")], "svg", 30, cache=DiagramCache(tmp_path))
    assert changed.runs == 1 and changed.cached == 1
    assert render_many(jobs, "dot", 30).runs == 0


@needs_graphviz
def test_an_unchanged_input_is_answered_without_making_its_dot(tmp_path):
    made = []

    def job(text):
        def make():
            made.append(text)
            return text
        return make

    good = [SMALL.replace("a [", "n ["), SMALL.replace("a [", "m [")]
    first = render_many([job(good[0]), job(good[1])], "svg", 30, cache=DiagramCache(tmp_path), inputs=["in-0", "in-1"])
    assert first.runs == 2 and made == good
    made.clear()
    warm = render_many([job(good[0]), job(good[1])], "svg", 30, cache=DiagramCache(tmp_path), inputs=["in-0", "in-1"])
    assert (warm.runs, warm.cached, made) == (0, 2, [])
    assert warm.results == first.results
    # A new input whose DOT is already drawn: the DOT is made, Graphviz is not run.
    other = render_many([job(good[0])], "svg", 30, cache=DiagramCache(tmp_path), inputs=["in-2"])
    assert (other.runs, other.cached, made) == (0, 1, [good[0]])
    # An entry is a hard link to its diagram: remembering an input creates no file.
    for entry in tmp_path.glob("*.input"):
        assert entry.stat().st_nlink >= 2 and diagram_cache._unsealed(entry.read_bytes(), "svg") in first.results
    # A damaged index entry only costs time: it never names a file outside the cache.
    for entry in tmp_path.glob("*.input"):
        entry.unlink()   # replaced, as a damaged file would be: writing into it would change the diagram too
        entry.write_bytes(b"../../../etc/passwd")
    made.clear()
    damaged = render_many([job(good[0]), job(good[1])], "svg", 30, cache=DiagramCache(tmp_path), inputs=["in-0", "in-1"])
    assert (damaged.runs, damaged.cached, made) == (0, 2, good)
    assert damaged.results == first.results


@needs_graphviz
def test_where_links_cannot_be_made_an_entry_names_its_diagram(tmp_path, monkeypatch):
    def no_links(*args, **kwargs):
        raise PermissionError("no hard links here")

    made = []

    def job():
        made.append(1)
        return SMALL

    monkeypatch.setattr(diagram_cache.os, "link", no_links)
    first = render_many([job], "svg", 30, cache=DiagramCache(tmp_path), inputs=["in-0"])
    [entry] = tmp_path.glob("*.input")
    assert entry.stat().st_nlink == 1 and re.fullmatch(rb"[0-9a-f]{64}", entry.read_bytes())
    assert diagram_cache._unsealed((tmp_path / (entry.read_text() + ".svg")).read_bytes(), "svg") == first.results[0]
    warm = render_many([job], "svg", 30, cache=DiagramCache(tmp_path), inputs=["in-0"])
    assert (warm.runs, warm.cached, len(made), warm.results) == (0, 1, 1, first.results)
    # An entry written by the other kind of cache is read as well, and no temporary file is left.
    monkeypatch.undo()
    assert render_many([job], "svg", 30, cache=DiagramCache(tmp_path), inputs=["in-0"]).cached == 1
    render_many([job], "svg", 30, cache=DiagramCache(tmp_path), inputs=["in-1"])
    assert sorted(path.suffix for path in tmp_path.iterdir()) == [".input", ".input", ".svg"]


@needs_graphviz
def test_the_cache_forgets_what_no_build_used_for_a_month(tmp_path):
    good = SMALL.replace("a [", "n [")
    render_many([good], "svg", 30, cache=DiagramCache(tmp_path), inputs=["in-0"])
    ours = sorted(path.name for path in tmp_path.iterdir())
    assert len(ours) == 2 and {name.split(".", 1)[1] for name in ours} == {"svg", "svg.input"}
    month = time.time() - diagram_cache.CACHE_MAX_AGE_S - 60
    stale = tmp_path / ("0" * 64 + ".svg")
    stale.write_bytes(b"<svg/>")
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not ours")
    for path in tmp_path.iterdir():
        os.utime(path, (month, month))
    warm = render_many([good], "svg", 30, cache=DiagramCache(tmp_path), inputs=["in-0"])
    assert (warm.runs, warm.cached) == (0, 1)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(ours + ["notes.txt"])
    assert all(time.time() - (tmp_path / name).stat().st_mtime < 60 for name in ours)   # used: fresh again


@needs_graphviz
def test_a_cut_short_or_linked_cache_file_is_drawn_again(tmp_path):
    cache = tmp_path / "cache"
    good = SMALL.replace("a [", "n [")
    first = render_many([good], "svg", 30, cache=DiagramCache(cache), inputs=["in-0"])
    svg = next(cache.glob("*.svg"))
    svg.write_bytes(first.results[0][:100])                 # a crash in the middle of a write
    again = render_many([good], "svg", 30, cache=DiagramCache(cache), inputs=["in-0"])
    assert (again.runs, again.results) == (1, first.results)
    secret = tmp_path / "elsewhere.svg"
    secret.write_bytes(b"<svg><script>alert(1)</script></svg>")
    svg.unlink()
    svg.symlink_to(secret)                                   # the cache never follows a link out
    # (by its DOT text: the input entry is a hard link to the diagram, still the one drawn)
    assert render_many([good], "svg", 30, cache=DiagramCache(cache), inputs=["in-0"]).results == first.results
    linked = render_many([good], "svg", 30, cache=DiagramCache(cache))
    assert (linked.runs, linked.results) == (1, first.results)
    assert not svg.is_symlink()
    [entry] = cache.glob("*.input")
    entry.unlink()
    entry.symlink_to(secret)
    assert render_many([good], "svg", 30, cache=DiagramCache(cache), inputs=["in-0"]).results == first.results


@pytest.mark.parametrize("damage", ["one byte", "zeros", "no seal"])
def test_a_damaged_cached_diagram_is_drawn_again_and_never_served(tmp_path, damage):
    # The file still ends with </svg>: only its seal (the sha256 of the rest) tells it is damaged.
    cache = tmp_path / "cache"
    good = SMALL.replace("a [", "n [")
    first = render_many([good], "svg", 30, cache=DiagramCache(cache), inputs=["in-0"])
    svg = next(cache.glob("*.svg"))
    data = svg.read_bytes()
    middle = len(data) // 2
    damaged = {"one byte": data[:middle] + b"X" + data[middle + 1:],
               "zeros": data[:middle] + b"\0" * 2000 + data[middle:],
               "no seal": first.results[0]}[damage]
    svg.write_bytes(damaged)   # the input entry is a hard link to it: damaged too
    for inputs in (["in-0"], None):
        again = render_many([good], "svg", 30, cache=DiagramCache(cache), inputs=inputs)
        assert (again.runs, again.results) == (1, first.results)
        if inputs:
            svg.write_bytes(damaged)   # again, for the look-up by DOT text
    assert diagram_cache._unsealed(svg.read_bytes(), "svg") == first.results[0]   # drawn again, sealed again
    import xml.dom.minidom
    xml.dom.minidom.parseString(svg.read_bytes())   # a sealed SVG is still well-formed XML


def test_left_over_writes_of_a_killed_build_are_removed(tmp_path):
    old, recent = tmp_path / f".{'a' * 64}.svg.x1y2z3.tmp", tmp_path / f".{'b' * 64}.svg.q7w8e9.tmp"
    for path in (old, recent):
        path.write_bytes(b"<svg")
    os.utime(old, (time.time() - 3 * 24 * 3600,) * 2)
    render_many([], "svg", 30, cache=DiagramCache(tmp_path))
    assert not old.exists() and recent.exists()              # a write in progress is left alone


def test_a_job_that_fails_stops_at_once_without_waiting_for_queued_renders(monkeypatch, tmp_path):
    monkeypatch.setattr(render_module, "PROGRAM", _slow_program(tmp_path))

    def broken():
        raise ValueError("cannot make this DOT")

    started = time.monotonic()
    with pytest.raises(ValueError):
        render_many([SMALL + f"// {n}" for n in range(6)] + [broken], "svg", 25, workers=1)
    assert time.monotonic() - started < 20   # six queued 25-second renders were not waited for


def test_diagram_input_changes_with_anything_the_diagram_shows(looping):
    same = factory.load(factory.looping_yaml())
    assert diagram_input(looping) == diagram_input(same)
    assert diagram_input(looping) != diagram_input(replace(looping, title=looping.title + " "))
    assert diagram_input(looping) != diagram_input(looping, [finding(looping, 1)])
    step = looping.steps[2]
    changed = replace(looping, steps=looping.steps[:2] + (replace(step, action=step.action + "!"),) + looping.steps[3:])
    assert diagram_input(looping) != diagram_input(changed)


@needs_graphviz
def test_render_blueprints_writes_files_inside_out_dir(tmp_path):
    one = factory.load(factory.linear_yaml(3, 1))
    two = factory.load(factory.looping_yaml(5, 2))
    escaping = replace(one, id="../escape")
    problems = render_blueprints([one, (two, [finding(two, 1)]), escaping], tmp_path / "out", "svg", 30)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([f"{one.id}.svg", f"{two.id}.svg"])
    assert len(problems) == 1 and "../escape" in problems[0]
    assert not (tmp_path / "escape.svg").exists()
    assert "\u26a0\u00a01".encode() in (tmp_path / "out" / f"{two.id}.svg").read_bytes()


def test_render_blueprints_reports_render_failures(monkeypatch, tmp_path):
    monkeypatch.setattr(render_module, "PROGRAM", "neato-not-installed-here")
    blueprint = factory.load(factory.linear_yaml(3, 1))
    problems = render_blueprints([blueprint], tmp_path, "png", 5)
    assert len(problems) == 1 and "apt-get install graphviz" in problems[0]
    assert render_blueprints([blueprint], tmp_path, "dot", 5) == []
    assert (tmp_path / f"{blueprint.id}.dot").read_text() == blueprint_dot(blueprint)
