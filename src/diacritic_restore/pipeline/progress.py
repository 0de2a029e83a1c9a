"""The status line of a batch on a terminal: files and pages done, pages/s, ETA."""

from __future__ import annotations

import time
from typing import TextIO

from diacritic_restore.pipeline.report import readable


class Progress:
    """One status line on stderr (files, pages, pages/s, ETA), only on a terminal."""

    def __init__(self, files: int, stream: TextIO, quiet: bool):
        self.files, self.stream = files, stream
        self.live = not quiet and stream.isatty()
        self.quiet = quiet
        self.pages_total = 0
        self.pages_done = 0
        self.files_done = 0
        self.failed = 0
        self.t0 = time.perf_counter()
        self._last = 0.0

    def log(self, line: str) -> None:
        """One message line; a file name that is not UTF-8 is shown with its bytes as
        ``\\xNN`` (a stream that is not stderr may refuse lone surrogates)."""
        if self.quiet:
            return
        if self.live:
            self.stream.write("\r\x1b[K")
        self.stream.write(readable(line) + "\n")
        self.draw(force=True)

    def draw(self, force: bool = False) -> None:
        if not self.live:
            return
        now = time.perf_counter()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        el = now - self.t0
        rate = self.pages_done / el if el > 0 else 0.0
        left = self.pages_total - self.pages_done
        eta = f"{int(left / rate) // 60}:{int(left / rate) % 60:02d}" if rate > 0 and left > 0 else "-"
        fail = f", {self.failed} failed" if self.failed else ""
        self.stream.write(f"\r\x1b[Kfiles {self.files_done}/{self.files}{fail}  pages {self.pages_done}/"
                          f"{self.pages_total}  {rate:.2f} pages/s  ETA {eta}")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
