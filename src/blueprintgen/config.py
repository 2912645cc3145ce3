"""Reads project settings from the `blueprints` plugin entry of mkdocs.yml, with positioned errors."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .loader import Problem, did_you_mean
from .rules import RULE_BY_SLUG
from .settings import FAIL_ON_CHOICES, SEVERITY_CHOICES, Settings
from .yamltree import Mapping, Node, Scalar, Sequence, decode, read_tree

__all__ = ["PLUGIN_NAME", "OPTION_DOCS", "ConfigError", "load_settings", "settings_from_options", "docs_dir_exists"]

PLUGIN_NAME = "blueprints"
OPTION_DOCS = {
    "blueprints_dir": "folder of blueprint files, relative to mkdocs.yml (default: blueprints)",
    "severities": "rule slug -> low, medium, high or off",
    "chain_limit": "how many distinct staff owners a resolved journey may pass through (default: 3)",
    "fail_on": "lowest severity that fails `check` and `build --strict`: low, medium, high or never (default: high)",
    "dot_timeout": "seconds one diagram may take to lay out before it is stopped (default: 30)",
    "prefix": "docs folder the generated pages go in (default: blueprints)",
    "nav_section": "title of the section added to an explicit `nav:`; false to add none (default: Blueprints)",
    "pagefind": "index the blueprint pages with Pagefind for search (default: true)",
}


class ConfigError(Exception):
    """Invalid settings; carries every positioned problem."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class _Value:
    """An option value with where it came from (mkdocs.yml node or a plain value)."""

    value: object
    line: int = 1
    column: int = 1
    key_line: int = 1
    key_column: int = 1


def _read_root(path: str) -> Mapping:
    with open(path, "rb") as handle:
        data = handle.read()
    text, error = decode(data)
    root, errors = (None, [error]) if error else read_tree(text, tolerant=True)
    if errors or not isinstance(root, Mapping):
        problems = [Problem(path, e.line, e.column, e.message, e.hint) for e in errors if e] or [
            Problem(path, 1, 1, "mkdocs.yml must be a mapping of settings")]
        raise ConfigError(problems)
    return root


def docs_dir_exists(config_file: str) -> bool:
    """Whether the docs folder mkdocs.yml names (default `docs`) is there."""
    root = _read_root(config_file)
    value = next((v for k, v in root.items if k.text == "docs_dir"), None)
    name = value.text if isinstance(value, Scalar) and not value.is_null else "docs"
    return os.path.isdir(os.path.join(os.path.dirname(os.path.abspath(config_file)), name))


def load_settings(config_file: str | None) -> tuple[Settings, str | None]:
    """Settings from `config_file` (or ./mkdocs.yml if present); defaults otherwise.

    Returns the settings and the config file used (None when defaults).
    """
    path = config_file or ("mkdocs.yml" if os.path.isfile("mkdocs.yml") else None)
    if path is None:
        return Settings(), None
    try:
        root = _read_root(path)
    except OSError as error:
        raise ConfigError([Problem(path, 1, 1, f"cannot read the configuration: {error.strerror}")]) from None
    options = _plugin_options(root)
    settings = settings_from_options(options, path)
    base = os.path.dirname(path)
    return Settings(**{**settings.__dict__, "blueprints_dir": os.path.join(base, settings.blueprints_dir)}), path


def _plugin_options(root: Mapping) -> dict[str, _Value]:
    plugins = next((value for key, value in root.items if key.text == "plugins"), None)
    entries = plugins.items if isinstance(plugins, Sequence) else []
    if isinstance(plugins, Mapping):   # MkDocs also accepts a mapping of plugin -> options
        entries = [Mapping(plugins.line, plugins.column, [item]) for item in plugins.items]
    for entry in entries:
        if isinstance(entry, Mapping) and entry.items and entry.items[0][0].text == PLUGIN_NAME:
            return _node_values(entry.items[0][1])
    return {}


def _node_values(node: Node) -> dict[str, _Value]:
    if not isinstance(node, Mapping):
        return {}
    return {key.text: _Value(_plain(value), value.line, value.column, key.line, key.column)
            for key, value in node.items}


def _plain(node: Node):
    if isinstance(node, Scalar):
        return None if node.is_null else node.text
    if isinstance(node, Sequence):
        return [_plain(item) for item in node.items]
    return _node_values(node)


def settings_from_options(options: dict, file: str) -> Settings:
    """Validate plugin options (from mkdocs.yml or MkDocs itself) into Settings.

    Values may be plain (as MkDocs hands them over, where YAML made `off` False)
    or positioned `_Value`s (as read here, so errors point at the line).
    """
    problems: list[Problem] = []
    wrapped = {key: value if isinstance(value, _Value) else _Value(value) for key, value in options.items()}

    def problem(item: _Value, message: str, hint: str | None = None, at_key: bool = False) -> None:
        line, column = (item.key_line, item.key_column) if at_key else (item.line, item.column)
        problems.append(Problem(file, line, column, message, hint))

    for key, item in wrapped.items():
        if key not in OPTION_DOCS:
            problem(item, f"unknown blueprints option '{key}'", did_you_mean(key, OPTION_DOCS)
                    or f"known options: {', '.join(OPTION_DOCS)}", at_key=True)
    defaults = Settings()
    severities = dict(defaults.severities)
    raw = wrapped.get("severities")
    if raw is not None and raw.value is not None:
        if not isinstance(raw.value, dict):
            problem(raw, "severities must be a mapping of rule -> severity", "e.g. `severities: {dead-end: medium}`")
        else:
            for slug, level in raw.value.items():
                level = level if isinstance(level, _Value) else _Value(level, raw.line, raw.column)
                value = "off" if level.value is False else str(level.value).lower()
                if slug not in RULE_BY_SLUG:
                    problem(level, f"severities: unknown rule '{slug}'",
                            did_you_mean(slug, RULE_BY_SLUG) or "see docs/rules.md for the rule names", at_key=True)
                elif value not in SEVERITY_CHOICES:
                    problem(level, f"severities: '{level.value}' for {slug} is not one of {', '.join(SEVERITY_CHOICES)}")
                else:
                    severities[slug] = value
    fail_on = _choice(wrapped.get("fail_on"), defaults.fail_on, FAIL_ON_CHOICES, "fail_on", problem)
    chain_limit = _number(wrapped.get("chain_limit"), defaults.chain_limit, int, "chain_limit", problem)
    dot_timeout = _number(wrapped.get("dot_timeout"), defaults.dot_timeout, float, "dot_timeout", problem)
    blueprints_dir = wrapped.get("blueprints_dir")
    if problems:
        raise ConfigError(sorted(problems))
    return Settings(blueprints_dir=str(blueprints_dir.value) if blueprints_dir and blueprints_dir.value
                    else defaults.blueprints_dir, severities=severities, chain_limit=chain_limit,
                    fail_on=fail_on, dot_timeout=dot_timeout)


def _choice(item: _Value | None, default: str, choices, name: str, problem) -> str:
    if item is None or item.value is None:
        return default
    value = "never" if item.value is False else str(item.value).lower()
    if value not in choices:
        problem(item, f"{name} '{item.value}' is not one of {', '.join(choices)}")
        return default
    return value


def _number(item: _Value | None, default, kind, name: str, problem):
    if item is None or item.value is None:
        return default
    try:
        value = kind(item.value)
    except (TypeError, ValueError):
        value = None
    if value is None or isinstance(item.value, bool) or value <= 0:
        problem(item, f"{name} '{item.value}' must be a positive number")
        return default
    return value
