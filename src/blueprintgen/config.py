"""Reads project settings from mkdocs.yml's `blueprints` plugin entry or pyproject.toml, with positioned errors.

Which file wins: `--config FILE` when given; otherwise mkdocs.yml's `blueprints` plugin entry,
because `mkdocs build` reads only that and `check` must judge what the site shows; otherwise
`[tool.blueprintgen]` in pyproject.toml. Both are found in the project folder (see project.py).
The options read are checked into Settings by options.py.
"""

from __future__ import annotations

import os
import stat
from dataclasses import replace

from .loader import Problem
from .options import PREFIX_HINT, ConfigError, OptionValue, prefix_problem, settings_from_options
from .settings import Settings
from .yamltree import MAX_FILE_BYTES, Mapping, Node, Scalar, Sequence, decode, read_tree, shown

__all__ = ["PLUGIN_NAME", "ConfigError", "load_settings", "settings_from_options", "docs_dir_exists", "config_values",
           "shadowed_pyproject", "prefix_problem", "PREFIX_HINT"]

PLUGIN_NAME = "blueprints"
PYPROJECT_TABLE = "tool.blueprintgen"

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


def _read_config(path: str, inheriting: tuple[str, ...] = ()) -> dict[str, OptionValue]:
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
            value = OptionValue(_merged(below.value, value.value), value.line, value.column, value.key_line,
                           value.key_column, value.file)
        merged[key] = value
    return merged


def config_values(config_file: str) -> dict[str, object]:
    """mkdocs.yml's top-level settings (with what it inherits) as plain values: text, lists and mappings."""
    def plain(value):
        value = value.value if isinstance(value, OptionValue) else value
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        return [plain(item) for item in value] if isinstance(value, list) else value

    return plain(_read_config(config_file))


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


def _mkdocs_options(path: str) -> dict[str, OptionValue]:
    return _plugin_options(_read_config(path))


def _pyproject_options(path: str) -> dict[str, OptionValue]:
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
        values[key] = OptionValue(_toml_plain(value), line, column, line, key_column)
    return values


def _toml_plain(value):
    # TOML types its values; settings_from_options reads text and numbers as mkdocs.yml gives them.
    if isinstance(value, dict):
        return {key: _toml_plain(item) for key, item in value.items()}
    return value


def _plugin_options(config: dict[str, OptionValue]) -> dict[str, OptionValue]:
    plugins = config.get("plugins")
    entries = plugins.value if plugins is not None else None
    if isinstance(entries, dict):   # MkDocs also accepts a mapping of plugin -> options
        entries = [{key: value} for key, value in entries.items()]
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            options = entry[PLUGIN_NAME].value
            return options if isinstance(options, dict) else {}
    return {}


def _node_values(node: Node, file: str) -> dict[str, OptionValue]:
    if not isinstance(node, Mapping):
        return {}
    return {key.text: OptionValue(_plain(value, file), value.line, value.column, key.line, key.column, file)
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
