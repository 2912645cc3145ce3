"""Keeps `serve` watching the blueprint folder when it is removed and put back (git checkout, mv)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from ..escape import terminal

__all__ = ["FolderWatch"]


def _identity(folder: str) -> tuple[int, int] | None:
    try:
        found = os.stat(folder)
    except OSError:
        return None
    return (found.st_dev, found.st_ino) if os.path.isdir(folder) else None


class FolderWatch:
    """Watches `folder` through MkDocs' live-reload server, and watches it again when it comes back.

    MkDocs' watcher stops for good when the folder it watches disappears. This checks the folder
    every `interval` seconds; when it is gone or back (a new folder, or the old one moved back), the
    watch is renewed and the server is asked to rebuild, through a file in a folder of our own that
    it also watches (its only public way to start a rebuild).
    """

    def __init__(self, server, folder: str, log, interval: float = 0.2):
        self._server, self._folder, self._log, self._interval = server, folder, log, interval
        self._poke = Path(tempfile.mkdtemp(prefix="blueprintgen-watch-"))
        server.watch(str(self._poke))
        self._identity = _identity(folder)
        self._watching = self._identity is not None
        if self._watching:
            server.watch(folder)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="blueprint folder watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            identity = _identity(self._folder)
            if identity != self._identity:
                self._identity = identity
                self._renew(identity is not None)

    def _renew(self, present: bool) -> None:
        if self._watching:
            self._server.unwatch(self._folder)
            self._watching = False
        if present:
            self._server.watch(self._folder)
            self._watching = True
            self._log.info(terminal(f"the blueprint folder {self._folder} is there again; watching it"))
        else:
            self._log.warning(terminal(f"the blueprint folder {self._folder} is gone; the preview shows no "
                                       "blueprints until it is back"))
        self.rebuild()

    def rebuild(self) -> None:
        """Ask the server for another rebuild (after this one, when one is running)."""
        try:
            (self._poke / "changed").write_text(str(time.monotonic_ns()))
        except OSError:
            pass   # the server is shutting down: nothing to rebuild for

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        shutil.rmtree(self._poke, ignore_errors=True)
