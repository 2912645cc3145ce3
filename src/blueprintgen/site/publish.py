"""Publishing a built folder: it replaces the previous output in one step, or the previous output stays.

The new site is built next to the output, in a folder carrying our marker, and swapped in
whole (Linux: renameat2 exchange, so there is no moment without a site); only folders we made
are ever deleted, and what a killed build left is removed by the next one.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from pathlib import Path

from ..project import tracked_by_git
from .search import stop_left_over
from .workfolders import remove_left_overs, work_folder, work_name

__all__ = ["SITE_MARKER", "SiteError", "check_replaceable", "output_folder", "work_folder_for", "remove_left_overs_of",
           "swap"]

SITE_MARKER = ".blueprintgen-site"


class SiteError(Exception):
    """The site could not be built; `kept` tells whether the previous output is untouched."""

    def __init__(self, message: str, kept: bool = True):
        super().__init__(message)
        self.kept = kept


def check_replaceable(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / SITE_MARKER).exists())):
        raise SiteError(f"{out} exists and was not built by blueprintgen; refusing to replace it "
                        f"(delete it yourself, or choose another folder with -o)")


def output_folder(out_dir: str) -> Path:
    """Where the site goes. For a symbolic link (e.g. to a server's deployment folder) that is
    the link's target, replaced as a whole; the link itself stays."""
    out = Path(out_dir).absolute()
    if not out.is_symlink():
        return out
    if tracked_by_git(str(out)):   # a clone's link could point anywhere on this machine
        raise SiteError(f"{out_dir} is a symbolic link that the repository commits; a build never writes "
                        "through it (hint: build into another folder with -o, or remove the link from the "
                        "repository)")
    try:
        return Path(os.path.realpath(out, strict=True))
    except OSError as error:
        if error.errno == errno.ELOOP:   # swapping a site in would replace the link, and leave a link behind
            raise SiteError(f"{out_dir} is a symbolic link that loops back on itself; point it at a folder, "
                            "or remove it") from None
        return Path(os.path.realpath(out))   # a link to a folder not made yet: the site is made there


# The folders a build makes next to the output: the site being built (which holds the
# previous site once swapped), the previous site (where folders cannot be exchanged), and
# the empty docs folder MkDocs gets when the project has none.
_WORK_KINDS = ("building", "old", "docs")


def work_folder_for(out: Path, kind: str) -> tuple[Path, int | None]:
    # MkDocs must see an empty docs folder; an empty folder counts as ours.
    return work_folder(out, kind, None if kind == "docs" else SITE_MARKER, "built by blueprintgen\n")


def remove_left_overs_of(out: Path) -> list[str]:
    """Remove what killed builds left next to `out` (see workfolders), first stopping the
    Pagefind a build killed outright left indexing there."""
    return remove_left_overs(out, _WORK_KINDS, SITE_MARKER, before=stop_left_over)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux: renameat2 with RENAME_EXCHANGE).

    False when the platform or file system cannot; any other failure is raised.
    """
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):   # e.g. an old kernel, or NFS
        return False
    raise OSError(number, os.strerror(number), str(second))


def _libc_renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):   # glibc before 2.28, or no C library to load
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _libc_renameat2()
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def swap(staging: Path, out: Path) -> Path | None:
    """Put the site in `staging` at `out`; return the folder now holding the previous site, if any.

    With an exchange there is no moment without a site at `out`. Elsewhere it is two renames,
    and between them (microseconds) `out` does not exist.
    """
    if not os.path.lexists(out):
        staging.rename(out)
        return None
    if _exchange(staging, out):
        return staging
    old = work_name(out, "old")
    out.rename(old)
    try:
        staging.rename(out)
    except OSError as error:
        try:
            old.rename(out)
        except OSError:
            raise SiteError(f"cannot put the new site in place: {error.strerror or error}; the previous "
                            f"site is in {old}, move it back to {out}", kept=False) from None
        raise
    return old
