"""The configuration: mkdocs.yml (and what it INHERITs, its !ENV tags) read by the same rules as a
blueprint, and the plugin's settings checked once, the same way, for every command.

Real commands in fresh processes; an unreadable parent is tried as an unprivileged user when the
suite runs as root.
"""

from __future__ import annotations

import os

import pytest

from clirun import invoke
from helpers import fake_graphviz, needs_graphviz, posix_only, project, run


# -- the config file is read by the same rules as a blueprint ---------------------------------------

@posix_only
@pytest.mark.parametrize("command", ["validate", "check", "render", "build"])
def test_a_config_that_is_not_a_regular_file_is_refused_without_reading_it(command, tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    os.mkfifo(tmp_path / "fifo.yml")
    for config in ["/dev/zero", "fifo.yml"]:
        completed = run(command, "--config", config, cwd=tmp_path, timeout=30)
        assert completed.returncode == 2, completed.stderr
        assert completed.stderr == (f"{config}:1:1: error: the configuration is not a regular file "
                                    "(hint: give the project's mkdocs.yml)\n")


def test_a_config_over_one_mebibyte_and_an_empty_one_get_config_hints(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    (tmp_path / "big.yml").write_text("site_name: x\n" + "# padding\n" * 110_000)
    big = invoke("check", "--config", "big.yml", cwd=tmp_path)
    assert big.exit_code == 2
    assert big.stderr == ("big.yml:1:1: error: the configuration is larger than 1024 KiB (hint: mkdocs.yml holds "
                          "settings only; check that this is the right file)\n")
    (tmp_path / "mkdocs.yml").write_text("\n")
    empty = invoke("validate", cwd=tmp_path)
    assert empty.exit_code == 2
    assert empty.stderr == ("mkdocs.yml:1:1: error: the file is empty (hint: write MkDocs settings, at least "
                            "`site_name: ...`, or remove the file to use the built-in site)\n")



# -- INHERIT and !ENV: check and build read the same settings -------------------------------------

def _every_rule_off() -> str:
    from blueprintgen.rules import RULES
    return "".join(f"        {rule.slug}: off\n" for rule in RULES)


@pytest.mark.slow
@needs_graphviz
@pytest.mark.parametrize("rules_off", [False, True], ids=["gate-all", "gate-all-rules-off"])
def test_settings_inherited_through_inherit_count_for_check_and_build_alike(rules_off, tmp_path):
    project(tmp_path)
    (tmp_path / "base.yml").write_text("site_name: Base\ntheme: {name: material, font: false}\nplugins:\n"
                                       "  - blueprints:\n      gate: all\n"
                                       + ("      severities:\n" + _every_rule_off() if rules_off else ""))
    (tmp_path / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: Child\n")
    checked = run("check", cwd=tmp_path)
    built = run("build", "-q", "--strict", cwd=tmp_path)
    if rules_off:
        assert checked.returncode == 0 and checked.stdout.startswith("0 high, 0 medium, 0 low in 7 blueprint(s)")
        assert built.returncode == 0, built.stderr
        assert "<title>Service blueprints - Child</title>" in (tmp_path / "site/index.html").read_text()
    else:   # the inherited gate makes every blueprint's high findings fail both
        assert checked.returncode == 1 and "27 failing" in checked.stdout
        assert built.returncode == 1 and "build stopped (--strict)" in built.stderr


@posix_only
def test_an_inherit_loop_or_an_unreadable_parent_is_one_line(shared):
    project(shared, "ortho-shoes-prescription")
    (shared / "mkdocs.yml").write_text("site_name: S\nINHERIT: base.yml\n")
    (shared / "base.yml").write_text("INHERIT: mkdocs.yml\n")
    for command in ["check", "build"]:
        looped = run(command, cwd=shared)
        assert looped.returncode == 2 and looped.stdout == ""
        assert looped.stderr == ("base.yml:1:10: error: INHERIT: 'mkdocs.yml' is already inheriting this file "
                                 "(a loop) (hint: remove one INHERIT: of the loop)\n")
    (shared / "base.yml").write_text("site_name: Base\n")
    (shared / "base.yml").chmod(0o000)
    unreadable = run("check", cwd=shared, nobody=True)
    assert unreadable.returncode == 2
    assert unreadable.stderr == ("base.yml:1:1: error: cannot read the configuration: Permission denied "
                                 "(hint: check that it exists and is readable)\n")
    (shared / "mkdocs.yml").write_text("site_name: S\nINHERIT: ../nowhere.yml\n")
    missing = run("check", cwd=shared)
    assert missing.returncode == 2
    assert missing.stderr == ("mkdocs.yml:2:10: error: INHERIT: '../nowhere.yml' does not exist "
                              "(hint: the path is relative to this file)\n")


@pytest.mark.slow
@needs_graphviz
def test_env_tags_in_the_plugin_settings_work_as_in_mkdocs(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\ntheme: {name: material, font: false}\nplugins:\n  - blueprints:\n"
        "      gate: all\n      fail_on: !ENV [BPG_FAIL_ON, never]\n      dot_timeout: !ENV [BPG_DOT_TIMEOUT, 5]\n")
    assert run("check", cwd=tmp_path).returncode == 0                 # the default: never
    strict = run("check", cwd=tmp_path, env={**os.environ, "BPG_FAIL_ON": "high"})
    assert strict.returncode == 1
    wrong = run("check", cwd=tmp_path, env={**os.environ, "BPG_DOT_TIMEOUT": "soon"})
    assert wrong.returncode == 2
    assert wrong.stderr == ("mkdocs.yml:7:20: error: dot_timeout 'soon' must be a number of seconds above 0 "
                            "and at most 86,400\n")
    # A Graphviz that never finishes: a tiny timeout on the real one races a small diagram.
    never = fake_graphviz(tmp_path, "exec sleep 120\n")
    slow = run("build", "-q", cwd=tmp_path, path_first=never, env={**os.environ, "BPG_DOT_TIMEOUT": "0.3"})
    assert slow.returncode == 1 and "Graphviz timed out after 0.3 s" in slow.stderr



# -- the settings are checked once, the same way for every command ---------------------------------

SETTINGS_LINES = {
    "dot_timeout: 1e400": "mkdocs.yml:5:20: error: dot_timeout '1e400' must be a number of seconds above 0 and at most 86,400",
    "chain_limit: 3.5": "mkdocs.yml:5:20: error: chain_limit '3.5' must be a whole number from 1 to 1,000",
    'chain_limit: "3"': None,
    "dot_timeout: 5": None,
}


@pytest.mark.slow
@needs_graphviz
@pytest.mark.parametrize("setting", sorted(SETTINGS_LINES))
def test_settings_are_checked_once_the_same_way_for_every_command(setting, tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    (tmp_path / "mkdocs.yml").write_text("site_name: S\ntheme: {name: material, font: false}\nplugins:\n"
                                         f"  - blueprints:\n      {setting}\n")
    expected = SETTINGS_LINES[setting]
    for command in (["validate"], ["check", "--fail-on", "never"], ["render", "-o", "out"], ["build", "-q"]):
        completed = run(*command, cwd=tmp_path)
        if expected is None:
            assert completed.returncode == 0, (command, completed.stderr)
        else:
            assert completed.returncode == 2, (command, completed.stderr)
            assert completed.stderr == expected + "\n", command

