"""`blueprintgen generate`: the pages, diagrams and assets as plain files in a docs folder, for any engine.

The pages are the ones the MkDocs plugin adds, with each page linking its stylesheet
and viewer itself (no engine configuration needed); the viewer loads each diagram
from its file, as on a site the plugin builds. The folder is written next to itself and
swapped in whole; a folder we did not write is never replaced.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..loader import Loaded
from .markup import render
from .layout import Layout
from .plan import index_pages
from ..settings import Settings
from .generate import SCRIPTS, STYLESHEETS, generate
from ..stopping import Stopping
from .publish import SiteError, swap
from .workfolders import remove, remove_left_overs, unlock, work_folder

__all__ = ["EXPORT_MARKER", "ExportError", "export_pages"]

EXPORT_MARKER = ".blueprintgen-pages"


class ExportError(Exception):
    """The pages could not be written; the previous folder is untouched."""


def _for_any_engine(text: str, page: str, layout: Layout) -> str:
    """A page that needs nothing from the engine: its own stylesheet and scripts."""
    head, _, body = text.partition("\n---\n")
    assets = render("page_assets.html",
                    stylesheets=[layout.href(page, f"{layout.folder}/assets/{name}") for name in STYLESHEETS],
                    scripts=[layout.href(page, f"{layout.folder}/assets/{name}") for name in SCRIPTS])
    return f"{head}\n---\n\n{assets}{body}"


def export_pages(settings: Settings, blueprints_dir: str, out_dir: str,
                 loaded: Loaded | None = None) -> tuple[int, list[str], list[str]]:
    """Write every generated file under `out_dir` (its name is the prefix); return the number of files,
    the pages and the index pages (paths inside `out_dir`)."""
    out = Path(out_dir).absolute()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / EXPORT_MARKER).exists())):
        raise ExportError(f"{out_dir} exists and was not written by blueprintgen generate; refusing to replace it "
                          f"(choose an empty or new folder with -o)")
    # Ctrl-C and SIGTERM end the run the same way (KeyboardInterrupt): the folder being written
    # is removed, the old one stays. What SIGKILL leaves (marked, no longer locked) the next run removes.
    with Stopping():
        return _export(settings, blueprints_dir, out, out_dir, loaded)


def _export(settings: Settings, blueprints_dir: str, out: Path, out_dir: str,
            loaded: Loaded | None) -> tuple[int, list[str], list[str]]:
    prefix = out.name
    # The home page goes inside the folder: the docs folder around it is the user's.
    # Links go between source files (`../tags/retail.md`): every engine maps those to its own URLs.
    generated = generate(settings, blueprints_dir, {"index.md"}, os.getcwd(), loaded=loaded, prefix=prefix,
                         source_links=True)
    if generated.render_problems:
        raise ExportError("\n".join(generated.render_problems))
    layout = generated.layout
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_left_overs(out, ("writing", "old"), EXPORT_MARKER)
        staging, staging_lock = work_folder(out, "writing", EXPORT_MARKER, "written by blueprintgen generate\n")
    except OSError as error:
        raise ExportError(f"cannot write next to {out_dir}: {error.strerror or error}") from None
    try:
        for path, content in sorted(generated.files.items()):
            target = staging / Path(path).relative_to(prefix)
            target.parent.mkdir(parents=True, exist_ok=True)
            if path in generated.pages:
                content = _for_any_engine(generated.pages[path].full(), path, layout).encode("utf-8")
            target.write_bytes(content)
        previous = swap(staging, out)
        if previous is not None:
            remove(previous, "the folder's previous pages")
    except SiteError as error:   # the swap failed and could not be undone: it says where the old pages are
        raise ExportError(str(error)) from None
    except OSError as error:
        raise ExportError(f"cannot write the pages: {error.strerror or error}") from None
    finally:
        unlock(staging_lock)
        if staging.exists():
            remove(staging)
    inside = len(prefix) + 1
    pages = sorted(path[inside:] for path in generated.pages)
    return len(generated.files), pages, [path[inside:] for _, path in index_pages(layout)]
