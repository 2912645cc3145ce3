"""Rule cases: small blueprint files, each with what the analysis must find in it in a comment header.

    # What the case shows, in a line or two.
    # with: chain_limit: 2              a setting, read as mkdocs.yml's plugin entry is read
    # expect: 15:5 high dead-end answer  a finding: line:column severity rule step (`-`: on no step)
    # expect no: unreachable-step        no finding of this rule
    # expect problem: 25:16: error: ...  the file does not load: it gives exactly this problem
    title: T
    ...

For each rule an `expect` line names, the case's findings of that rule are exactly the ones listed,
in order; rules it does not name are not looked at. The cases of a rule's module
`blueprintgen/rules/<module>.py` are tests/rules/<module>/*.yaml, next to tests/rules/test_<module>.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from blueprintgen.analysis import Analysis, Finding, analyse
from blueprintgen.config import settings_from_options
from blueprintgen.loader import load_bytes
from blueprintgen.model import Blueprint
from blueprintgen.settings import Settings

HERE = Path(__file__).resolve().parent
_EXPECT = re.compile(r"# expect: (\d+):(\d+) (low|medium|high) ([a-z-]+) (\S+)")
_EXPECT_NO = re.compile(r"# expect no: ([a-z-]+)")
_PROBLEM = re.compile(r"# expect problem: (.+)")
_WITH = re.compile(r"# with: ([a-z_]+): (.+)")


@dataclass
class Case:
    path: Path
    text: str
    expected: dict[str, list[tuple]] = field(default_factory=dict)   # rule -> [(rule, step, line, column, severity)]
    problems: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"

    @property
    def settings(self) -> Settings:
        return settings_from_options(self.options, str(self.path)) if self.options else Settings()


def read(path: Path) -> Case:
    """A case file and its header; AssertionError for a header line it cannot read."""
    text = path.read_text(encoding="utf-8")
    case = Case(path, text)
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# expect: "):
            found = _EXPECT.fullmatch(line)
            assert found, f"{path}: write `# expect: LINE:COLUMN SEVERITY RULE STEP`, not {line!r}"
            number, column, severity, rule, step = found.groups()
            case.expected.setdefault(rule, []).append((rule, None if step == "-" else step, int(number), int(column),
                                                       severity))
        elif line.startswith("# expect no: "):
            found = _EXPECT_NO.fullmatch(line)
            assert found, f"{path}: write `# expect no: RULE`, not {line!r}"
            case.expected.setdefault(found[1], [])
        elif line.startswith("# expect problem: "):
            case.problems.append(_PROBLEM.fullmatch(line)[1])
        elif line.startswith("# with: "):
            found = _WITH.fullmatch(line)
            assert found, f"{path}: write `# with: OPTION: VALUE`, not {line!r}"
            case.options[found[1]] = found[2]
        else:
            assert not line.startswith("# expect"), f"{path}: unknown expectation {line!r}"
    return case


def cases(folder: str | None = None) -> list[Case]:
    """The cases of one folder (a rule module's name), or of every folder."""
    pattern = f"{folder}/*.yaml" if folder else "*/*.yaml"
    return [read(path) for path in sorted(HERE.glob(pattern))]


def case(name: str) -> Case:
    """One case by its folder and name, e.g. `dead_end/last-step`."""
    return read(HERE / f"{name}.yaml")


def load(case: Case) -> Blueprint:
    loaded = load_bytes(case.text.encode(), case.path.name, case.path.stem)
    assert not loaded.problems, [str(problem) for problem in loaded.problems]
    (blueprint,) = loaded.blueprints
    return blueprint


def run(case: Case, settings: Settings | None = None) -> Analysis:
    return analyse(load(case), settings if settings is not None else case.settings)


def found(analysis: Analysis, rule: str) -> list[tuple]:
    """(rule, step, line, column, severity) of each active finding of `rule`."""
    return [(f.rule, f.step, f.position.line, f.position.column, f.severity)
            for f in analysis.findings if f.rule == rule]


def one(analysis: Analysis, rule: str) -> Finding:
    (finding,) = [f for f in analysis.findings if f.rule == rule]
    return finding


def check(case: Case) -> None:
    """The case gives what its header expects."""
    if case.problems:
        loaded = load_bytes(case.text.encode(), case.path.name, case.path.stem)
        assert [str(problem).removeprefix(f"{case.path.name}:") for problem in loaded.problems] == case.problems
        return
    assert case.expected, f"{case}: the header names no rule (`# expect: ...` or `# expect no: RULE`)"
    analysis = run(case)
    for rule, expected in case.expected.items():
        assert found(analysis, rule) == expected, f"{case}: {rule}"


class Folder:
    """The cases of the rule whose test file this is (tests/rules/test_<module>.py -> <module>/)."""

    def __init__(self, test_file: str):
        self.name = Path(test_file).stem.removeprefix("test_")

    def cases(self) -> list[Case]:
        return cases(self.name)

    def case(self, stem: str) -> Case:
        return read(HERE / self.name / f"{stem}.yaml")

    def run(self, stem: str, settings: Settings | None = None) -> Analysis:
        return run(self.case(stem), settings)
