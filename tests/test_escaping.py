"""Every output is escaped for where it goes (issue 26), through the real command line.

A setting, a file name from git, a baseline entry or a blueprint text must not forge a line on
a terminal, a workflow command in a GitHub Actions log, or a link in GitHub Markdown (the job
summary). Each test builds a small project in tmp_path, runs `python -m blueprintgen`, and
reads the output as its destination does: GitHub's runner rules for workflow commands
(`runner_commands`, after actions/runner's ActionCommand.cs) and cmark-gfm with GitHub's
extensions for Markdown.
"""

from __future__ import annotations

import html
import json
import re
from functools import partial
from pathlib import Path

import cmarkgfm   # GitHub's own Markdown renderer (cmark-gfm); in the test extra
import pytest

import helpers
from helpers import git, needs_graphviz, run

PHISH = "https://evil.example/phish www.evil.example a@evil.example"
PHISH_NAME = "www.evil.example a@evil.example"   # a file name cannot hold the `/` of a web address
FORGED = "::error file=README.md,line=1,title=Security::FORGED"
# The commands GitHub's runner knows: a line naming one of these is acted on.
REGISTERED = {"error", "warning", "notice", "debug", "group", "endgroup", "add-mask", "add-matcher",
              "remove-matcher", "echo", "save-state", "set-output", "set-env", "add-path", "stop-commands"}
# The real command line; output that is not UTF-8 is kept as bytes, for the assertions to show.
blueprintgen = partial(helpers.blueprintgen, errors="surrogateescape", timeout=120)


def runner_commands(output: str) -> list[tuple[str, dict, str]]:
    """(command, properties, data) of each line GitHub's runner would act on, unescaped as it does:
    `::name props::data` when a line starts with it (after white space), `##[name]data` anywhere."""
    commands = []
    for line in re.split(r"\r\n|\r|\n", output):   # how the runner reads a step's output into lines
        message = line.lstrip()
        if message.startswith("::") and message.find("::", 2) > 0:
            end = message.find("::", 2)
            name, _, props = message[2:end].partition(" ")
            if name in REGISTERED:
                properties = dict(pair.split("=", 1) for pair in props.strip().split(",") if "=" in pair)
                commands.append((name, {key: _unescape(value, True) for key, value in properties.items()},
                                 _unescape(message[end + 2:], False)))
                continue
        at = line.find("##[")
        if at >= 0 and line.find("]", at) > 0:
            name = line[at + 3:line.find("]", at)].split(" ")[0]
            if name in REGISTERED:
                commands.append((name, {}, line[line.find("]", at) + 1:]))
    return commands


def _unescape(text: str, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else []) + [("%25", "%")]
    for escaped, plain in pairs:
        text = text.replace(escaped, plain)
    return text


def lines_of(output: str) -> list[str]:
    """The lines a terminal shows (a CR returns to the start of the line: a line of its own)."""
    return re.split(r"\r\n|\r|\n|\x0b|\x0c|\x85|\u2028|\u2029", output)


def gfm(markdown: str) -> str:
    """The Markdown as GitHub shows it: cmark-gfm with autolink, table, strikethrough and tagfilter."""
    return cmarkgfm.markdown_to_html_with_extensions(
        markdown, extensions=["autolink", "table", "strikethrough", "tagfilter"])


def shown_text(page: str) -> str:
    """What a reader sees of rendered HTML: its text, references decoded, word joiners invisible."""
    return html.unescape(re.sub(r"<[^>]+>", "", page)).replace("\u2060", "")


def to_be(title: str = "Refund", owner: str = "Desk", end: bool = False) -> str:
    """A to-be blueprint; without `end`, its last step is a dead end (a high finding that fails the gate)."""
    last = ", end: resolved" if end else ""
    return (f"title: {json.dumps(title)}\nstatus: to-be\nowners:\n  o: {{name: {json.dumps(owner)}}}\n"
            f"steps:\n  - {{id: a, lane: customer, action: Asks., next: [b]}}\n"
            f"  - {{id: b, lane: frontstage, owner: o, action: Answers.{last}}}\n")


@pytest.fixture
def project(tmp_path) -> Path:
    path = tmp_path / "project"
    (path / "blueprints").mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    return path


# -- 1. settings, usage errors and baselines reach the log escaped ---------------------------------


@pytest.mark.parametrize("value, shown", [
    (f"blueprints\n{FORGED}", f"blueprints\\x0a{FORGED}"),                  # a newline starts a command
    ("blueprints ##[error]FORGED", "blueprints ##\\x5berror]FORGED"),        # the runner's older syntax
    ("blueprints\r\x1b[2JFORGED\u202e", "blueprints\\x0d\\x1b[2JFORGED\\u202e"),
])
def test_a_setting_in_pyproject_cannot_forge_a_workflow_command(project, value, shown):
    (project / "blueprints").rmdir()
    (project / "pyproject.toml").write_text(f"[tool.blueprintgen]\nblueprints_dir = {json.dumps(value)}\n",
                                            encoding="utf-8")
    result = blueprintgen("check", "--format", "github", cwd=project)
    assert result.returncode == 2, result.stderr
    assert runner_commands(result.stdout + result.stderr) == []
    assert f"Error: there is no {shown}/ folder here" in result.stderr
    assert "\x1b" not in result.stderr and "\r" not in result.stderr and not any(
        line.lstrip().startswith("::") for line in lines_of(result.stderr))


def test_a_baseline_named_in_the_settings_cannot_start_a_workflow_command(project):
    (project / "blueprints" / "a.yaml").write_text(to_be(end=True))
    (project / "pyproject.toml").write_text('[tool.blueprintgen]\nbaseline = "::error file=README.md::FORGED"\n')
    result = blueprintgen("check", "--config", "pyproject.toml", "--format", "github", cwd=project)
    assert result.returncode == 2, result.stderr
    assert runner_commands(result.stdout + result.stderr) == []
    assert result.stderr.startswith("\\x3a:error file=README.md::FORGED:1:1: error: the baseline file does not exist")


def test_a_usage_error_shows_the_argument_escaped(project):
    result = blueprintgen("check", f"missing\n{FORGED}", "--format", "github", cwd=project)
    assert result.returncode == 2
    assert runner_commands(result.stdout + result.stderr) == []
    assert f"'missing\\x0a{FORGED}' does not exist" in result.stderr


def test_a_config_error_shows_the_value_escaped(project):
    (project / "pyproject.toml").write_text('[tool.blueprintgen]\nfail_on = "##[error]FORGED"\n')
    result = blueprintgen("check", "--format", "github", cwd=project)
    assert result.returncode == 2
    assert runner_commands(result.stdout + result.stderr) == []
    assert result.stderr == ("pyproject.toml:2:11: error: fail_on '##\\x5berror]FORGED' is not one of low, medium, "
                             "high, never\n")


# -- 2. no link in GitHub Markdown ------------------------------------------------------------------


def test_the_diff_summary_makes_no_link_of_titles_file_names_or_messages(project):
    (project / "blueprints" / "refund.yaml").write_text("id: refund\n" + to_be(f"Refund {PHISH}", end=True))
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "base")
    named = project / "blueprints" / f"{PHISH_NAME}.yaml"
    (project / "blueprints" / "refund.yaml").rename(named)
    named.write_text("id: refund\n" + to_be(f"Refund {PHISH}"))                  # a dead end: introduced
    (project / "blueprints" / "broken.yaml").write_text(
        f"title: B\nsteps:\n  - {{id: a, lane: {json.dumps(PHISH)}, action: x, end: resolved}}\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "head")
    result = blueprintgen("diff", "HEAD~1", "HEAD", "--format", "markdown", cwd=project)
    assert result.returncode == 1, result.stderr                 # a failing break and an invalid blueprint
    for page in (gfm(result.stdout), cmarkgfm.github_flavored_markdown_to_html(result.stdout)):
        assert "<a" not in page, page
        text = shown_text(page)
        assert f"Refund {PHISH}" in text                                        # the title, in the table and list
        assert f"blueprints/{PHISH_NAME}.yaml:8" in text                        # the file, in a code span
        assert f"'{PHISH}' is not one of" in text                               # the message of the invalid one


@needs_graphviz
def test_generated_pages_make_no_link_of_blueprint_text(project):
    (project / "blueprints" / "refund.yaml").write_text(
        f"title: {json.dumps('Refund ' + PHISH)}\nstatus: to-be\nsummary: {json.dumps(PHISH)}\n"
        f"tags: [{json.dumps(PHISH)}]\nowners:\n  o: {{name: {json.dumps(PHISH)}, team: {json.dumps(PHISH)}}}\n"
        f"steps:\n  - {{id: a, lane: customer, action: {json.dumps(PHISH)}, next: [b]}}\n"
        f"  - {{id: b, lane: frontstage, owner: o, action: {json.dumps(PHISH)}, end: resolved}}\n")
    result = blueprintgen("generate", "-o", "out", cwd=project)
    assert result.returncode == 0, result.stderr
    pages = sorted((project / "out").rglob("*.md"))
    assert len(pages) > 5
    for page in pages:
        rendered = gfm(page.read_text(encoding="utf-8"))
        # The only links are blueprintgen's own, to its pages: relative, never a web or mail address.
        for href in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', rendered):
            assert not re.match(r"(?i)[a-z][a-z0-9+.-]*:|//|www\.", href), (page.name, href)
    front = gfm((project / "out" / "refund.md").read_text(encoding="utf-8"))
    assert f"Refund {PHISH}" in shown_text(front)                            # the title still reads the same


# -- 3. terminals get one line per message, controls as escapes -------------------------------------


def test_diff_text_shows_a_file_name_from_git_on_one_line(project):
    (project / "blueprints" / "a.yaml").write_text(to_be(end=True))
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "base")
    (project / "blueprints" / "b.yaml\nerror: all is well\x1b[2J.yaml").write_text("id: b\n" + to_be())
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "head")
    result = blueprintgen("diff", "HEAD~1", "HEAD", cwd=project)
    assert result.returncode == 1, result.stderr                 # the new blueprint's dead end fails the gate
    assert not any(line.startswith("error: all is well") for line in lines_of(result.stdout)), result.stdout
    assert "\x1b" not in result.stdout
    assert "  introduced: blueprints/b.yaml\\x0aerror: all is well\\x1b[2J.yaml:8: high dead-end: " in result.stdout


def _baseline(project: Path, name: str) -> Path:
    path = project / "baseline.json"
    path.write_text(json.dumps({"version": 1, "findings": {"gone:dead-end:b:": {
        "blueprint": name, "rule": "dead-end", "step": "b", "target": None, "count": 1}}}))
    return path


def test_check_baseline_fixed_lines_are_one_line_on_a_terminal(project):
    (project / "blueprints" / "a.yaml").write_text(to_be(end=True))
    baseline = _baseline(project, "gone\nerror: all is well\x1b[2J\r")
    result = blueprintgen("check", "--baseline", baseline, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not any(line.startswith("error: all is well") for line in lines_of(result.stdout)), result.stdout
    assert "\x1b" not in result.stdout and "\r" not in result.stdout
    assert (f"{baseline}: fixed: dead-end in blueprint 'gone\\x0aerror: all is well\\x1b[2J\\x0d' at step 'b' "
            "is no longer found") in result.stdout


# -- 4. workflow commands escaped by GitHub's rules, exactly -----------------------------------------


def test_workflow_command_data_and_properties_follow_githubs_rules(project):
    # A file name and an owner name with every character GitHub's rules escape, and a terminal escape.
    name = "a,b:c%d\re"
    (project / "blueprints" / f"{name}.yaml").write_text("id: a\n" + to_be(owner="Desk 50%\r\nX:Y,\x1b[2J"))
    (project / "blueprints" / f"{name}-broken.yaml").write_text("title: [\n")
    baseline = _baseline(project, "gone 5%\r\n::error::FORGED")
    result = blueprintgen("check", "--baseline", baseline, "--format", "github", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    commands = runner_commands(result.stdout + result.stderr)
    assert [(command, props.get("file")) for command, props, _ in commands] == [
        ("error", f"blueprints/{name}-broken.yaml"), ("error", f"blueprints/{name}.yaml"), ("notice", None)]
    invalid, finding, fixed = commands
    assert finding[2].startswith("Step 'b' (Desk 50%\r\nX:Y,\\x1b[2J) has no next step")
    assert finding[1]["title"] == "blueprintgen high dead-end"
    assert fixed[2].startswith(f"{baseline}: fixed: dead-end in blueprint 'gone 5%\r\n::error::FORGED' at step 'b'")
    lines = result.stdout.splitlines()
    assert f"::error file=blueprints/a%2Cb%3Ac%25d%0De.yaml,line=8,col=5,title=blueprintgen high dead-end::" \
           "Step 'b' (Desk 50%25%0D%0AX:Y,\\x1b[2J) has no next step" in "\n".join(lines)
    assert any(line.startswith("::notice title=blueprintgen fixed::") and "'gone 5%25%0D%0A::error::FORGED'" in line
               for line in lines)


# -- 5. a file name cannot forge a line of output -----------------------------------------------------

def test_a_file_name_cannot_forge_a_line_of_output(tmp_path):
    folder = tmp_path / "blueprints"
    folder.mkdir()
    name = "x.yaml\nforged.yaml:1:1: error: all is well\x1b[2J"
    (folder / f"{name}.yaml").write_text("title: T\nsteps: [\n")
    for command in (["validate"], ["check"], ["check", "--format", "github"]):
        result = run(*command, folder, cwd=tmp_path)
        assert result.returncode == 1
        lines = result.stdout.splitlines()
        assert not any(line.startswith("forged") for line in lines), lines
        assert "\x1b" not in result.stdout
    shown = run("validate", folder, cwd=tmp_path).stdout
    assert shown.startswith(f"{folder}/x.yaml\\x0aforged.yaml:1:1: error: all is well\\x1b[2J.yaml:3:1: error: ")

