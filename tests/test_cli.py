"""CLI behaviour through Click's runner: exit codes, exact output, help texts."""

import json
from pathlib import Path

import pytest

from blueprintgen import __version__
from blueprintgen.cli import main
from clirun import invoke
from helpers import BROKEN, EXAMPLES


def test_version():
    assert invoke("--version").output == f"blueprintgen, version {__version__}\n"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and f"blueprintgen {command}" in result.output


def test_validate_examples_exit_0():
    result = invoke("validate", EXAMPLES)
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("blueprint(s) valid\n")


def test_validate_broken_folder_one_line_per_file_exit_1():
    result = invoke("validate", BROKEN)
    files = sorted(BROKEN.glob("*.yaml"))
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert len(lines) == len(files)
    assert sorted(line.split(":", 1)[0] for line in lines) == sorted(str(f) for f in files)
    assert "Traceback" not in result.output


def test_usage_errors_exit_2(tmp_path):
    assert invoke("validate", tmp_path / "missing.yaml").exit_code == 2
    assert invoke("check", "--format", "xml", EXAMPLES).exit_code == 2


def test_no_blueprints_folder_is_a_usage_error(tmp_path):
    result = invoke("validate", cwd=tmp_path)
    assert result.exit_code == 2
    assert "there is no blueprints/ folder here" in result.output


def test_schema_is_json_with_every_step_key():
    schema = json.loads(invoke("schema").output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["$defs"]["step"]["properties"]) >= {"id", "lane", "action", "owner", "next", "promise", "failure"}
    assert schema["$defs"]["step"]["additionalProperties"] is False


def test_committed_schema_file_matches_the_code():
    committed = (Path(__file__).parent.parent / "schema" / "blueprint.schema.json").read_text()
    assert committed == invoke("schema").output, "run: blueprintgen schema > schema/blueprint.schema.json"


@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF"), ("dot", b"digraph")])
def test_render_writes_every_example_in_every_format(tmp_path, fmt, magic):
    result = invoke("render", EXAMPLES, "-o", tmp_path, "--format", fmt)
    assert result.exit_code == 0, result.output
    ids = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{i}.{fmt}" for i in ids)
    assert all((tmp_path / f"{i}.{fmt}").read_bytes().startswith(magic) for i in ids)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["dot", "svg", "png", "pdf"])
def test_render_is_byte_identical_across_runs(tmp_path, fmt):
    import time
    invoke("render", EXAMPLES, "-o", tmp_path / "a", "--format", fmt)
    time.sleep(1.1)   # a PDF is stamped with the time to the second: the runs are in different seconds
    invoke("render", EXAMPLES, "-o", tmp_path / "b", "--format", fmt)
    firsts = sorted((tmp_path / "a").iterdir())
    assert len(firsts) == len(list(EXAMPLES.glob("*.yaml")))
    for first in firsts:
        data = first.read_bytes()
        assert data == (tmp_path / "b" / first.name).read_bytes()
        if fmt == "pdf":   # the fixed date kept every byte offset: the cross-reference table is where it says
            offset = int(data.rsplit(b"startxref", 1)[1].split()[0])
            assert data[offset:offset + 4] == b"xref" and b"/CreationDate (D:20000101000000Z)" in data


def test_render_without_graphviz_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))   # no `neato` or `dot` to be found
    result = invoke("render", EXAMPLES / "double-charge-refund.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "apt-get install graphviz" in result.output
    assert "Traceback" not in result.output
    every = invoke("render", EXAMPLES, "-o", tmp_path / "out")   # said once, not once per blueprint
    assert every.exit_code == 1 and every.stderr.count("apt-get install graphviz") == 1
    assert every.stderr.startswith(f"error: no diagram could be drawn ({len(list(EXAMPLES.glob('*.yaml')))} "
                                   "blueprints): Graphviz is not installed")


def test_render_into_a_folder_that_cannot_be_made_says_so_and_writes_nothing(tmp_path):
    (tmp_path / "afile").write_text("")
    result = invoke("render", EXAMPLES, "-o", tmp_path / "afile" / "sub")
    assert result.exit_code == 2
    assert result.stderr == (f"{tmp_path}/afile/sub: error: cannot create the output folder: Not a directory "
                             "(hint: give a folder with -o that can be made, not inside a file)\n")


@pytest.mark.parametrize("command", [["validate"], ["render", "-o", "out"]])
def test_the_default_folder_is_reported_as_typed_not_absolute(tmp_path, command):
    # The project (found by its .git) gives the default folder as an absolute path.
    (tmp_path / ".git").mkdir()
    (tmp_path / "blueprints").mkdir()
    (tmp_path / "blueprints" / "zz.yaml").write_text("title: x\nsteps:\n  - id: a\n    lane: customr\n    action: A\n")
    result = invoke(*command, cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output.startswith("blueprints/zz.yaml:4:11: error: steps[0].lane 'customr' is not one of")


def test_upper_case_extensions_are_blueprints_too(tmp_path):
    (tmp_path / "Sub").mkdir()
    text = (EXAMPLES / "double-charge-refund.yaml").read_text()
    (tmp_path / "Sub" / "refund.YAML").write_text(text)
    (tmp_path / "headset.Yml").write_text((EXAMPLES / "beauty-store-headset-help.yaml").read_text())
    result = invoke("validate", tmp_path)
    assert result.exit_code == 0 and result.stderr == "2 blueprint(s) valid\n", result.output


@pytest.mark.parametrize("command", ["validate", "render", "baseline"])
def test_standard_input_is_for_check_only_and_says_so(tmp_path, command):
    args = [command, "-"] if command != "baseline" else [command, str(tmp_path / "b.json"), "-"]
    result = invoke(*args, input="title: x\n")
    assert result.exit_code == 2 and "is read by `check` only" in result.output
    assert "No such file" not in result.output


def test_check_of_standard_input_without_a_file_name_needs_no_id(tmp_path):
    text = "title: T\nsteps:\n  - id: a\n    lane: customer\n    action: A\n    end: resolved\n"
    result = invoke("check", "--format", "json", "-", input=text)
    assert result.exit_code == 0, result.output
    assert [b["id"] for b in json.loads(result.stdout)["blueprints"]] == ["stdin"]


def test_a_to_be_that_redesigns_itself_is_told_so(tmp_path):
    (tmp_path / "me.yaml").write_text("id: me\nstatus: to-be\nredesigns: me\ntitle: T\nsteps:\n"
                                      "  - id: a\n    lane: customer\n    action: A\n    end: resolved\n")
    result = invoke("validate", tmp_path / "me.yaml")
    assert result.exit_code == 1
    assert result.stdout == (f"{tmp_path}/me.yaml:3:12: error: blueprint 'me' redesigns itself "
                             "(hint: give the id of the as-is blueprint this one redesigns)\n")
