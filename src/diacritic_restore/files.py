"""Reading user text and writing outputs safely (inputs never modified, outputs atomic)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError, OutputError
from .normalize import normalize_text


def decode_bytes(data: bytes, name: str = "input") -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16 → NFC text; anything else is an error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return normalize_text(data.decode("utf-16"))
        except UnicodeDecodeError:
            raise InputError(f"{name}: not valid UTF-16 text") from None
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: binary data, not text")
    try:
        return normalize_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}); convert it to UTF-8 first") from None


def read_text(path: str | os.PathLike) -> str:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, expected a text file") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    return decode_bytes(data, str(p))


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 via a temporary file renamed into place: no partial file is ever seen."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{p}: folder {parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{p.name}.", suffix=".tmp")
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
