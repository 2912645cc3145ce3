"""The rule registry: every rule module of this package, in catalogue order; `get(slug)` finds one.

A rule is one module in this folder, named after its slug (`dead_end.py` for `dead-end`):

- its docstring: `<ID>: <what it flags, in short>`, then what a designer needs to know about it,
  in Markdown (docs/rules.md shows it);
- `ID` (its slug), `ORDER` (its place in the catalogue: the rules are listed by it, lowest
  first, in the docs, the site and SARIF), `SEVERITY` (the default: low, medium or high),
  `TITLE`, `MEANING` (what it means for the customer) and `FIX` (the general fix, in the format's terms);
- optionally `ACTION`: the fix as an action for people, a template filled from the finding's
  `{step}`, `{promise}`, `{failure}`, `{channel}` and `{receiver}` (see actions.py); default: FIX;
- `FAILING` and `PASSING`: the smallest blueprints that break the rule and that keep it, each
  opening with `# ` comment lines that say what it shows (the docs show them, with the
  findings the real analysis gives on them);
- optionally `MORE_EXAMPLES`: more (failing, passing) pairs like FAILING and PASSING, one per further
  case the docs show (a promise withdrawn late, one bound to an event);
- optionally `OPTIONS`, the project settings it reads: name -> `Option(type, default, doc,
  minimum, maximum)` (see option.py), which `ctx.option(name)` gives to `check`;
- optionally `HANDOFF = True` when its findings sit on one arrow and break the handoff it carries;
- optionally `AFTER_RULES = True` when its `check` reads the other rules' findings (`ctx.found()`):
  it then runs after all of them, whatever its ORDER;
- optionally `ON`: which step its findings are on, in a sentence (default: the step itself);
  docs/rules.md lists it under "Which step a finding is on", which `ignore:` names;
- `check(ctx)`, which reads the journey (`ctx.journey`, a `journey.Journey`) and calls
  `ctx.emit(...)` once per finding (see `journey.Context`).

The registry finds the modules itself: every module of this package that has an `ID` is a rule.
So adding a rule is that module and its tests (tests/rules/test_<module>.py and its cases in
tests/rules/<module>/), and nothing else edited by hand: the settings and their validation, the
MkDocs plugin's options, the JSON Schemas (`blueprintgen schema`) and docs/rules.md
(`python -m blueprintgen.rulesdoc`) read it from here. CONTRIBUTING.md goes through it step by step.

`register(module)` adds a rule module from elsewhere (a test, a program that embeds
blueprintgen); `unregister(slug)` takes it out again. Register before the settings are read, and
before MkDocs loads the `blueprints` plugin if the plugin is to accept the rule's options.
`RULES`, `RULE_BY_SLUG` and `BY_ID` change in place when it does, so every reader sees the rule.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable

from .option import Option

__all__ = ["SEVERITIES", "ON_STEP", "Option", "Rule", "RULES", "RULE_BY_SLUG", "BY_ID", "UnknownRule", "get", "options",
           "register", "unregister"]

# Ordered from least to most severe; `off` is a setting, never a finding's severity.
SEVERITIES = ("low", "medium", "high")

# Which step a finding is on, unless the rule's module says otherwise (`ON`).
ON_STEP = "The step itself."

_SLUG = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_OPTION_NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


@dataclass(frozen=True)
class Rule:
    """One kind of broken handoff the analysis finds, as its module describes it."""

    slug: str
    severity: str
    title: str
    explanation: str
    hint: str
    check: Callable = field(repr=False, compare=False)
    order: int = 0
    options: dict[str, Option] = field(default_factory=dict, compare=False)
    handoff: bool = False
    module: ModuleType | None = field(default=None, repr=False, compare=False)
    after: bool = False   # runs after every other rule: it reads their findings
    on: str = ON_STEP     # which step its findings are on, for `ignore:`
    action: str = ""      # the fix as an action for people: a template actions.py fills in


# In catalogue order. Read them, never change them: register() and unregister() do, in place.
RULES: list[Rule] = []
RULE_BY_SLUG: dict[str, Rule] = {}
BY_ID: dict[str, ModuleType] = {}


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


def options() -> dict[str, Option]:
    """Every rule's options, name -> Option, in catalogue order."""
    return {name: option for rule in RULES for name, option in rule.options.items()}


def register(module: ModuleType) -> Rule:
    """Add a rule module to the catalogue, at its ORDER; ValueError says what the module lacks."""
    wrong = _problem(module)
    if wrong:
        raise ValueError(f"rule module {module.__name__}: {wrong}")
    rule = Rule(module.ID, module.SEVERITY, module.TITLE, module.MEANING, module.FIX, module.check, module.ORDER,
                dict(getattr(module, "OPTIONS", {})), getattr(module, "HANDOFF", False) is True, module,
                getattr(module, "AFTER_RULES", False) is True, getattr(module, "ON", ON_STEP),
                getattr(module, "ACTION", "") or module.FIX)
    _arrange([*RULES, rule])
    BY_ID[rule.slug] = module
    return rule


def unregister(slug: str) -> None:
    """Take a rule out of the catalogue (a test's temporary rule, when the test is done)."""
    get(slug)
    del BY_ID[slug]
    _arrange([rule for rule in RULES if rule.slug != slug])


def _arrange(rules: list[Rule]) -> None:
    RULES[:] = sorted(rules, key=lambda rule: (rule.order, rule.slug))
    RULE_BY_SLUG.clear()
    RULE_BY_SLUG.update((rule.slug, rule) for rule in RULES)


def _problem(module: ModuleType) -> str | None:
    """What keeps a module from being a rule, or None."""
    slug = getattr(module, "ID", None)
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        return "ID must be a slug of lowercase words joined by '-', e.g. 'dead-end'"
    if slug in RULE_BY_SLUG:
        return f"there is already a rule {slug!r} ({BY_ID[slug].__name__})"
    if not (module.__doc__ or "").startswith(f"{slug}: "):
        return f"its docstring must start with '{slug}: ' and what the rule flags, in short"
    if not isinstance(getattr(module, "ORDER", None), int):
        return "ORDER must be a number: its place in the catalogue"
    if getattr(module, "SEVERITY", None) not in SEVERITIES:
        return f"SEVERITY must be one of {', '.join(SEVERITIES)}"
    for name in ("TITLE", "MEANING", "FIX", "FAILING", "PASSING"):
        if not isinstance(getattr(module, name, None), str) or not getattr(module, name).strip():
            return f"{name} must be a text"
    more = getattr(module, "MORE_EXAMPLES", ())
    if not isinstance(more, (tuple, list)) or not all(
            isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(text, str) and text.strip() for text in pair)
            for pair in more):
        return "MORE_EXAMPLES must be (failing, passing) pairs of texts"
    if not isinstance(getattr(module, "ON", ON_STEP), str) or not getattr(module, "ON", ON_STEP).strip():
        return "ON must be a text: which step its findings are on"
    if not isinstance(getattr(module, "ACTION", ""), str):
        return "ACTION must be a text: the fix as an action for people"
    if not callable(getattr(module, "check", None)):
        return "check(ctx) must be a function"
    declared = getattr(module, "OPTIONS", {})
    if not isinstance(declared, dict):
        return "OPTIONS must map option names to Option(...)"
    taken = options()
    for name, option in declared.items():
        if not isinstance(name, str) or not _OPTION_NAME.fullmatch(name):
            return f"option {name!r} must be named in lowercase words joined by '_', e.g. 'chain_limit'"
        if not isinstance(option, Option):
            return f"option {name!r} must be an Option(...)"
        if option.problem():
            return f"option {name!r}: {option.problem()}"
        if name in taken:
            return f"option {name!r} is already an option of another rule"
    return None


def _discover() -> None:
    """Register every module of this package that is a rule (has an ID)."""
    for found in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{found.name}")
        if hasattr(module, "ID"):
            register(module)


_discover()
