"""Project settings shared by every command and the MkDocs plugin; plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from .rules import RULES, options

__all__ = ["Settings", "FAIL_ON_CHOICES", "SEVERITY_CHOICES", "GATE_CHOICES"]

FAIL_ON_CHOICES = ("low", "medium", "high", "never")
SEVERITY_CHOICES = ("low", "medium", "high", "off")
# Which blueprints `fail_on` gates: to-be designs only (an as-is blueprint documents a broken
# service on purpose; its breaks are reported, never failed on), or every blueprint.
GATE_CHOICES = ("to-be", "all")


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
