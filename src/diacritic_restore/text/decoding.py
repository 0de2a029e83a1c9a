"""Reading user text: bytes in any supported Vietnamese encoding → NFC text, with a
one-line error for what is not text.

Every check looks at the whole input (binary data appended to a text is binary data),
and stays linear: byte counts and compiled regular expressions over the whole buffer,
no Python loop over its characters."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, NamedTuple

from diacritic_restore.errors import InputError
from diacritic_restore.text.tokens import normalize_text

# Size caps of one text document.  Restoring keeps about 300 bytes per character at its
# peak (1 MB of text: +260 MB in a worker, 11 s), and every worker of a batch may hold
# one document: 5 million characters (some 1,700 pages, a whole legal code is under a
# million) keep a worker under 2 GB.  Bytes are read up to 4 bytes a character (UTF-32),
# so no file within the character cap is refused for its bytes, and no larger file is
# read into memory at all.
MAX_TEXT_CHARS = 5_000_000
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS
# A line of prose is a paragraph (rarely 10,000 characters); 200,000 characters with no
# line break (some 70 pages) is a data dump or a text that lost its line breaks, and
# line-wise steps (language, capitals, hyphenation) would take it as one line.
MAX_LINE_CHARS = 200_000

# control bytes no text file holds (tab, line feed, vertical tab, form feed, carriage
# return and escape aside)
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_CONTROL_BYTES = bytes(range(0x01, 0x09)) + bytes(range(0x0E, 0x1B)) + bytes(range(0x1C, 0x20))
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# an old DOS file may end in ^Z and a Word export may carry a few stray controls: a
# text may hold one junk character, plus one in a thousand of its length
JUNK_ALLOWED = 1
JUNK_SHARE = 0.001
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


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


def decode_bytes_report(data: bytes, name: str = "input", encoding: str | None = None, *,
                        max_chars: int = MAX_TEXT_CHARS, max_line: int = MAX_LINE_CHARS) -> Decoded:
    """Any supported Vietnamese encoding → :class:`Decoded`; not text, or text beyond
    the size caps, is a one-line error."""
    from diacritic_restore.text import charsets

    if len(data) > 4 * max_chars:
        raise InputError(f"{name}: {len(data):,} bytes, more than one text document may have "
                         f"({4 * max_chars:,}); split it")
    if not _by_bom(data, encoding):
        check_bytes(data, name)
    try:
        text, enc, conf, scores = charsets.decode_any_detailed(data, encoding)
    except ValueError as exc:
        raise InputError(f"{name}: {exc}") from None
    check_decoded(text, name, enc)
    text = normalize_text(text)
    check_size(text, name, max_chars, max_line)
    return Decoded(text, enc, conf, scores)


def _by_bom(data: bytes, encoding: str | None) -> bool:
    """Is ``data`` UTF-16 or UTF-32 by its byte-order mark or the caller's word?  (Their
    NUL bytes are code units; they are checked as characters once decoded.)"""
    if encoding is not None and encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32")):
        return True
    return data.startswith(_UTF32_BOMS + _UTF16_BOMS)


def check_bytes(data: bytes, name: str) -> None:
    """Refuse binary data anywhere in ``data``: any NUL byte, or control bytes beyond a
    tiny share (an image or archive after a text, a corrupted file)."""
    nuls = data.count(b"\x00")
    if nuls:
        raise InputError(f"{name}: binary data, not text ({_nul_reason(data, nuls)})")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > _allowed(len(data)):
        first = _BINARY.search(data)
        at = first.start() if first else 0
        raise InputError(f"{name}: binary data, not text ({controls:,} control bytes, the first at byte {at:,})")


def _nul_reason(data: bytes, nuls: int) -> str:
    """Why NUL bytes: UTF-32 or UTF-16 without a byte-order mark (refused, not guessed:
    its NULs fall in one or two lanes of every code unit), or binary data."""
    if nuls * 4 >= len(data):
        for width, what, hi, lo in ((4, "UTF-32", 0.9, 0.5), (2, "UTF-16", 0.5, 0.1)):
            lanes = sorted(data[i::width].count(0) / max(1, len(data[i::width])) for i in range(width))
            if lanes[-(width // 2)] > hi and lanes[0] < lo:
                return f"{what} without a byte-order mark? Save it as UTF-8"
    return f"{nuls:,} NUL bytes, the first at byte {data.find(0):,}"


def _allowed(n: int) -> int:
    return JUNK_ALLOWED + int(n * JUNK_SHARE)


def check_decoded(text: str, name: str, enc: str) -> None:
    """Refuse decoded text with NUL characters (UTF-32 read as UTF-16), or with control
    characters and unassigned code points beyond a tiny share (binary data behind a
    byte-order mark, random bytes read in an 8-bit encoding)."""
    if "\x00" in text:
        raise InputError(f"{name}: NUL characters after decoding as {enc}; not text in a supported encoding")
    junk = _junk_count(text, _allowed(len(text)) + 1)
    if junk > _allowed(len(text)):
        raise InputError(f"{name}: binary data, not text (control or unassigned characters after decoding "
                         f"as {enc})")


def _junk_count(text: str, stop: int) -> int:
    """Control characters (C0 but whitespace and escape, DEL, C1) and unassigned code
    points in ``text``, counted up to ``stop``."""
    n = 0
    for _ in _junk_bmp().finditer(text):
        n += 1
        if n >= stop:
            return n
    for m in _ASTRAL.finditer(text):  # rare: emoji, CJK extensions; a class of them would be slow
        if unicodedata.category(m.group()) == "Cn":
            n += 1
            if n >= stop:
                break
    return n


@lru_cache(maxsize=1)
def _junk_bmp() -> re.Pattern[str]:
    """One character class of the junk in the Basic Multilingual Plane (the regex engine
    tests it with a bitmap: fast whatever the text)."""
    codes = [c for c in range(0x10000) if 0x7F <= c <= 0x9F or unicodedata.category(chr(c)) == "Cn"]
    codes += [c for c in range(0x20) if chr(c) not in "\x00\t\n\x0b\x0c\r\x1b"]
    ranges: list[list[int]] = []
    for c in sorted(codes):
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]")


def check_size(text: str, name: str, max_chars: int = MAX_TEXT_CHARS, max_line: int = MAX_LINE_CHARS) -> None:
    """Refuse a text beyond the caps (see :data:`MAX_TEXT_CHARS`, :data:`MAX_LINE_CHARS`)."""
    if len(text) > max_chars:
        raise InputError(f"{name}: {len(text):,} characters of text (more than {max_chars:,}); split it")
    if len(text) <= max_line:
        return
    lines = text.split("\n")
    longest = max(lines, key=len)
    if len(longest) > max_line:
        raise InputError(f"{name}: line {lines.index(longest) + 1} has {len(longest):,} characters "
                         f"(more than {max_line:,}); split it")


def read_bytes(path: str | os.PathLike, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them; anything else (a FIFO, a
    device, a folder) is refused without reading, so it can neither block nor flood."""
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, expected a text file") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        return _read_regular(fh, p, limit)


def _read_regular(fh: BinaryIO, p: Path, limit: int) -> bytes:
    """Check what the open file is before reading a byte (a FIFO opened without
    blocking, a device) and read at most ``limit`` bytes of it."""
    try:
        st = os.fstat(fh.fileno())
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"{p}: is a directory, expected a text file")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{p}: {special_kind(st.st_mode)}, not a regular file")
        if st.st_size > limit:
            raise InputError(f"{p}: {st.st_size:,} bytes, more than one text document may have ({limit:,}); "
                             "split it")
        data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    if len(data) > limit:  # it grew while we read
        raise InputError(f"{p}: more than {limit:,} bytes, more than one text document may have; split it")
    return data


def special_kind(mode: int) -> str:
    """What a file that is not regular is, in words."""
    for test, what in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "a special file"


def read_text(path: str | os.PathLike) -> str:
    """A text file in any supported encoding, as NFC text."""
    return decode_bytes_detailed(read_bytes(path), str(path))[0]
