"""What Pagefind reads of our pages: each page's searchable HTML, and the part of the index it goes in.

Pure: the same pages give the same text and the same parts in every build (search.py runs Pagefind).
"""

from __future__ import annotations

import hashlib
import html
import re

__all__ = ["OVERVIEW", "EXCLUDE", "PART_PAGES", "MAX_PARTS", "page_url", "searchable_page", "without_excluded",
           "part_count", "part_of", "index_parts"]

# What Pagefind skips: figures, tables of numbers, the diagram, and the ¶ links the toc
# extension puts in headings (a section's title would otherwise end in "¶" in the results).
# And navigation, whose words belong to the page it leads to: on a page across blueprints
# (OVERVIEW: the dashboard, rule, team and tag pages), its tables and its links to other pages
# (a blueprint page marks its own: a step's "Next" and "Breaks here"). So a name is found on the
# page about it, not on every page that links there.
OVERVIEW = "data-bpg-overview"
_HEADING = re.compile(r"<h1\b")
EXCLUDE = f"[data-search-exclude], a.headerlink, [{OVERVIEW}] table, [{OVERVIEW}] a[href]:not([href^='#'])"
# The parts of the index: one per PART_PAGES blueprint pages, at most MAX_PARTS. Fewer parts mean
# fewer files a query fetches (each part its own entry, metadata and chunks: at 1,000 blueprints,
# 8 parts fetch 545 KiB for "refund", one index 354 KiB); smaller ones, less indexed again after a
# change (Pagefind's time grows with its input: about 0.8 s of CPU per 100 blueprint pages, and
# it must end before MkDocs does, which at 100 blueprints renders for under a second): 25 pages
# up to 200 blueprints, then MAX_PARTS parts (125 pages each at 1,000).
PART_PAGES = 25
MAX_PARTS = 8
PART = "part-{}"   # a part's folder in the bundle


def page_url(path: str) -> str:
    """The URL of the page written to `path`, relative to the site's root, as Pagefind would make it from the path."""
    folder, _, name = path.rpartition("/")
    if name == "index.html":
        return f"{folder}/" if folder else "./"
    return path


def searchable_page(language: str, title: str, content: str, url: str, overview: bool = False) -> str:
    """The page as Pagefind reads it: the language for its word stemming, the title, the article, and its URL.

    The URL is metadata (`url`, which Pagefind's interface links to instead of the file's
    own path): the pages are written as numbered files, and our script puts the site's base
    in front of it and of each section's link (assets/blueprintgen.js).
    """
    # MkDocs gives the title as HTML (the heading's text, with character references): read it
    # as text first, so the title is escaped once.
    if overview:
        # An overview page is about what its heading names (a team, a rule, a tag): that heading
        # outweighs the same words in a blueprint's text, so a team's name finds its page first.
        content = _HEADING.sub(r'<h1 data-pagefind-weight="10"', content, count=1)
    return (f'<!doctype html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(html.unescape(title))}</title></head>\n"
            f'<body><article data-pagefind-body data-pagefind-meta="url:{html.escape(url)}"'
            f'{" " + OVERVIEW if overview else ""}>\n'
            f"{content}\n</article></body></html>\n")


# A start or end tag (attribute values are escaped: `>` is never inside one), or a comment.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:\s[^>]*)?)>|<!--.*?-->", re.S)
_EXCLUDED = re.compile(r"\sdata-search-exclude(?=[\s=/]|$)")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def without_excluded(content: str) -> str:
    """The HTML without its elements marked `data-search-exclude` (and what they hold).

    Pagefind skips them anyway (EXCLUDE), but reading them is most of its work: on a blueprint
    page they are most of the bytes (fix hints, the "Next" lists). One scan of the tags, counting
    the nesting of the excluded element's own tag name; one never closed is left for Pagefind.
    """
    if "data-search-exclude" not in content:
        return content
    kept, position, scan = [], 0, 0
    while True:
        start = _next_excluded(content, scan)
        if start is None:
            break
        match, name = start
        if name in _VOID or match.group(3).rstrip().endswith("/"):
            end = match.end()
        else:
            end = _closing(content, match.end(), name)
            if end is None:
                scan = match.end()
                continue
        kept.append(content[position:match.start()])
        position = scan = end
    kept.append(content[position:])
    return "".join(kept)


def _next_excluded(content: str, at: int):
    """The next start tag marked data-search-exclude from `at`, with its lower-case name."""
    while True:
        found = content.find("data-search-exclude", at)
        if found < 0:
            return None
        opening = content.rfind("<", 0, found)
        if content.rfind("<!--", 0, found) > content.rfind("-->", 0, found):   # inside a comment
            at = content.find("-->", found)
            if at < 0:
                return None
            continue
        match = _TAG.match(content, opening) if opening >= 0 else None
        if match is not None and match.group(2) and not match.group(1) and match.end() > found \
                and _EXCLUDED.search(match.group(3)):
            return match, match.group(2).lower()
        at = found + len("data-search-exclude")


def _closing(content: str, at: int, name: str) -> int | None:
    """Where the element `name` opened just before `at` ends (after its end tag), or None."""
    same = _SAME_NAME.get(name)
    if same is None:   # the tags of this name only: the others are skipped by the regex engine
        same = _SAME_NAME[name] = re.compile(rf"<(/?){re.escape(name)}((?:\s[^>]*)?)>|<!--.*?-->", re.S | re.I)
    depth = 1
    for match in same.finditer(content, at):
        if match.group(1) is None:   # a comment
            continue
        if match.group(1):
            depth -= 1
            if depth == 0:
                return match.end()
        elif not match.group(2).rstrip().endswith("/"):
            depth += 1
    return None


_SAME_NAME: dict[str, re.Pattern] = {}


def part_count(blueprint_pages: int) -> int:
    """How many parts hold `blueprint_pages` blueprint pages: one per PART_PAGES, at most MAX_PARTS."""
    return max(1, min(MAX_PARTS, -(-blueprint_pages // PART_PAGES)))


def part_of(url: str, parts: int) -> str:
    """The part (its folder in the bundle) of the blueprint page at `url`: a hash of the URL, the same in every build."""
    number = int.from_bytes(hashlib.sha256(url.encode("utf-8", "surrogateescape")).digest()[:8], "big") % parts
    return PART.format(number + 1)


def index_parts(pages: dict[str, str], overview: set[str]) -> dict[str, dict[str, str]]:
    """The pages of each bundle: "" (the primary) the overview pages, each part its blueprint pages.

    Without overview pages (a site of blueprint pages only) every page is in the primary.
    A part no page falls in is not made (Pagefind makes no index of nothing).
    """
    if not overview:
        return {"": dict(pages)} if pages else {}
    bundles: dict[str, dict[str, str]] = {"": {}}
    parts = part_count(len(pages) - len(overview))
    for url, page in pages.items():
        bundles.setdefault("" if url in overview else part_of(url, parts), {})[url] = page
    return bundles
