"""Reads project settings from the `blueprints` plugin entry of mkdocs.yml, with positioned errors."""

from __future__ import annotations

import math
import os
import stat
from dataclasses import dataclass

from .loader import Problem, did_you_mean
from .rules import RULE_BY_SLUG
from .settings import FAIL_ON_CHOICES, SEVERITY_CHOICES, Settings
from .yamltree import MAX_FILE_BYTES, Mapping, Node, Scalar, Sequence, decode, read_tree, shown

__all__ = ["PLUGIN_NAME", "OPTION_DOCS", "ConfigError", "load_settings", "settings_from_options", "docs_dir_exists"]

PLUGIN_NAME = "blueprints"
OPTION_DOCS = {
    "blueprints_dir": "folder of blueprint files, relative to mkdocs.yml (default: blueprints)",
    "severities": "rule slug -> low, medium, high or off",
    "chain_limit": "how many distinct staff owners a resolved journey may pass through (default: 3)",
    "fail_on": "lowest severity that fails `check` and `build --strict`: low, medium, high or never (default: high)",
    "dot_timeout": "seconds one diagram may take to lay out before it is stopped (default: 30)",
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
    file: str | None = None   # the file it was read from (a parent through INHERIT), if not the config's


CONFIG_HINTS = {   # the reader's hints are for blueprints; these are for mkdocs.yml
    "the file is empty": "write MkDocs settings, at least `site_name: ...`, or remove the file to use the built-in site",
    "the file is binary (it contains a NUL byte)": "mkdocs.yml is a UTF-8 text file",
    "the file is not valid UTF-8": "save mkdocs.yml with UTF-8 encoding",
}


def _read_root(path: str) -> Mapping:
    """The file's tree, read by the same rules as a blueprint: a regular file of at most 1 MiB."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):   # a FIFO would block, /dev/zero never ends
            raise ConfigError([Problem(path, 1, 1, "the configuration is not a regular file",
                                       "give the project's mkdocs.yml")])
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ConfigError([Problem(path, 1, 1, f"cannot read the configuration: {error.strerror}",
                                   "check that it exists and is readable")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError([Problem(path, 1, 1, f"the configuration is larger than {MAX_FILE_BYTES // 1024} KiB",
                                   "mkdocs.yml holds settings only; check that this is the right file")])
    text, error = decode(data)
    root, errors = (None, [error]) if error else read_tree(text, tolerant=True)
    if errors or not isinstance(root, Mapping):
        problems = [Problem(path, e.line, e.column, e.message, CONFIG_HINTS.get(e.message, e.hint))
                    for e in errors if e] or [Problem(path, 1, 1, "mkdocs.yml must be a mapping of settings")]
        raise ConfigError(problems)
    return root


def _read_config(path: str, inheriting: tuple[str, ...] = ()) -> dict[str, _Value]:
    """The settings of `path` with those it inherits (`INHERIT:`), merged as MkDocs merges them:
    mappings key by key, anything else replaced by the inheriting file's value."""
    values = _node_values(_read_root(path), path)
    parent = values.pop("INHERIT", None)
    if parent is None or parent.value is None:
        return values
    if not isinstance(parent.value, str):
        raise ConfigError([Problem(path, parent.line, parent.column, "INHERIT must name a file",
                                   "e.g. `INHERIT: ../base.yml`, relative to this file")])
    parent_path = os.path.normpath(os.path.join(os.path.dirname(path), parent.value))
    real = os.path.realpath(parent_path)
    if real in inheriting or real == os.path.realpath(path):
        raise ConfigError([Problem(path, parent.line, parent.column,
                                   f"INHERIT: '{shown(parent.value)}' is already inheriting this file (a loop)",
                                   "remove one INHERIT: of the loop")])
    if not os.path.exists(parent_path):
        raise ConfigError([Problem(path, parent.line, parent.column,
                                   f"INHERIT: '{shown(parent.value)}' does not exist",
                                   "the path is relative to this file")])
    return _merged(_read_config(parent_path, (*inheriting, os.path.realpath(path))), values)


def _merged(parent: dict, child: dict) -> dict:
    merged = dict(parent)
    for key, value in child.items():
        below = merged.get(key)
        if below is not None and isinstance(below.value, dict) and isinstance(value.value, dict):
            value = _Value(_merged(below.value, value.value), value.line, value.column, value.key_line,
                           value.key_column, value.file)
        merged[key] = value
    return merged


def docs_dir_exists(config_file: str) -> bool:
    """Whether the docs folder mkdocs.yml names (default `docs`, or inherited) is there."""
    value = _read_config(config_file).get("docs_dir")
    name = value.value if value is not None and isinstance(value.value, str) else "docs"
    return os.path.isdir(os.path.join(os.path.dirname(os.path.abspath(config_file)), name))


def load_settings(config_file: str | None) -> tuple[Settings, str | None]:
    """Settings from `config_file` (or ./mkdocs.yml if present); defaults otherwise.

    Returns the settings and the config file used (None when defaults).
    """
    path = config_file or ("mkdocs.yml" if os.path.isfile("mkdocs.yml") else None)
    if path is None:
        return Settings(), None
    options = _plugin_options(_read_config(path))
    settings = settings_from_options(options, path)
    base = os.path.dirname(path)
    return Settings(**{**settings.__dict__, "blueprints_dir": os.path.join(base, settings.blueprints_dir)}), path


def _plugin_options(config: dict[str, _Value]) -> dict[str, _Value]:
    plugins = config.get("plugins")
    entries = plugins.value if plugins is not None else None
    if isinstance(entries, dict):   # MkDocs also accepts a mapping of plugin -> options
        entries = [{key: value} for key, value in entries.items()]
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            options = entry[PLUGIN_NAME].value
            return options if isinstance(options, dict) else {}
    return {}


def _node_values(node: Node, file: str) -> dict[str, _Value]:
    if not isinstance(node, Mapping):
        return {}
    return {key.text: _Value(_plain(value, file), value.line, value.column, key.line, key.column, file)
            for key, value in node.items}


def _plain(node: Node, file: str):
    if getattr(node, "env", False):
        return _environment(node)
    if isinstance(node, Scalar):
        return None if node.is_null else node.text
    if isinstance(node, Sequence):
        return [_plain(item, file) for item in node.items]
    return _node_values(node, file)


def _environment(node: Node) -> str | None:
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`: the first variable set, else the default."""
    items = [node] if isinstance(node, Scalar) else node.items
    names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    for name in names:
        if isinstance(name, Scalar) and name.text in os.environ:
            return os.environ[name.text]
    return None if not isinstance(default, Scalar) or default.is_null else default.text


def settings_from_options(options: dict, file: str) -> Settings:
    """Validate plugin options (from mkdocs.yml or MkDocs itself) into Settings.

    Values may be plain (as MkDocs hands them over, where YAML made `off` False)
    or positioned `_Value`s (as read here, so errors point at the line).
    """
    problems: list[Problem] = []
    wrapped = {key: value if isinstance(value, _Value) else _Value(value) for key, value in options.items()}

    def problem(item: _Value, message: str, hint: str | None = None, at_key: bool = False) -> None:
        line, column = (item.key_line, item.key_column) if at_key else (item.line, item.column)
        problems.append(Problem(item.file or file, line, column, message, hint))

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


# Upper limits: `1e400` reads as infinity, and a timer cannot wait for ever.
_MAXIMA = {"chain_limit": 1000, "dot_timeout": 86_400}


def _number(item: _Value | None, default, kind, name: str, problem):
    """A positive number up to its maximum, read from its text, so that `3`, `"3"` and an `!ENV`
    value of 3 mean the same whether mkdocs.yml was read here or by MkDocs (which types them)."""
    if item is None or item.value is None:
        return default
    try:
        value = None if isinstance(item.value, (bool, dict, list)) else kind(str(item.value).strip())
    except ValueError:
        value = None
    if value is None or not 0 < value <= _MAXIMA[name] or math.isnan(value):
        what = "a whole number from 1 to" if kind is int else "a number of seconds above 0 and at most"
        problem(item, f"{name} '{item.value}' must be {what} {_MAXIMA[name]:,}")
        return default
    return value
