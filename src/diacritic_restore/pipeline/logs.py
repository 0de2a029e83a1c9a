"""Messages of a run: the ``vnrestore`` logger, and native libraries kept off the terminal.

* :func:`setup_logging` gives the ``vnrestore`` logger its handlers: warnings and
  errors on stderr as one ``vnrestore: …`` line each (``verbose``: a line per
  document too; ``quiet``: only what the user must know even then), and everything,
  with timestamps, in ``log_file``.  A line on the terminal clears the progress bar
  first (:func:`tqdm.tqdm.write`), so the bar stays one clean line.  Without it
  (the library called from Python), the same lines go to stderr.
* :func:`native_messages` sends file descriptor 2 to a log file around calls into
  native libraries (libjpeg's "Premature end of JPEG file", Leptonica, Tesseract),
  which write there directly, past Python; what they wrote is also logged.
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

from diacritic_restore.errors import OutputError
from diacritic_restore.pipeline.report import readable

LOGGER = "vnrestore"
# what native libraries print (libpng, libjpeg, OpenCV, Tesseract) goes here, not to the terminal
WORKER_LOG = ".vnrestore-workers.log"
# a record with this attribute set reaches the terminal even when quiet
ALWAYS = {"always": True}

log = logging.getLogger(LOGGER)


class _Console(logging.Handler):
    """One line on stderr (the one of the moment: tests and callers replace it),
    through tqdm so that a progress bar on it is cleared first and drawn again."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False):
        super().__init__(logging.DEBUG)
        self.stream, self.quiet = stream, quiet
        self.setFormatter(logging.Formatter(f"{LOGGER}: %(message)s"))

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "always", False):
            return True
        return not self.quiet and record.levelno >= self.level

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from tqdm import tqdm

            tqdm.write(readable(self.format(record)), file=self.stream or sys.stderr)
        except Exception:  # a closed stream must not stop the batch
            self.handleError(record)


_installed: list[logging.Handler] = []
_explicit: list[bool] = [False]  # setup_logging was called by the application


def setup_logging(verbose: bool = False, log_file: Path | None = None, quiet: bool = False,
                  stream: TextIO | None = None) -> None:
    """The ``vnrestore`` logger's handlers (replacing those of an earlier call): stderr
    (``stream``) gets warnings and errors, and with ``verbose`` a line per document;
    ``quiet`` keeps only the messages marked :data:`ALWAYS`; ``log_file`` (appended to)
    gets every message with its time and level."""
    _install(verbose, log_file, quiet, stream)
    _explicit[0] = True


def _install(verbose: bool, log_file: Path | None, quiet: bool, stream: TextIO | None) -> None:
    for h in _installed:
        log.removeHandler(h)
        h.close()
    _installed.clear()
    console = _Console(stream, quiet)
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    _installed.append(console)
    if log_file is not None:
        try:
            fh = logging.FileHandler(log_file, encoding="utf-8", errors="backslashreplace")
        except OSError as exc:
            raise OutputError(f"{log_file}: cannot write the log file ({exc.strerror})") from None
        fh.setLevel(logging.DEBUG)
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        _installed.append(fh)
    for h in _installed:
        log.addHandler(h)
    log.setLevel(logging.DEBUG)
    log.propagate = False


def ensure_logging(quiet: bool, stream: TextIO | None = None) -> None:
    """A batch's own handlers (``quiet``, ``stream``) when the application did not call
    :func:`setup_logging` (a library call): what the batch printed before logging."""
    if not _explicit[0]:
        _install(False, None, quiet, stream)


@contextmanager
def native_messages(log_path: Path) -> Iterator[None]:
    """File descriptor 2 goes to ``log_path`` (appended) for the block, and what was
    written there in it is logged (debug: the log file only).  If the log cannot be
    opened, fd 2 is left alone."""
    try:
        sys.stderr.flush()
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    except (OSError, ValueError):
        yield
        return
    start = os.fstat(fd).st_size
    saved = os.dup(2)
    os.dup2(fd, 2)
    try:
        yield
    finally:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)
        _log_new(log_path, start)


def _log_new(log_path: Path, start: int) -> None:
    try:
        with open(log_path, "rb") as f:
            f.seek(start)
            new = f.read(64 * 1024)
    except OSError:
        return
    for line in new.decode("utf-8", "backslashreplace").splitlines():
        if line.strip():
            log.debug("native: %s", line)


def reset_logging() -> None:
    """Back to no handlers, as if :func:`setup_logging` had never been called (tests)."""
    for h in _installed:
        log.removeHandler(h)
        h.close()
    _installed.clear()
    _explicit[0] = False
