"""The blueprints plugin's options checked into Settings, each problem at the line of the option it is about."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .loader import DURATION_HINT, MAX_MINUTES, MINUTES, Problem, did_you_mean
from .model import Duration
from .rules import RULE_BY_SLUG, Option, options as declared_options
from .schema import DURATION_PATTERN
from .settings import FAIL_ON_CHOICES, GATE_CHOICES, MAX_DOT_TIMEOUT, SEVERITY_CHOICES, Settings, option_docs
from .yamltree import shown

__all__ = ["ConfigError", "OptionValue", "settings_from_options", "prefix_problem", "PREFIX_HINT"]

DURATION = re.compile(DURATION_PATTERN)


class ConfigError(Exception):
    """Invalid settings; carries every positioned problem."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class OptionValue:
    """An option value with where it came from (mkdocs.yml node or a plain value)."""

    value: object
    line: int = 1
    column: int = 1
    key_line: int = 1
    key_column: int = 1
    file: str | None = None   # the file it was read from (a parent through INHERIT), if not the config's


def settings_from_options(options: dict, file: str) -> Settings:
    """Validate plugin options (from mkdocs.yml or MkDocs itself) into Settings.

    Values may be plain (as MkDocs hands them over, where YAML made `off` False)
    or positioned `OptionValue`s (as read here, so errors point at the line).
    """
    problems: list[Problem] = []
    wrapped = {key: value if isinstance(value, OptionValue) else OptionValue(value) for key, value in options.items()}

    def problem(item: OptionValue, message: str, hint: str | None = None, at_key: bool = False) -> None:
        line, column = (item.key_line, item.key_column) if at_key else (item.line, item.column)
        problems.append(Problem(item.file or file, line, column, message, hint))

    _unknown_options(wrapped, problem)
    defaults = Settings()
    severities = _severities(wrapped.get("severities"), defaults, problem)
    fail_on = _choice(wrapped.get("fail_on"), defaults.fail_on, FAIL_ON_CHOICES, "fail_on", problem)
    rule_options = {name: _rule_option(wrapped.get(name), option, name, problem)
                    for name, option in declared_options().items()}
    dot_timeout = _number(wrapped.get("dot_timeout"), defaults.dot_timeout, float, "dot_timeout", problem,
                          None, MAX_DOT_TIMEOUT, f"a number of seconds above 0 and at most {MAX_DOT_TIMEOUT:,}")
    gate = _choice(wrapped.get("gate"), defaults.gate, GATE_CHOICES, "gate", problem)
    blueprints_dir, baseline = _paths(wrapped, problem)
    if problems:
        raise ConfigError(sorted(problems))
    return Settings(blueprints_dir=str(blueprints_dir.value) if blueprints_dir and blueprints_dir.value
                    else defaults.blueprints_dir, severities=severities, rule_options=rule_options,
                    fail_on=fail_on, dot_timeout=dot_timeout, gate=gate,
                    baseline=baseline.value if baseline is not None and isinstance(baseline.value, str) else None)


def _unknown_options(wrapped: dict, problem) -> None:
    """A problem for each option the plugin does not have, with the closest name it does."""
    known = option_docs()
    for key, item in wrapped.items():
        if key not in known:
            problem(item, f"unknown blueprints option '{key}'", did_you_mean(key, known)
                    or f"known options: {', '.join(known)}", at_key=True)


def _severities(raw: OptionValue | None, defaults: Settings, problem) -> dict:
    """Each rule's severity: the defaults, with those the project set (`off` included)."""
    severities = dict(defaults.severities)
    if raw is None or raw.value is None:
        return severities
    if not isinstance(raw.value, dict):
        problem(raw, "severities must be a mapping of rule -> severity", "e.g. `severities: {dead-end: medium}`")
        return severities
    for slug, level in raw.value.items():
        level = level if isinstance(level, OptionValue) else OptionValue(level, raw.line, raw.column)
        value = "off" if level.value is False else str(level.value).lower()
        if slug not in RULE_BY_SLUG:
            problem(level, f"severities: unknown rule '{slug}'",
                    did_you_mean(slug, RULE_BY_SLUG) or "see docs/rules.md for the rule names", at_key=True)
        elif value not in SEVERITY_CHOICES:
            problem(level, f"severities: '{level.value}' for {slug} is not one of {', '.join(SEVERITY_CHOICES)}")
        else:
            severities[slug] = value
    return severities


def _paths(wrapped: dict, problem) -> tuple[OptionValue | None, OptionValue | None]:
    """The blueprint folder and the baseline file as given (None for a folder that is not a path), and
    a problem for each of them, and for the prefix, that is not a path."""
    blueprints_dir = wrapped.get("blueprints_dir")
    if blueprints_dir is not None and isinstance(blueprints_dir.value, (bool, dict, list)):
        problem(blueprints_dir, "blueprints_dir must be the path of a folder", "e.g. `blueprints_dir: blueprints`")
        blueprints_dir = None
    prefix = wrapped.get("prefix")
    if prefix is not None and prefix.value is not None and prefix_problem(prefix.value):
        problem(prefix, prefix_problem(prefix.value), PREFIX_HINT)
    baseline = wrapped.get("baseline")
    if baseline is not None and baseline.value is not None and not isinstance(baseline.value, str):
        problem(baseline, "baseline must be the path of a file", "e.g. `baseline: .blueprintgen-baseline.json`")
    return blueprints_dir, baseline


_PREFIX_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
PREFIX_HINT = "e.g. `prefix: blueprints` or `prefix: guides/blueprints`"


def prefix_problem(value) -> str | None:
    """What is wrong with a `prefix` option (the docs folder of the generated pages), or None.

    It must stay inside the docs folder: no `..`, no absolute path, no hidden folder.
    """
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    parts = text.strip("/").split("/") if text is not None else []
    if text is None or not text.strip("/") or not all(_PREFIX_PART.fullmatch(part) for part in parts):
        return (f"prefix '{shown(str(value))}' must be a folder inside the docs folder: names of letters, "
                "digits, '-', '_' and '.', separated by '/', without '..'")
    return None


def _choice(item: OptionValue | None, default: str, choices, name: str, problem) -> str:
    if item is None or item.value is None:
        return default
    value = "never" if item.value is False else str(item.value).lower()
    if value not in choices:
        problem(item, f"{name} '{item.value}' is not one of {', '.join(choices)}")
        return default
    return value


def _rule_option(item: OptionValue | None, option: Option, name: str, problem):
    """A rule option's value, read by its type and held to the limits its rule declares."""
    if option.type is Duration:
        return _duration(item, option, name, problem)
    return _number(item, option.default, option.type, name, problem, option.minimum, option.maximum,
                   option.allowed())


def _duration(item: OptionValue | None, option: Option, name: str, problem) -> Duration:
    if item is None or item.value is None:
        return option.default
    text = str(item.value).strip()
    if (isinstance(item.value, bool) or not DURATION.fullmatch(text)
            or not 0 < float(text[:-1]) * MINUTES[text[-1]] <= MAX_MINUTES):
        problem(item, f"{name} '{item.value}' is not a duration", DURATION_HINT)
        return option.default
    value = Duration(text, round(float(text[:-1]) * MINUTES[text[-1]]))
    if (option.minimum is not None or option.maximum is not None) and not option.within(value):
        problem(item, f"{name} '{item.value}' must be {option.allowed()}")
        return option.default
    return value


def _number(item: OptionValue | None, default, kind, name: str, problem, minimum, maximum, what: str):
    """A number from `minimum` (None: above 0) to `maximum`, read from its text, so that `3`, `"3"` and
    an `!ENV` value of 3 mean the same whether mkdocs.yml was read here or by MkDocs (which types them)."""
    if item is None or item.value is None:
        return default
    try:
        value = None if isinstance(item.value, (bool, dict, list)) else kind(str(item.value).strip())
    except ValueError:
        value = None
    if (value is None or math.isnan(value) or value > maximum
            or (value <= 0 if minimum is None else value < minimum)):
        problem(item, f"{name} '{item.value}' must be {what}")
        return default
    return value
