"""The priority of findings (priority.py): the formula and the worked example of docs/rules.md, who owns a fix,
the fix in people's words, and the `volume` a measure carries."""

import random
import re

import pytest

from blueprintgen.actions import action
from blueprintgen.analysis import analyse
from blueprintgen.loader import load_bytes
from blueprintgen.priority import (DAY, WEEK, Moment, priority, ranked_findings, reach, reason, summarise, team_of,
                                   wait_points)
from blueprintgen.site.pages import Layout, portfolio_pages
from helpers import ROOT

RULES_DOC = (ROOT / "docs" / "rules.md").read_text()
PRIORITY_DOC = RULES_DOC.split("## Priority: what to fix first", 1)[1]


def _load(text: str, name: str = "t"):
    loaded = load_bytes(text.encode(), f"{name}.yaml", name)
    assert loaded.problems == (), loaded.problems
    return loaded.blueprints[0]


def _worked_example():
    """The worked example's blueprint and its table rows, (number, rule, step, priority, team), as docs/rules.md has them."""
    yaml_text = PRIORITY_DOC.split("**Worked example.**", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    rows = re.findall(r"^\| (\d+) \| ([a-z-]+) \| ([a-z-]+) \| .* = \*\*(\d+)\*\* \| ([^|]+) \|$", PRIORITY_DOC, re.M)
    assert len(rows) == 6
    return _load(yaml_text, "refund"), [(int(n), rule, step, int(p), team.strip()) for n, rule, step, p, team in rows]


def test_the_worked_example_in_the_docs_is_what_the_code_computes():
    blueprint, rows = _worked_example()
    ranked = ranked_findings(analyse(blueprint))
    got = [(r.finding.number, r.finding.rule, r.finding.step, r.priority, r.team or "No owner")
           for r in sorted(ranked, key=lambda r: r.key)]
    assert got == rows                        # worst first, ties by number, exactly as the table lists them
    summary = summarise(ranked)
    assert summary.priority == 360 == sum(row[3] for row in rows)
    words = reason(summary)
    assert words == "1 high · 5 medium, lowest feeling \u22122, longest wait 2 weeks, 1,200 customers"
    assert " ".join(words.split()) in " ".join(PRIORITY_DOC.split())
    first = min(ranked, key=lambda r: r.key).finding
    assert action(blueprint, first) in " ".join(PRIORITY_DOC.replace("*", "").split())


@pytest.mark.parametrize("minutes, points", [(0, 0), (1, 1), (DAY - 1, 1), (DAY, 2), (WEEK - 1, 2), (WEEK, 3),
                                             (52 * WEEK, 3)])
def test_waits_count_in_steps_of_a_day_and_a_week(minutes, points):
    assert wait_points(minutes) == points


@pytest.mark.parametrize("volume, digits", [(None, 1), (0, 1), (1, 1), (9, 1), (10, 2), (1200, 4), (999_999_999, 9)])
def test_reach_is_the_number_of_digits_of_the_customers(volume, digits):
    assert reach(volume) == digits


def test_the_formula_multiplies_severity_felt_and_reach():
    # high, on the customer's side, feeling -2, waiting two weeks, 12,000 customers: 9 x (1+1+2+3) x 5.
    assert priority("high", Moment(True, -2, 2 * WEEK, 12_000)) == 9 * 7 * 5
    # low, behind the line, content, no wait, unknown volume: the smallest priority there is.
    assert priority("low", Moment(False, 2, 0, None)) == 1
    assert priority("medium", Moment(False, -1, 0, None)) == 3 * 2


FEELINGS = """\
title: Carried
owners: {d: {name: Desk}}
steps:
  - {id: a, lane: customer, action: Asks, emotion: -2, measures: [{name: asks, volume: 40}]}
  - {id: b, lane: backstage, owner: d, action: Looks}
  - {id: c, lane: customer, action: Hears back, emotion: 1, measures: [{name: left, volume: 5}, {name: all, volume: 300}]}
  - {id: d, lane: backstage, owner: d, action: Files it, end: resolved}
"""


def test_feeling_and_volume_hold_until_a_later_step_says_otherwise():
    blueprint = _load(FEELINGS)
    from blueprintgen.priority import moments
    at = moments(blueprint)
    assert (at["b"].feeling, at["b"].volume, at["b"].seen) == (-2, 40, False)
    assert (at["d"].feeling, at["d"].volume) == (1, 300)   # the largest volume of the step that gives one


OWNERS = """\
title: Owners
owners:
  agent: {name: Agent Ann, team: Contact centre}
  desk: {name: Desk}
channels:
  inbox: {name: Shared inbox}
steps:
  - {id: calls, lane: customer, action: Calls, next: [{to: answers, via: inbox}]}
  - {id: answers, lane: frontstage, owner: agent, action: Answers}
  - {id: files, lane: backstage, action: Files it}
  - {id: checks, lane: backstage, owner: desk, action: Checks}
"""


def test_every_finding_has_one_owner_and_the_rest_are_no_owner():
    blueprint = _load(OWNERS)
    analysis = analyse(blueprint)
    owners = {(f.rule, f.step): team_of(blueprint, f) for f in analysis.findings}
    # The unwatched inbox sits on the customer's step; the team that receives the arrow must act.
    assert owners[("unwatched-channel", "calls")] == "Contact centre"
    assert owners[("missing-owner", "files")] is None            # nobody owns the step: No owner
    assert owners[("dead-end", "checks")] == "Desk"               # no team: the owner's name
    # On the site, "No owner" is a group with its own page, and the teams add up to the portfolio.
    pages = portfolio_pages([analysis], Layout(source_links=True))
    nobody = pages["blueprints/owners/no-owner.md"].full()
    assert "No owner" in nobody and "Give “Files it” an owner who is accountable for doing it" in nobody
    index = pages["blueprints/owners.md"].full()
    breaks = [int(n) for n in re.findall(r"<tr><td><a [^>]*>[^<]*</a></td><td>\d+</td><td>[^<]*</td><td>(\d+)</td>",
                                         index)]
    assert sum(breaks) == len(analysis.findings) and len(breaks) == 3


def test_fix_text_is_filled_from_the_finding_and_stays_text():
    hostile = "<script>alert(1)</script> {step} {0} {promise.what}"
    blueprint = _load(f"""\
title: T
owners: {{d: {{name: D}}}}
steps:
  - id: a
    lane: frontstage
    owner: d
    action: "{hostile}"
    promise: {{what: "<b>soon</b>"}}
    end: resolved
""")
    finding = next(f for f in analyse(blueprint).findings if f.rule == "vague-promise")
    text = action(blueprint, finding)
    assert text.startswith("Say by when the promise “<b>soon</b>” made at “<script>alert(1)</script> {step}")
    # Braces in the blueprint's own words are never read as a template; the page escapes the text.
    pages = portfolio_pages([analyse(blueprint)], Layout(source_links=True))
    home = pages["index.md"].full()
    assert "&lt;b&gt;soon&lt;/b&gt;" in home and "<b>soon</b>" not in home


def test_a_measure_volume_is_digits_and_appears_in_the_schema():
    bad = load_bytes(b"title: T\nsteps:\n  - {id: a, lane: customer, action: x, measures: [{name: m, volume: 12k}]}\n",
                     "v.yaml", "v")
    assert [str(p) for p in bad.problems] == [
        "v.yaml:3:69: error: steps[0].measures[0].volume '12k' is not a whole number of customers "
        "(hint: write how many customers pass this step, as digits only, e.g. `volume: 1200`)"]
    from blueprintgen.schema import json_schema
    assert json_schema()["$defs"]["measure"]["properties"]["volume"]["maximum"] == 999_999_999


def test_ranking_does_not_depend_on_the_order_blueprints_are_read_in():
    texts = [FEELINGS.replace("Carried", f"Carried {n}") for n in range(4)] + [OWNERS]
    analyses = [analyse(_load(text, f"b{n}")) for n, text in enumerate(texts)]
    layout = Layout(source_links=True)
    first = {path: page.full() if hasattr(page, "full") else page for path, page in portfolio_pages(analyses, layout).items()}
    shuffled = analyses[:]
    random.Random(3).shuffle(shuffled)
    again = {path: page.full() if hasattr(page, "full") else page for path, page in portfolio_pages(shuffled, layout).items()}
    assert again == first


def test_every_rule_says_its_fix_for_people_on_its_example_with_every_name_filled():
    from blueprintgen.rules import RULES
    from blueprintgen.rulesdoc import example_findings, split_example

    for rule in RULES:
        blueprint = _load(split_example(rule.module.FAILING)[1], "example")
        finding = next(f for f in example_findings(rule.module.FAILING) if f.rule == rule.slug)
        text = action(blueprint, finding)
        assert rule.action != rule.hint and "{" not in text and "`" not in text, (rule.slug, text)
        assert f"*{text}*" in RULES_DOC.replace("\n", " ") or text in " ".join(RULES_DOC.split()), rule.slug


def test_a_rule_whose_action_is_not_text_is_refused():
    import types

    from blueprintgen.rules import register
    from blueprintgen.rules import unrecovered_failure as model

    module = types.ModuleType("odd_rule", "odd-rule: a rule whose action is a number.")
    for name in ("ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "FAILING", "PASSING", "check"):
        setattr(module, name, getattr(model, name))
    module.ID, module.ACTION = "odd-rule", 3
    with pytest.raises(ValueError, match="ACTION must be a text"):
        register(module)


def test_the_diagram_card_and_the_step_list_show_the_volume():
    from blueprintgen.diagram.cards import measure_text
    from blueprintgen.site.journey_pages import step_layers

    blueprint = _load(FEELINGS)
    step = blueprint.step_by_id["c"]
    assert [measure_text(m) for m in step.measures] == ["left (5 customers)", "all (300 customers)"]
    assert ("Measure", "all (300 customers)") in step_layers(blueprint, step)
