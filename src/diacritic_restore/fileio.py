"""Writing files atomically: every output, report and model file goes through here.

A file is written to a temporary file in the same folder and renamed into place, so a
reader never sees a partial file, a crash leaves the old file intact, and a failure
removes the temporary file.  Temporary files carry a recognisable name
(``.vnrestore-NAME.*.tmp``) so that a batch rerun can clear what a killed run left.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from diacritic_restore.errors import OutputError

TEMP_PREFIX = ".vnrestore-"
TEMP_SUFFIX = ".tmp"
TEMP_GLOB = f"{TEMP_PREFIX}*{TEMP_SUFFIX}"


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path`` (``mode`` "w" for UTF-8 text, "wb" for
    bytes); on a clean exit it replaces ``path``, on any error it is removed."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open: mode {mode!r}")
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{p}: folder {parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f"{TEMP_PREFIX}{p.name}.", suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise OutputError(f"{p}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8", "newline": ""} if mode == "w" else {})) as fh:
            yield fh
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{p}: cannot write ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 text atomically (see the module docstring)."""
    with atomic_open(path, "w") as fh:
        fh.write(text)


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write bytes atomically (see the module docstring)."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
