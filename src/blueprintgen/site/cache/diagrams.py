"""The diagram cache: a diagram is kept by what it is drawn from, so an unchanged one is never drawn again.

A diagram file is named by sha256(Graphviz version, program, format, DOT text); an input entry
(`<key>.<fmt>.input`) names the diagram that a blueprint and its findings gave, so an unchanged
blueprint is answered without making its DOT at all. Files end with a seal (the sha256 of the
rest): a file cut short, or changed by a disk's damage or a hand, is a miss and is drawn again.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from pathlib import Path
from typing import Sequence

from ... import __version__
from ...graphviz import ARGUMENTS, ENDINGS, MAX_OUTPUT_BYTES, PROGRAM, graphviz_version
from ...model import Blueprint
from ...wholefiles import read_regular, write_atomically

__all__ = ["DiagramCache", "diagram_input", "code_digest", "cached_diagram", "kept_diagrams", "CACHE_MAX_AGE_S"]

_SHA256 = re.compile(rb"[0-9a-f]{64}")
# The names of our cache files (and of writes a killed build left); nothing else is touched.
_CACHE_FILE = re.compile(r"[0-9a-f]{64}\.[a-z]+(\.input)?")
_LEFT_OVER = re.compile(r"\.[0-9a-f]{64}\.[a-z]+(\.input)?\.[A-Za-z0-9_]+\.tmp")
_LEFT_OVER_AGE_S = 24 * 3600
# Entries no build has used for this long are removed, so the cache does not grow forever.
CACHE_MAX_AGE_S = 30 * 24 * 3600


def _code_digest() -> str | None:
    """sha256 of blueprintgen's version and own source, so other code never reuses a diagram.

    None when the source cannot be read (e.g. an install that ships only bytecode):
    diagrams are then found by their DOT text alone.
    """
    digest = hashlib.sha256(__version__.encode("utf-8") + b"\0")
    package = Path(__file__).resolve().parents[2]
    try:
        # Every module (the diagram and rules packages too) and the page templates: what pages
        # and diagrams are made from. Assets are copied as they are at every build.
        sources = sorted([*package.rglob("*.py"), *package.rglob("templates/*")])
        for path in sources:
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest() if sources else None


# Taken when the code is imported: the code that runs is the code that was read.
_CODE_DIGEST = _code_digest()


def code_digest() -> str | None:
    """What our code is, as a hash (None when it cannot be told): other code never reuses a result."""
    return _CODE_DIGEST


def diagram_input(blueprint: Blueprint, findings: Sequence = ()) -> str | None:
    """A key for what a blueprint's diagram is drawn from, cheap to compute without its DOT.

    The DOT text is a pure function of the blueprint, its findings and our code, and
    dataclass reprs show every field, so equal keys mean equal DOT texts. None when
    our code cannot be identified.
    """
    if _CODE_DIGEST is None:
        return None
    identity = f"{_CODE_DIGEST}\0{blueprint!r}\0{tuple(findings)!r}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _input_entry(input_key: str, fmt: str) -> str:
    # The same Graphviz and format as the DOT key: an upgrade never reuses an old entry.
    identity = "\0".join([graphviz_version(), PROGRAM, *ARGUMENTS, fmt, input_key])
    return f"{hashlib.sha256(identity.encode('utf-8')).hexdigest()}.{fmt}.input"


def _cache_key(dot_text: str, fmt: str) -> str:
    identity = "\0".join([graphviz_version(), PROGRAM, *ARGUMENTS, fmt, dot_text])
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


class DiagramCache:
    """The diagrams in one (checked) folder, for `graphviz.render_many`; it notes what a batch used."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.used: set[str] = set()   # cache files this batch read or wrote

    def open(self) -> bool:
        self.used = set()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        return True

    input_entry = staticmethod(_input_entry)
    dot_key = staticmethod(_cache_key)

    def by_input(self, entry: str, fmt: str) -> bytes | None:
        output, name = _remembered(self.folder, entry, fmt)
        if output is not None:
            self.used.update(used for used in (entry, name) if used)
        return output

    def by_dot(self, dot_key: str, fmt: str) -> bytes | None:
        output = _read(self.folder / f"{dot_key}.{fmt}", fmt)
        if output is not None:
            self.used.add(f"{dot_key}.{fmt}")
        return output

    def store(self, dot_key: str, fmt: str, diagram: bytes) -> None:
        _store(self.folder / f"{dot_key}.{fmt}", _sealed(diagram))
        self.used.add(f"{dot_key}.{fmt}")

    def remember(self, entry: str, dot_key: str, fmt: str) -> None:
        _remember(self.folder, entry, dot_key, fmt)
        self.used.add(entry)

    def tidy(self) -> None:
        _tidy(self.folder, self.used)


def cached_diagram(input_key: str | None, fmt: str, cache_dir: str | os.PathLike) -> bytes | None:
    """The diagram `render_many` cached for this `diagram_input` key, or None."""
    if not input_key:
        return None
    return _remembered(Path(cache_dir), _input_entry(input_key, fmt), fmt)[0]
def kept_diagrams(input_keys: Sequence[str | None], fmt: str, cache_dir: str | os.PathLike) -> list[bytes | None]:
    """The cached diagram of each `diagram_input` key (None where there is none), each marked as used now:
    the tidying of a batch that draws only the others keeps them."""
    cache, now = Path(cache_dir), time.time()
    found = []
    for input_key in input_keys:
        entry = _input_entry(input_key, fmt) if input_key else None
        diagram, name = _remembered(cache, entry, fmt) if entry else (None, None)
        found.append(diagram)
        for used in (entry, name) if diagram is not None else ():
            try:
                if used:
                    os.utime(cache / used, (now, now))
            except OSError:
                pass
    return found


def _remembered(cache: Path, entry: str, fmt: str) -> tuple[bytes | None, str | None]:
    """(the diagram an input entry stands for, the name of the file it names) or (None, None).

    An entry is a hard link to the diagram itself (see _remember), or, where links cannot be
    made, a file holding the diagram's sha256 name; anything else is a damaged entry, a miss.
    """
    data = _read(cache / entry)
    if data is None:
        return None, None
    if _SHA256.fullmatch(data):   # it names a file of ours, never a path
        name = f"{data.decode('ascii')}.{fmt}"
        return _read(cache / name, fmt), name
    diagram = _unsealed(data, fmt)
    return (diagram, None) if diagram is not None else (None, None)


def _remember(cache: Path, entry: str, dot_key: str, fmt: str) -> None:
    """Note that input `entry` gave the diagram `<dot_key>.<fmt>`.

    As a hard link to that diagram: no new file is created (the slow part of writing many
    small files) and a hit reads one file. Where links cannot be made, a file naming it.
    Written atomically either way: an entry is only ever replaced, never written into.
    """
    temporary = cache / f".{entry}.{os.getpid()}_{threading.get_ident()}.tmp"
    try:
        os.link(cache / f"{dot_key}.{fmt}", temporary)
        os.replace(temporary, cache / entry)
    except OSError:
        _store(cache / entry, dot_key.encode("ascii"))
    finally:
        # Renaming a link over another link to the same file does nothing: remove it then.
        try:
            os.unlink(temporary)
        except OSError:
            pass


def _read(path: Path, fmt: str | None = None) -> bytes | None:
    """A cached diagram (with `fmt`: unsealed, None when cut short or changed), or an input entry's bytes."""
    data = read_regular(path, MAX_OUTPUT_BYTES + len(_SEAL_EXAMPLE))
    if data is None:
        return None
    return _unsealed(data, fmt) if fmt is not None else data


# A cached diagram ends with the sha256 of what comes before: a file cut short, or changed by a
# disk's damage or a hand, is a miss and is drawn again, never published. (As an XML comment after
# the root element, a sealed SVG is still a well-formed one.)
_SEAL = re.compile(rb"\n<!-- blueprintgen sha256 ([0-9a-f]{64}) -->\n\Z")
_SEAL_EXAMPLE = b"\n<!-- blueprintgen sha256 " + b"0" * 64 + b" -->\n"


def _sealed(diagram: bytes) -> bytes:
    return diagram + b"\n<!-- blueprintgen sha256 " + hashlib.sha256(diagram).hexdigest().encode("ascii") + b" -->\n"


def _unsealed(data: bytes, fmt: str) -> bytes | None:
    """The diagram a cache file holds, or None when its seal is missing or does not match."""
    seal = _SEAL.search(data, max(0, len(data) - len(_SEAL_EXAMPLE)))
    if seal is None:
        return None
    diagram = data[:seal.start()]
    if hashlib.sha256(diagram).hexdigest().encode("ascii") != seal.group(1):
        return None
    return diagram if diagram[-64:].rstrip().endswith(ENDINGS.get(fmt, b"")) else None


def _store(path: Path, data: bytes) -> None:
    try:
        write_atomically(path, data)
    except OSError:
        pass   # an unwritable cache only costs time


def _tidy(cache: Path, used: set[str]) -> None:
    """Mark the entries this run used as fresh, and remove ours that no run has used for a while."""
    now = time.time()
    try:
        names = os.listdir(cache)
    except OSError:
        return
    for name in names:
        if not _CACHE_FILE.fullmatch(name):
            continue
        path = cache / name
        try:
            if name in used:
                os.utime(path, (now, now))
            elif now - path.stat().st_mtime > CACHE_MAX_AGE_S:
                path.unlink()
        except OSError:
            pass   # another build may be tidying too
    for name in names:
        if _LEFT_OVER.fullmatch(name):
            try:
                if now - (cache / name).stat().st_mtime > _LEFT_OVER_AGE_S:
                    (cache / name).unlink()
            except OSError:
                pass
