"""The status line of a batch on a terminal: files and pages done, pages/s, ETA.

Drawn by tqdm: one line, on a terminal only and never with ``quiet``; messages
(:mod:`.logs`) go through ``tqdm.write``, which clears the line first and draws it
again after, so the line stays one clean line whatever is logged."""

from __future__ import annotations

import os
import time
from typing import TextIO

from tqdm import tqdm

from diacritic_restore.pipeline.report import readable

_FORMAT = "files {desc}  pages {n_fmt}/{total_fmt}  {rate_noinv_fmt}  ETA {remaining}"


class Progress:
    """One status line on ``stream`` (files, pages, pages/s, ETA), only on a terminal.

    ``pages_done`` counts the pages processed in this run: pages of documents skipped
    as done before are in neither it nor ``pages_total``, so pages/s is the real rate."""

    def __init__(self, files: int, stream: TextIO, quiet: bool):
        self.files, self.stream = files, stream
        self.live = not quiet and stream.isatty()
        self.quiet = quiet
        self.pages_total = 0
        self.pages_done = 0
        self.files_done = 0
        self.failed = 0
        self._last = 0.0
        self._bar: tqdm | None = None

    def log(self, line: str) -> None:
        """One message line (the bar cleared first); a file name that is not UTF-8 is
        shown with its bytes as ``\\xNN`` (a stream that is not stderr may refuse lone
        surrogates).  The batch logs through :mod:`.logs`; this is for callers' own lines."""
        if self.quiet:
            return
        tqdm.write(readable(line), file=self.stream)
        self.draw(force=True)

    def draw(self, force: bool = False) -> None:
        if not self.live:
            return
        now = time.perf_counter()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        fail = f", {self.failed} failed" if self.failed else ""
        desc = f"{self.files_done}/{self.files}{fail}"
        total = max(self.pages_total, self.pages_done)
        if self._bar is None:  # pages/s counts from here: from the first page back
            self._bar = tqdm(total=total, initial=self.pages_done, desc=desc, file=self.stream, unit=" pages",
                             bar_format=_FORMAT, leave=False, mininterval=0, smoothing=0, **_width(self.stream))
            return
        bar = self._bar
        bar.total, bar.n = total, self.pages_done
        bar.set_description_str(desc, refresh=False)
        bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _width(stream: TextIO) -> dict:
    """The terminal's width as it changes; 80×24 when it says 0 (a new pseudo-terminal)."""
    try:
        if os.get_terminal_size(stream.fileno()).columns > 0:
            return {"dynamic_ncols": True}
    except (OSError, ValueError, AttributeError):
        pass
    return {"ncols": 80, "nrows": 24}
