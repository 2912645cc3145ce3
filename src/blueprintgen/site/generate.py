"""The generated docs tree: load, analyse and draw every blueprint, and make its pages (no MkDocs here)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from pathlib import Path

from ..analysis import Analysis
from ..diagram import blueprint_dot
from ..graphviz import Rendered, RenderError, missing_once, render_many
from ..loader import Loaded, Problem, load_paths
from ..settings import Settings
from .cache.blueprints import (check_again, load_file, load_page, page_content_key, store_file, store_page,
                               store_rows_files, tidy_kept)
from .cache.build import inputs_key, load_entry, store_entry
from .cache.diagrams import DiagramCache, cached_diagram, kept_diagrams
from .cache.folder import cache_folder
from .drawing import Drawing, PartlyKept
from ..escape import terminal
from .pages import Layout, Page, portfolio_pages
from .plan import index_pages
from . import incremental
from . import preview as kept_in_memory
from .survey import Survey, judged_by, relative as _relative, survey
from .trends import history_identity, site_history

__all__ = ["BlueprintsInvalid", "PagesCollide", "Generated", "generate", "assets"]

# A live preview rebuilds in the same process after every save: files whose bytes did not change
# are not loaded again (see loader.load_file).
_PREVIEW_FILES: dict = {}
# ... nor analysed again, nor their pages made again (see _analysed, _blueprint_pages).
_PREVIEW_ANALYSES: dict = {}
_PREVIEW_PAGE_KEYS: dict = {}


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
    unlisted: set[str] = field(default_factory=set)   # pages reached by links, kept out of the nav
    layout: Layout = field(default_factory=Layout)
    pages: dict[str, Page] = field(default_factory=dict)   # the HTML blocks each page's markers stand for
    page_keys: dict[str, str] = field(default_factory=dict)   # blueprint page -> what it is made from (pagecache)
    # How many blueprints: `analyses` is empty when everything came from the cache (see sitecache).
    count: int | None = None
    # A live preview showed the portfolio pages of its last rebuild: the next rebuild makes them (see preview).
    deferred: bool = False
    records: list = field(default_factory=list)   # the record key of each blueprint's file (cache/blueprints)
    rows_files: dict = field(default_factory=dict)   # "Show more" file -> what it is made from (layout.RowsFile)

    # Diagrams still being drawn: (a Drawing or what render_many gave, ids, diagram inputs, the
    # whole-build cache key to store under, progress); see finish().
    drawing: tuple | None = None

    def __post_init__(self):
        if self.count is None:
            self.count = len(self.analyses)

    def finish(self) -> list[str]:
        """Wait for the diagrams and add them (or their problems); the paths of the diagram files."""
        if self.drawing is None:
            return [path for path in self.files if path.startswith(f"{self.layout.folder}/diagrams/")]
        drawing, ids, inputs, key, progress = self.drawing
        results = drawing.wait() if hasattr(drawing, "wait") else drawing   # stop() still works meanwhile
        self.drawing = None
        if progress:
            progress(f"diagrams ready ({results.runs} drawn, {results.cached} from cache)", len(ids), len(ids))
        svgs = {}
        for blueprint_id, result in sorted(zip(ids, results.results)):
            if isinstance(result, bytes):
                svgs[blueprint_id] = result   # kept once, as bytes: the site's file
                path = f"{self.layout.folder}/diagrams/{blueprint_id}.svg"
                self.files[path] = result
            else:
                # One line each (Graphviz's message may quote the blueprint): they are joined into one error.
                self.render_problems.append(terminal(f"diagram of blueprint '{blueprint_id}' failed: {result}"))
        self.render_problems = missing_once(self.render_problems)
        self.rendered, self.cached = results.runs, results.cached
        if key is not None and not self.render_problems:
            _keep(key, self, dict(zip(ids, inputs)), svgs)
        return [path for path in self.files if path.startswith(f"{self.layout.folder}/diagrams/")]

    def stop(self) -> None:
        """The build failed: stop drawing (nothing waits for the diagrams any more)."""
        if self.drawing is not None and hasattr(self.drawing[0], "stop"):
            self.drawing[0].stop()
        self.drawing = None


# What our pages load, in order (the viewer after the library it uses), and what is copied with them.
STYLESHEETS = ("blueprintgen.css", "viewer.css")
SCRIPTS = ("svg-pan-zoom.min.js", "blueprintgen.js", "viewer.js")
ASSETS = (*STYLESHEETS, *SCRIPTS, "svg-pan-zoom.LICENSE")


def assets(layout: Layout) -> dict[str, bytes]:
    """The stylesheet, the diagram viewer and its vendored library, under `<prefix>/assets/`."""
    folder = resources.files("blueprintgen.site").joinpath("assets")
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


def generate(settings: Settings, folder: str, present: set[str], root: str = ".",
             preview: bool = False, loaded: Loaded | None = None, progress=None, prefix: str = "blueprints",
             directory_urls: bool = True, source_links: bool = False, search: bool = False,
             later: bool = False) -> Generated:
    """Load, analyse and draw every blueprint under `folder`, and write its pages.

    With `later`, the diagrams are still being drawn when this returns: `finish()` waits
    for them and adds them to `files` (or their problems to `render_problems`).

    `present` is the set of docs files the project already has: its own index.md
    keeps the home page (ours moves to `<prefix>/index.md`); any other page of ours
    that it already has is an error (PagesCollide), never replaced.
    """
    layout = Layout(home=f"{prefix}/index.md" if "index.md" in present else "index.md", folder=prefix,
                    directory_urls=directory_urls, source_links=source_links, search=search)
    # A live preview keeps what it needs in memory instead (see _PREVIEW_FILES).
    cache = cache_folder()   # None when the folder is not surely ours: then nothing is cached
    check_again()            # and so are its folders, once for this build
    # Read before the stored build is looked for: a new commit changes the trends, not the files.
    history = site_history(folder, settings)
    # The files as the caller's survey read them (and validated), when it gave one of these files.
    given = loaded if _same_files(loaded, folder, settings, root) else None
    key = None if preview or cache is None or not os.path.isdir(folder) else \
        inputs_key(_relative(folder, os.getcwd()), settings, "generate", root, layout, history_identity(history),
                   read=given.read if given is not None and given.read else None)
    if key is not None:
        kept = _last_build(cache, key[1], layout, present, prefix, progress)
        if kept is not None:
            return kept
    if preview:
        return _preview(settings, folder, loaded, root, layout, cache, present, history, progress, later)
    found = _surveyed(settings, folder, given, root, cache)
    if progress:
        progress("blueprints analysed", len(found.items), len(found.items))
    generated, drawing, ids, inputs = _made(found, layout, history, present, settings, cache, later, progress)
    # Kept under the key of the bytes read, not of the files on disk now: a file saved while
    # the build ran (or since the CLI read it) must not get this build's pages.
    kept_key = inputs_key(_relative(folder, os.getcwd()), settings, "generate", root, layout, history_identity(history),
                          read=found.read) if key is not None and found.read else None
    keep = kept_key[1] if kept_key is not None else None
    generated.drawing = (drawing, ids, inputs, keep, progress)
    if not later:
        generated.finish()
    return generated


def _made(found: Survey, layout: Layout, history, present: set[str], settings: Settings, cache: str | None,
          later: bool, progress) -> tuple:
    """(the site's pages, the drawing, every blueprint's id, every diagram's key) from a survey: what the cache
    has for what did not change, the rest made (see incremental)."""
    ids = [item.facts.id for item in found.items]
    drawing, inputs, has_svg = _draw_changed(found, ids, settings, cache, later, progress)
    made, page_keys = incremental.blueprint_pages(found, layout, has_svg)
    rows_files: dict[str, str] = {}
    generated = _assembled(incremental.portfolio(found, layout, (), history, rows_files), made, page_keys, layout, (),
                           present, drawing, ids)
    generated.count, generated.records, generated.rows_files = len(ids), [item.key for item in found.items], rows_files
    found.release()   # the pages are made: MkDocs renders them without every analysis held in memory
    return generated, drawing, ids, inputs


def _draw_changed(found: Survey, ids: list[str], settings: Settings, cache: str | None, later: bool,
                  progress) -> tuple:
    """(the drawing, every diagram's key, which blueprints have one): only the diagrams the cache lacks are drawn.

    Those it has are read here, as a build with nothing changed reads them; the others go to
    Graphviz (in a drawing process, which would send every diagram back through a pipe)."""
    jobs, inputs = incremental.diagram_jobs(found)
    kept = kept_diagrams(inputs, "svg", cache) if cache else [None] * len(ids)
    missing = [index for index, diagram in enumerate(kept) if diagram is None]
    drawing = _start_drawing([ids[i] for i in missing], [jobs[i] for i in missing], [inputs[i] for i in missing],
                             settings, cache, later, progress)[0] if missing else Rendered()
    drawing = PartlyKept(kept, drawing)
    has_svg = dict.fromkeys(ids, True) if later else \
        {blueprint_id: isinstance(result, bytes) for blueprint_id, result in zip(ids, drawing.wait().results)}
    return drawing, inputs, has_svg


def _last_build(cache: str, key: str, layout: Layout, present: set[str], prefix: str, progress) -> Generated | None:
    """What the last build with the same inputs made (see sitecache); None when there is none to trust."""
    kept = _generated_from(load_entry(cache, key), layout, present, prefix, cache)
    if kept is not None and progress:   # the lines a build shows, though nothing was loaded, analysed or drawn
        progress("blueprints analysed", kept.count, kept.count)
        progress(f"diagrams ready (0 drawn, {kept.cached} from cache)", kept.count, kept.count)
    return kept


def _same_files(loaded, folder: str, settings: Settings, root: str) -> bool:
    """`loaded` is a survey of the files under `folder`, judged by the same settings from the same project folder."""
    return isinstance(loaded, Survey) and (loaded.folder, judged_by(loaded.settings), loaded.root) == \
        (_relative(folder, os.getcwd()), judged_by(settings), root)


def _surveyed(settings: Settings, folder: str, given: Survey | None, root: str, cache: str | None) -> Survey:
    """The blueprint files under `folder` (`given`: the caller's survey of them); BlueprintsInvalid with every
    problem when any has one."""
    found = given
    if found is None:
        if not os.path.isdir(folder):
            raise BlueprintsInvalid([_missing(folder)])
        found = survey(_relative(folder, os.getcwd()), settings, root, cache)
    if found.problems:
        raise BlueprintsInvalid(list(found.problems))
    return found


def _missing(folder: str) -> Problem:
    return Problem(folder, 1, 1, "the blueprint folder does not exist",
                   "create it, or set `blueprints_dir` in the blueprints plugin entry")


def _preview(settings: Settings, folder: str, loaded, root: str, layout: Layout, cache: str | None,
             present: set[str], history, progress, later: bool) -> Generated:
    """A live preview's rebuild: every file read, and what did not change kept in memory (see preview).

    A half-typed file must not stop the server: the valid blueprints are shown and the problems
    head the home page until fixed."""
    if os.path.isdir(folder):
        loaded = load_paths([_relative(folder, os.getcwd())], memo=_PREVIEW_FILES)
    else:
        loaded = Loaded((), (_missing(folder),))   # shown, and the preview goes on once it is back
    loaded = kept_in_memory.last_good(loaded)
    analyses, inputs = kept_in_memory.analysed(loaded.blueprints, root, settings, _PREVIEW_ANALYSES)
    if progress:
        progress("blueprints analysed", len(analyses), len(analyses))
    ids = [a.blueprint.id for a in analyses]
    jobs = [partial(blueprint_dot, a.blueprint, a.findings) for a in analyses]
    drawing, has_svg = _start_drawing(ids, jobs, inputs, settings, cache, later, progress, preview=True)
    portfolio = kept_in_memory.kept_portfolio(analyses, layout, list(loaded.problems),
                                              lambda analyses, layout, problems: portfolio_pages(
                                                  analyses, layout, problems, history))
    made, page_keys = kept_in_memory.blueprint_pages(analyses, inputs, has_svg, layout, _PREVIEW_PAGE_KEYS, cache)
    generated = _assembled(portfolio, made, page_keys, layout, loaded.problems, present, drawing, ids)
    generated.analyses, generated.count, generated.deferred = analyses, len(analyses), kept_in_memory.deferred()
    generated.drawing = (drawing, ids, inputs, None, progress)
    if not later:
        generated.finish()
    return generated


def _start_drawing(ids: list[str], jobs: list, inputs: list, settings: Settings, cache: str | None, later: bool,
                   progress, preview: bool = False) -> tuple:
    """Graphviz draws every diagram, now or (`later`) while the pages are made; and which blueprints have one.

    A live preview draws only what its last rebuild did not (see preview.remembered_drawing)."""
    draw = partial(render_many, jobs, "svg", timeout=settings.dot_timeout,
                   cache=DiagramCache(cache) if cache else None, inputs=inputs)
    if preview and not later:
        def render(some_jobs, some_inputs):
            return render_many(some_jobs, "svg", timeout=settings.dot_timeout,
                               cache=DiagramCache(cache) if cache else None, inputs=some_inputs, progress=progress)
        draw = partial(kept_in_memory.remembered_drawing, jobs, inputs, render)
        drawing = draw()
        return drawing, {blueprint_id: isinstance(result, bytes) for blueprint_id, result in zip(ids, drawing.results)}
    if later:
        # The pages do not need their diagrams (the viewer loads each from its file, and a
        # diagram that fails fails the whole build), so Graphviz draws while pages are made.
        return Drawing(draw), dict.fromkeys(ids, True)
    drawing = draw(progress=progress)
    return drawing, {blueprint_id: isinstance(result, bytes) for blueprint_id, result in zip(ids, drawing.results)}


def _assembled(generated: dict, made: dict, page_keys: dict, layout: Layout, problems, present: set[str], drawing,
               ids: list[str]) -> Generated:
    """Every page and asset of the site; PagesCollide (and the drawing stopped) where the project has its own."""
    generated = {**generated, **made}
    pages = {path: page for path, page in generated.items() if isinstance(page, Page)}
    files = {path: page.markdown.encode("utf-8") if isinstance(page, Page) else page for path, page in generated.items()}
    files.update(assets(layout))
    diagrams = {f"{layout.folder}/diagrams/{blueprint_id}.svg" for blueprint_id in ids}
    clashes = sorted((set(files) | diagrams) & present)
    if clashes:
        if hasattr(drawing, "stop"):
            drawing.stop()
        raise PagesCollide(clashes, layout.folder)
    listed = {path for _, path in index_pages(layout)}
    return Generated(files=files, analyses=[], blueprint_pages={layout.path(blueprint_id) for blueprint_id in ids},
                     problems=list(problems), unlisted={p for p in pages if p not in listed}, layout=layout,
                     pages=pages, page_keys=page_keys, count=len(ids))


def _keep(key: str, generated: Generated, inputs: dict, svgs: dict) -> None:
    """Store what this build made, for the next build with the same inputs (see sitecache).

    Pages and files are kept one each (cache/blueprints): the blueprint pages by their keys, the
    pages across blueprints and their files by their content, so a build stores only what changed;
    the entry names them."""
    if any(not inputs[blueprint_id] for blueprint_id in svgs) or \
            any(path not in generated.page_keys for path in generated.blueprint_pages):
        return   # our code cannot be identified: diagrams are found by their DOT text only
    cache = cache_folder()   # asked again: it may have changed while the build ran
    if cache is None:
        return
    layout = generated.layout
    portfolio, files = {}, {}
    for path, page in generated.pages.items():
        if path not in generated.blueprint_pages:
            portfolio[path] = page_content_key(page)
            store_page(cache, portfolio[path], page, unless_kept=True)
    for path, content in generated.files.items():
        if path in generated.pages or path.startswith((f"{layout.folder}/diagrams/", f"{layout.folder}/assets/")):
            continue
        files[path] = hashlib.sha256(content).hexdigest()
        store_file(cache, files[path], content)
    store_entry(cache, key, {
        "blueprints": generated.count, "page_keys": generated.page_keys, "portfolio": portfolio, "files": files,
        "diagrams": {blueprint_id: [inputs[blueprint_id], hashlib.sha256(svg).hexdigest()]
                     for blueprint_id, svg in svgs.items()},
        "unlisted": sorted(generated.unlisted),
    })
    store_rows_files(cache, {key: files[path] for path, key in generated.rows_files.items() if path in files})
    tidy_kept(cache, {key for key in generated.records if key}, {*generated.page_keys.values(), *portfolio.values()},
              set(files.values()))


def _generated_from(entry: dict | None, layout: Layout, present: set[str], prefix: str,
                    cache: str | None) -> Generated | None:
    """The Generated a previous build stored, with its pages and diagrams from the cache; None on any doubt."""
    if entry is None or cache is None:
        return None
    try:
        pages = {}
        for path, key in (*entry["page_keys"].items(), *entry["portfolio"].items()):
            pages[path] = load_page(cache, key) if isinstance(key, str) else None
            if pages[path] is None:
                return None
        files = {path: page.markdown.encode("utf-8") for path, page in pages.items()}
        for path, key in entry["files"].items():
            files[path] = load_file(cache, key) if isinstance(key, str) else None
            if files[path] is None:
                return None
        for blueprint_id, (input_key, sha256) in entry["diagrams"].items():
            svg = cached_diagram(input_key, "svg", cache)
            if svg is None or hashlib.sha256(svg).hexdigest() != sha256:
                return None
            path = f"{layout.folder}/diagrams/{blueprint_id}.svg"
            files[path] = svg
        blueprint_pages, unlisted = set(entry["page_keys"]), set(entry["unlisted"])
        count = entry["blueprints"]
    except (KeyError, TypeError, ValueError, AttributeError, RenderError):
        return None
    files.update(assets(layout))
    clashes = sorted(set(files) & present)
    if clashes:
        raise PagesCollide(clashes, prefix)
    return Generated(files=files, analyses=[], blueprint_pages=blueprint_pages, cached=len(entry["diagrams"]),
                     unlisted=unlisted, layout=layout, pages=pages, count=count)
