"""Property-based tests: generated blueprints, valid and broken, through the whole pipeline.

Properties:
- a valid generated blueprint loads with no problem and keeps every text exactly;
- a broken one (a key dropped, a wrong type, a dangling reference, a hostile string, bytes
  inserted into the YAML) never raises: it loads, or every problem is positioned;
- the analysis terminates on every valid blueprint, with findings numbered 1..n;
- the DOT of every valid blueprint is drawn by the real Graphviz (neato -n2) into SVG that
  is well-formed XML;
- every Markdown table cell made by `escape.cell` stays one cell and decodes back to the
  cleaned input (but for the invisible word joiners that keep addresses from becoming links).

Profiles: "ci" (the default: fixed seed, 50 examples, no database) and "long" for a fuzzing
campaign: HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import copy
import html
import os
import random
import re
import time
import unicodedata
import xml.etree.ElementTree as ElementTree

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from blueprintgen.analysis import analyse
from blueprintgen.diagram import blueprint_dot
from blueprintgen.escape import cell, clean, markdown_text
from blueprintgen.loader import RESERVED_IDS, Loaded, load_bytes
from blueprintgen.model import ID_PATTERN, Blueprint, Channel, Duration, Edge, Owner, Position, Promise, Step
from blueprintgen.graphviz import render_checked
from blueprintgen.rules import RULES
from helpers import needs_graphviz

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
# CI does not shrink a failure (shrinking big blueprints can take minutes): it reports the
# example as found, with a blob for @reproduce_failure; the long profile shrinks.
settings.register_profile("ci", derandomize=True, max_examples=50, deadline=None, database=None,
                          suppress_health_check=_SLOW, print_blob=True,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate])
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=_SLOW, print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
# Graphviz runs are the slow part: a few in CI, many more in a long campaign.
RENDER_EXAMPLES = 15 if PROFILE == "ci" else 500

FILE = "fuzz.yaml"
LANES = ("customer", "frontstage", "backstage", "support")

# -- text ----------------------------------------------------------------------------------------

HOSTILE = (
    "<script>alert(1)</script>", "</TD><TD HREF=\"javascript:alert(1)\">", "{{ config }}", "{% include x %}",
    "--8<-- \"/etc/passwd\"", ";--8<--", "\\", "\\N \\G \\L \\E", "C:\\temp\\", "trailing \\",
    "\u202eevil\u202c", "\u2066isolate\u2069", "\u200e\u200f", "\u200b", "\ufeff", "\x1b[31mred\x1b[0m", "\x07",
    "|", "a | b", "`code`", "``", "[link](javascript:alert(1))", "![img](x)", "<!-- x -->", "]]>", "&amp;",
    "&#60;", "&lt;", ":smile:", "*em*", "__strong__", "~~del~~", "# heading", "\t", "\r\n", "\n\n", "\u2028",
    "\u0085", "'", '"', "%s", "${x}", "#", "---", "...", "- item", "> quote", "1. item", "<https://x.y>",
    "https://example.com", "{: #id .cls }", "^sup^", "==mark==", "+++", "$$x$$", "@user", "\u00e9\u0301",
    "\U0001f600", "\u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627", "NO", "1.10", "2024-01-01", "~", "null", ".inf",
)
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
LONG = st.tuples(st.sampled_from(["W", "word ", "<b>", "\u202e", "\\", "|", "\u4e2d", "a-b "]),
                 st.integers(50, 1500)).map(lambda pair: pair[0] * pair[1])
ANY_TEXT = st.one_of(
    st.text(CHARS, min_size=1, max_size=30),
    st.sampled_from(HOSTILE),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(CHARS, max_size=8)), min_size=1, max_size=5).map("".join),
    LONG,
)
# What the loader accepts as text: something that is not only white space. Without NEL (U+0085):
# PyYAML's emitter writes it raw, and YAML reads a raw NEL as a line break (safe_load agrees).
# Valid text has something visible: a character that is not white space, a control (Cc) or a
# format character (Cf: direction marks, zero-width spaces and joiners, the soft hyphen).
TEXT = ANY_TEXT.filter(lambda text: "\x85" not in text and any(
    not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf") for c in text))
ID = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
KEY = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,12}", fullmatch=True)
DURATION = st.from_regex(r"[0-9]{1,4}(\.[0-9]{1,2})?[mhdw]", fullmatch=True)
RULE = st.sampled_from([rule.slug for rule in RULES])


# -- valid blueprints as Python data ---------------------------------------------------------------

def _maybe(draw, strategy, chance=0.5):
    return draw(strategy) if draw(st.floats(0, 1)) < chance else None


@st.composite
def blueprint_data(draw, max_steps: int = 60) -> dict:
    """A valid blueprint: loops, self-edges, branches, promises kept and not, every optional key."""
    n = draw(st.integers(1, max_steps))
    ids = draw(st.lists(ID, min_size=n, max_size=n, unique=True))
    owner_keys = draw(st.lists(KEY, max_size=5, unique=True))
    channel_keys = draw(st.lists(KEY, max_size=4, unique=True))
    stages = draw(st.lists(TEXT, max_size=4, unique=True))
    data: dict = {"title": draw(TEXT)}
    if draw(st.booleans()):
        data["id"] = draw(ID.filter(lambda i: i not in RESERVED_IDS))
    for key in ("summary", "maintainer"):
        if (value := _maybe(draw, TEXT)) is not None:
            data[key] = value
    if draw(st.booleans()):
        data["status"] = "to-be"
        if draw(st.booleans()):
            data["redesigns"] = draw(ID)
    if draw(st.booleans()):
        data["tags"] = draw(st.lists(TEXT, max_size=4, unique=True))   # a tag listed twice is an error
    if stages:
        data["stages"] = stages
    if owner_keys:
        data["owners"] = {}
        for key in owner_keys:
            owner = {"name": draw(TEXT)}
            for field in ("team", "contact"):
                if (value := _maybe(draw, TEXT, 0.3)) is not None:
                    owner[field] = value
            data["owners"][key] = owner
    if channel_keys:
        data["channels"] = {}
        for key in channel_keys:
            channel = {"name": draw(TEXT)}
            if owner_keys and draw(st.booleans()):
                channel["watched_by"] = draw(st.sampled_from(owner_keys))
            if draw(st.booleans()):
                channel["response"] = draw(DURATION)
            data["channels"][key] = channel
    promised = [i for i in range(n) if draw(st.floats(0, 1)) < 0.2]
    steps = []
    for index, step_id in enumerate(ids):
        lane = draw(st.sampled_from(LANES))
        step: dict = {"id": step_id, "lane": lane, "action": draw(TEXT)}
        if lane != "customer" and owner_keys and draw(st.floats(0, 1)) < 0.85:
            step["owner"] = draw(st.sampled_from(owner_keys))
        if stages and draw(st.booleans()):
            step["stage"] = draw(st.sampled_from(stages))
        if channel_keys and draw(st.floats(0, 1)) < 0.2:
            step["channel"] = draw(st.sampled_from(channel_keys))
        for field in ("touchpoint", "evidence"):
            if (value := _maybe(draw, TEXT, 0.2)) is not None:
                step[field] = value
        for field in ("duration", "wait"):
            if (value := _maybe(draw, DURATION, 0.2)) is not None:
                step[field] = value
        if index in promised:
            step["promise"] = {"what": draw(TEXT)}
            if draw(st.booleans()):
                step["promise"]["within"] = draw(DURATION)
        if promised and draw(st.floats(0, 1)) < 0.2:
            step["fulfils"] = ids[draw(st.sampled_from(promised))]
        if draw(st.floats(0, 1)) < 0.15:
            step["failure"] = {"what": draw(TEXT)}
            if draw(st.booleans()):
                step["failure"]["recovery"] = draw(st.sampled_from(ids))
        shape = draw(st.sampled_from(["implicit", "implicit", "end", "self", "one", "list", "edges", "none"]))
        if shape == "end":
            step["end"] = draw(st.sampled_from(["resolved", "abandoned"]))
        elif shape == "self":
            step["next"] = [step_id] + draw(st.lists(st.sampled_from(ids), max_size=2))
        elif shape == "one":
            step["next"] = draw(st.sampled_from(ids))
        elif shape == "list":
            step["next"] = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3))
        elif shape == "edges":
            edges = []
            for _ in range(draw(st.integers(1, 3))):
                edge: dict = {"to": draw(st.sampled_from(ids))}
                if channel_keys and draw(st.booleans()):
                    edge["via"] = draw(st.sampled_from(channel_keys))
                if draw(st.booleans()):
                    edge["within"] = draw(DURATION)
                if draw(st.booleans()):
                    edge["carries"] = draw(st.lists(TEXT, max_size=3))
                edges.append(edge if edge.keys() != {"to"} or draw(st.booleans()) else edge["to"])
            step["next"] = edges
        elif shape == "none":
            step["next"] = []
        steps.append(step)
    data["steps"] = steps
    if draw(st.floats(0, 1)) < 0.3:
        data["ignore"] = [{"rule": draw(RULE), "reason": draw(TEXT),
                           **({"step": draw(st.sampled_from(ids))} if draw(st.booleans()) else {})}
                          for _ in range(draw(st.integers(1, 3)))]
    # The order of the top-level keys does not matter.
    keys = draw(st.permutations(list(data)))
    return {key: data[key] for key in keys}


def dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def load(text: str | bytes) -> Loaded:
    return load_bytes(text.encode("utf-8") if isinstance(text, str) else text, FILE, "fuzz")


def _targets(step: dict, following: str | None) -> list[str]:
    nxt = step.get("next")
    if nxt is None:
        return [] if step.get("end") or following is None else [following]
    entries = [nxt] if isinstance(nxt, str) else nxt
    return [entry if isinstance(entry, str) else entry["to"] for entry in entries]


# -- loading ----------------------------------------------------------------------------------------

@pytest.mark.slow
@given(blueprint_data())
def test_valid_blueprints_load_and_keep_every_text(data):
    loaded = load(dump(data))
    assert loaded.problems == (), "\n".join(map(str, loaded.problems))
    b, = loaded.blueprints
    assert b.id == data.get("id", "fuzz")
    assert (b.title, b.summary, b.maintainer) == (data["title"], data.get("summary"), data.get("maintainer"))
    assert b.tags == tuple(data.get("tags", ())) and b.stages == tuple(data.get("stages", ()))
    assert [(o.key, o.name, o.team, o.contact) for o in b.owners] == [
        (k, o["name"], o.get("team"), o.get("contact")) for k, o in data.get("owners", {}).items()]
    assert [(c.key, c.name, c.watched_by) for c in b.channels] == [
        (k, c["name"], c.get("watched_by")) for k, c in data.get("channels", {}).items()]
    steps = data["steps"]
    assert [s.id for s in b.steps] == [s["id"] for s in steps]
    for index, (step, raw) in enumerate(zip(b.steps, steps)):
        following = steps[index + 1]["id"] if index + 1 < len(steps) else None
        assert (step.lane, step.action, step.owner, step.stage) == (
            raw["lane"], raw["action"], raw.get("owner"), raw.get("stage"))
        assert (step.touchpoint, step.evidence) == (raw.get("touchpoint"), raw.get("evidence"))
        assert (step.promise and step.promise.what) == (raw.get("promise") or {}).get("what")
        assert (step.failure and step.failure.what) == (raw.get("failure") or {}).get("what")
        assert [edge.to for edge in step.next] == _targets(raw, following)
        carried = [e.get("carries", []) for e in raw.get("next") or [] if isinstance(e, dict)]
        assert [list(edge.carries) for edge in step.next if edge.carries] == [c for c in carried if c]


@pytest.mark.slow
@given(blueprint_data())
def test_analysis_terminates_on_every_valid_blueprint(data):
    b, = load(dump(data)).blueprints
    started = time.monotonic()
    analysis = analyse(b)
    assert time.monotonic() - started < 10
    assert [f.number for f in analysis.findings] == list(range(1, len(analysis.findings) + 1))
    step_ids = {step.id for step in b.steps}
    assert all(f.step is None or f.step in step_ids for f in analysis.findings + analysis.ignored)
    assert all(f.ignored for f in analysis.ignored)
    assert analyse(b) == analysis   # deterministic


# -- broken blueprints: a problem with a position, never an exception ---------------------------------

WRONG_VALUES = (None, 0, 123, -1.5, True, False, [], {}, ["x"], [["x"]], {"k": "v"}, {"to": None}, "", " ",
                "9" * 400 + "w", "1e9999h", "0.0000000001m", "-", "~", "null", "[", "&a", "*a", "!!str")


def _slots(node, path=()):
    """(container, key) of every value in the data, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield node, key
            yield from _slots(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield node, index
            yield from _slots(value, path + (index,))


REFERENCE_KEYS = ("owner", "stage", "channel", "fulfils", "recovery", "to", "via", "watched_by", "step", "redesigns")


@st.composite
def broken_data(draw):
    data = copy.deepcopy(draw(blueprint_data(max_steps=12)))
    for _ in range(draw(st.integers(1, 3))):
        slots = list(_slots(data))
        kind = draw(st.sampled_from(["drop", "wrong", "dangling", "hostile", "duplicate", "key"]))
        container, key = draw(st.sampled_from(slots))
        if kind == "drop":
            del container[key]
        elif kind == "wrong":
            container[key] = draw(st.sampled_from(WRONG_VALUES))
        elif kind == "dangling":
            refs = [(c, k) for c, k in slots if k in REFERENCE_KEYS or (isinstance(c, list) and isinstance(c[k], str))]
            if refs:
                container, key = draw(st.sampled_from(refs))
                container[key] = draw(st.one_of(ID, KEY, ANY_TEXT))
        elif kind == "hostile":
            container[key] = draw(ANY_TEXT)
        elif kind == "duplicate" and isinstance(data.get("steps"), list) and data["steps"]:
            data["steps"].append(copy.deepcopy(draw(st.sampled_from(data["steps"]))))
        elif kind == "key" and isinstance(container, dict):
            container[draw(ANY_TEXT)] = container.pop(key)
    return data


YAML_NOISE = st.sampled_from([
    "{", "}", "[", "]", ":", ": ", ",", "-", "- ", "&a ", "*a", "!!str ", "!x ", "<<: ", "? ", "|", ">-", "'", '"',
    "%", "@", "`", "#", "\n", "\n  ", "\t", "---\n", "...\n", "\\", "\x1b", "\u202e", "\ufeff", "\x85", "\u2028",
    "~", "null", "9" * 400, "\r", "\x00",
])


@st.composite
def broken_yaml(draw) -> bytes:
    """Valid YAML text with bytes inserted, removed or repeated, or invalid UTF-8 spliced in."""
    data = dump(draw(blueprint_data(max_steps=8))).encode("utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "insert", "delete", "repeat", "bytes"]))
        if kind == "insert":
            data = data[:at] + draw(YAML_NOISE).encode("utf-8") + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 20)):]
        elif kind == "repeat":
            line_start = data.rfind(b"\n", 0, at) + 1
            line_end = data.find(b"\n", at)
            line = data[line_start:line_end + 1 if line_end >= 0 else len(data)]
            data = data[:line_start] + line + data[line_start:]
        else:
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


def _check_outcome(loaded, data: bytes) -> None:
    assert isinstance(loaded, Loaded)
    if not loaded.problems:
        b, = loaded.blueprints
        analyse(b)
        return
    assert loaded.blueprints == ()
    lines = data.count(b"\n") + 1
    for problem in loaded.problems:
        assert problem.file == FILE
        assert 1 <= problem.line <= lines + 1 and problem.column >= 1, problem
        assert problem.message.strip()
        text = str(problem)
        assert text.startswith(f"{FILE}:{problem.line}:{problem.column}: error: ")
        # A message shows what is wrong, never the raw contents: no control or bidi characters,
        # and no more than 60 characters of any value.
        assert clean(text) == text and "\n" not in text, repr(text)
        assert len(text) < 600, f"{len(text)} characters: {text[:300]}…"


@pytest.mark.slow
@given(broken_data())
def test_broken_blueprints_never_raise(data):
    text = dump(data).encode("utf-8")
    _check_outcome(load(text), text)


@pytest.mark.slow
@given(broken_yaml())
def test_broken_yaml_never_raises(data):
    _check_outcome(load(data), data)


# -- diagrams ---------------------------------------------------------------------------------------

@pytest.mark.slow
@needs_graphviz
@settings(max_examples=RENDER_EXAMPLES)
@given(blueprint_data(max_steps=25))
def test_every_valid_blueprint_is_drawn_by_graphviz(data):
    b, = load(dump(data)).blueprints
    svg, warnings = render_checked(blueprint_dot(analyse(b)), "svg", timeout=20)
    assert "error" not in warnings.lower(), warnings
    root = ElementTree.fromstring(svg)   # well-formed: every text was escaped
    assert root.tag.endswith("svg")


def _big_blueprint(steps: int = 500, seed: int = 7) -> Blueprint:
    """A graph built directly from the model: chains, branches, loops back, self-edges, dead ends."""
    rng = random.Random(seed)
    where = Position(FILE, 1, 1)
    owners = tuple(Owner(f"o{i}", f"Owner {i}", None, None, where) for i in range(12))
    channels = (Channel("phone", "Phone", "o1", Duration("4h", 240), where), Channel("inbox", "Inbox", None, None, where))
    ids = [f"s{i}" for i in range(steps)]
    promised = set()
    built = []
    for i, step_id in enumerate(ids):
        lane = rng.choice(LANES)
        targets = [] if i == steps - 1 else [ids[i + 1]]
        roll = rng.random()
        if roll < 0.15:
            targets.append(step_id)                                   # self-edge
        elif roll < 0.35:
            targets.append(ids[rng.randrange(0, i + 1)])              # loop back
        elif roll < 0.55:
            targets.append(ids[rng.randrange(i, steps)])              # branch forward
        elif roll < 0.6:
            targets = []                                              # dead end
        edges = tuple(Edge(step_id, to, rng.choice([None, "phone", "inbox"]),
                           rng.choice([None, Duration("1d", 1440)]), rng.choice([(), ("case number",)]),
                           False, where) for to in targets)
        promise = Promise("Call back", rng.choice([None, Duration("2d", 2880)]), where) if rng.random() < 0.1 else None
        if promise:
            promised.add(step_id)
        fulfils = rng.choice(sorted(promised)) if promised and rng.random() < 0.1 else None
        built.append(Step(step_id, lane, f"Step {i} <b>&</b>", None if lane == "customer" else rng.choice(owners).key,
                          None, None, rng.choice([None, "phone", "inbox"]), None, None,
                          rng.choice([None, Duration("30m", 30)]), promise, fulfils, None,
                          "resolved" if i == steps - 1 else None, edges, where))
    return Blueprint(id="big", title="Five hundred steps", file=FILE, owners=owners, channels=channels,
                     steps=tuple(built), position=where)


@pytest.mark.slow
@needs_graphviz
def test_a_500_step_graph_is_analysed_and_drawn():
    blueprint = _big_blueprint()
    started = time.monotonic()
    analysis = analyse(blueprint)
    dot = blueprint_dot(analysis)
    assert time.monotonic() - started < 15
    assert analysis.metrics.steps == 500 and analysis.findings
    svg, warnings = render_checked(dot, "svg", timeout=20)
    assert "error" not in warnings.lower(), warnings
    ElementTree.fromstring(svg)


# -- Markdown ---------------------------------------------------------------------------------------

def _table_cells(cells: list[str]) -> list[str]:
    source = "| A | B | C |\n|---|---|---|\n| " + " | ".join(cells) + " |\n"
    out = markdown.markdown(source, extensions=["tables"])
    assert out.count("<tbody>") == 1, out
    body = out.split("<tbody>", 1)[1]
    assert body.count("<tr>") == 1, out
    return re.findall(r"<td>(.*?)</td>", body, re.S)


def _expected_cell(text: str | None) -> str:
    # What the reader sees: the text without control or bidi characters, tabs as spaces;
    # the tables extension trims the spaces at both ends of a cell.
    return _read(clean(text).replace("\t", " ").strip(" ")) if text else "\u2014"


def _read(text: str) -> str:
    # Word joiners (U+2060) are invisible: the escaping puts them into web and mail addresses.
    return text.replace("\u2060", "")


@given(st.one_of(st.none(), st.text(CHARS), ANY_TEXT, st.text()))
def test_a_table_cell_stays_one_cell_and_decodes_back(text):
    cells = _table_cells(["left", cell(text), "right"])
    assert len(cells) == 3, cells
    assert cells[0] == "left" and cells[2] == "right"
    assert "<" not in cells[1], cells[1]    # no markup made from the text
    assert _read(html.unescape(cells[1])) == _expected_cell(text)


@given(st.lists(ANY_TEXT, min_size=3, max_size=3))
def test_a_row_of_escaped_texts_keeps_its_columns(texts):
    cells = _table_cells([markdown_text(text) for text in texts])
    assert len(cells) == 3, cells
    for got, text in zip(cells, texts):
        assert "<" not in got
        assert _read(html.unescape(got)) == _read(clean(text).replace("\t", " ").strip(" "))


@given(ANY_TEXT)
def test_escaped_text_in_a_paragraph_makes_no_markup(text):
    out = markdown.markdown("Text: " + markdown_text(text))
    assert out.startswith("<p>") and out.endswith("</p>") and out.count("<") == 2, out
    shown = html.unescape(out[len("<p>Text: "):-len("</p>")])
    assert _read(shown).rstrip(" ") == _read(clean(text).replace("\t", " ")).rstrip(" ")


def test_ids_from_the_strategy_are_valid_ids():
    @settings(max_examples=20)
    @given(ID)
    def check(value):
        assert ID_PATTERN.fullmatch(value)
    check()
