"""Reads project settings from mkdocs.yml's `blueprints` plugin entry or pyproject.toml, with positioned errors.

Which file wins: `--config FILE` when given; otherwise mkdocs.yml's `blueprints` plugin entry,
because `mkdocs build` reads only that and `check` must judge what the site shows; otherwise
`[tool.blueprintgen]` in pyproject.toml. Both are found in the project folder (see project.py).
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass, replace

from .loader import DURATION_HINT, MAX_MINUTES, MINUTES, Problem, did_you_mean
from .model import Duration
from .rules import RULE_BY_SLUG, Option, options as declared_options
from .schema import DURATION_PATTERN
from .settings import FAIL_ON_CHOICES, GATE_CHOICES, MAX_DOT_TIMEOUT, SEVERITY_CHOICES, Settings, option_docs
from .yamltree import MAX_FILE_BYTES, Mapping, Node, Scalar, Sequence, decode, read_tree, shown

__all__ = ["PLUGIN_NAME", "ConfigError", "load_settings", "settings_from_options", "docs_dir_exists",
           "shadowed_pyproject", "prefix_problem", "PREFIX_HINT"]

PLUGIN_NAME = "blueprints"
PYPROJECT_TABLE = "tool.blueprintgen"


DURATION = re.compile(DURATION_PATTERN)


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


def _config_bytes(path: str) -> bytes:
    """A configuration file's bytes, read by the same rules as a blueprint: a regular file of at most 1 MiB."""
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
    return data


def _read_root(path: str) -> Mapping:
    """The file's tree; tags are passed over (never run) and aliases read as empty values."""
    text, error = decode(_config_bytes(path))
    duplicates: list = []
    root, errors = (None, [error]) if error else read_tree(text, tolerant=True, warnings=duplicates)
    for duplicate in duplicates:   # MkDocs accepts them (the last wins): so do we, and say so
        near = os.path.relpath(path)
        shown = path if near.startswith(os.pardir) else near   # the same file however it was named
        _warn(f"{shown}:{duplicate.line}:{duplicate.column}: warning: {duplicate.message}; the last one is used, "
              "as MkDocs does (hint: keep one)")
    if errors or not isinstance(root, Mapping):
        problems = [Problem(path, e.line, e.column, e.message, CONFIG_HINTS.get(e.message, e.hint))
                    for e in errors if e] or [Problem(path, 1, 1, "mkdocs.yml must be a mapping of settings")]
        raise ConfigError(problems)
    return root


_warned: set[str] = set()
# A chain of INHERITs longer than this is no project's settings (and would exhaust the stack).
MAX_INHERITS = 50


def _warn(message: str) -> None:
    """A configuration warning, once per process (settings are read more than once per command)."""
    if message not in _warned:
        _warned.add(message)
        import logging

        logging.getLogger("blueprintgen.config").warning(message)


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
    if len(inheriting) >= MAX_INHERITS:
        raise ConfigError([Problem(path, parent.line, parent.column,
                                   f"INHERIT goes more than {MAX_INHERITS} files deep",
                                   "inherit from one shared file, not a chain of them")])
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


def inherited_file(path: str) -> str | None:
    """The file `path` names in `INHERIT:` (normalised; it may not exist), or None (ConfigError: unreadable)."""
    parent = _node_values(_read_root(path), path).get("INHERIT")
    if parent is None or not isinstance(parent.value, str):
        return None
    return os.path.normpath(os.path.join(os.path.dirname(path), parent.value))


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


def load_settings(config_file: str | None, project=None) -> tuple[Settings, str | None]:
    """Settings from `config_file`, else from the project's mkdocs.yml or pyproject.toml; defaults otherwise.

    `project` (a project.Project) says where to look; without it, ./mkdocs.yml when present.
    Returns the settings and the file they came from (None when defaults). Folder and file
    settings are made relative to that file's folder (the project folder for defaults).
    """
    if config_file is None and project is None:
        config_file = "mkdocs.yml" if os.path.isfile("mkdocs.yml") else None
    if config_file is None and project is None:
        return Settings(), None
    if config_file is not None:
        path = config_file
        options = _pyproject_options(path) if path.endswith(".toml") else _mkdocs_options(path)
    else:
        path, options = None, {}
        if project.config_file:
            path, options = project.config_file, _mkdocs_options(project.config_file)
        if not options and project.pyproject:
            table = _pyproject_options(project.pyproject)
            if table:
                path, options = project.pyproject, table
        path = path or (project.config_file if project.config_file else None)
    if path is None:
        base = project.folder if project is not None else ""
        return _rebased(Settings(), base), None
    return _rebased(settings_from_options(options, path), os.path.dirname(path)), path


def shadowed_pyproject(project, source: str | None) -> str | None:
    """The project's pyproject.toml when its [tool.blueprintgen] is ignored because mkdocs.yml won."""
    if project is None or source is None or source.endswith(".toml") or not project.pyproject:
        return None
    try:
        return project.pyproject if _pyproject_options(project.pyproject) else None
    except ConfigError:
        return None


def _rebased(settings: Settings, base: str) -> Settings:
    baseline = os.path.join(base, settings.baseline) if settings.baseline else None
    return replace(settings, blueprints_dir=os.path.join(base, settings.blueprints_dir), baseline=baseline)


def _mkdocs_options(path: str) -> dict[str, _Value]:
    return _plugin_options(_read_config(path))


def _pyproject_options(path: str) -> dict[str, _Value]:
    """`[tool.blueprintgen]` of a pyproject.toml, each value positioned at its line."""
    import re
    import tomllib

    data = _config_bytes(path)
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        found = re.search(r"line (\d+), column (\d+)", str(error))
        line, column = (int(found[1]), int(found[2])) if found else (1, 1)
        raise ConfigError([Problem(path, line, column, "pyproject.toml is not valid TOML",
                                   "check the quotes, brackets and `key = value` lines around this point")]) from None
    table = document.get("tool", {}).get("blueprintgen")
    if table is None:
        return {}
    lines = data.decode("utf-8").splitlines()
    header = next((n for n, text in enumerate(lines) if text.strip().replace(" ", "") == f"[{PYPROJECT_TABLE}]"), None)
    if not isinstance(table, dict):
        raise ConfigError([Problem(path, 1, 1, f"[{PYPROJECT_TABLE}] must be a table of settings")])
    positions = {}
    if header is not None:
        for number in range(header + 1, len(lines)):
            text = lines[number]
            if text.lstrip().startswith("["):
                break
            key = re.match(r"(\s*)([A-Za-z0-9_-]+)\s*=\s*", text)
            if key:
                positions.setdefault(key[2], (number + 1, len(key[1]) + 1, key.end() + 1))
    values = {}
    for key, value in table.items():
        line, key_column, column = positions.get(key, ((header or 0) + 1, 1, 1))
        values[key] = _Value(_toml_plain(value), line, column, line, key_column)
    return values


def _toml_plain(value):
    # TOML types its values; settings_from_options reads text and numbers as mkdocs.yml gives them.
    if isinstance(value, dict):
        return {key: _toml_plain(item) for key, item in value.items()}
    return value


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

    known = option_docs()
    for key, item in wrapped.items():
        if key not in known:
            problem(item, f"unknown blueprints option '{key}'", did_you_mean(key, known)
                    or f"known options: {', '.join(known)}", at_key=True)
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
    rule_options = {name: _rule_option(wrapped.get(name), option, name, problem)
                    for name, option in declared_options().items()}
    dot_timeout = _number(wrapped.get("dot_timeout"), defaults.dot_timeout, float, "dot_timeout", problem,
                          None, MAX_DOT_TIMEOUT, f"a number of seconds above 0 and at most {MAX_DOT_TIMEOUT:,}")
    gate = _choice(wrapped.get("gate"), defaults.gate, GATE_CHOICES, "gate", problem)
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
    if problems:
        raise ConfigError(sorted(problems))
    return Settings(blueprints_dir=str(blueprints_dir.value) if blueprints_dir and blueprints_dir.value
                    else defaults.blueprints_dir, severities=severities, rule_options=rule_options,
                    fail_on=fail_on, dot_timeout=dot_timeout, gate=gate,
                    baseline=baseline.value if baseline is not None and isinstance(baseline.value, str) else None)


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


def _choice(item: _Value | None, default: str, choices, name: str, problem) -> str:
    if item is None or item.value is None:
        return default
    value = "never" if item.value is False else str(item.value).lower()
    if value not in choices:
        problem(item, f"{name} '{item.value}' is not one of {', '.join(choices)}")
        return default
    return value


def _rule_option(item: _Value | None, option: Option, name: str, problem):
    """A rule option's value, read by its type and held to the limits its rule declares."""
    if option.type is Duration:
        return _duration(item, option, name, problem)
    return _number(item, option.default, option.type, name, problem, option.minimum, option.maximum,
                   option.allowed())


def _duration(item: _Value | None, option: Option, name: str, problem) -> Duration:
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


def _number(item: _Value | None, default, kind, name: str, problem, minimum, maximum, what: str):
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
