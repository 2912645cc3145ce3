"""Plans the generated docs tree (load, analyse, draw, write pages) and builds the site atomically."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import resources
from pathlib import Path

from .analysis import Analysis, analyse
from .config import docs_dir_exists
from .dot import blueprint_dot
from .loader import Loaded, Problem, load_paths
from .pagecache import load_page, page_key, store_page
from .pages import Layout, Page, blueprint_page, portfolio_pages, redesigns
from .render import diagram_input, render_many
from .settings import Settings

__all__ = ["BlueprintsInvalid", "PagesCollide", "Generated", "generate", "assets", "prune_nav", "build_site", "SITE_MARKER",
           "DEFAULT_CONFIG"]

SITE_MARKER = ".blueprintgen-site"
CACHE_DIR = os.path.join(".cache", "blueprintgen")
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


class BlueprintsInvalid(Exception):
    """The blueprints cannot be built into a site; carries every positioned problem."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Generated:
    """Everything the site gets from the blueprints: docs-relative path -> content."""

    files: dict[str, bytes]
    analyses: list[Analysis]
    blueprint_pages: set[str]
    render_problems: list[str] = field(default_factory=list)
    rendered: int = 0   # diagrams Graphviz drew
    cached: int = 0     # diagrams read from the cache
    problems: list[Problem] = field(default_factory=list)
    diagrams: dict[str, tuple[str, str]] = field(default_factory=dict)   # blueprint page -> (id, SVG file in files)

    def diagram(self, page: str) -> tuple[str, str] | None:
        """(blueprint id, SVG text) of a blueprint page's diagram; Graphviz writes UTF-8."""
        if page not in self.diagrams:
            return None
        blueprint_id, path = self.diagrams[page]
        return blueprint_id, self.files[path].decode("utf-8", "replace")
    unlisted: set[str] = field(default_factory=set)   # pages reached by links, kept out of the nav
    layout: Layout = field(default_factory=Layout)
    pages: dict[str, Page] = field(default_factory=dict)   # the HTML blocks each page's markers stand for


ASSETS = ("blueprintgen.css", "blueprintgen.js", "svg-pan-zoom.min.js", "svg-pan-zoom.LICENSE")


def assets(layout: Layout) -> dict[str, bytes]:
    """The stylesheet, the diagram viewer and its vendored library, under `<prefix>/assets/`."""
    folder = resources.files("blueprintgen").joinpath("assets")
    return {f"{layout.folder}/assets/{name}": folder.joinpath(name).read_bytes()
            for name in ASSETS if folder.joinpath(name).is_file()}


class PagesCollide(Exception):
    """The project already has pages where blueprintgen would write its own."""

    def __init__(self, paths: list[str], prefix: str):
        shown = ", ".join(f"docs/{path}" for path in paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        super().__init__(f"{shown}: your own page(s) where blueprintgen generates one; blueprintgen never replaces "
                         f"a page of yours: rename or move yours, or set the blueprints plugin's `prefix:` "
                         f"(now {prefix!r}) to another folder")
        self.paths = paths


def _relative(path: str, root: str) -> str:
    relative = os.path.relpath(path, root)
    return path if relative.startswith("..") else Path(relative).as_posix()


def generate(settings: Settings, folder: str, present: set[str], root: str = ".",
             preview: bool = False, loaded: Loaded | None = None, progress=None, prefix: str = "blueprints",
             directory_urls: bool = True, source_links: bool = False, search: bool = False) -> Generated:
    """Load, analyse and draw every blueprint under `folder`, and write its pages.

    `present` is the set of docs files the project already has: its own index.md
    keeps the home page (ours moves to `<prefix>/index.md`); any other page of ours
    that it already has is an error (PagesCollide), never replaced.
    """
    if loaded is None and os.path.isdir(folder):
        loaded = load_paths([_relative(folder, os.getcwd())])
    if loaded is None:
        raise BlueprintsInvalid([Problem(folder, 1, 1, "the blueprint folder does not exist",
                                         "create it, or set `blueprints_dir` in the blueprints plugin entry")])
    if loaded.problems and not preview:
        raise BlueprintsInvalid(list(loaded.problems))
    # In a live preview, a half-typed file must not stop the server: the valid
    # blueprints are shown and the problems head the home page until fixed.
    # Pages show source files relative to the project, so builds do not depend on where it lives.
    blueprints = [replace(b, file=_relative(b.file, root)) for b in loaded.blueprints]
    analyses = [analyse(blueprint, settings) for blueprint in blueprints]
    layout = Layout(home=f"{prefix}/index.md" if "index.md" in present else "index.md", folder=prefix,
                    directory_urls=directory_urls, source_links=source_links, search=search)
    ids = [a.blueprint.id for a in analyses]
    if progress:
        progress("blueprints analysed", len(analyses), len(analyses))
    # Unchanged diagrams are found by what they are drawn from, so their DOT is never made.
    inputs = [diagram_input(a.blueprint, a.findings) for a in analyses]
    results = render_many([partial(blueprint_dot, a.blueprint, a.findings) for a in analyses], "svg",
                          timeout=settings.dot_timeout, cache_dir=CACHE_DIR, progress=progress, inputs=inputs)
    if progress:
        progress(f"diagrams ready ({results.runs} drawn, {results.cached} from cache)", len(ids), len(ids))
    svgs, problems = {}, []
    for blueprint_id, result in sorted(zip(ids, results.results)):
        if isinstance(result, bytes):
            svgs[blueprint_id] = result   # kept once, as bytes: the site's file; pages decode it when written
        else:
            svgs[blueprint_id] = None
            problems.append(f"diagram of blueprint '{blueprint_id}' failed: {result}")
    generated = portfolio_pages(analyses, layout, list(loaded.problems))
    generated.update(_blueprint_pages(analyses, inputs, svgs, layout))
    pages = {path: page for path, page in generated.items() if isinstance(page, Page)}
    files = {path: page.markdown.encode("utf-8") if isinstance(page, Page) else page for path, page in generated.items()}
    for blueprint_id, svg in svgs.items():
        if svg is not None:
            files[f"{layout.folder}/diagrams/{blueprint_id}.svg"] = svg
    files.update(assets(layout))
    clashes = sorted(set(files) & present)
    if clashes:
        raise PagesCollide(clashes, prefix)
    diagrams = {layout.path(blueprint_id): (blueprint_id, f"{layout.folder}/diagrams/{blueprint_id}.svg")
                for blueprint_id, svg in svgs.items() if svg is not None}
    listed = {layout.home, layout.path("breaks"), layout.path("owners"), layout.path("tags"), layout.rules_page,
              layout.path("all"), layout.path("search")}
    return Generated(files, analyses, {layout.path(a.blueprint.id) for a in analyses}, problems, results.runs,
                     results.cached, list(loaded.problems), diagrams, {p for p in pages if p not in listed}, layout,
                     pages)


def _blueprint_pages(analyses: list[Analysis], inputs: list, svgs: dict, layout: Layout) -> dict[str, Page]:
    """Each blueprint's page, from the page cache when nothing it is made from changed."""
    by_id, redesigned_by = redesigns(analyses)
    folder = os.path.join(CACHE_DIR, "pages")
    pages = {}
    for analysis, diagram_key in zip(analyses, inputs):
        b = analysis.blueprint
        target = by_id.get(b.redesigns) if b.redesigns else None
        related = [(target.blueprint.id, target.blueprint.title) if target else None,
                   [(other.blueprint.id, other.blueprint.title) for other in redesigned_by.get(b.id, [])]]
        has_svg = svgs.get(b.id) is not None
        key = page_key(diagram_key, analysis, layout, has_svg, related)
        page = load_page(folder, key)
        if page is None:
            page = blueprint_page(analysis, has_svg, layout, by_id, redesigned_by)
            store_page(folder, key, page)
        pages[layout.path(b.id)] = page
    return pages


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


class SiteError(Exception):
    """The site could not be built; the previous output is untouched."""


def _mkdocs_config(config_file: str | None, docs_dir: str | None, site_dir: str, strict: bool,
                   blueprints_dir: str | None, loaded: Loaded | None = None, progress=None):
    """Load the project's mkdocs.yml, or the embedded default, with the blueprints plugin in it."""
    from mkdocs.config import load_config

    from .plugin import BlueprintsPlugin

    if config_file:
        extra = {"docs_dir": docs_dir} if docs_dir else {}
        config = load_config(config_file=config_file, site_dir=site_dir, strict=strict, **extra)
    else:
        config = load_config(config_file=io.StringIO(DEFAULT_CONFIG), docs_dir=docs_dir, site_dir=site_dir,
                             strict=strict)
    if "blueprints" not in config.plugins:
        plugin = BlueprintsPlugin()
        plugin.load_config({}, config_file_path=config.config_file_path)
        config.plugins["blueprints"] = plugin
    plugin = config.plugins["blueprints"]
    if blueprints_dir:
        plugin.config.blueprints_dir = os.path.abspath(blueprints_dir)
    plugin.preloaded, plugin.progress = loaded, progress   # the CLI has validated them already
    return config


def _check_replaceable(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / SITE_MARKER).exists())):
        raise SiteError(f"{out} exists and was not built by blueprintgen; refusing to replace it "
                        f"(delete it yourself, or choose another folder with -o)")


def build_site(config_file: str | None, blueprints_dir: str | None, out_dir: str, strict: bool = False,
               loaded: Loaded | None = None, progress=None) -> None:
    """Build the site into a sibling temporary folder, then swap it in.

    Whatever fails (invalid blueprints, Graphviz, MkDocs, a full disk, Ctrl-C), the
    previous output stays exactly as it was; only folders carrying our marker are
    ever deleted.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    out = Path(out_dir).absolute()
    _check_replaceable(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    except OSError as error:
        raise SiteError(f"cannot write next to {out}: {error.strerror or error}") from None
    # Without a config, or when mkdocs.yml is there only for settings (no docs folder),
    # the generated pages are the whole site: MkDocs gets an empty docs folder of ours.
    empty_docs = None if config_file and docs_dir_exists(config_file) else tempfile.mkdtemp(prefix="blueprintgen-docs-")
    try:
        (staging / SITE_MARKER).write_text("built by blueprintgen\n")
        config = _mkdocs_config(config_file, empty_docs, str(staging), strict, blueprints_dir, loaded, progress)
        try:
            build(config)
            (staging / SITE_MARKER).write_text("built by blueprintgen\n")
            _swap(staging, out)
        except MkDocsException as error:
            raise SiteError(str(error).strip() or type(error).__name__) from None
        except OSError as error:   # a full disk or an unwritable folder: the old site stays
            raise SiteError(f"cannot write the site: {error.strerror or error}"
                            + (f" ({error.filename})" if error.filename else "")) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging)
        if empty_docs:
            shutil.rmtree(empty_docs, ignore_errors=True)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    staging.rename(out)
    if (old / SITE_MARKER).exists() or not any(old.iterdir()):
        shutil.rmtree(old)


def serve_site(config_file: str | None, blueprints_dir: str | None, address: str) -> None:
    """Live preview: MkDocs' dev server; the plugin watches the blueprint folder."""
    from mkdocs.commands.serve import serve

    work = None
    if not config_file:
        work = tempfile.mkdtemp(prefix="blueprintgen-serve-")
        os.mkdir(os.path.join(work, "docs"))
        config_file = os.path.join(work, "mkdocs.yml")
        folder = os.path.abspath(blueprints_dir or "blueprints")
        text = DEFAULT_CONFIG.replace("  - blueprints\n", f"  - blueprints:\n      blueprints_dir: {folder!r}\n")
        Path(config_file).write_text(text)
    try:
        serve(config_file=config_file, dev_addr=address, livereload=True)
    finally:
        if work:
            shutil.rmtree(work, ignore_errors=True)
