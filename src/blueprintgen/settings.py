"""Project settings shared by every command and the MkDocs plugin; plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Duration
from .rules import RULES

__all__ = ["Settings", "FAIL_ON_CHOICES", "SEVERITY_CHOICES", "GATE_CHOICES"]

FAIL_ON_CHOICES = ("low", "medium", "high", "never")
SEVERITY_CHOICES = ("low", "medium", "high", "off")
# Which blueprints `fail_on` gates: to-be designs only (an as-is blueprint documents a broken
# service on purpose; its breaks are reported, never failed on), or every blueprint.
GATE_CHOICES = ("to-be", "all")


@dataclass(frozen=True)
class Settings:
    """What a project may configure. `severities` maps rule slug -> severity or 'off'."""

    blueprints_dir: str = "blueprints"
    severities: dict[str, str] = field(default_factory=lambda: {rule.slug: rule.severity for rule in RULES})
    chain_limit: int = 3
    silence_limit: Duration = Duration("1w", 7 * 24 * 60)
    fail_on: str = "high"
    dot_timeout: float = 30.0
    gate: str = "to-be"
    baseline: str | None = None

    def severity(self, slug: str) -> str:
        return self.severities.get(slug, "off")
