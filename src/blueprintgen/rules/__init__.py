"""The rule registry: one module per rule, in catalogue order; `get(slug)` finds one by its slug.

Each rule module holds `ID` (its slug), `SEVERITY` (the default), `TITLE`,
`MEANING` (what it means for the customer), `FIX` (the general fix) and
`check(ctx)`, which emits the rule's findings (see `analysis.Context`).
Adding a rule means one module, its entry in `MODULES`, its test and its
section of docs/rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable

from . import (broken_promise, context_lost, customer_chases, dead_end, handoff_chain, late_promise, long_silence,
               missing_owner, no_deadline, silent_backstage, unreachable_step, unrecovered_failure,
               unwatched_channel, vague_promise)

__all__ = ["SEVERITIES", "Rule", "MODULES", "RULES", "RULE_BY_SLUG", "BY_ID", "UnknownRule", "get"]

# Ordered from least to most severe; `off` is a setting, never a finding's severity.
SEVERITIES = ("low", "medium", "high")

MODULES: tuple[ModuleType, ...] = (
    dead_end, broken_promise, vague_promise, late_promise, missing_owner, unwatched_channel, no_deadline,
    context_lost, silent_backstage, long_silence, unrecovered_failure, customer_chases, handoff_chain,
    unreachable_step,
)


@dataclass(frozen=True)
class Rule:
    """One kind of broken handoff the analysis finds, as its module describes it."""

    slug: str
    severity: str
    title: str
    explanation: str
    hint: str
    check: Callable = field(repr=False, compare=False)


RULES: tuple[Rule, ...] = tuple(Rule(m.ID, m.SEVERITY, m.TITLE, m.MEANING, m.FIX, m.check) for m in MODULES)
RULE_BY_SLUG = {rule.slug: rule for rule in RULES}
BY_ID: dict[str, ModuleType] = {module.ID: module for module in MODULES}


class UnknownRule(KeyError):
    """A slug that names no rule."""

    def __str__(self) -> str:
        return self.args[0]


def get(slug: str) -> ModuleType:
    """The module of the rule with this slug; UnknownRule, naming the known slugs, for any other."""
    try:
        return BY_ID[slug]
    except KeyError:
        raise UnknownRule(f"no rule named {slug!r}; the rules are: {', '.join(RULE_BY_SLUG)}") from None
