"""What a live preview renders again after a save: only the generated pages and files whose bytes changed.

MkDocs renders every page of the site on every rebuild of a preview; at 1,000 blueprints that is
most of the wait between a save and the page. A page of ours that is not in the nav is a pure
function of its own Markdown and HTML blocks, of the nav (every page shows it) and of the site's
config and theme. So in a preview built `dirty` (MkDocs then asks each file whether it changed),
such a page is rendered again only when its own bytes changed, or when the nav, the config or
the theme's own templates did (then every page is). Pages in the nav and the project's own pages
are always rendered again, as before: the nav is made from their titles.
Nothing here depends on which pages the site has: a new kind of page of ours is kept or made
again by the same rule.
"""

from __future__ import annotations

import hashlib
import logging
import os

__all__ = ["Rerendering", "DirtyWarningFilter"]

# MkDocs says this on every rebuild of a dirty preview; ours keeps its pages right (see Rerendering).
DIRTY_WARNING = "A 'dirty' build is being performed"


def _digest(*parts) -> str:
    """sha256 of `parts`: bytes as they are, anything else by its repr."""
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogateescape")
        digest.update(f"{len(data)}\0".encode() + data)
    return digest.hexdigest()


class Rerendering:
    """One preview's record of what its last rebuild wrote, kept between rebuilds (on the plugin).

    MkDocs asks each file whether it changed (its is_modified, set by `keep_if_unchanged`) before it
    reads and renders a page or copies a file. Every rebuild starts with `begin`, and `settle` checks
    the nav once all pages in it are read; only a rebuild that finished is remembered (`done`).
    A site with a search plugin makes everything: its index holds only the pages rendered.
    """

    def __init__(self):
        self._last: dict[str, tuple[tuple, str]] = {}   # path -> (what it was made from, file written)
        self._site: str | None = None                  # digest of the nav, config and theme of the last rebuild
        self._now: dict[str, tuple[tuple, str]] = {}
        self._kept: set[str] = set()
        self._everything = True
        self._site_now: str | None = None

    def begin(self, config) -> None:
        self._now, self._kept = {}, set()
        searched = any(name == "search" or name.endswith("/search") for name in config.plugins)
        self._everything = self._site is None or searched
        self._config = _digest(_read(config.config_file_path), _tree(getattr(config.theme, "custom_dir", None)))

    def keep_if_unchanged(self, file, made_from) -> None:
        """A generated file (a page not in the nav, a diagram): MkDocs skips it while what it is made from is unchanged."""
        # Compared, not hashed: what did not change is mostly the very same objects as last time.
        self._now[file.src_uri] = (made_from, file.abs_dest_path)
        if self._last.get(file.src_uri, (None,))[0] == made_from and os.path.isfile(file.abs_dest_path):
            self._kept.add(file.src_uri)
        file.is_modified = lambda uri=file.src_uri: self._everything or uri not in self._kept

    def settle(self, nav, config, files) -> None:
        """All pages in the nav are read (their titles known): when the nav or config changed, every page is made."""
        self._site_now = _digest(self._config, _nav_shape(nav.items))
        if self._everything or self._site_now == self._site:
            return
        self._everything = True
        from mkdocs.commands.build import _populate_page   # the pages skipped so far are read now

        for uri in sorted(self._kept):
            file = files.get_file_from_path(uri)
            if file is not None and file.page is not None and file.page.content is None:
                _populate_page(file.page, config, files)

    def done(self) -> None:
        """The rebuild finished: remember it, and remove what an earlier one wrote for a file that is gone."""
        writing = {path for _, path in self._now.values()}
        for uri, (_, written) in self._last.items():
            if uri not in self._now and written not in writing:
                _remove(written)
        self._last, self._site = self._now, self._site_now

    def forget(self) -> None:
        """A rebuild failed part way (some files may be written, others not): the next makes everything."""
        self._last, self._site = {}, None


def _nav_shape(items) -> list:
    """The nav as every page shows it: titles, URLs and sections, in order."""
    shape = []
    for item in items:
        children = getattr(item, "children", None)
        shape.append((type(item).__name__, item.title, getattr(item, "url", None),
                      _nav_shape(children) if children else None))
    return shape


def _read(path: str | None) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (OSError, TypeError):
        return b""


def _tree(folder: str | None) -> list:
    """The project's theme overrides (`custom_dir`), by name, size and time: an edited template makes every page again."""
    if not folder or not os.path.isdir(folder):
        return []
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            try:
                info = os.stat(os.path.join(root, name))
            except OSError:
                continue
            found.append((os.path.relpath(os.path.join(root, name), folder), info.st_size, info.st_mtime_ns))
    return found


def _remove(path: str) -> None:
    try:
        os.unlink(path)
        os.rmdir(os.path.dirname(path))   # a page's own folder (directory URLs), when empty
    except OSError:
        pass


class DirtyWarningFilter(logging.Filter):
    """Drops MkDocs' warning about dirty builds, said on every rebuild of a preview (ours keeps its pages right)."""

    def filter(self, record) -> bool:
        return DIRTY_WARNING not in record.getMessage()
