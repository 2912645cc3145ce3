"""The nav of an engine without our plugin (Zensical): the `not_in_nav` lines that keep `generate`'s pages out of it.

Without the plugin to prune it, an automatic nav lists every page `generate` writes (56 links
for 7 blueprints, 228 on every page at 200). Neither Zensical nor MkDocs reads a page's own
wish to stay out of the nav; both read `not_in_nav` (gitignore patterns, through pathspec),
so `generate` says which lines to add when the project's config does not have them yet.
"""

from __future__ import annotations

import os

__all__ = ["not_in_nav_lines", "config_for_nav", "nav_advice"]


def not_in_nav_lines(folder: str, index: list[str]) -> list[str]:
    """Every page under `folder` (docs-relative) out of the nav but the index pages: the nav the plugin makes.

    The lines do not change as blueprints, teams and tags come and go."""
    return [f"/{folder}/*/", f"/{folder}/*.md", *(f"!/{page}" for page in index)]


def config_for_nav(config_file: str | None) -> str | None:
    """The config the engine reads: the one given, else ./zensical.toml, else ./mkdocs.yml (Zensical's order).

    A pyproject.toml given for blueprintgen's own settings is no engine's config."""
    if config_file and os.path.basename(config_file) != "pyproject.toml":
        return config_file
    return next((name for name in ("zensical.toml", "mkdocs.yml") if os.path.isfile(name)), None)


def _settings(config_file: str | None) -> tuple[str, object, str | None] | None:
    """(docs_dir, nav, not_in_nav) of the config, plain values; None when it cannot be read (the engine will say)."""
    if config_file is None:
        return "docs", None, None
    if config_file.endswith(".toml"):
        import tomllib

        try:
            with open(config_file, "rb") as handle:
                data = tomllib.load(handle)
        except (OSError, ValueError):
            return None
        project = data.get("project", data)
        return project.get("docs_dir", "docs"), project.get("nav"), project.get("not_in_nav")
    from ..config import ConfigError, config_values

    try:
        values = config_values(config_file)
    except ConfigError:
        return None
    docs = values.get("docs_dir")
    return docs if isinstance(docs, str) else "docs", values.get("nav"), values.get("not_in_nav")


def _named(nav) -> set[str]:
    """Every page file an explicit nav names."""
    if isinstance(nav, str):
        return {nav}
    items = nav.values() if isinstance(nav, dict) else nav if isinstance(nav, list) else ()
    return set().union(set(), *(_named(item) for item in items))


def nav_advice(config_file: str | None, out_dir: str, pages: list[str], index: list[str]) -> list[str]:
    """What to add to the config so its nav lists only the index pages; [] when it does already.

    `pages` and `index` are paths inside `out_dir` (the dashboard is `index.md`)."""
    found = _settings(config_file)
    if found is None:
        return []
    docs_dir, nav, not_in_nav = found
    base = os.path.dirname(os.path.abspath(config_file)) if config_file else os.getcwd()
    folder = os.path.relpath(os.path.abspath(out_dir), os.path.join(base, docs_dir)).replace(os.sep, "/")
    if folder == ".." or folder.startswith("../"):
        return []   # not in the docs folder: the config is for another site
    name = os.path.basename(config_file) if config_file else "mkdocs.yml"
    if nav is not None:   # an explicit nav lists what it names: it only needs the dashboard
        if f"{folder}/index.md" in _named(nav):
            return []
        return [f"hint: the explicit nav of {name} does not name the blueprint dashboard; add "
                f"`- Service blueprints: {folder}/index.md` to it"]
    from pathspec import GitIgnoreSpec

    hidden = GitIgnoreSpec.from_lines(not_in_nav.splitlines() if isinstance(not_in_nav, str) else [])
    extra = [page for page in pages if page not in index and not hidden.match_file(f"{folder}/{page}")]
    if not extra:
        return []
    lines = not_in_nav_lines(folder, [f"{folder}/{page}" for page in index])
    intro = (f"hint: an engine without the blueprints plugin (Zensical; MkDocs or ProperDocs without it) lists "
             f"{len(extra)} generated pages in its nav beyond the {len(index)} index pages; to list only those, as "
             f"the plugin does, add to {name}")
    if isinstance(not_in_nav, str):   # the setting is there: these lines go into it
        return [f"{intro}, in its not_in_nav:", *lines]
    if name.endswith(".toml"):
        # A literal string: TOML reads nothing in it as an escape.
        return [f"{intro}, under [project]:", "not_in_nav = '''", *lines, "'''"]
    return [f"{intro}:", "not_in_nav: |", *(f"  {line}" for line in lines)]
