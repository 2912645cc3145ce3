"""The catalogue as a whole: the registry, docs/rules.md made from the modules, their examples, a test folder per rule."""

import json
import re

import pytest

from blueprintgen import rules, rulesdoc
from blueprintgen.analysis import Analysis, analyse
from blueprintgen.settings import option_docs
from blueprintgen.loader import load_bytes
from blueprintgen.report import format_report
from blueprintgen.rules import RULES
from rulecases import HERE, cases

ROOT = HERE.parent.parent
RULES_DOC = ROOT / "docs" / "rules.md"
SLUGS = [rule.slug for rule in RULES]


def module_name(rule) -> str:
    return rule.module.__name__.rsplit(".", 1)[1]


# -- the registry ------------------------------------------------------------------------------


def test_registry_maps_each_slug_to_its_module_and_names_the_rules_for_an_unknown_one():
    for rule in RULES:
        module = rule.module
        assert rules.get(module.ID) is module
        assert module.SEVERITY in rules.SEVERITIES and module.TITLE and module.MEANING and module.FIX
        assert module.__doc__.split("\n")[0].startswith(f"{module.ID}: ")
        assert set(module.__all__) >= {"ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "FAILING", "PASSING",
                                       "check"}
        assert module_name(rule) == module.ID.replace("-", "_")
    with pytest.raises(rules.UnknownRule) as raised:
        rules.get("dead-ends")
    assert str(raised.value).startswith("no rule named 'dead-ends'; the rules are: dead-end, ")


def test_the_catalogue_is_found_in_order_and_handoff_rules_say_so():
    assert SLUGS == ["dead-end", "broken-promise", "vague-promise", "late-promise", "missing-owner",
                     "unwatched-channel", "no-deadline", "context-lost", "silent-backstage", "long-silence",
                     "unrecovered-failure", "customer-chases", "handoff-chain", "unreachable-step", "unused-ignore"]
    assert [rule.slug for rule in RULES if rule.handoff] == ["unwatched-channel", "no-deadline", "context-lost"]
    assert {name: rules.RULE_BY_SLUG[slug] for name, slug in
            [("chain_limit", "handoff-chain"), ("silence_limit", "long-silence")]} == {
        name: rule for rule in RULES for name in rule.options}


def test_a_module_that_is_no_rule_is_refused_with_what_it_lacks():
    import types
    module = types.ModuleType("blueprintgen.rules.half", "half-rule: a rule with no check.")
    module.ID, module.ORDER, module.SEVERITY = "half-rule", 1, "low"
    with pytest.raises(ValueError, match="rule module blueprintgen.rules.half: TITLE must be a text"):
        rules.register(module)
    duplicate = types.ModuleType("blueprintgen.rules.again", "dead-end: again.")
    duplicate.ID = "dead-end"
    with pytest.raises(ValueError, match="there is already a rule 'dead-end'"):
        rules.register(duplicate)
    assert "half-rule" not in rules.RULE_BY_SLUG


def test_rule_options_are_named_apart_from_the_project_settings():
    assert set(rules.options()) <= set(option_docs())


# -- docs/rules.md -----------------------------------------------------------------------------


def test_docs_rules_md_is_what_the_rule_modules_make():
    text = RULES_DOC.read_text(encoding="utf-8")
    assert rulesdoc.render(text) == text, "run: python -m blueprintgen.rulesdoc"


def doc_examples() -> dict[str, list[str]]:
    """Each `## <slug>` section of docs/rules.md -> its YAML blocks (breaks, then fixed)."""
    sections = re.split(r"^## ", RULES_DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    examples = {}
    for section in sections:
        heading, _, body = section.partition("\n")
        examples[heading.strip()] = re.findall(r"```yaml\n(.*?)```", body, flags=re.DOTALL)
    return examples


def analysed(text: str) -> Analysis:
    loaded = load_bytes(text.encode(), "example.yaml", "example")
    assert not loaded.problems, [str(problem) for problem in loaded.problems]
    return analyse(loaded.blueprints[0])


@pytest.mark.parametrize("rule", SLUGS)
def test_the_rules_page_examples_break_and_fix(rule):
    examples = doc_examples()
    assert rule in examples, f"docs/rules.md has no section `## {rule}`"
    pairs = examples[rule]
    assert pairs and len(pairs) % 2 == 0, f"docs/rules.md, {rule}: each example that breaks is followed by it fixed"
    default = next(r.severity for r in RULES if r.slug == rule)
    section = RULES_DOC.read_text(encoding="utf-8").split(f"\n## {rule}\n")[1].split("\n## ")[0]
    assert f"**Default severity: {default}.**" in section
    for breaks, fixed in zip(pairs[::2], pairs[1::2]):
        assert rule in {f.rule for f in analysed(breaks).findings}
        assert [f"{f.rule} {f.step}" for f in analysed(fixed).findings] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.slug)
def test_each_module_s_examples_break_and_keep_the_rule_and_say_what_they_show(rule):
    section = rulesdoc.rule_section(rule)
    for failing, passing in rulesdoc.examples(rule):
        for example in (failing, passing):
            caption, blueprint = rulesdoc.split_example(example)
            assert caption and blueprint.startswith("title: ")
        assert rule.slug in {f.rule for f in rulesdoc.example_findings(failing)}
        assert rulesdoc.example_findings(passing) == ()
        for finding in rulesdoc.example_findings(failing):
            step = f", step {finding.step}" if finding.step else ""
            assert f"Line {finding.position.line}, column {finding.position.column}{step}: " \
                   f"{finding.severity} {finding.rule}\n" in section
    for name, option in rule.options.items():
        assert f"| `{name}` |" in section and option.doc in section


def test_the_rules_page_table_and_sarif_metadata_agree_with_the_rule_modules():
    text = RULES_DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[([a-z-]+)\]\(#\1\) \| (low|medium|high) \|", text, flags=re.MULTILINE)
    assert rows == [(rule.slug, rule.severity) for rule in RULES]
    sarif = json.loads(format_report([], [], "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    assert [(r["id"], r["fullDescription"]["text"], r["help"]["text"]) for r in sarif[:-1]] == [
        (rule.slug, rule.explanation, f"Fix: {rule.hint}") for rule in RULES]


def test_the_worked_example_in_the_format_page_is_flagged_as_it_says():
    text = (RULES_DOC.parent / "format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text.split("## A full worked example")[1], flags=re.DOTALL).group(1)
    loaded = load_bytes(example.encode(), "worked.yaml", "worked")
    assert not loaded.problems
    analysis = analyse(loaded.blueprints[0])
    assert sorted((f.rule, f.step) for f in analysis.findings) == [
        ("late-promise", "counter-takes-phone"), ("no-deadline", "technician-checks"),
        ("unwatched-channel", "technician-checks")]
    assert [(f.rule, f.step) for f in analysis.ignored] == [("unrecovered-failure", "technician-checks")]


# -- a test file and a folder of cases per rule ------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.slug)
def test_every_rule_has_its_test_file_and_cases_where_it_fires_and_where_it_does_not(rule):
    name = module_name(rule)
    assert (HERE / f"test_{name}.py").is_file(), f"add tests/rules/test_{name}.py"
    own = cases(name)
    assert any(example.expected.get(rule.slug) for example in own), f"add a case to tests/rules/{name}/ where it fires"
    assert any(example.expected.get(rule.slug) == [] for example in own), \
        f"add a case to tests/rules/{name}/ where it does not (`# expect no: {rule.slug}`)"


def test_every_folder_of_cases_belongs_to_a_rule():
    folders = {path.name for path in HERE.iterdir() if path.is_dir() and not path.name.startswith("__")}
    assert folders == {module_name(rule) for rule in RULES} | {"findings"}
    for path in HERE.glob("*/*"):
        assert path.suffix == ".yaml", f"{path}: a case is a .yaml file"
