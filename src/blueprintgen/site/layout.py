"""What every page is made of: where pages go and how they link (Layout), the Page, and its blocks.

Section headings we write ourselves stay Markdown (`## Breaks`), so they feed the
table of contents; everything that carries YAML text is HTML rendered by the templates
in `templates/` (autoescape), as one raw block Markdown keeps as it is. Headings that
carry user text are HTML with our own ids, which search still splits sections on.
Every page is bounded: long lists are split into pages of `PAGE_ROWS` rows.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, replace

from ..durations import span
from ..escape import markdown_text
from ..model import RESERVED_IDS
from ..rules import SEVERITIES
from .markup import Markup, cell_json, counted, html_value, number, render

__all__ = ["Layout", "Page", "Rows", "RowsFile", "place_blocks", "assemble", "front_matter", "paged", "slug", "with_code",
           "format_minutes", "counted", "severity_counts", "severity_summary", "table", "paragraphs", "cards",
           "heading", "LANE_NAMES", "SEVERITY_ORDER", "PAGE_ROWS", "CHUNK_ROWS"]

LANE_NAMES = {"customer": "Customer", "frontstage": "Frontstage", "backstage": "Backstage", "support": "Support"}
SEVERITY_ORDER = tuple(reversed(SEVERITIES))  # high first
PAGE_ROWS = 10        # rows of a long list in the page's HTML: a page at 1,000 blueprints weighs what it does at 10
CHUNK_ROWS = 100      # rows per JSON file of the rest, loaded on request


@dataclass(frozen=True)
class Layout:
    """Where the generated pages go in the docs tree (paths relative to docs_dir) and how their URLs look."""

    home: str = "index.md"
    folder: str = "blueprints"
    directory_urls: bool = True
    # Engines that rewrite links in HTML too (Zensical) want them between source files, as Markdown's are.
    source_links: bool = False
    search: bool = False   # the site has our Pagefind index: a search box on the dashboard and a search page

    def path(self, name: str) -> str:
        return f"{self.folder}/{name}.md"

    @property
    def rules_page(self) -> str:
        return self.path("rules")

    def url(self, page: str) -> str:
        """The site URL of a docs page, relative to the site root, as MkDocs and Zensical make it."""
        stem = page[:-3]
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index" or stem.endswith("/index"):
            return stem[:-5]
        return stem + "/"

    def href(self, from_page: str, to_page: str, anchor: str = "") -> str:
        """A link from one generated page to another (the HTML is not rewritten by the engine)."""
        fragment = f"#{anchor}" if anchor else ""
        if from_page == to_page:
            return fragment or "./"
        if self.source_links:
            return _relpath(to_page, posixpath.dirname(from_page) or ".") + fragment
        source = self.url(from_page)
        target = self.url(to_page) if to_page.endswith(".md") else to_page   # a file, e.g. a diagram
        folder = source.rstrip("/") if self.directory_urls and source.endswith("/") else posixpath.dirname(source)
        relative = _relpath(target or ".", folder or ".")
        if target == "" or target.endswith("/"):
            relative = "./" if relative == "." else relative + "/"
        return relative + fragment

    def blueprint_hrefs(self, from_page: str):
        """`id -> href(from_page, path(id))`, for lists that link to thousands of blueprints.

        Blueprint pages sit side by side in the folder, so from a page that is not below one of them
        (the home page, or a page named by a reserved id, as every page across blueprints is) the
        links to them differ by the id alone: the link is made once, and the id put in.
        """
        below = from_page[len(self.folder) + 1:].split("/", 1)[0] if from_page.startswith(self.folder + "/") else ""
        made = self.href(from_page, self.path(_ID))
        if (below and below.removesuffix(".md") not in RESERVED_IDS) or made.count(_ID) != 1:
            return lambda blueprint_id: self.href(from_page, self.path(blueprint_id))
        prefix, _, suffix = made.partition(_ID)
        return lambda blueprint_id: prefix + blueprint_id + suffix


_ID = "0-blueprint-id"   # an id (model.ID_PATTERN) that stands for any in blueprint_hrefs


def _relpath(target: str, folder: str) -> str:
    """posixpath.relpath of two paths under the same root, without asking the OS for the working
    directory each time (relpath does: thousands of links per build)."""
    if ".." in target or ".." in folder:
        return posixpath.relpath(target, folder)
    to = [part for part in target.split("/") if part and part != "."]
    start = [part for part in folder.split("/") if part and part != "."]
    common = 0
    while common < min(len(to), len(start)) and to[common] == start[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


def format_minutes(minutes: int | None) -> str:
    """`1w 2d 3h 5m` for a number of minutes; an em dash when no time was given."""
    return span(minutes) if minutes else "—"


def slug(text: str) -> str:
    """A file name for a team or tag: readable ASCII, with a digest when the ASCII loses something."""
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    # Only a text that is its own slug keeps it bare: `Retail`, `retail`, `a b` and `a-b` never share a page.
    # `index` never does: `tags/index` is the page that lists the tags.
    if ascii_slug == text and text != "index":
        return ascii_slug
    return f"{ascii_slug}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:6]}".lstrip("-")


def with_code(text: str) -> Markup:
    """Escaped text whose `backticked` parts are shown as code."""
    parts = text.split("`")
    if len(parts) % 2 == 0:   # an unpaired backtick: show it as text
        return html_value(text)
    return Markup("").join(Markup("<code>%s</code>") % html_value(part) if index % 2 else html_value(part)
                           for index, part in enumerate(parts))


# What a YAML stream may not hold as it is (PyYAML refuses the front matter, and MkDocs then
# drops it silently), and line separators, which YAML would fold into a space.
_NOT_YAML_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
                                 "|[\x85\u2028\u2029]")


def front_matter(title: str, hide: tuple[str, ...] = ()) -> str:
    """The page's YAML front matter, which gives the page its title and names the theme's parts it hides."""
    # MkDocs inserts front-matter titles into the page unescaped: give it HTML-escaped
    # text; JSON strings are valid YAML, so no YAML syntax in the title can leak. Not ASCII
    # escapes: YAML refuses JSON's surrogate pairs (an emoji), so every other character is kept.
    quoted = _NOT_YAML_PRINTABLE.sub(_yaml_escape, json.dumps(markdown_text(title), ensure_ascii=False))
    hidden = f"hide: [{', '.join(hide)}]\n" if hide else ""
    return f"---\ntitle: {quoted}\n{hidden}---\n\n"


def _yaml_escape(match: re.Match) -> str:
    return "\\u%04x" % ord(match[0])


@dataclass
class Page:
    """A generated page: Markdown of our headings and one marker per HTML block, and the blocks.

    The engine's Markdown never parses the blocks: the plugin puts `blocks` in after
    Markdown (search indexes them) and `late` ones (marked data-search-exclude: cards,
    tables of numbers, the diagram viewer) after search too. `full()` is the page with
    every block in place, for engines without our plugin.
    """

    markdown: str
    blocks: dict[str, str]
    late: dict[str, str]
    title: str = ""   # as given, not escaped: what a search box names the page by (named.py)

    def full(self) -> str:
        text = self.markdown
        for marker, html in (*self.blocks.items(), *self.late.items()):
            text = text.replace(marker, html.rstrip("\n"), 1)
        return text


def assemble(title: str, *parts: str, hide: tuple[str, ...] = ()) -> Page:
    """A page of Markdown parts and HTML blocks (those starting with `<`), in order; empty parts are left out."""
    markdown, blocks, late = [front_matter(title, hide)], {}, {}
    for place, part in enumerate(parts):
        if not part:
            continue
        if not part.startswith("<"):
            markdown.append(part)
            continue
        marker = f"<!--bpg-block-{place}-->"
        (late if "data-search-exclude" in part.split("\n", 1)[0] else blocks)[marker] = part
        markdown.append(marker + "\n")
    return Page("\n".join(markdown), blocks, late, title)


def place_blocks(html: str, blocks: dict[str, str]) -> str:
    """The HTML of a page with each block where Markdown left its marker."""
    for marker, block in blocks.items():
        html = html.replace(marker, block, 1)
    return html


def severity_counts(findings) -> Counter:
    return Counter(finding.severity for finding in findings)


def severity_summary(findings, none: str = "none") -> str:
    """`2 high · 1 low`, high first; `none` when there are no findings."""
    counts = severity_counts(findings)
    return " · ".join(f"{number(counts[s])} {s}" for s in SEVERITY_ORDER if counts[s]) or none


def table(header: list[str], rows: list[list], exclude: bool = False) -> str:
    return render("table.html", header=header, rows=rows, exclude=exclude)


def paragraphs(*texts) -> str:
    return render("text.html", paragraphs=texts)


def cards(figures: list[tuple[str, int | str]]) -> str:
    return render("cards.html", figures=figures)


def heading(level: int, anchor: str, text) -> str:
    return render("heading.html", level=level, anchor=anchor, text=text)


# -- long lists, split into pages -------------------------------------------------------------


def paged(layout: Layout, first: str, title: str, intro: list[str], header: list[str], rows: "Rows",
          empty: str = "Nothing to list yet.") -> dict:
    """A long table as one page of its first PAGE_ROWS rows; the rest in JSON files of CHUNK_ROWS rows
    that the page's script adds on request (links to them stay for readers without script).
    With no rows, the page says `empty` instead of showing a table of headers only."""
    items, files = rows.items, {}
    if not items:
        files[first] = assemble(title, *intro, paragraphs(with_code(empty)))
        return files
    # Rows in the JSON files are shown on the page's own URL, whatever the engine does with hrefs.
    url_layout = replace(layout, source_links=False)
    made_for = repr((layout, url_layout, first)).replace("\n", "\\n") if len(items) > PAGE_ROWS else ""
    chunks = []
    for chunk, start in enumerate(range(PAGE_ROWS, len(items), CHUNK_ROWS), start=1):
        path = f"{first[:-3]}/rows-{chunk}.json"
        files[path] = rows.file(url_layout, first, items[start:start + CHUNK_ROWS], made_for)
        chunks.append((layout.href(first, path), start + 1, min(start + CHUNK_ROWS, len(items))))
    shown_rows = render("list.html", header=header, rows=rows(layout, first, items[:PAGE_ROWS]), total=len(items),
                        chunks=chunks)
    files[first] = assemble(title, *intro, shown_rows)
    return files


class Rows:
    """Items of a long list, and how to show some of them on a page: row(layout, page, item).

    In the JSON files, each cell is as markup.cell_json gives it; `json_row(layout, page, item)`, when
    given, writes a row's JSON text directly (the same bytes), which a list of tens of thousands of
    rows (a team's breaks) needs to be made quickly.

    `key(item)`, when given, names what an item's row is made from (or None when that cannot be
    named): a row must then depend on the layout, the page and that alone, never on its place in the
    list. Each JSON file is then a `RowsFile` named by its page, its layout and its rows' keys, which
    a build may take from an earlier build instead of making it (see contributions.portfolio_from).
    """

    def __init__(self, items: list, row, json_row=None, key=None):
        self.items, self._row, self._json_row, self._key = items, row, json_row, key

    def __call__(self, layout: Layout, page: str, chunk: list) -> list[list]:
        return [self._row(layout, page, item) for item in chunk]

    def json(self, layout: Layout, page: str, chunk: list) -> str:
        """A JSON file of rows: {"rows": [[cell, ...], ...]}, keys sorted, no spaces."""
        if self._json_row is not None:
            return '{"rows":[' + ",".join([self._json_row(layout, page, item) for item in chunk]) + "]}"
        rows = [[cell_json(cell) for cell in row] for row in self(layout, page, chunk)]
        return json.dumps({"rows": rows}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def file(self, layout: Layout, page: str, chunk: list, made_for: str) -> "bytes | RowsFile":
        """The JSON file of `chunk`'s rows: its bytes, or (with `key`) a RowsFile that makes them when asked.
        `made_for` names the page and its layouts (one text for all the page's files)."""
        keys = [self._key(item) for item in chunk] if self._key is not None else [None]
        if None in keys:
            return self.json(layout, page, chunk).encode("utf-8")
        # Keys are record keys and numbers or slugs: never a newline.
        key = hashlib.sha256("\n".join([made_for, *keys]).encode("utf-8", "surrogatepass")).hexdigest()
        return RowsFile(key, lambda: self.json(layout, page, chunk).encode("utf-8"))


@dataclass(frozen=True)
class RowsFile:
    """A "Show more" JSON file not made yet: `key` names its bytes, `make()` makes them."""

    key: str
    make: object
