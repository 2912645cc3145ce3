"""The parts of docs/rules.md made from the rule modules: the list of rules, a section per rule, the options.

Each part sits between two markers in docs/rules.md, `<!-- rules:NAME ... -->` and
`<!-- /rules:NAME -->`; the text around them is written by hand. A rule's section shows its
meaning, its docstring, its fix, its options, and its FAILING and PASSING examples (then any
MORE_EXAMPLES pairs) with the findings the real analysis gives on each failing one. A test checks that docs/rules.md is what
this module makes, so the page cannot drift from the rules. After changing a rule:

    python -m blueprintgen.rulesdoc            # rewrites the parts in docs/rules.md
    python -m blueprintgen.rulesdoc --check    # exit status 1 when docs/rules.md is out of date
"""

from __future__ import annotations

import re
import sys
import textwrap

from .model import Duration
from .rules import RULES, Option, Rule

__all__ = ["PARTS", "split_example", "example_findings", "examples", "rule_table", "rule_section", "options_table",
           "where_table", "render", "main"]

DOCS = "docs/rules.md"
_BEGIN = "<!-- rules:{name} (made by `python -m blueprintgen.rulesdoc` from the rule modules: do not edit) -->"
_END = "<!-- /rules:{name} -->"
_WIDTH = 96


def split_example(text: str) -> tuple[str, str]:
    """(caption, blueprint) of a FAILING or PASSING example: its opening `# ` lines are the caption."""
    lines = text.splitlines(keepends=True)
    count = next((n for n, line in enumerate(lines) if not line.startswith("#")), len(lines))
    caption = " ".join(line.lstrip("#").strip() for line in lines[:count])
    return caption, "".join(lines[count:])


def example_findings(text: str) -> tuple:
    """The findings the analysis gives on an example's blueprint, with the default settings."""
    from .analysis import analyse
    from .loader import load_bytes
    from .settings import Settings

    loaded = load_bytes(split_example(text)[1].encode(), "example.yaml", "example")
    if loaded.problems or len(loaded.blueprints) != 1:
        raise ValueError("the example is not a valid blueprint: " + "; ".join(map(str, loaded.problems)))
    return analyse(loaded.blueprints[0], Settings()).findings


def rule_table() -> str:
    rows = [f"| [{rule.slug}](#{rule.slug}) | {rule.severity} | {_cell(_summary(rule))} |" for rule in RULES]
    return "\n".join(["| Rule | Default severity | In short |", "|---|---|---|", *rows])


def examples(rule: Rule) -> list[tuple[str, str]]:
    """(FAILING, PASSING) of a rule, then its MORE_EXAMPLES pairs: each case it documents."""
    return [(rule.module.FAILING, rule.module.PASSING), *getattr(rule.module, "MORE_EXAMPLES", ())]


def rule_section(rule: Rule) -> str:
    """A rule's section: meaning, what to know, fix, options, and the examples that break and keep it."""
    parts = [f"## {rule.slug}", f"**Default severity: {rule.severity}.**",
             f"**What it means for the customer:** {rule.explanation}", _details(rule),
             f"**Fix:** {rule.hint}.", _for_people(rule)]
    if rule.options:
        parts += ["**Options** (see [Configuring](#configuring-severities-and-the-limits)):",
                  _table(["Option", "Default", "Allowed", "What it sets"],
                         [[f"`{name}`", f"`{_default(option)}`", option.allowed(), option.doc]
                          for name, option in rule.options.items()])]
    for number, (failing_text, passing_text) in enumerate(examples(rule)):
        failing_caption, failing = split_example(failing_text)
        passing_caption, passing = split_example(passing_text)
        parts += [_labelled("Breaks:" if number == 0 else "Breaks too:", failing_caption), f"```yaml\n{failing}```",
                  "What blueprintgen finds in it:", f"```text\n{_findings(example_findings(failing_text))}```",
                  _labelled("Fixed:", passing_caption), f"```yaml\n{passing}```"]
    return "\n\n".join(part for part in parts if part)


def _for_people(rule: Rule) -> str:
    """The fix as the site words it for people (rule.action filled in), on the rule's first example."""
    from .actions import action
    from .loader import load_bytes

    blueprint = load_bytes(split_example(rule.module.FAILING)[1].encode(), "example.yaml", "example").blueprints[0]
    found = [f for f in example_findings(rule.module.FAILING) if f.rule == rule.slug]
    if not found:
        return ""
    return f"**The fix, for people** (as the site says it, on the first example below): *{action(blueprint, found[0])}*."


def options_table() -> str:
    """Every rule's options, with the rule that reads each."""
    rows = [[f"`{name}`", f"[{rule.slug}](#{rule.slug})", f"`{_default(option)}`", option.allowed(), option.doc]
            for rule in RULES for name, option in rule.options.items()]
    return _table(["Option", "Rule", "Default", "Allowed", "What it sets"], rows)


def where_table() -> str:
    """Which step each rule's findings are on: what an `ignore:` entry's `step:` names."""
    return _table(["Rule", "The finding is on"], [[f"[{rule.slug}](#{rule.slug})", rule.on] for rule in RULES])


PARTS = {"table": rule_table, "sections": lambda: "\n\n".join(rule_section(rule) for rule in RULES),
         "options": options_table, "where": where_table}


def render(text: str) -> str:
    """`text` (docs/rules.md) with every part between its markers made again; ValueError for a missing marker."""
    for name, make in PARTS.items():
        begin, end = _BEGIN.format(name=name), _END.format(name=name)
        found = re.search(re.escape(begin) + r"\n.*?" + re.escape(end), text, flags=re.DOTALL)
        if found is None:
            raise ValueError(f"{DOCS} has no part {name}: put `{begin}` and `{end}` on lines of their own")
        text = text[:found.start()] + f"{begin}\n\n{make()}\n\n{end}" + text[found.end():]
    return text


def _summary(rule: Rule) -> str:
    first = rule.module.__doc__.split("\n", 1)[0].removeprefix(f"{rule.slug}: ")
    return first[:1].upper() + first[1:]


def _details(rule: Rule) -> str:
    """The module docstring after its first line: what a designer needs to know about the rule."""
    return rule.module.__doc__.partition("\n")[2].strip()


def _labelled(label: str, caption: str) -> str:
    return f"**{label}** {caption}" if caption else f"**{label}**"


def _findings(findings) -> str:
    lines = []
    for finding in findings:
        step = f", step {finding.step}" if finding.step else ""
        lines.append(f"Line {finding.position.line}, column {finding.position.column}{step}: "
                     f"{finding.severity} {finding.rule}")
        for text in (finding.message, f"hint: {finding.hint}"):
            lines += textwrap.wrap(text, _WIDTH, initial_indent="    ", subsequent_indent="    ",
                                   break_long_words=False, break_on_hyphens=False)
    return "".join(line + "\n" for line in lines)


def _default(option: Option) -> str:
    return option.default.text if isinstance(option.default, Duration) else str(option.default)


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [arg for arg in argv if arg != "--check"]
    path = paths[0] if paths else DOCS
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    made = render(text)
    if check:
        if made != text:
            print(f"{path} is out of date: run python -m blueprintgen.rulesdoc", file=sys.stderr)
            return 1
        return 0
    if made != text:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(made)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
