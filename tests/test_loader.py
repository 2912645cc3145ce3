"""The loader: one exact, positioned error per broken file; text kept as typed; examples valid."""

import shutil
from pathlib import Path

import pytest
import yaml

from blueprintgen.loader import load_bytes, load_file, load_paths
from blueprintgen import yamltree
from blueprintgen.yamltree import MAX_DEPTH, MAX_FILE_BYTES, read_tree
from clirun import invoke
from helpers import BROKEN, EXAMPLES, posix_only, project, run


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: ")
    return f"{path}:{first.removeprefix('# expect: ')}"


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_broken_file_gives_its_one_exact_error(path):
    loaded = load_paths([str(path)])
    assert [str(problem) for problem in loaded.problems] == [_expected(path)]
    assert loaded.blueprints == ()


@pytest.mark.parametrize("data, expected", [
    (b"title: T\n\xff\xfe\n", "1.yaml:2:1: error: the file is not valid UTF-8 (hint: save the file with UTF-8 encoding)"),
    (b"title: T\x00\n", "1.yaml:1:9: error: the file is binary (it contains a NUL byte) (hint: blueprints are UTF-8 text files)"),
    (b"", "1.yaml:1:1: error: the file is empty (hint: write a blueprint: at least `title:` and `steps:`)"),
    (b"just text\n", "1.yaml:1:1: error: a blueprint must be a mapping of keys at the top level, not the text 'just text' "
                     "(hint: start the file with `title: ...` and `steps:`)"),
])
def test_byte_level_problems(data, expected):
    assert [str(p) for p in load_bytes(data, "1.yaml", "1").problems] == [expected]


def test_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"title: T\n" + b"#" * MAX_FILE_BYTES)
    assert [str(p) for p in load_file(str(big)).problems] == [
        f"{big}:1:1: error: the file is larger than 1024 KiB (hint: split the journey into several blueprints)"]


def test_thirty_thousand_nested_brackets_do_not_crash():
    loaded = load_bytes(b"title: T\nsteps: " + b"[" * 30000 + b"]" * 30000, "deep.yaml", "deep")
    assert [(p.line, p.column, p.message) for p in loaded.problems] == [(2, 71, "nesting deeper than 64 levels")]


def test_text_keeps_what_the_user_typed():
    loaded = load_bytes(b"title: NO\ntags: [1.10, 2024-01-01, yes, ~x]\nsteps:\n"
                        b"  - {id: a, lane: customer, action: 0x1F, end: resolved}\n", "t.yaml", "t")
    blueprint, = loaded.blueprints
    assert (blueprint.title, blueprint.tags, blueprint.steps[0].action) == ("NO", ("1.10", "2024-01-01", "yes", "~x"), "0x1F")


def test_every_problem_in_a_file_is_reported_not_just_the_first():
    loaded = load_bytes(b"title: T\nsteps:\n  - {id: a, lane: custmer, action: x, wait: soon, next: [zz]}\n",
                        "m.yaml", "m")
    assert [p.message for p in loaded.problems] == [
        "steps[0].lane 'custmer' is not one of: customer, frontstage, backstage, support",
        "steps[0].wait 'soon' is not a duration",
        "steps[0].next[0] refers to unknown step 'zz'",
    ]


def test_duplicate_blueprint_ids_across_files(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("id: same\ntitle: T\nsteps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    loaded = load_paths([str(tmp_path)])
    assert [str(p) for p in loaded.problems] == [
        f"{tmp_path}/b.yaml:1:5: error: blueprint id 'same' is already used by {tmp_path}/a.yaml "
        "(hint: give each blueprint its own `id:` (or file name))"]


def test_edges_resolve_implicit_flow_explicit_lists_and_empty_next():
    loaded = load_bytes(b"""title: T
owners: {desk: {name: Desk}}
channels: {mail: {name: Mail, watched_by: desk, response: 4h}}
steps:
  - {id: a, lane: customer, action: x}
  - {id: b, lane: frontstage, owner: desk, action: y, next: [{to: c, via: mail, within: 1.5h, carries: [case]}, a]}
  - {id: c, lane: backstage, owner: desk, action: z, next: []}
  - {id: d, lane: customer, action: w, end: resolved}
""", "t.yaml", "t")
    blueprint, = loaded.blueprints
    edges = [(e.source, e.to, e.via, e.within and e.within.minutes, e.carries, e.implicit) for e in blueprint.edges]
    assert edges == [("a", "b", None, None, (), True), ("b", "c", "mail", 90, ("case",), False),
                     ("b", "a", None, None, (), False)]


def test_symlink_outside_the_folder_and_loops_are_refused(tmp_path):
    folder = tmp_path / "blueprints"
    folder.mkdir()
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: secret\n")
    (folder / "leak.yaml").symlink_to(secret)
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    loaded = load_paths([str(folder)])
    assert [str(p) for p in loaded.problems] == [
        f"{folder}/leak.yaml:1:1: error: the symbolic link points outside the blueprint folder "
        "(hint: replace the link with the blueprint file itself)",
        f"{folder}/loop.yaml:1:1: error: the symbolic link loops back on itself "
        "(hint: replace the link with the blueprint file itself)"]


def test_every_example_blueprint_is_valid():
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert len(files) >= 6
    loaded = load_paths([str(EXAMPLES)])
    assert [str(p) for p in loaded.problems] == []
    assert len(loaded.blueprints) == len(files)
    assert any(b.status == "to-be" and b.redesigns for b in loaded.blueprints)


# -- the loader's limits and words do not depend on which YAML parser is installed ---------------

PARSERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])
TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"


@pytest.fixture(params=PARSERS, ids=lambda parser: parser.__name__)
def parser(request, monkeypatch):
    monkeypatch.setattr(yamltree, "_Parser", request.param)
    return request.param


class _GivesUpEarly(yaml.SafeLoader):
    """A parser with a flow-level limit of its own, lower than ours would ever meet (newer libyaml
    stops at about 1,000 levels with its own words): our message must still be the one shown."""

    def fetch_flow_collection_start(self, token_class):
        if self.flow_level >= 70:
            raise yaml.scanner.ScannerError("while increasing flow level", self.get_mark(),
                                            "some library's own words", self.get_mark())
        super().fetch_flow_collection_start(token_class)


@pytest.mark.parametrize("text, position", [
    ("title: T\nsteps: " + "[" * 30000 + "]" * 30000 + "\n", (2, 71)),
    ("title: T\nsteps: " + "{a: " * 30000 + "}" * 30000 + "\n", (2, 260)),
    ("title: T\nsteps: " + "[" * 64 + "x" + "]" * 64 + "\n", (2, 71)),
    ("[" * 30000 + "]" * 30000 + "\n", (1, 65)),
    ("title: T\nsteps:\n" + "- " * 100 + "x\n", (3, 127)),
], ids=["brackets", "braces", "just-past", "flow-at-the-top", "dashes"])
def test_nesting_past_the_limit_gets_our_message_with_every_parser(text, position, parser):
    root, errors = read_tree(text)
    assert root is None
    assert [((e.line, e.column), e.message, e.hint) for e in errors] == [
        (position, TOO_DEEP, "a blueprint needs only a few levels; flatten the structure")]


def test_a_parser_that_gives_up_first_still_gets_our_message(monkeypatch):
    monkeypatch.setattr(yamltree, "_Parser", _GivesUpEarly)
    errors = read_tree("title: T\nsteps: " + "[" * 100 + "]" * 100 + "\n")[1]
    assert [(e.line, e.column, e.message) for e in errors] == [(2, 71, TOO_DEEP)]
    # Brackets that are text (quoted, in a comment, in a block scalar, inside a plain word)
    # are not nesting: the parser's failure there is an ordinary syntax error.
    for text in ("title: '" + "[" * 100 + "'\nsteps: [\n",
                 "# " + "[" * 100 + "\nsteps: [\n",
                 "title: |\n  " + "[" * 100 + "\nsteps: [\n",
                 "title: x" + "[" * 100 + "\nsteps: [\n"):
        errors = read_tree(text)[1]
        assert [e.message for e in errors] == ["YAML syntax error: a value is missing, or a '[' or '{' is not closed"]


def test_just_inside_the_limit_is_read(parser):
    root, errors = read_tree("title: T\nsteps: " + "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1) + "\n")
    assert errors == [] and root is not None


@pytest.mark.parametrize("text, position, words", [
    ("title: T\nsteps: [\n", (3, 1), "a value is missing, or a '[' or '{' is not closed"),
    ("a: b: c\n", (1, 5), "a ':' where no key can start"),
    ("a:\n\tb: c\n", (2, 1), "a tab, which YAML does not allow for indentation"),
    ("a: 'x\n", (2, 1), "a quoted text is not closed"),
    ("a: [x, y\nb: c\n", (2, 2), "a list in [ ] is not closed, or an item is missing its ','"),
    ("a: {x: y\nb: c\n", (2, 2), "a mapping in { } is not closed, or an entry is missing its ','"),
    ("a:\n  - x\n - y\n", (3, 2), "this line does not line up with the keys above it"),
    ("- a\nb: c\n", (2, 1), "this line does not line up with the list items above it"),
    ("[a]]\n", (1, 4), "more text after the end of the blueprint"),
    ("a: @x\n", (1, 4), "'@' cannot start a value; put the text in quotes"),
])
def test_syntax_errors_are_worded_by_us_the_same_with_every_parser(text, position, words, parser):
    errors = read_tree(text)[1]
    assert [((e.line, e.column), e.message) for e in errors] == [(position, f"YAML syntax error: {words}")]


# -- journey-map layers: emotions, pain points, measures, cost, persona, opportunities ------------

LAYERS = b"""title: T
owners: {desk: {name: Desk}}
persona: {name: 007, summary: A regular., needs: [a call back, 2024]}
steps:
  - {id: asks, lane: customer, action: Asks., emotion: -2, pain: Nobody answers, cost: 3}
  - id: waits
    lane: customer
    action: Waits.
    emotion: {score: +1, note: I felt valued}
    pain: [Waits a week, Tells the story again]
    cost: 12.50 EUR
  - id: answers
    lane: frontstage
    owner: desk
    action: Answers.
    measures: [{name: handling time, value: 12, target: 5, unit: min}, {name: calls}]
    end: resolved
opportunities:
  - {id: call-back, what: Call back within a day., steps: [asks, answers], impact: high, effort: low, owner: desk}
  - {id: one-case, what: One case for the story.}
"""


def test_journey_map_layers_load_as_typed():
    blueprint, = load_bytes(LAYERS, "t.yaml", "t").blueprints
    asks, waits, answers = blueprint.steps
    assert (asks.emotion.score, asks.emotion.note, asks.pain, str(asks.cost), asks.cost.currency) == (
        -2, None, ("Nobody answers",), "3", None)
    assert (waits.emotion.score, waits.emotion.note, waits.pain) == (1, "I felt valued", ("Waits a week", "Tells the story again"))
    assert (str(waits.cost.amount), waits.cost.currency) == ("12.50", "EUR")
    assert [(m.name, m.value, m.target, m.unit) for m in answers.measures] == [
        ("handling time", "12", "5", "min"), ("calls", None, None, None)]
    assert (blueprint.persona.name, blueprint.persona.needs) == ("007", ("a call back", "2024"))
    call_back, one_case = blueprint.opportunities
    assert (call_back.steps, call_back.impact, call_back.effort, call_back.owner) == (("asks", "answers"), "high", "low", "desk")
    assert (one_case.steps, one_case.impact) == ((), None)
    assert [o.id for o in blueprint.opportunities_by_step["answers"]] == ["call-back"]


def _pair(tmp_path, realises: str, opportunities: str = "[{id: call-back, what: Call back.}]"):
    (tmp_path / "as-is.yaml").write_text(f"title: A\nopportunities: {opportunities}\n"
                                         "steps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    (tmp_path / "to-be.yaml").write_text(f"title: B\nstatus: to-be\nredesigns: as-is\nrealises: {realises}\n"
                                         "steps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    return load_paths([str(tmp_path)])


def test_realises_is_checked_against_the_opportunities_of_the_redesigned_blueprint(tmp_path):
    assert _pair(tmp_path, "[call-back]").problems == ()
    assert [str(p) for p in _pair(tmp_path, "[call-bak]").problems] == [
        f"{tmp_path}/to-be.yaml:4:12: error: realises unknown opportunity 'call-bak' of 'as-is' (hint: did you mean 'call-back'?)"]
    assert [str(p) for p in _pair(tmp_path, "[call-back]", "[]").problems] == [
        f"{tmp_path}/to-be.yaml:4:12: error: realises unknown opportunity 'call-back' of 'as-is' "
        f"(hint: add it under `opportunities:` in {tmp_path}/as-is.yaml first)"]


@pytest.mark.parametrize("spelling", ["work", "work/", "./work", "./work//", "work/./", "work/../work"])
def test_found_files_are_named_as_pathlib_names_them(tmp_path, monkeypatch, spelling):
    # The folder walk builds names with os.path (pathlib is slow to import for `check`); the
    # names in every report must stay those pathlib gave: no `./`, `//` or trailing `/`, `..` kept.
    from blueprintgen.loader import find_files

    (tmp_path / "work" / "sub").mkdir(parents=True)
    for name in ("work/a.yaml", "work/sub/b.yml", "work/notes.txt"):
        (tmp_path / name).write_text("title: T\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for given in (spelling, str(tmp_path) + "/" + spelling, "//" + str(tmp_path).lstrip("/") + "/" + spelling):
        files, problems = find_files([given])
        assert not problems
        assert files == [str(Path(given, "a.yaml")), str(Path(given, "sub", "b.yml"))]
        assert load_file(files[0]).problems[0].file == files[0]
    monkeypatch.chdir(tmp_path / "work")
    assert find_files(["."])[0] == ["a.yaml", "sub/b.yml"] == [str(Path(".", "a.yaml")), str(Path(".", "sub", "b.yml"))]


# -- a folder that cannot be read is one positioned line, whatever the command -------------------

FOLDER_HINT = "(hint: make it readable (`chmod a+rx`), or move it out of the blueprint folder)"


# The quick lane tries validate; the other commands, which give the same line, run with the slow tests.
@posix_only
@pytest.mark.parametrize("command", ["validate", *[pytest.param(command, marks=pytest.mark.slow)
                                                   for command in ("check", "render", "build")]])
@pytest.mark.parametrize("unreadable, mode", [("blueprints/sub", 0o000), ("blueprints", 0o000),
                                              ("blueprints", 0o311)], ids=["sub-000", "folder-000", "folder-311"])
def test_an_unreadable_folder_is_one_positioned_line(command, unreadable, mode, shared):
    project(shared, "ortho-shoes-prescription")
    (shared / "blueprints" / "sub").mkdir()
    shutil.copy(EXAMPLES / "double-charge-refund.yaml", shared / "blueprints" / "sub")
    (shared / unreadable).chmod(mode)
    completed = run(command, cwd=shared, nobody=True)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "Traceback" not in output
    assert f"{unreadable}:1:1: error: cannot read the folder: Permission denied {FOLDER_HINT}" in output
    if unreadable == "blueprints/sub" and command == "validate":   # the other files are still checked
        assert completed.stderr.endswith("1 error(s); 1 blueprint(s) valid\n")


# -- ids Windows keeps for devices, hints that help, titles that only look written -----------------

@pytest.mark.parametrize("name", ["con", "nul", "aux", "prn", "com1", "com9", "lpt1", "lpt9"])
def test_ids_windows_keeps_for_devices_are_refused(name, tmp_path):
    (tmp_path / f"{name}.yaml").write_text("title: T\nsteps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    (tmp_path / "other.yaml").write_text(f"id: {name}\ntitle: T\n"
                                         "steps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    result = invoke("validate", tmp_path)
    assert result.exit_code == 1
    hint = "(hint: set another `id:` or rename the file, e.g. `con-support`)"
    message = f"error: the id '{name}' names a device on Windows, where the site could not be checked out {hint}"
    assert result.stdout.splitlines() == sorted([f"{tmp_path}/{name}.yaml:1:1: {message}",
                                                 f"{tmp_path}/other.yaml:1:5: {message}"])


def test_the_redesigns_hint_never_suggests_the_blueprint_itself(tmp_path):
    (tmp_path / "refund-new.yaml").write_text(
        "title: T\nstatus: to-be\nredesigns: refund-nex\nsteps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    result = invoke("validate", tmp_path)
    assert result.exit_code == 1
    assert result.stdout == (f"{tmp_path}/refund-new.yaml:3:12: error: redesigns unknown blueprint 'refund-nex' "
                             "(hint: check the id of the as-is blueprint, and check it together with this one)\n")


def test_a_title_of_only_zero_width_spaces_is_refused(tmp_path):
    (tmp_path / "z.yaml").write_text("title: \u200b\u200b\u200d\nsteps:\n  - {id: a, lane: customer, action: x, end: resolved}\n",
                                     encoding="utf-8")
    result = invoke("validate", tmp_path)
    assert result.exit_code == 1
    assert result.stdout == f"{tmp_path}/z.yaml:1:8: error: title must not be empty (hint: write the text, or remove the key)\n"

