"""A child process's pipe read to its end in a thread of its own, keeping at most so many bytes."""

from __future__ import annotations

import threading

__all__ = ["CappedReader"]

_CHUNK = 64 * 1024


class CappedReader:
    """Reads one pipe to its end, keeping at most `limit` bytes; `over` says whether more came."""

    def __init__(self, stream, limit: int, on_over=None):
        self.data = bytearray()
        self.extra = 0
        self._stream, self._limit, self._on_over = stream, limit, on_over
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    @property
    def over(self) -> bool:
        return self.extra > 0

    def _read(self) -> None:
        try:
            while chunk := self._stream.read1(_CHUNK):
                room = self._limit - len(self.data)
                self.data += chunk[:room]
                if len(chunk) > room:
                    self.extra += len(chunk) - max(room, 0)
                    if self._on_over:   # no point reading on: stop the writer
                        self._on_over()
                        return
        except (OSError, ValueError):
            pass   # the pipe was closed because the process was stopped
