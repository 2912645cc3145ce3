"""Blueprint search with Pagefind: a static index in chunks, so a query fetches a little, whatever the site's size.

The only place the `pagefind` binary (from the `pagefind[bin]` package) runs. It reads
the built HTML of the pages that carry `data-pagefind-body` (ours) and skips what is
marked `data-search-exclude` (figures, tables of numbers, the diagram).
"""

from __future__ import annotations

import subprocess
import sys

__all__ = ["SearchIndexError", "index_site", "BUNDLE"]

BUNDLE = "pagefind"   # folder of the index and its UI, at the site's root


class SearchIndexError(Exception):
    """Pagefind could not index the site."""


def _pagefind() -> list[str]:
    """The command that runs Pagefind: its binary itself when the package can name it.

    Running the binary, not `python -m pagefind`, means the interpreter is never started a
    second time: a user who may run blueprintgen may not always exec its interpreter's path
    (e.g. a virtual environment whose Python lives in another user's home).
    """
    try:
        from pagefind.service import _must_get_executable

        return [str(_must_get_executable().resolve())]
    except Exception:   # an older or newer package layout: let `python -m pagefind` find it
        return [sys.executable, "-m", "pagefind"]


def index_site(site_dir: str, timeout: float = 600) -> None:
    command = [*_pagefind(), "--site", site_dir, "--output-subdir", BUNDLE,
               "--exclude-selectors", "[data-search-exclude]", "--silent"]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except OSError as error:
        raise SearchIndexError(f"cannot run Pagefind ({command[0]}): {error.strerror or error}; "
                               "reinstall it with pip install 'pagefind[bin]'") from None
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"Pagefind took longer than {timeout:.0f}s to index {site_dir}") from None
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()[-2000:]
        if "No module named pagefind" in detail:
            detail = "Pagefind is not installed: pip install 'pagefind[bin]'"
        raise SearchIndexError(f"Pagefind could not index {site_dir}: {detail}")
