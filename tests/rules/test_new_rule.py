"""Adding a rule takes one module and its test folder: a temporary rule, registered as rules/__init__.py says,
shows in `blueprintgen check`, the JSON Schemas, the settings and docs/rules.md, and nowhere once taken out."""

import importlib.util
import json

import pytest

from blueprintgen import rules, rulesdoc
from blueprintgen.config import ConfigError, settings_from_options
from blueprintgen.model import Duration
from clirun import invoke
from rulecases import HERE, check, read

RULES_DOC = HERE.parent.parent / "docs" / "rules.md"

RULE = '''"""slow-step: a step that takes longer than the step limit.

A step whose `duration:` is longer than `step_limit` keeps the customer waiting through it.
"""

from blueprintgen.model import Duration
from blueprintgen.rules import Option

ID = "slow-step"
ORDER = 135
SEVERITY = "low"
TITLE = "Slow step"
MEANING = "A step takes longer than the step limit, and the customer waits through it."
FIX = "split the step, or make it faster"
OPTIONS = {"step_limit": Option(Duration, Duration("1d", 24 * 60), "the longest one step may take",
                                minimum=Duration("1h", 60), maximum=Duration("4w", 4 * 7 * 24 * 60))}


def check(ctx):
    limit = ctx.option("step_limit")
    for step in ctx.journey.steps:
        if step.duration is not None and step.duration.minutes > limit.minutes:
            ctx.emit(ID, step, step.position,
                     f"Step {ctx.words.step(step)} takes {step.duration.text}, longer than {limit.text}.",
                     f"split step '{step.id}', or make it faster (the limit is `step_limit: {limit.text}`)")


FAILING = """\\
# the repair takes two days.
title: Repair
owners:
  lab: {name: Repair lab}
steps:
  - id: drops-off
    lane: customer
    action: Drops off the bike.
  - id: lab-repairs
    lane: frontstage
    owner: lab
    duration: 2d
    action: Repairs the bike.
    end: resolved
"""
PASSING = """\\
# the repair takes four hours.
title: Repair
owners:
  lab: {name: Repair lab}
steps:
  - id: drops-off
    lane: customer
    action: Drops off the bike.
  - id: lab-repairs
    lane: frontstage
    owner: lab
    duration: 4h
    action: Repairs the bike.
    end: resolved
"""
'''

# Its test folder: tests/rules/slow_step/*.yaml, one case each, with the findings it gives.
CASES = {
    "takes-two-days.yaml": "# The repair takes two days: more than the default limit of a day.\n"
                           "# expect: 10:5 low slow-step lab-repairs\n",
    "takes-four-hours.yaml": "# Passing twin: four hours.\n# expect no: slow-step\n",
}


@pytest.fixture
def slow_step(tmp_path):
    """The rule, as one module file, registered for the test and taken out after it."""
    path = tmp_path / "slow_step.py"
    path.write_text(RULE)
    spec = importlib.util.spec_from_file_location("slow_step", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    before = list(rules.RULES)
    rules.register(module)
    yield module
    rules.unregister(module.ID)
    assert rules.RULES == before and "step_limit" not in rules.options()


def project(tmp_path, module, settings: str = "", pyproject: bool = False):
    """A project folder with the rule's failing example as its only blueprint, and its settings."""
    folder = tmp_path / "project"
    (folder / "blueprints").mkdir(parents=True)
    (folder / "blueprints" / "repair.yaml").write_text(rulesdoc.split_example(module.FAILING)[1])
    if pyproject:
        (folder / "pyproject.toml").write_text(f"[tool.blueprintgen]\n{settings}")
    else:
        (folder / "mkdocs.yml").write_text(f"site_name: S\nplugins:\n  - blueprints:\n{settings}")
    return folder


def test_its_test_folder_runs_like_every_rule_s(slow_step, tmp_path):
    folder = tmp_path / "slow_step"
    folder.mkdir()
    failing, passing = (rulesdoc.split_example(text)[1] for text in (slow_step.FAILING, slow_step.PASSING))
    for (name, header), blueprint in zip(CASES.items(), (failing, passing)):
        (folder / name).write_text(header + blueprint)
        check(read(folder / name))


def test_it_shows_in_check(slow_step, tmp_path):
    result = invoke("check", cwd=project(tmp_path, slow_step))
    assert result.exit_code == 0, result.output   # a low finding in an as-is blueprint fails nothing
    assert ("blueprints/repair.yaml:8:5: low slow-step (as-is): Step 'lab-repairs' (Repair lab) takes 2d, longer "
            "than 1d. (hint: split step 'lab-repairs', or make it faster (the limit is `step_limit: 1d`))") \
        in result.output
    entries = json.loads(invoke("check", "--format", "json", cwd=project(tmp_path / "json", slow_step)).output)
    assert [(f["rule"], f["step"]) for entry in entries["blueprints"] for f in entry["findings"]] == [
        ("slow-step", "lab-repairs")]


def test_its_option_is_read_from_pyproject_and_mkdocs_yml_and_held_to_its_limits(slow_step, tmp_path):
    assert "slow-step" not in invoke("check", cwd=project(tmp_path / "p", slow_step, 'step_limit = "3d"\n',
                                                          pyproject=True)).output
    assert "slow-step" not in invoke("check", cwd=project(tmp_path / "m", slow_step, "      step_limit: 3d\n")).output
    refused = invoke("check", cwd=project(tmp_path / "r", slow_step, "      step_limit: 30m\n"))
    assert refused.exit_code == 2
    assert refused.output == "mkdocs.yml:4:19: error: step_limit '30m' must be a duration from 1h to 4w\n"
    assert settings_from_options({"step_limit": "2h"}, "mkdocs.yml").option("step_limit") == Duration("2h", 120)
    with pytest.raises(ConfigError, match="step_limit '5w' must be a duration from 1h to 4w"):
        settings_from_options({"step_limit": "5w"}, "mkdocs.yml")
    settings = settings_from_options({"severities": {"slow-step": "high"}}, "mkdocs.yml")
    assert settings.severity("slow-step") == "high" and settings.option("step_limit") == Duration("1d", 24 * 60)


def test_it_shows_in_the_json_schemas(slow_step):
    settings = json.loads(invoke("schema", "--settings").output)["properties"]["step_limit"]
    assert settings["description"].startswith("the longest one step may take (default: 1d; a duration from 1h to 4w)")
    assert {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?(m|h|d|w)$", "default": "1d"} in settings["anyOf"]
    blueprint = json.loads(invoke("schema").output)
    assert "slow-step" in blueprint["$defs"]["ignore"]["properties"]["rule"]["enum"]


def test_a_blueprint_may_ignore_it(slow_step, tmp_path):
    folder = project(tmp_path, slow_step)
    with (folder / "blueprints" / "repair.yaml").open("a") as handle:
        handle.write("ignore:\n  - rule: slow-step\n    reason: Repairs take what they take.\n")
    result = invoke("check", cwd=folder)
    assert result.exit_code == 0 and "low slow-step" not in result.output


def test_it_shows_in_the_docs(slow_step):
    text = rulesdoc.render(RULES_DOC.read_text(encoding="utf-8"))
    assert "| [slow-step](#slow-step) | low | A step that takes longer than the step limit. |" in text
    section = text.split("\n## slow-step\n")[1].split("\n## ")[0]
    assert "**What it means for the customer:** A step takes longer than the step limit" in section
    assert "**Fix:** split the step, or make it faster." in section
    assert "| `step_limit` | `1d` | a duration from 1h to 4w | the longest one step may take |" in section
    assert "Line 8, column 5, step lab-repairs: low slow-step\n    Step 'lab-repairs' (Repair lab) takes 2d" in section
    assert "**Breaks:** the repair takes two days." in section and "**Fixed:** the repair takes four hours." in section
    # In catalogue order, by its ORDER: after handoff-chain, before unreachable-step.
    assert text.index("\n## handoff-chain\n") < text.index("\n## slow-step\n") < text.index("\n## unreachable-step\n")
    assert "| `step_limit` | [slow-step](#slow-step) | `1d` |" in text


def test_once_taken_out_it_is_gone(slow_step, tmp_path):
    rules.unregister(slow_step.ID)
    try:
        with pytest.raises(ConfigError, match="unknown blueprints option 'step_limit'"):
            settings_from_options({"step_limit": "2h"}, "mkdocs.yml")
        text = RULES_DOC.read_text(encoding="utf-8")
        assert rulesdoc.render(text) == text
    finally:
        rules.register(slow_step)

