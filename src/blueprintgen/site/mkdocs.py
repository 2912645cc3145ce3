"""Building and serving the site through MkDocs: the one place that drives it (the plugin only answers its hooks)."""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from pathlib import Path

from ..config import docs_dir_exists
from ..loader import Loaded
from ..stopping import Stopping, stop_requested
from .publish import (SITE_MARKER, SiteError, check_replaceable, output_folder, remove_left_overs_of, swap,
                      work_folder_for)
from .workfolders import remove, unlock

__all__ = ["DEFAULT_CONFIG", "prune_nav", "build_site", "serve_site"]

DEFAULT_CONFIG = """\
site_name: Service blueprints
theme:
  name: material
  font: false
  features: [navigation.sections, navigation.top, search.highlight, search.suggest, toc.follow]
plugins:
  - blueprints
markdown_extensions: [tables, toc]
"""



def prune_nav(nav, unlisted: set[str]):
    """Drop per-blueprint pages and the pages of long lists from the nav, so every page carries O(1) of it.

    A flat nav of hundreds of blueprints makes every page carry the whole list;
    those pages are reached from the dashboard, breaks, owners and tags pages.
    """
    def keep(item) -> bool:
        file = getattr(item, "file", None)
        return file is None or file.src_uri not in unlisted

    def walk(items):
        kept = [item for item in items if keep(item)]
        for item in kept:
            if getattr(item, "children", None):
                item.children = walk(item.children)
        # A folder of only generated pages (breaks/, owners/, tags/) leaves an empty section: drop it.
        return [item for item in kept if not (getattr(item, "is_section", False) and not item.children)]

    nav.items = walk(nav.items)
    nav.pages = [page for page in nav.pages if keep(page)]
    return nav




def _mkdocs_config(config_file: str | None, docs_dir: str | None, site_dir: str, strict: bool,
                   blueprints_dir: str | None, loaded: Loaded | None = None, progress=None):
    """Load the project's mkdocs.yml, or the embedded default, with the blueprints plugin in it."""
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    # MkDocs keeps one object per plugin for the whole process, for its server's rebuilds; a build
    # gets its own, so nothing a preview or an earlier build in this process left in one (Material's
    # search keeps a preview's index) reaches this site.
    getattr(MkDocsConfig.plugins, "plugin_cache", {}).clear()
    if config_file:
        extra = {"docs_dir": docs_dir} if docs_dir else {}
        config = load_config(config_file=config_file, site_dir=site_dir, strict=strict, **extra)
    else:
        config = load_config(config_file=io.StringIO(DEFAULT_CONFIG), docs_dir=docs_dir, site_dir=site_dir,
                             strict=strict)
    if "blueprints" not in config.plugins:
        # By its entry point, as MkDocs finds it: the site never imports its own plugin adapter.
        from mkdocs.plugins import get_plugins

        plugin = get_plugins()["blueprints"].load()()
        plugin.load_config({}, config_file_path=config.config_file_path)
        config.plugins["blueprints"] = plugin
    plugin = config.plugins["blueprints"]
    if blueprints_dir:
        plugin.config.blueprints_dir = os.path.abspath(blueprints_dir)
    plugin.preloaded, plugin.progress = loaded, progress   # the CLI has validated them already
    return config




def build_site(config_file: str | None, blueprints_dir: str | None, out_dir: str, strict: bool = False,
               loaded: Loaded | None = None, progress=None) -> list[str]:
    """Build the site into a sibling folder, then swap it in; return warnings, one line each.

    Whatever fails (invalid blueprints, Graphviz, MkDocs, a full disk, Ctrl-C or SIGTERM),
    the previous output stays exactly as it was; only folders carrying our marker are ever
    deleted. What a killed build leaves is removed by the next build.
    """
    out = output_folder(out_dir)
    check_replaceable(out)
    with Stopping() as stopping:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            warnings = remove_left_overs_of(out)
            staging, staging_lock = work_folder_for(out, "building")
        except OSError as error:
            raise SiteError(f"cannot write next to {out}: {error.strerror or error}") from None
        # Without a config, or when mkdocs.yml is there only for settings (no docs folder),
        # the generated pages are the whole site: MkDocs gets an empty docs folder of ours.
        empty_docs, docs_lock = (None, None) if config_file and docs_dir_exists(config_file) \
            else work_folder_for(out, "docs")
        config = None
        try:
            config = _mkdocs_config(config_file, str(empty_docs) if empty_docs else None, str(staging), strict,
                                    blueprints_dir, loaded, progress)
            warnings += _build_and_swap(config, staging, out, stopping)
        finally:
            _clean_up(config, staging, empty_docs, (staging_lock, docs_lock))
    return warnings


def _build_and_swap(config, staging: Path, out: Path, stopping: Stopping) -> list[str]:
    """MkDocs builds into `staging`, which then takes the place of `out`; the warnings of removing the old site."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    config.plugins.on_startup(command="build", dirty=False)   # as MkDocs' own `build` command does
    try:
        build(config)
        if stop_requested():   # stopped, though the interrupt did not come through: no swap
            raise KeyboardInterrupt
        (staging / SITE_MARKER).write_text("built by blueprintgen\n")
        # A stop now would leave the swap half done: it waits, and the build ends normally.
        with stopping.deferred():
            previous = swap(staging, out)
            return [w for w in [remove(previous)] if w] if previous is not None else []
    except MkDocsException as error:
        raise SiteError(str(error).strip() or type(error).__name__) from None
    except OSError as error:   # a full disk or an unwritable folder: the old site stays
        raise SiteError(f"cannot write the site: {error.strerror or error}"
                        + (f" ({error.filename})" if error.filename else "")) from None
    finally:
        config.plugins.on_shutdown()


def _clean_up(config, staging: Path, empty_docs: Path | None, locks) -> None:
    """After a build, whether it swapped, failed or was stopped: no drawing goes on, no work folder stays."""
    # Stopped or failed while Graphviz was still drawing: nothing will wait for the diagrams.
    plugin = config.plugins.get("blueprints") if config is not None else None
    if plugin is not None:
        plugin.stop()
    for lock in locks:
        unlock(lock)
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
    if empty_docs:
        shutil.rmtree(empty_docs, ignore_errors=True)


def serve_site(config_file: str | None, blueprints_dir: str | None, address: str) -> None:
    """Live preview: MkDocs' dev server; the plugin watches the blueprint folder."""
    from mkdocs.commands.serve import serve

    work = None
    try:
        if not config_file:
            work = tempfile.mkdtemp(prefix="blueprintgen-serve-")
            os.mkdir(os.path.join(work, "docs"))
            config_file = os.path.join(work, "mkdocs.yml")
            folder = os.path.abspath(blueprints_dir or "blueprints")
            # JSON strings are YAML; not ASCII-escaped, which YAML refuses for characters beyond U+FFFF.
            quoted = json.dumps(folder, ensure_ascii=False)
            text = DEFAULT_CONFIG.replace("  - blueprints\n", f"  - blueprints:\n      blueprints_dir: {quoted}\n")
            Path(config_file).write_text(text, encoding="utf-8")
        # Dirty: a rebuild renders again only the pages whose bytes changed (see rerender), and the
        # project's own pages, as a clean one would; MkDocs' warning about dirty builds is not ours to show.
        from logging import getLogger

        from .rerender import DirtyWarningFilter

        quiet = DirtyWarningFilter()
        loggers = [getLogger(f"{engine}.commands.build") for engine in ("mkdocs", "properdocs")]   # either engine's
        for logger in loggers:
            logger.addFilter(quiet)
        try:
            with Stopping():   # SIGTERM shuts the server down as Ctrl-C does, so its folders are removed
                serve(config_file=config_file, dev_addr=address, livereload=True, build_type="dirty")
        finally:
            for logger in loggers:
                logger.removeFilter(quiet)
    finally:   # also when the config could not be written: no folder is left in the temporary folder
        if work:
            shutil.rmtree(work, ignore_errors=True)
