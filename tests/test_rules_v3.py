"""Rules v3 through the CLI, each with the smallest blueprint that shows it: designed repeats, promises bound to
an event, late withdrawals, handoff chains that end abandoned, unused ignores, a file's own folder, and how the
diagram shows them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import invoke
from helpers import ROOT

LOOP = """\
title: Line repair
status: {status}
owners:
  tech: {{name: Technician}}
steps:
  - id: fix
    lane: frontstage
    owner: tech
    action: Connects the line.
  - id: tries-it
    lane: customer
    action: Makes a test call while the technician is still there.
    next:
      - done
      - {back}
  - id: done
    lane: customer
    action: The line works.
    end: resolved
"""
REPEAT = "{to: fix, repeat: {why: The technician is still there and tries again., at_most: 2}}"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def check_json(folder: Path, *args) -> tuple[int, dict]:
    result = invoke("check", "--format", "json", *args, cwd=folder)
    return result.exit_code, json.loads(result.output)


def findings(document: dict, rule: str) -> list[dict]:
    return [f for b in document["blueprints"] for f in b["findings"] if f["rule"] == rule]


# -- a designed repeat --------------------------------------------------------------------------------


def test_a_designed_loop_in_a_to_be_passes_the_gate_and_is_listed_as_designed(tmp_path):
    write(tmp_path, "line.yaml", LOOP.format(status="to-be", back=REPEAT))
    result = invoke("check", "line.yaml", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert ("line.yaml:15:9: designed customer-chases: The arrow from 'tries-it' back to 'fix' closes a loop through "
            "the customer over steps 'fix', 'tries-it': designed to repeat at most 2 times, because \u201cThe "
            "technician is still there and tries again.\u201d") in result.output
    assert result.output.endswith("0 failing; 1 designed repeat\n")
    _, document = check_json(tmp_path, "line.yaml")
    (designed,) = document["blueprints"][0]["designed"]
    assert (designed["step"], designed["target"], designed["at_most"]) == ("tries-it", "fix", 2)


def test_the_same_loop_without_the_claim_fails_the_to_be_gate(tmp_path):
    write(tmp_path, "line.yaml", LOOP.format(status="to-be", back="fix"))
    result = invoke("check", "line.yaml", cwd=tmp_path)
    assert result.exit_code == 1
    assert "high customer-chases: The arrow from 'tries-it' back to 'fix'" in result.output
    assert "say so on the arrow back from 'tries-it' with `repeat:`" in result.output


def test_an_as_is_loop_stays_a_finding_whatever_it_says(tmp_path):
    write(tmp_path, "line.yaml", LOOP.format(status="as-is", back=REPEAT))
    code, document = check_json(tmp_path, "line.yaml", "--gate", "all")
    assert code == 1
    (finding,) = findings(document, "customer-chases")
    assert "this blueprint is as-is" in finding["message"]
    assert document["blueprints"][0]["designed"] == []


def test_diff_shows_a_loop_that_becomes_designed_not_as_fixed(tmp_path):
    for side, back in (("base", "fix"), ("head", REPEAT)):
        (tmp_path / side).mkdir()
        write(tmp_path / side, "line.yaml", LOOP.format(status="to-be", back=back))
    result = invoke("diff", "base/", "head/", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].endswith("This change neither fixes nor introduces a break, in 1 blueprint.")
    assert "Designed: 1 loop the change says repeats by design (not fixed: review the claim)." in result.output
    assert "  now designed: head/line.yaml:15: customer-chases: The arrow from 'tries-it' back to 'fix'" \
        in result.output
    document = json.loads(invoke("diff", "base/", "head/", "--format", "json", cwd=tmp_path).output)
    (entry,) = document["blueprints"]
    assert entry["fixed"] == [] and [d["step"] for d in entry["designed"]["added"]] == ["tries-it"]
    markdown = invoke("diff", "base/", "head/", "--format", "markdown", cwd=tmp_path).output
    assert "#### Now designed (1)" in markdown


def test_a_repeat_on_an_arrow_of_no_loop_is_refused_with_its_position(tmp_path):
    text = LOOP.format(status="to-be", back="fix").replace(
        "      - done\n", "      - {to: done, repeat: {why: Again., at_most: 2}}\n")
    write(tmp_path, "line.yaml", text)
    result = invoke("validate", "line.yaml", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output.startswith("line.yaml:14:28: error: the arrow from 'tries-it' to 'done' says it repeats, "
                                    "but it is on no loop")


# -- promises bound to an event -------------------------------------------------------------------------

CAR = """\
title: Car repair
owners:
  garage: {{name: Garage reception}}
steps:
  - id: brings-car
    lane: customer
    action: Brings the car in for repair.
  - id: garage-promises-car
    lane: frontstage
    owner: garage
    action: Promises a courtesy car while hers is in for repair.
    promise:
      what: You will have a courtesy car while yours is in for repair.
      until: {until}
{middle}  - id: drives-home
    lane: customer
    action: Drives home.
    end: resolved
"""
LEND = """\
  - id: garage-lends-car
    lane: frontstage
    owner: garage
    action: Hands over the keys of a courtesy car.
    fulfils: garage-promises-car
"""
COLLECT = """\
  - id: collects-car
    lane: customer
    wait: 2d
    action: Collects her repaired car.
"""


def test_a_promise_bound_to_an_event_is_not_vague(tmp_path):
    write(tmp_path, "car.yaml", CAR.format(until="collects-car", middle=LEND + COLLECT))
    code, document = check_json(tmp_path, "car.yaml", "--gate", "all", "--fail-on", "low")
    assert code == 0 and document["blueprints"][0]["findings"] == []


def test_a_promise_bound_to_an_event_is_late_when_a_way_reaches_the_event_first(tmp_path):
    write(tmp_path, "car.yaml", CAR.format(until="collects-car", middle=COLLECT + LEND))
    code, document = check_json(tmp_path, "car.yaml", "--gate", "all")
    (finding,) = findings(document, "late-promise")
    assert code == 1 and finding["step"] == "garage-promises-car" and (finding["line"], finding["column"]) == (13, 7)
    assert "until 'collects-car', but a way reaches 'collects-car' before the promise is kept" in finding["message"]
    assert findings(document, "vague-promise") == [] and findings(document, "broken-promise") == []


def test_until_an_unknown_step_is_refused_with_did_you_mean(tmp_path):
    write(tmp_path, "car.yaml", CAR.format(until="collect-car", middle=LEND + COLLECT))
    result = invoke("validate", "car.yaml", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ("car.yaml:14:14: error: steps[1].promise.until refers to unknown step "
                                             "'collect-car' (hint: did you mean 'collects-car'?)")


# -- late withdrawal ------------------------------------------------------------------------------------

BOILER = """\
title: Boiler visit
owners:
  desk: {{name: Service desk}}
steps:
  - id: desk-books-visit
    lane: frontstage
    owner: desk
    action: Books an engineer for tomorrow.
    promise:
      what: An engineer will come tomorrow.
      within: 1d
  - id: desk-cancels-visit
    lane: frontstage
    owner: desk
    wait: {wait}
    action: Calls to say the engineer cannot come after all.
    withdraws: desk-books-visit
    end: abandoned
"""


def test_a_withdrawal_after_the_deadline_is_a_late_promise_that_says_so(tmp_path):
    write(tmp_path, "boiler.yaml", BOILER.format(wait="5d"))
    code, document = check_json(tmp_path, "boiler.yaml", "--gate", "all")
    (finding,) = findings(document, "late-promise")
    assert code == 1 and finding["step"] == "desk-books-visit"
    assert finding["message"].endswith("the way to 'desk-cancels-visit', which withdraws it, can take 5d of waits "
                                       "and durations: the promise is withdrawn late.")
    assert findings(document, "broken-promise") == []


def test_a_withdrawal_in_time_is_no_finding(tmp_path):
    write(tmp_path, "boiler.yaml", BOILER.format(wait="4h"))
    code, document = check_json(tmp_path, "boiler.yaml", "--gate", "all", "--fail-on", "low")
    assert code == 0 and findings(document, "late-promise") == []


# -- handoff-chain counts every way ----------------------------------------------------------------------


def test_a_long_chain_that_ends_abandoned_is_a_handoff_chain(tmp_path):
    owners = ["gate", "desk", "hotline", "partner", "claims"]
    steps = "".join(f"  - {{id: {o}-passes-on, lane: frontstage, owner: {o}, action: Passes it on., "
                    f"next: [{{to: {nxt}, carries: [file], within: 1d}}]}}\n"
                    for o, nxt in zip(owners, [f"{o}-passes-on" for o in owners[1:]] + ["gives-up"]))
    text = ("title: Lost bag\nowners:\n" + "".join(f"  {o}: {{name: {o.title()}}}\n" for o in owners)
            + "steps:\n  - {id: reports, lane: customer, action: Reports a lost bag.}\n" + steps
            + "  - {id: gives-up, lane: customer, action: Gives up., end: abandoned}\n")
    write(tmp_path, "bag.yaml", text)
    _, document = check_json(tmp_path, "bag.yaml", "--gate", "all")
    (finding,) = findings(document, "handoff-chain")
    assert finding["step"] == "partner-passes-on"
    assert finding["message"].startswith("On one way through the journey the customer can have to deal with more "
                                         "than 3 frontstage owners: Gate \u2192 Desk \u2192 Hotline \u2192 Partner")


# -- unused ignores ----------------------------------------------------------------------------------


def test_an_ignore_written_for_the_loops_first_step_is_reported_unused_with_did_you_mean(tmp_path):
    text = LOOP.format(status="as-is", back="fix") + ("ignore:\n  - rule: customer-chases\n    step: fix\n"
                                                       "    reason: Documents the old loop.\n")
    write(tmp_path, "line.yaml", text)
    result = invoke("check", "line.yaml", "--gate", "all", "--fail-on", "never", cwd=tmp_path)
    assert ("line.yaml:21:5: low unused-ignore: The `ignore:` entry for customer-chases on step 'fix' matches no "
            "finding, so it silences nothing: the customer-chases finding is on step 'tries-it'. (hint: remove the "
            "entry, or point it at the finding it is meant for (did you mean `rule: customer-chases`, "
            "`step: tries-it`?))") in result.output
    fixed = text.replace("    step: fix\n", "    step: tries-it\n")
    write(tmp_path, "line.yaml", fixed)
    code, document = check_json(tmp_path, "line.yaml", "--gate", "all", "--fail-on", "low")
    assert code == 0 and document["blueprints"][0]["findings"] == []


def test_the_rules_page_says_a_customer_chases_finding_is_on_the_step_the_arrow_back_leaves():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "loop's first step in the file** for" not in text
    rows = re.findall(r"^\| \[customer-chases\]\(#customer-chases\) \| (The .*) \|$", text, flags=re.MULTILINE)
    assert rows == ["The step the arrow that closes the loop leaves: the step whose `next:` holds the arrow back "
                    "(not the loop's first step in the file)."]


# -- a file's own folder ------------------------------------------------------------------------------


@pytest.fixture
def pair(tmp_path):
    """An as-is and its to-be redesign in one folder, with no project settings around them."""
    folder = tmp_path / "journeys"
    folder.mkdir()
    write(folder, "line.yaml", LOOP.format(status="as-is", back="fix"))
    write(folder, "line-to-be.yaml", LOOP.format(status="to-be", back=REPEAT).replace(
        "status: to-be\n", "status: to-be\nredesigns: line\n"))
    return tmp_path


@pytest.mark.parametrize("command", ["check", "validate"])
def test_a_to_be_checked_on_its_own_finds_its_as_is_in_its_own_folder(pair, command):
    result = invoke(command, "journeys/line-to-be.yaml", cwd=pair)
    assert result.exit_code == 0, result.output
    assert "redesigns unknown" not in result.output


def test_a_to_be_on_stdin_finds_its_as_is_next_to_its_file_name(pair):
    text = (pair / "journeys" / "line-to-be.yaml").read_bytes()
    result = subprocess.run([sys.executable, "-m", "blueprintgen", "check", "-", "--stdin-filename",
                             "journeys/line-to-be.yaml"], input=text, capture_output=True, cwd=pair, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert b"redesigns unknown" not in result.stdout + result.stderr


def test_an_as_is_that_is_nowhere_is_still_unknown(pair):
    (pair / "journeys" / "line.yaml").unlink()
    result = invoke("validate", "journeys/line-to-be.yaml", cwd=pair)
    assert result.exit_code == 1 and "redesigns unknown blueprint 'line'" in result.output


def test_the_blueprint_page_lists_designed_repeats_and_the_step_a_promise_lasts_until(tmp_path):
    (tmp_path / "blueprints").mkdir()
    write(tmp_path / "blueprints", "line.yaml", LOOP.format(status="to-be", back=REPEAT))
    write(tmp_path / "blueprints", "car.yaml", CAR.format(until="collects-car", middle=LEND + COLLECT))
    result = invoke("generate", "-o", "out", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "line.md").read_text(encoding="utf-8")
    assert "## Designed repeats" in page
    assert ('<td><a href="#step-tries-it">tries-it</a> \u2192 <a href="#step-fix">fix</a></td><td>The technician is '
            "still there and tries again.</td><td>2</td>") in page
    car = (tmp_path / "out" / "car.md").read_text(encoding="utf-8")
    assert "Promise: You will have a courtesy car while yours is in for repair. (until step collects-car)" in car


# -- docs/format.md: its examples give what the page says ------------------------------------------------

FORMAT = ROOT / "docs" / "format.md"
# Examples on the format page that must give no finding (the fixed twins).
CLEAN = {"until-kept", "loop-designed"}


def format_examples() -> dict[str, tuple[str, str | None]]:
    """`<!-- example: NAME -->` blueprints of docs/format.md, with the ```text block shown after each, if any."""
    text = FORMAT.read_text(encoding="utf-8")
    found = {}
    for part in text.split("<!-- example: ")[1:]:
        name, _, rest = part.partition(" -->")
        blueprint = re.search(r"```yaml\n(.*?)```", rest, flags=re.DOTALL).group(1)
        shown = re.match(r"\s*```yaml\n.*?```\s*(?:```text\n(.*?)```)?", rest, flags=re.DOTALL).group(1)
        found[name] = (blueprint, shown)
    return found


@pytest.mark.parametrize("name", sorted(format_examples()))
def test_each_format_page_example_gives_what_the_page_shows(tmp_path, name):
    blueprint, shown = format_examples()[name]
    write(tmp_path, "line.yaml", blueprint)
    result = invoke("check", "line.yaml", "--gate", "all", "--fail-on", "never", "--format", "json", cwd=tmp_path)
    document = json.loads(result.output)
    (entry,) = document["blueprints"]
    if name in CLEAN:
        assert entry["findings"] == []
    else:
        assert entry["findings"]
    if shown is None:
        return
    head, *rest = shown.strip().split("\n")
    where = re.fullmatch(r"Line (\d+), column (\d+)(?:, step (\S+))?: (low|medium|high) ([a-z-]+)", head)
    if where:
        line, column, step, severity, rule = where.groups()
        (finding,) = [f for f in entry["findings"] if f["rule"] == rule]
        assert (finding["line"], finding["column"], finding["step"], finding["severity"]) == (
            int(line), int(column), step, severity)
        assert finding["message"] == " ".join(part.strip() for part in rest)
    else:
        text = invoke("check", "line.yaml", "--gate", "all", "--fail-on", "never", cwd=tmp_path).output
        assert shown.strip() in text.splitlines()


# -- the diagram -------------------------------------------------------------------------------------

CALLBACK = """\
title: Callback promised
owners:
  agent: {{name: Contact centre agent}}
steps:
  - id: calls
    lane: customer
    action: Calls about a late delivery.
    emotion: {emotions}
  - id: agent-promises
    lane: frontstage
    owner: agent
    action: Promises a call back.
    promise:
      what: We will call you back.
    measures:
      - {{name: handling time, value: 12, target: 5, unit: min}}
      - {{name: calls answered, target: 95, unit: "%"}}
    cost: 4.20 EUR
  - id: waits
    lane: customer
    action: Waits at home.
  - id: calls-again
    lane: customer
    action: Calls again.
    emotion: -2
  - id: hears-nothing
    lane: customer
    action: Hears nothing.
    emotion: -1
  - id: gives-up
    lane: customer
    action: Gives up.
    emotion: 0
    end: abandoned
opportunities:
  - id: pay-at-counter
    what: Refund on the spot at the counter for small amounts, so the move is not held up by a finance batch run.
    steps: [agent-promises]
"""


@pytest.fixture
def callback_dot(tmp_path) -> str:
    write(tmp_path, "callback.yaml", CALLBACK.format(emotions=1))
    result = invoke("render", "callback.yaml", "--format", "dot", "-o", "out", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    return (tmp_path / "out" / "callback.dot").read_text(encoding="utf-8")


def node(dot: str, name: str) -> str:
    return re.search(rf"^  {name} \[.*$", dot, flags=re.MULTILINE).group(0)


def test_high_and_medium_badges_differ_in_words_and_shade(callback_dot):
    card = node(callback_dot, "s1")   # broken-promise (high) and vague-promise (medium) on one card
    high = re.search(r'<TD [^>]*BGCOLOR="([^"]+)"><FONT [^>]*COLOR="([^"]+)"><B>\u26a0\u00a0(\d+)\u00a0high</B>', card)
    medium = re.search(r'<TD [^>]*BGCOLOR="([^"]+)"><FONT [^>]*COLOR="([^"]+)"><B>\u26a0\u00a0(\d+)\u00a0medium</B>',
                       card)
    assert high and medium and high.group(1) != medium.group(1) and high.group(2) != medium.group(2)
    legend = " ".join(re.findall(r"legendtext\d+ \[.*", callback_dot))
    assert "\u26a0\u00a0n\u00a0high: finding n" in legend and "\u26a0\u00a0n\u00a0medium: a medium finding" in legend


def test_the_emotion_curve_leaves_a_gap_where_a_customer_step_has_no_emotion(callback_dot):
    # calls (1), waits (none), calls-again (-2), hears-nothing (-1), gives-up (0): no line across `waits`.
    lines = re.findall(r"^  emo(\d+) -> emo(\d+) \[", callback_dot, flags=re.MULTILINE)
    assert lines == [("3", "4"), ("4", "5")]


def test_the_lowest_label_stays_off_the_curve(callback_dot):
    label = node(callback_dot, "emolow3")
    x, y = map(float, re.search(r'pos="([\d.]+),([\d.]+)!"', label).groups())
    w, h = (float(v) * 72 for v in re.search(r"width=([\d.]+), height=([\d.]+)", label).groups())
    box = (x - w / 2 - 1.1, y - h / 2 - 1.1, x + w / 2 + 1.1, y + h / 2 + 1.1)   # the line is 2.2 pt wide
    for pos in re.findall(r'^  emo\d+ -> emo\d+ \[.*pos="([^"]+)"', callback_dot, flags=re.MULTILINE):
        (x1, y1), *_, (x2, y2) = [tuple(map(float, p.split(","))) for p in pos.split()]
        for t in [n / 200 for n in range(201)]:
            px, py = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
            assert not (box[0] < px < box[2] and box[1] < py < box[3]), (px, py, box)


def test_card_text_is_cut_after_a_whole_word(callback_dot):
    card = node(callback_dot, "s1")
    assert "so the move<BR/>is\u2026" in card or "so the move is\u2026" in card.replace("<BR/>", " ")
    assert "not hel\u2026" not in card.replace("<BR/>", " ")


def test_measures_and_cost_are_on_the_card_and_in_the_legend(callback_dot):
    card = node(callback_dot, "s1").replace("<BR/>", " ")
    assert "handling time: 12 min vs target 5 min" in card and "calls answered: target 95 %" in card
    assert "cost: 4.20 EUR" in card
    legend = " ".join(re.findall(r"legendtext\d+ \[.*", callback_dot)).replace("<BR/>", " ")
    assert "Measure: a figure the team tracks at this step, its value today vs its target" in legend
    assert "Cost: what the step costs" in legend


def test_a_designed_repeat_is_drawn_with_its_claim(tmp_path):
    write(tmp_path, "line.yaml", LOOP.format(status="to-be", back=REPEAT))
    assert invoke("render", "line.yaml", "--format", "dot", "-o", "out", cwd=tmp_path).exit_code == 0
    dot = (tmp_path / "out" / "line.dot").read_text(encoding="utf-8")
    arrow = re.search(r"^  s1 -> s0 \[.*$", dot, flags=re.MULTILINE).group(0)
    assert 'class="handoff designed"' in arrow
    assert "\u21bb designed repeat, at most 2\u00d7: The technician is still there and tries again." in \
        node(dot, "l2").replace("<BR/>", " ")
    assert "Designed repeat (\u21bb): a loop the blueprint says is part of the design" in \
        " ".join(re.findall(r"legendtext\d+ \[.*", dot)).replace("<BR/>", " ")


def test_a_designed_repeat_and_a_measure_stay_text_in_the_diagram_and_the_report(tmp_path):
    hostile = LOOP.format(status="to-be", back='{to: fix, repeat: {why: "<b>x</b> \\\\N \\e[2J", at_most: 2}}')
    hostile = hostile.replace("    action: Connects the line.\n", "    action: Connects the line.\n"
                              "    measures: [{name: \"<i>time</i> \\\\N\", value: \"<12>\"}]\n")
    write(tmp_path, "line.yaml", hostile)
    result = invoke("check", "line.yaml", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "designed to repeat at most 2 times" in result.output
    assert invoke("render", "line.yaml", "--format", "dot", "-o", "out", cwd=tmp_path).exit_code == 0
    dot = (tmp_path / "out" / "line.dot").read_text(encoding="utf-8")
    labels = " ".join(re.findall(r"label=<(<TABLE.*?</TABLE>)>", dot)).replace("<BR/>", " ")   # not the tooltips
    assert "<b>x</b>" not in labels and "&lt;b&gt;x&lt;/b&gt; \\\\N" in labels and "\x1b" not in dot
    assert "&lt;i&gt;time&lt;/i&gt; \\\\N: &lt;12&gt;" in labels and "<i>time" not in labels


@pytest.mark.parametrize("name", sorted(format_examples()))
def test_each_format_page_example_is_valid_for_the_editor_schema(name):
    import jsonschema
    import yaml

    from blueprintgen.schema import json_schema

    blueprint, _ = format_examples()[name]
    assert list(jsonschema.Draft202012Validator(json_schema()).iter_errors(yaml.safe_load(blueprint))) == []


def test_the_editor_schema_refuses_a_repeat_without_a_bound_or_out_of_range():
    import jsonschema

    from blueprintgen.schema import json_schema

    repeat = json_schema()["$defs"]["repeat"]
    validator = jsonschema.Draft202012Validator(repeat)
    assert validator.is_valid({"why": "Tries again.", "at_most": 2})
    assert not validator.is_valid({"why": "Tries again."})
    assert not validator.is_valid({"why": "Tries again.", "at_most": 0})
    assert not validator.is_valid({"why": "Tries again.", "at_most": 100})
