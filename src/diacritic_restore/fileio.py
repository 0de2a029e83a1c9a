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
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f"{TEMP_PREFIX}{_short_name(p.name)}.", suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise OutputError(f"{p}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8", "newline": ""} if mode == "w" else {})) as fh:
            yield fh
        os.chmod(tmp, _mode_for(p))
        os.replace(tmp, p)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{p}: cannot write ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _short_name(name: str) -> str:
    """The target's name in its temporary file's, cut so that the whole stays within
    the 255 bytes a file name may have (a 240-byte input name is fine)."""
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= 100:
        return name
    return raw[:100].decode("utf-8", "ignore")


def _mode_for(p: Path) -> int:
    """An existing file keeps its mode (a 0600 file stays private); a new one gets
    what the umask allows, as ``open`` would give it."""
    try:
        return p.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 text atomically (see the module docstring)."""
    with atomic_open(path, "w") as fh:
        fh.write(text)


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write bytes atomically (see the module docstring)."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
