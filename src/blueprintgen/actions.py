"""A finding's fix as an action for people, filled from its step, promise, failure and channel. Pure."""

from __future__ import annotations

from functools import lru_cache
from string import Formatter

from .analysis import Finding
from .model import Blueprint, Step
from .rules import RULE_BY_SLUG

__all__ = ["action", "action_parts", "worded", "framed", "SHORT"]

SHORT = 48   # characters of a step's action quoted in a fix: enough to recognise the step


def _short(text: str) -> str:
    """The text on one line, cut after a whole word with an ellipsis when longer than SHORT."""
    text = " ".join(text.split())
    text = text[:-1] if text.endswith(".") and not text.endswith("..") else text   # a sentence, quoted mid-sentence
    if len(text) <= SHORT:
        return text
    cut = text[:SHORT].rsplit(" ", 1)[0] if " " in text[:SHORT] else text[:SHORT - 1]
    return cut.rstrip(",;:.") + "…"


class _Filled(dict):
    """The template's names; a name the finding has nothing for reads as a plain phrase."""

    def __missing__(self, key: str) -> str:
        return f"the {key}"


def _values(blueprint: Blueprint, finding: Finding) -> _Filled:
    step: Step | None = blueprint.step_by_id.get(finding.step) if finding.step else None
    values = _Filled()
    values["step"] = _short(step.action) if step else "the journey"
    if step and step.promise:
        values["promise"] = _short(step.promise.what)
    if step and step.failure:
        values["failure"] = _short(step.failure.what)
    via = finding.edge.via if finding.edge is not None else None
    channel = blueprint.channel_by_key.get(via or (step.channel if step else None) or "")
    if channel:
        values["channel"] = _short(channel.name)
    target = blueprint.step_by_id.get(finding.edge.to) if finding.edge is not None else None
    owner = blueprint.owner_by_key.get(target.owner) if target and target.is_staff and target.owner else None
    values["receiver"] = _short(owner.name) if owner else "the next team"
    return values


def action(blueprint: Blueprint, finding: Finding) -> str:
    """The rule's ACTION for this finding, as plain text (the site escapes it like any YAML text).

    Only plain `{name}` fields are filled: a template with anything else in braces is shown as written.
    """
    template = _template(finding)
    try:
        if any(spec or conversion for _, _, spec, conversion in Formatter().parse(template)):
            return template
        return template.format_map(_values(blueprint, finding))
    except (ValueError, KeyError, IndexError, AttributeError):
        return template


def _template(finding: Finding) -> str:
    rule = RULE_BY_SLUG.get(finding.rule)
    return (rule.action or rule.hint) if rule else finding.hint


@lru_cache(maxsize=None)
def _fields(rule: str) -> tuple[tuple[str, ...], str] | None:
    """The names of the fields of a rule's ACTION, in order, and the template with them numbered in that
    order (`{0}`: str.format fills it fastest); None when it is not filled field by field."""
    known = RULE_BY_SLUG.get(rule)
    template = (known.action or known.hint) if known else None
    try:
        parsed = list(Formatter().parse(template)) if template else None
    except ValueError:
        return None
    if parsed is None or any(spec or conversion for _, _, spec, conversion in parsed):
        return None
    names = tuple(dict.fromkeys(name for _, name, _, _ in parsed if name is not None))
    numbered = "".join(text.replace("{", "{{").replace("}", "}}") + ("" if name is None else f"{{{names.index(name)}}}")
                       for text, name, _, _ in parsed)
    return names, numbered


def action_parts(blueprint: Blueprint, finding: Finding) -> list[str] | None:
    """The texts this finding's action is filled with, field by field (`worded` puts them in): a page
    that lists thousands of fixes keeps a blueprint's texts once. None when the action is not made so."""
    fields = _fields(finding.rule)
    if fields is None:
        return None
    values = _values(blueprint, finding)
    parts = [values[name] for name in fields[0]]
    try:
        # As `action` fills a template without specs (as every one `_fields` takes is).
        return parts if worded(finding.rule, parts) == _template(finding).format_map(values) else None
    except (ValueError, KeyError, IndexError, AttributeError):   # a field `action` would not fill either
        return None


@lru_cache(maxsize=None)
def framed(rule: str) -> tuple[str, str] | None:
    """The words before and after the one field of a rule's ACTION (worded(rule, [text]) is before + text
    + after); None when it has no field, several, or one used twice."""
    whole = worded(rule, ["\x00"]) if _fields(rule) and len(_fields(rule)[0]) == 1 else ""
    return tuple(whole.split("\x00")) if whole.count("\x00") == 1 else None


def worded(rule: str, parts) -> str:
    """The action of a finding of `rule` whose fields are filled with `parts` (see action_parts)."""
    return _fields(rule)[1].format(*parts)
