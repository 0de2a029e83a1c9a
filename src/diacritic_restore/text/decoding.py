"""Reading user text: bytes in any supported Vietnamese encoding → NFC text, with a
one-line error for what is not text."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from diacritic_restore.errors import InputError
from diacritic_restore.text.tokens import normalize_text

# control bytes no text file holds (tab, line feed, form feed, carriage return and
# escape aside)
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


class Decoded(NamedTuple):
    text: str  # NFC
    encoding: str
    confidence: float
    scores: dict[str, float]  # each reading detection tried: share of valid marked syllables

    @property
    def margin_over_utf8(self) -> float | None:
        """The chosen reading's score minus UTF-8's; for UTF-8 kept, its lead over the best
        other reading (negative: another scored higher without the evidence it needs).
        None when UTF-8 was not a possible reading."""
        s = self.scores
        if "utf-8" not in s or self.encoding not in s:
            return None
        if self.encoding != "utf-8":
            return round(s[self.encoding] - s["utf-8"], 4)
        others = [v for e, v in s.items() if e != "utf-8"]
        return round(s["utf-8"] - max(others), 4) if others else None


def decode_bytes_detailed(data: bytes, name: str = "input", encoding: str | None = None) -> tuple[str, str, float]:
    """Any supported Vietnamese encoding → (NFC text, encoding, confidence)."""
    return decode_bytes_report(data, name, encoding)[:3]


def decode_bytes_report(data: bytes, name: str = "input", encoding: str | None = None) -> Decoded:
    """Any supported Vietnamese encoding → :class:`Decoded`; not text is a one-line error."""
    from diacritic_restore.text import charsets

    if not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) and _BINARY.search(data[:4096]):
        raise InputError(f"{name}: binary data, not text")
    try:
        text, enc, conf, scores = charsets.decode_any_detailed(data, encoding)
    except ValueError as exc:
        raise InputError(f"{name}: {exc}") from None
    if "\x00" in text:  # e.g. UTF-32 read as UTF-16: never written out with NULs
        raise InputError(f"{name}: NUL characters after decoding as {enc}; not text in a supported encoding")
    return Decoded(normalize_text(text), enc, conf, scores)


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
