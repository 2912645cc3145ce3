"""Which engine builds and serves the site: MkDocs 1.x or ProperDocs (its maintained continuation), one per process."""

from __future__ import annotations

import logging
import sys
from importlib.metadata import PackageNotFoundError, version

__all__ = ["ENGINES", "EngineError", "installed", "choose", "activate", "logger_names"]

ENGINES = ("auto", "mkdocs", "properdocs")
INSTALL = "`pip install properdocs` (the maintained continuation of MkDocs 1.x) or `pip install 'mkdocs>=1.6,<2'`"


class EngineError(Exception):
    """No engine blueprintgen can build with: one line saying what to install or choose."""


def installed(name: str) -> str | None:
    """The installed version of a distribution (`mkdocs`, `properdocs`), or None."""
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def choose(wanted: str = "auto", versions=None) -> str:
    """The engine to drive: the one asked for, else MkDocs 1.x when installed, else ProperDocs.

    MkDocs first when both are there: `blueprintgen build` then makes the same bytes as the
    team's own `mkdocs build`. ProperDocs reads the same mkdocs.yml and runs the same plugin;
    MkDocs 2 has no plugin system, so it is never driven.
    """
    versions = versions or installed
    mkdocs, properdocs = versions("mkdocs"), versions("properdocs")
    mkdocs_1 = mkdocs is not None and mkdocs.startswith("1.")
    found = "no MkDocs" if mkdocs is None else f"MkDocs {mkdocs}"
    if wanted == "mkdocs" and not mkdocs_1:
        raise EngineError(f"--engine mkdocs needs MkDocs 1.x, and {found} is installed (hint: "
                          "`pip install 'mkdocs>=1.6,<2'`, or use --engine properdocs)")
    if wanted == "properdocs" and properdocs is None:
        raise EngineError("--engine properdocs needs ProperDocs, which is not installed (hint: `pip install properdocs`)")
    if wanted != "auto":
        return wanted
    if _properdocs_active():   # a process that loaded ProperDocs in place of MkDocs stays with it
        return "properdocs"
    if mkdocs_1:
        return "mkdocs"
    if properdocs is not None:
        return "properdocs"
    raise EngineError(f"blueprintgen builds with MkDocs 1.x or ProperDocs, and {found} is installed "
                      f"(hint: {INSTALL}; MkDocs 2 has no plugins)")


def _properdocs_active() -> bool:
    return "properdocs.replacement" in sys.modules


def activate(engine: str) -> None:
    """Make `engine` the one every `mkdocs.*` import in this process gets (ours, the theme's, other plugins').

    ProperDocs answers `import mkdocs.…` with its own modules, as its own command does; the
    switch cannot be undone, and cannot be made once MkDocs' modules are loaded.
    """
    if engine == "properdocs":
        if not _properdocs_active() and any(name == "mkdocs" or name.startswith("mkdocs.") for name in sys.modules):
            raise EngineError("ProperDocs cannot build here: MkDocs is already loaded in this process (hint: "
                              "run blueprintgen in a process of its own)")
        import properdocs.replacement  # noqa: F401  (mkdocs.* → properdocs.*)

        # As `properdocs build` does: what a plugin or theme logs under `mkdocs.` counts as ProperDocs' own
        # (in --strict too).
        legacy = logging.getLogger("mkdocs")
        legacy.parent, legacy.propagate = logging.getLogger("properdocs"), True
        legacy.setLevel(logging.NOTSET)
    elif _properdocs_active():
        raise EngineError("MkDocs cannot build here: ProperDocs already answers its imports in this process (hint: "
                          "run blueprintgen in a process of its own)")


def logger_names(engine: str) -> tuple[str, ...]:
    """The loggers the engine, its theme and its plugins log on (warnings and, in a preview, progress)."""
    return ("properdocs",) if engine == "properdocs" else ("mkdocs",)
