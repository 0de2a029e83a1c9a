"""Reading user text and writing outputs safely (inputs never modified, outputs atomic)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .errors import InputError, OutputError
from .normalize import normalize_text


# control bytes no text file holds (tab, line feed, form feed, carriage return and
# escape aside)
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def decode_bytes_detailed(data: bytes, name: str = "input", encoding: str | None = None) -> tuple[str, str, float]:
    """Any supported Vietnamese encoding → (NFC text, encoding, confidence)."""
    from . import charsets

    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and _BINARY.search(data[:4096]):
        raise InputError(f"{name}: binary data, not text")
    try:
        text, enc, conf = charsets.decode_any(data, encoding)
    except ValueError as exc:
        raise InputError(f"{name}: {exc}") from None
    return normalize_text(text), enc, conf


def read_bytes(path: str | os.PathLike) -> bytes:
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, expected a text file") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None


def read_text(path: str | os.PathLike) -> str:
    """A text file in any supported encoding, as NFC text."""
    return decode_bytes_detailed(read_bytes(path), str(path))[0]


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 via a temporary file renamed into place: no partial file is ever seen."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{p}: folder {parent} does not exist")
    try:
        # a recognisable name, so a batch rerun can clear what a killed run left
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".vnrestore-{p.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{p}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{p}: cannot write ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
