"""The catalogue of handoff rules: slugs, default severities and plain-words explanations."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SEVERITIES", "Rule", "RULES", "RULE_BY_SLUG"]

# Ordered from least to most severe; `off` is a setting, never a finding's severity.
SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class Rule:
    """One kind of broken handoff the analysis finds."""

    slug: str
    severity: str
    title: str
    explanation: str
    hint: str


RULES: tuple[Rule, ...] = (
    Rule("dead-end", "high", "Dead end",
         "The journey stops at a step that is not an end: nobody acts next and the customer is left waiting.",
         "add `next:` to the step that should follow, or mark the step `end: resolved` or `end: abandoned`"),
    Rule("broken-promise", "high", "Broken promise",
         "A promise is made to the customer, but no later step keeps it.",
         "add the step that keeps the promise with `fulfils: <step id>`, or stop making the promise"),
    Rule("vague-promise", "medium", "Vague promise",
         "A promise has no deadline, so nobody can tell when it is broken.",
         "give the promise a deadline with `within:` (e.g. `within: 2d`)"),
    Rule("missing-owner", "high", "Missing owner",
         "A staff step has no owner: nobody is accountable for doing it.",
         "name who does this step with `owner: <owner key>`"),
    Rule("unwatched-channel", "high", "Unwatched channel",
         "The customer or a colleague reaches out through a channel nobody watches (a voicemail box, an auto-sorted inbox).",
         "give the channel an owner with `watched_by:` and a `response:` time, or route through a watched channel"),
    Rule("no-deadline", "medium", "Handoff without deadline",
         "Work passes between two staff owners with no time limit, so it can wait forever unnoticed.",
         "add `within:` to the handoff, or a `response:` time to its `via` channel"),
    Rule("context-lost", "medium", "Context lost",
         "A handoff carries nothing, so the customer has to tell the story again to the next person.",
         "list what travels with the handoff in `carries:` (e.g. a case number, the history so far)"),
    Rule("silent-backstage", "medium", "Silent backstage",
         "Work happens behind the line of visibility and nobody tells the customer what happened.",
         "add a frontstage step that tells the customer the outcome before the journey goes on"),
    Rule("unrecovered-failure", "high", "Unrecovered failure",
         "A known failure point has no recovery: when it happens, nothing puts it right.",
         "add a step that recovers and point to it with `recovery: <step id>`"),
    Rule("customer-chases", "high", "Customer chases",
         "The journey loops back through the customer: they have to come back and chase.",
         "make the staff side follow up with a promise and a deadline instead of waiting to be chased"),
    Rule("handoff-chain", "medium", "Handoff chain",
         "On the way to a resolution the customer is passed through more people than the limit allows.",
         "give the first person the authority and the information to resolve, or cut the steps in between"),
    Rule("unreachable-step", "low", "Unreachable step",
         "No path from the first step reaches this step, so it never happens.",
         "connect the step with `next:` from an earlier step, or remove it"),
)

RULE_BY_SLUG = {rule.slug: rule for rule in RULES}
