"""Project settings shared by every command and the MkDocs plugin; plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Duration
from .rules import RULES, options

__all__ = ["Settings", "FAIL_ON_CHOICES", "SEVERITY_CHOICES", "GATE_CHOICES", "MAX_DOT_TIMEOUT", "option_docs"]

FAIL_ON_CHOICES = ("low", "medium", "high", "never")
SEVERITY_CHOICES = ("low", "medium", "high", "off")
# Which blueprints `fail_on` gates: to-be designs only (an as-is blueprint documents a broken
# service on purpose; its breaks are reported, never failed on), or every blueprint.
GATE_CHOICES = ("to-be", "all")
# An upper limit: `1e400` reads as infinity, and a timer cannot wait for ever.
MAX_DOT_TIMEOUT = 86_400

# The project's own options; each rule's options (chain_limit, silence_limit, ...) come from its module.
_FIRST_DOCS = {
    "blueprints_dir": "folder of blueprint files, relative to mkdocs.yml (default: blueprints)",
    "severities": "rule slug -> low, medium, high or off",
}
_LATER_DOCS = {
    "fail_on": "lowest severity that fails `check` and `build --strict`: low, medium, high or never (default: high)",
    "dot_timeout": "seconds one diagram may take to lay out before it is stopped (default: 30)",
    "gate": "which blueprints fail_on gates: to-be (designs; as-is breaks are documentation) or all (default: to-be)",
    "baseline": "file of accepted findings (made by `blueprintgen baseline`); only new findings fail",
    "prefix": "docs folder the generated pages go in (default: blueprints)",
    "nav_section": "title of the section added to an explicit `nav:`; false to add none (default: Blueprints)",
    "pagefind": "index the blueprint pages with Pagefind for search (default: true)",
}


def option_docs() -> dict[str, str]:
    """Every option of the `blueprints` plugin entry and `[tool.blueprintgen]` -> what it sets, the rules' included."""
    rule_docs = {name: f"{option.doc} (default: {_shown(option.default)}; {option.allowed()})"
                 for name, option in options().items()}
    clash = (set(_FIRST_DOCS) | set(_LATER_DOCS)) & set(rule_docs)
    if clash:
        raise ValueError(f"rule option {', '.join(sorted(clash))} has the name of a project setting")
    return {**_FIRST_DOCS, **rule_docs, **_LATER_DOCS}


def _shown(value) -> str:
    return value.text if isinstance(value, Duration) else str(value)


@dataclass(frozen=True)
class Settings:
    """What a project may configure. `severities` maps rule slug -> severity or 'off'.

    `rule_options` maps the name of a rule's option (`chain_limit`, `silence_limit`: each rule
    module declares its own, see rules.options()) -> its value; `option(name)` reads one.
    """

    blueprints_dir: str = "blueprints"
    severities: dict[str, str] = field(default_factory=lambda: {rule.slug: rule.severity for rule in RULES})
    rule_options: dict[str, object] = field(
        default_factory=lambda: {name: option.default for name, option in options().items()})
    fail_on: str = "high"
    dot_timeout: float = 30.0
    gate: str = "to-be"
    baseline: str | None = None

    def severity(self, slug: str) -> str:
        return self.severities.get(slug, "off")

    def option(self, name: str):
        """A rule option's value: as set, else the default its rule declares (KeyError for no such option)."""
        if name in self.rule_options:
            return self.rule_options[name]
        return options()[name].default
