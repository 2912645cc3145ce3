"""The handoff rules: a blueprint -> findings and metrics. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Blueprint, Edge, Position
from .settings import Settings

__all__ = ["Finding", "Handoff", "Metrics", "Analysis", "analyse"]


@dataclass(frozen=True)
class Finding:
    """One broken handoff: a rule that fires on a step (or edge, loop, blueprint).

    `number` is 1-based within the blueprint, in (line, column, rule) order; the
    diagram's badges and the site's findings list use the same number.
    `edge` is set when the finding concerns one arrow (e.g. no-deadline).
    `ignored` holds the designer's reason when an `ignore:` entry silences it.
    """

    rule: str
    severity: str
    blueprint: str
    step: str | None
    position: Position
    message: str
    hint: str
    number: int = 0
    edge: Edge | None = None
    ignored: str | None = None


@dataclass(frozen=True)
class Handoff:
    """An edge between two different actors, and the finding numbers that break it."""

    edge: Edge
    source_actor: str | None
    target_actor: str | None
    broken_by: tuple[int, ...]


@dataclass(frozen=True)
class Metrics:
    steps: int
    owners: int
    handoffs: int
    handoffs_across_visibility: int
    customer_contacts: int
    channel_switches: int
    promises_kept: int
    promises_broken: int
    longest_wait_minutes: int | None


@dataclass(frozen=True)
class Analysis:
    """Everything the analysis says of one blueprint."""

    blueprint: Blueprint
    findings: tuple[Finding, ...]   # active, numbered, sorted by position
    ignored: tuple[Finding, ...]    # silenced, with `ignored` reasons
    handoffs: tuple[Handoff, ...]
    metrics: Metrics


def analyse(blueprint: Blueprint, settings: Settings = Settings()) -> Analysis:
    raise NotImplementedError
