"""How findings name steps, owners and channels, and how lists are shortened; shared by the rule modules."""

from __future__ import annotations

from ..model import Blueprint, Edge, Step
from ..durations import span  # noqa: F401 - the rules write time spans as the site does

__all__ = ["ARROW", "MAX_NAMED", "span", "quote", "listing", "and_list", "spell_out", "Words"]

MAX_NAMED = 8
ARROW = " \u2192 "
ELLIPSIS = "\u2026"


def quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + ELLIPSIS
    return f"\u201c{text}\u201d"


def listing(names: list[str], joiner: str = ", ", total: int | None = None) -> str:
    """The first eight names, then how many more; `total` when `names` holds only the first ones."""
    total = len(names) if total is None else total
    if total > MAX_NAMED:
        return joiner.join(names[:MAX_NAMED]) + f"{joiner}{ELLIPSIS} ({total - MAX_NAMED} more)"
    return joiner.join(names)


def and_list(names: list[str]) -> str:
    if len(names) > MAX_NAMED:
        return ", ".join(names[:MAX_NAMED]) + f" and {len(names) - MAX_NAMED} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def spell_out(edge: Edge, key: str) -> str:
    """How to add `key` to an arrow, which for an implicit one means writing it out."""
    if edge.implicit:
        return f"write the flow out on step '{edge.source}' as `next:` with `- to: {edge.to}` and `{key}:`"
    return f"add `{key}:` to the handoff from '{edge.source}' to '{edge.to}'"


class Words:
    """Names of steps, owners and channels as the designer wrote them."""

    def __init__(self, blueprint: Blueprint):
        self.blueprint = blueprint
        self.names = {owner.key: owner.name for owner in blueprint.owners if owner.name}
        self._steps: dict[str, str] = {}

    def owner(self, key: str) -> str:
        return self.names.get(key, key)

    def channel(self, key: str) -> str:
        channel = self.blueprint.channel_by_key.get(key)
        return f"'{channel.name}'" if channel and channel.name else f"'{key}'"

    def who(self, step: Step) -> str:
        if step.lane == "customer":
            return "the customer"
        return self.owner(step.owner) if step.owner else "no owner"

    def step(self, step: Step) -> str:
        """The step's id and who acts there, e.g. `'calls-back' (Store manager)`."""
        label = self._steps.get(step.id)
        if label is None:
            label = self._steps[step.id] = f"'{step.id}' ({self.who(step)})"
        return label
