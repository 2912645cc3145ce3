"""unused-ignore: an `ignore:` entry that matches no finding.

Like an unused `noqa` comment: the entry silences nothing, often because it names another step
than the one the finding is on (see [which step a finding is on](#accepting-a-finding-ignore)), a
rule that does not fire there, or a finding that was fixed since. Left in place, it would silence
a finding that appears there later without anybody looking at it.

The message says which findings the blueprint does have that the entry may have meant: the same
rule on another step, another rule on the same step, or the closest of the others. An entry for a
rule the settings turn `off` is not reported (the rule did not look), nor one for `unused-ignore`
itself. The finding is on no step: the diagram shows it in the note on the whole blueprint.
"""

from __future__ import annotations

import difflib

from ..yamltree import shown
from .words import and_list

__all__ = ["ID", "ORDER", "SEVERITY", "TITLE", "MEANING", "FIX", "ON", "AFTER_RULES", "FAILING", "PASSING", "check"]

ID = "unused-ignore"
ORDER = 150
SEVERITY = "low"
TITLE = "Unused ignore"
MEANING = ("An ignore entry matches no finding: it silences nothing now, and would silence a new finding "
           "there unseen.")
FIX = "remove the entry, or point its `rule:` and `step:` at the finding it is meant for"
ACTION = "Remove the ignore entry that silences nothing, so a new break there is not hidden"
ON = "The `ignore:` entry itself: it is on no step (`ignore: - rule: unused-ignore` without a step silences it)."
AFTER_RULES = True   # it reads the findings of every other rule


def check(ctx) -> None:
    found = sorted({(rule, step) for rule, step in ctx.found() if rule != ID}, key=lambda f: (f[0], f[1] or ""))
    for entry in ctx.blueprint.ignores:
        if entry.rule == ID or ctx.settings.severity(entry.rule) == "off":
            continue
        if any(rule == entry.rule and (entry.step is None or step == entry.step) for rule, step in found):
            continue
        named = f"{entry.rule} on step '{entry.step}'" if entry.step else f"{entry.rule} (the whole blueprint)"
        meant = _meant(entry, found)
        ctx.emit(ID, None, entry.position,
                 f"The `ignore:` entry for {named} matches no finding, so it silences nothing"
                 + (f": {meant[0]}." if meant else f": this blueprint has no {entry.rule} finding."),
                 f"remove the entry, or point it at the finding it is meant for"
                 + (f" (did you mean {meant[1]}?)" if meant else ""))


def _meant(entry, found: list[tuple[str, str | None]]) -> tuple[str, str] | None:
    """(what the blueprint has instead, the entry it may have meant) or None when it has no finding."""
    same_rule = [step for rule, step in found if rule == entry.rule and step]
    if same_rule:
        step = _closest(entry.step or "", same_rule)
        where = and_list([f"'{shown(s)}'" for s in same_rule])
        many = len(same_rule) > 1
        return (f"the {entry.rule} finding{'s are' if many else ' is'} on step{'s' if many else ''} {where}",
                f"`rule: {entry.rule}`, `step: {shown(step)}`")
    on_step = [rule for rule, step in found if entry.step and step == entry.step]
    if on_step:
        rule = _closest(entry.rule, on_step)
        return (f"on step '{entry.step}' the findings are {and_list(on_step)}",
                f"`rule: {rule}`, `step: {shown(entry.step)}`")
    rules = sorted({rule for rule, _ in found})
    close = difflib.get_close_matches(entry.rule, rules, n=1, cutoff=0.6)
    if not close:
        return None
    steps = [step for rule, step in found if rule == close[0]]
    target = f", `step: {shown(steps[0])}`" if steps and steps[0] else ""
    return (f"this blueprint has no {entry.rule} finding, but it has {close[0]}", f"`rule: {close[0]}`{target}")


def _closest(word: str, choices: list[str]) -> str:
    """The choice closest to `word`, or the first one when none is close."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.0) if len(choices) <= 200 else []
    return close[0] if close else choices[0]


# The smallest blueprints that break the rule and keep it: docs/rules.md shows them with
# their findings, and the tests run them.
FAILING = """\
# the entry names the loop's first step, but the finding is on the step the arrow back leaves.
title: Refund that never comes
owners:
  store: {name: Store staff}
steps:
  - id: asks-refund
    lane: customer
    action: Calls to ask where the refund is.
  - id: store-says-wait
    lane: frontstage
    owner: store
    action: Says the refund is on its way.
  - id: still-nothing
    lane: customer
    action: A week later, there is still no refund.
    next: [asks-refund, refund-arrives]
  - id: refund-arrives
    lane: customer
    action: The refund finally arrives.
    end: resolved
ignore:
  - rule: customer-chases
    step: asks-refund
    reason: This blueprint documents the old loop; the redesign removes it.
"""
PASSING = """\
# the entry names the step the finding is on.
title: Refund that never comes
owners:
  store: {name: Store staff}
steps:
  - id: asks-refund
    lane: customer
    action: Calls to ask where the refund is.
  - id: store-says-wait
    lane: frontstage
    owner: store
    action: Says the refund is on its way.
  - id: still-nothing
    lane: customer
    action: A week later, there is still no refund.
    next: [asks-refund, refund-arrives]
  - id: refund-arrives
    lane: customer
    action: The refund finally arrives.
    end: resolved
ignore:
  - rule: customer-chases
    step: still-nothing
    reason: This blueprint documents the old loop; the redesign removes it.
"""
