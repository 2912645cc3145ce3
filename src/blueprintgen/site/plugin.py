"""The MkDocs plugin `blueprints`: a thin adapter that adds the generated pages to a site."""

from __future__ import annotations

import os

from jinja2 import BytecodeCache
from mkdocs.config import base, config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url
from markupsafe import escape

from ..config import PREFIX_HINT, ConfigError, prefix_problem, settings_from_options
from ..escape import terminal
from ..rules import options
from .layout import Layout, place_blocks
from .plan import index_pages
from .search import Indexing, SearchIndexError
from .cache.folder import cache_folder
from .generate import SCRIPTS, STYLESHEETS, BlueprintsInvalid, PagesCollide, generate
from .mkdocs import prune_nav
from .rerender import Rerendering
from .watching import FolderWatch

log = get_plugin_logger(__name__)
PLUGIN_ONLY = ("prefix", "nav_section", "pagefind")
# Where Material puts a page's content; Pagefind indexes our pages from there.
ARTICLE = '<article class="md-content__inner md-typeset">'
# Material's search box is a dialog without a name (axe-core: aria-dialog-name): ours get one.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


class KeptTemplates(BytecodeCache):
    """The theme's compiled templates, kept in memory between the rebuilds of a live preview.

    MkDocs makes a new Jinja environment for every rebuild, which compiles Material's templates
    again (about 0.25 s); Jinja checks each kept one against its source, so an edited template
    is compiled again.
    """

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


KEPT_TEMPLATES = KeptTemplates()


# Each rule's options (chain_limit, silence_limit, ...), one per option the rule registry declares.
_RuleOptions = type("_RuleOptions", (base.Config,), {name: c.Optional(c.Type(object)) for name in options()})


class BlueprintsConfig(_RuleOptions):
    # Any value passes here: `settings_from_options` checks them all, as it does for `check`,
    # so every command accepts and refuses the same settings (None: the default).
    blueprints_dir = c.Optional(c.Type(object))
    severities = c.Optional(c.Type(object))
    fail_on = c.Optional(c.Type(object))
    dot_timeout = c.Optional(c.Type(object))
    gate = c.Optional(c.Type(object))
    baseline = c.Optional(c.Type(object))
    # Options only the plugin reads (where pages go, the nav, search); the rest are the project's settings.
    prefix = c.Type(object, default="blueprints")   # checked in on_config: a folder inside docs
    nav_section = c.Type((str, bool), default="Blueprints")
    pagefind = c.Type(bool, default=True)


class BlueprintsPlugin(BasePlugin[BlueprintsConfig]):
    """Adds a dashboard, one page per blueprint, breaks, owners and tags pages."""

    supports_multiple_instances = False
    serving = False
    indexing = None    # Pagefind, while it indexes the pages of this build
    preloaded = None   # blueprints the CLI has already loaded and validated
    progress = None    # the CLI's progress display, if any

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        # A dirty preview (`blueprintgen serve`, `mkdocs serve --dirty`) renders again only what changed;
        # this plugin instance lives as long as the server, so it remembers the last rebuild.
        self.rerendering = Rerendering() if self.serving and dirty else None

    def on_config(self, config):
        # Options only the plugin reads; the rest are the project's settings, shared with the CLI.
        options = {key: value for key, value in self.config.items() if value is not None and key not in PLUGIN_ONLY}
        config_file = config.config_file_path or "mkdocs.yml"
        try:
            self.settings = settings_from_options(options, config_file)
        except ConfigError as error:
            raise PluginError(str(error)) from None
        folder = self.settings.blueprints_dir
        if not os.path.isabs(folder):
            folder = os.path.join(os.path.dirname(os.path.abspath(config_file)), folder)
        self.folder = folder
        self.root = os.path.dirname(os.path.abspath(config_file))
        wrong = prefix_problem(self.config.prefix)
        if wrong:
            raise PluginError(terminal(f"{config_file}: {wrong} (hint: {PREFIX_HINT})"))
        self.prefix = str(self.config.prefix).strip("/")
        # The stylesheet and scripts go on our pages only (on_post_page), not on every page of the site.
        # Material's instant navigation swaps pages without loading their own scripts: then, and only
        # then, they are the site's extra_css and extra_javascript.
        self.site_wide = "navigation.instant" in (config.theme.get("features") or [])
        if self.site_wide:
            stylesheets, scripts = self._assets()
            config.extra_css.extend(stylesheets)
            config.extra_javascript.extend(scripts)
        has_home = os.path.isfile(os.path.join(config.docs_dir, "index.md"))
        self.home = f"{self.prefix}/index.md" if has_home else "index.md"
        if config.nav is not None and self.config.nav_section:
            config.nav = add_nav_section(config.nav, str(self.config.nav_section), self.prefix, self.home,
                                         search=self.config.pagefind and not self.serving)
        return config

    def _inclusion(self, path: str, listed: set[str] | None) -> InclusionLevel:
        """Pages reached by links (a blueprint's, a tag's), and with an explicit nav the pages it does not
        name, are 'not in nav': MkDocs' `validation: omitted_files` does not warn about them."""
        if path in self.generated.unlisted or (listed is not None and path.endswith(".md") and path not in listed):
            return InclusionLevel.NOT_IN_NAV
        return InclusionLevel.UNDEFINED

    def _assets(self) -> tuple[list[str], list[str]]:
        """The stylesheets and the scripts, as site paths."""
        return ([f"{self.prefix}/assets/{name}" for name in STYLESHEETS],
                [f"{self.prefix}/assets/{name}" for name in SCRIPTS])

    def on_files(self, files: Files, config) -> Files:
        present = {file.src_uri for file in files}
        try:
            # A live preview has no search index: Pagefind runs on the built site only.
            self.search = self.config.pagefind and not self.serving
            self.generated = generate(self.settings, self.folder, present, self.root, preview=self.serving,
                                      loaded=self.preloaded, progress=self.progress, prefix=self.prefix,
                                      directory_urls=config.use_directory_urls, search=self.search,
                                      later=not self.serving)
        except BlueprintsInvalid as error:
            raise PluginError("invalid blueprints:\n" + "\n".join(map(str, error.problems))) from None
        except PagesCollide as error:
            raise PluginError(terminal(str(error))) from None
        for problem in self.generated.problems:   # only in a live preview
            log.error(str(problem))
        if self.serving:   # the build shows this in its progress display
            log.info(f"{self.generated.count} blueprint(s): {self.generated.rendered} diagram(s) drawn, "
                     f"{self.generated.cached} from the cache")
        if self.generated.render_problems:
            # Every diagram was tried; one that failed fails the build as a whole.
            raise PluginError("\n".join(self.generated.render_problems))
        self._add_files(files, config)
        self.indexing = Indexing(config.site_dir, (config.theme.get("language") or "en"),
                                 cache_dir=cache_folder("search")) if self.search else None
        return files

    def _add_files(self, files: Files, config) -> None:
        """The generated files into MkDocs' list; in a dirty preview, each says whether it must be made again."""
        listed = _named_pages(config.nav) if config.nav is not None else None
        rerendering = getattr(self, "rerendering", None)
        if rerendering is not None:
            rerendering.begin(config)
            for file in files.documentation_pages():
                file.is_modified = lambda: True   # the project's own pages are always made again, as without --dirty
        for path, content in sorted(self.generated.files.items()):
            inclusion = self._inclusion(path, listed)
            file = File.generated(config, path, content=content, inclusion=inclusion)
            files.append(file)
            page = self.generated.pages.get(path)
            if rerendering is not None and (page is None or inclusion == InclusionLevel.NOT_IN_NAV):
                # What the file is made from: its bytes, and for a page its HTML blocks and its place in the site.
                made_from = (content, page.blocks, page.late, self.site_wide) if page is not None else (content,)
                rerendering.keep_if_unchanged(file, made_from)
        self._files = files

    def on_env(self, env, config, files):
        if getattr(self, "rerendering", None) is not None:
            self.rerendering.settle(self._nav, config, files)
        # Every page's content is made (MkDocs renders all Markdown before any template):
        # Pagefind indexes it on another core while the templates are rendered.
        if self.indexing is not None:
            try:
                self.indexing.start()
            except SearchIndexError as error:
                raise PluginError(terminal(str(error))) from None
        if self.serving and env.bytecode_cache is None:
            env.bytecode_cache = KEPT_TEMPLATES
        return env

    def on_pre_build(self, config):
        self._pages_done = self._pages_read = 0

    def on_page_markdown(self, markdown, page, config, files):
        if self.search and page.file.src_uri in self.generated.pages:
            page.meta["search"] = {"exclude": True}   # Pagefind has them; Material's index stays the user's
        return markdown

    def on_page_content(self, html, page, config, files):
        if self.progress:   # MkDocs reads every page's Markdown before it renders any: the longer half
            self._pages_read += 1
            self.progress("pages read", self._pages_read, self._pages_total)
        # Our HTML skips Markdown: it goes where the page's markers are, before search reads the page.
        generated = self.generated.pages.get(page.file.src_uri)
        if not generated:
            return html
        html = place_blocks(html, generated.blocks)
        if self.indexing is not None:
            self.indexing.add(page.file.dest_uri, page.title or "", html,
                              overview=page.file.src_uri not in self.generated.blueprint_pages)
        return html

    def on_post_page(self, output, page, config):
        # After search has indexed the page: what search should not hold (figures, the diagram viewer) skips it too.
        generated = self.generated.pages.get(page.file.src_uri)
        if generated:
            output = place_blocks(output, generated.late)
            if not self.site_wide:
                stylesheets, scripts = self._assets()
                output = _with_assets(output, [get_relative_url(asset, page.url) for asset in stylesheets],
                                      [get_relative_url(asset, page.url) for asset in scripts])
        if generated and self.search:
            output = output.replace(ARTICLE, ARTICLE[:-1] + " data-pagefind-body>", 1)
        if generated:
            output = output.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + ' aria-label="Search">', 1)
        if self.progress:
            self._pages_done += 1
            self.progress("pages built", self._pages_done, self._pages_total)
        return output

    @event_priority(-100)   # after plugins that make the nav (literate-nav, awesome-nav)
    def on_nav(self, nav, config, files):
        if not any(page.file.src_uri == self.home for page in nav.pages):
            # Every generated page is linked from the dashboard: without it in the nav, none is reachable.
            log.warning(terminal(f"the blueprint dashboard {self.home} is not in the site's nav, so no page links to "
                                 "the blueprint pages: add it to `nav:`, or remove `nav_section: false` from the "
                                 "blueprints plugin"))
        self._pages_total = len(files.documentation_pages())
        self._nav = prune_nav(nav, self.generated.unlisted)
        return self._nav

    def on_post_build(self, config):
        if self.indexing is not None:   # while Graphviz may still be drawing: search does not hold the diagrams
            try:
                self.indexing.wait()
            except SearchIndexError as error:
                raise PluginError(terminal(str(error))) from None
        drawn = self.generated.finish()
        if self.generated.render_problems:
            # Every diagram was tried; one that failed fails the build as a whole.
            raise PluginError("\n".join(self.generated.render_problems))
        added = {file.src_uri for file in self._files}
        for path in drawn:
            if path not in added:   # drawn after the files were handed to MkDocs
                target = os.path.join(config.site_dir, *path.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(self.generated.files[path])
        if getattr(self, "rerendering", None) is not None:
            self.rerendering.done()
        if self.generated.deferred and getattr(self, "watch", None) is not None:
            self.watch.rebuild()   # the portfolio pages shown were the last rebuild's: the next one makes them

    def on_build_error(self, error):
        self.stop()
        if getattr(self, "rerendering", None) is not None:
            self.rerendering.forget()

    def stop(self) -> None:
        """The build failed or was stopped: stop drawing and indexing (nothing will wait for them)."""
        if getattr(self, "generated", None) is not None:
            self.generated.stop()
        if getattr(self, "indexing", None) is not None:
            self.indexing.stop()

    def on_serve(self, server, config, builder):
        self.watch = FolderWatch(server, self.folder, log)
        return server

    def on_shutdown(self):
        if getattr(self, "watch", None):
            self.watch.close()


def _named_pages(nav) -> set[str]:
    """Every page file an explicit nav names."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(_named_pages(value) for value in nav.values())) if nav else set()
    if isinstance(nav, list):
        return set().union(*(_named_pages(item) for item in nav)) if nav else set()
    return set()


def _with_assets(html: str, stylesheets: list[str], scripts: list[str]) -> str:
    """A page of ours with its stylesheets in the head and its scripts at the end of the body."""
    links = "".join(f'<link rel="stylesheet" href="{escape(css)}">\n' for css in stylesheets)
    html = html.replace("</head>", f"{links}</head>", 1)
    tags = "".join(f'<script src="{escape(src)}"></script>\n' for src in scripts)
    return html.replace("</body>", tags + "</body>", 1)


def add_nav_section(nav: list, title: str, prefix: str, home: str, search: bool = True) -> list:
    """An explicit nav with a section of our index pages, unless it already names one of our pages."""
    if any(page == home or page.startswith(f"{prefix}/") for page in _named_pages(nav)):
        return nav
    return [*nav, {title: [{name: path} for name, path in index_pages(Layout(home=home, folder=prefix, search=search))]}]
