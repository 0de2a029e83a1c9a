"""Legacy Vietnamese encodings in, NFC Unicode out (and the encoders tests round-trip with).

* ``tcvn3``: TCVN 5712:1993 VN3 ("ABC", .VnTime fonts), one byte a letter.  It has no
  codes for capital letters with a tone (the .VnTimeH font draws the lower-case codes as
  capitals): such a letter is written with its lower-case code, and decoding restores the
  capital inside a word whose other letters are capitals.
* ``vni``: VNI-Windows (VNI-Times fonts): a base letter followed by mark bytes.
* ``viqr``: RFC 1456 ASCII: ``a( a^ e^ o^ o+ u+ dd`` and tones `` ` ' ? ~ . ``.
* ``cp1258``: Windows-1258, tones as combining marks.

The 8-bit encodings usually reach us as text read with cp1252 (``Ch\xb5o`` for ``Chào``),
so the decoders take that text; ``decode_any`` takes bytes.  Tables: docs/charsets.md.
"""

from __future__ import annotations

import re
import unicodedata

from diacritic_restore.text.repairs import CP1252_BYTE
from diacritic_restore.text.repairs import cp1252_char as _cp1252_char
from diacritic_restore.text.syllable import is_valid

SUPPORTED = ("utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1258", "tcvn3", "vni", "viqr", "tcvn3-in-utf-8",
             "vni-in-utf-8")

# --- TCVN3 (VN3) ---------------------------------------------------------------------

_TCVN3_CODES = {
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
    "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA, "ậ": 0xCB,
    "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8, "ộ": 0xE9,
    "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
}
_TCVN3_DECODE = {b: c for c, b in _TCVN3_CODES.items()}

_TCVN3_TEXT_DECODE = str.maketrans({_cp1252_char(b): c for b, c in _TCVN3_DECODE.items()})
_TCVN3_TEXT_ENCODE = {c: _cp1252_char(b) for c, b in _TCVN3_CODES.items()}
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _recapitalise(text: str) -> str:
    """TCVN3 writes capital toned letters with lower-case codes: in a word whose other
    letters are capitals, on a heading line or with two capitals of its own, they are
    capitals again (``CHỉ THị`` → ``CHỈ THỊ``)."""
    out = []
    for line in text.split("\n"):
        plain = [c for c in line if c.isalpha() and c not in _TCVN3_CODES]
        heading = len(plain) >= 2 and sum(c.isupper() for c in plain) >= 0.7 * len(plain)

        def fix(m: re.Match) -> str:
            w = m.group()
            if not any(c.islower() for c in w) or not all(c.isupper() or c in _TCVN3_CODES for c in w):
                return w
            caps = sum(1 for c in w if c.isupper())
            return w.upper() if caps >= 2 or (heading and caps >= 1) else w

        out.append(_LETTER_RUN.sub(fix, line))
    return "\n".join(out)


def decode_tcvn3(text: str) -> str:
    return _recapitalise(unicodedata.normalize("NFC", text.translate(_TCVN3_TEXT_DECODE)))


def encode_tcvn3(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = _TCVN3_TEXT_ENCODE.get(ch)
        if code is None and ch.isupper():
            code = _TCVN3_TEXT_ENCODE.get(ch.lower())
        out.append(code if code is not None else ch)
    return "".join(out)


# --- VNI-Windows ---------------------------------------------------------------------

# tone → mark byte after a plain vowel (lower, upper)
_VNI_TONE = {1: (0xF8, 0xD8), 2: (0xF9, 0xD9), 3: (0xFB, 0xDB), 4: (0xF5, 0xD5), 5: (0xEF, 0xCF)}
# circumflex + tone, breve + tone (tone 0 = the vowel mark alone)
_VNI_CIRC = {0: (0xE2, 0xC2), 1: (0xE0, 0xC0), 2: (0xE1, 0xC1), 3: (0xE5, 0xC5), 4: (0xE3, 0xC3), 5: (0xE4, 0xC4)}
_VNI_BREVE = {0: (0xEA, 0xCA), 1: (0xE8, 0xC8), 2: (0xE9, 0xC9), 3: (0xFA, 0xDA), 4: (0xFC, 0xDC), 5: (0xEB, 0xCB)}
# single-byte letters: i with tones, ơ ư đ, ỵ
_VNI_SINGLE = {
    "ì": 0xEC, "í": 0xED, "ỉ": 0xE6, "ĩ": 0xF3, "ị": 0xF2,
    "Ì": 0xCC, "Í": 0xCD, "Ỉ": 0xC6, "Ĩ": 0xD3, "Ị": 0xD2,
    "ơ": 0xF4, "Ơ": 0xD4, "ư": 0xF6, "Ư": 0xD6, "đ": 0xF1, "Đ": 0xD1, "ỵ": 0xEE, "Ỵ": 0xCE,
}
_TONE_MARKS = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}


def _vni_of(ch: str) -> str:
    """The VNI cp1252-view spelling of one letter."""
    if ch in _VNI_SINGLE:
        return _cp1252_char(_VNI_SINGLE[ch])
    nfd = unicodedata.normalize("NFD", ch)
    base = nfd[0]
    tone = next((_TONE_MARKS[m] for m in nfd[1:] if m in _TONE_MARKS), 0)
    marks = [m for m in nfd[1:] if m not in _TONE_MARKS]
    upper = base.isupper()
    k = 1 if upper else 0
    if "\u031b" in marks:  # horn: ơ ư are single letters, then the tone
        horn = {"o": "ơ", "u": "ư", "O": "Ơ", "U": "Ư"}[base]
        head = _cp1252_char(_VNI_SINGLE[horn])
        return head + (_cp1252_char(_VNI_TONE[tone][k]) if tone else "")
    if base in "iI" and tone:
        return _cp1252_char(_VNI_SINGLE[unicodedata.normalize("NFC", nfd)])
    if "\u0302" in marks:
        return base + _cp1252_char(_VNI_CIRC[tone][k])
    if "\u0306" in marks:
        return base + _cp1252_char(_VNI_BREVE[tone][k])
    if base in "yY" and tone == 5:
        return _cp1252_char(_VNI_SINGLE["Ỵ" if upper else "ỵ"])
    if tone:
        return base + _cp1252_char(_VNI_TONE[tone][k])
    return ch


_VIET_LETTERS = [
    unicodedata.normalize("NFC", b + m + t)
    for b in "aeiouyAEIOUY"
    for m in ("", "\u0302", "\u0306", "\u031b")
    for t in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
]
_VNI_ENCODE: dict[str, str] = {}
for _c in _VIET_LETTERS + ["đ", "Đ"]:
    if len(_c) == 1 and (_c in _VNI_SINGLE or unicodedata.normalize("NFD", _c) != _c):
        try:
            _VNI_ENCODE[_c] = _vni_of(_c)
        except KeyError:  # a combination Vietnamese does not use (e.g. breve on e)
            pass
# decode longest sequences first: two-character spellings before single ones
_VNI_DECODE = {v: k for k, v in _VNI_ENCODE.items()}
_VNI_PATTERN = re.compile("|".join(re.escape(s) for s in sorted(_VNI_DECODE, key=len, reverse=True)))


def encode_vni(text: str) -> str:
    return "".join(_VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def decode_vni(text: str) -> str:
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], text))


# --- VIQR ------------------------------------------------------------------------------

_VIQR_VOWEL = {"(": "\u0306", "^": "\u0302", "+": "\u031b"}
_VIQR_TONE = {"`": "\u0300", "'": "\u0301", "?": "\u0309", "~": "\u0303", ".": "\u0323"}
_VIQR_MARKS = frozenset("(^+`'?~.\\")
_VIQR_TOKEN = re.compile(r"\S+")


def _viqr_word(w: str) -> str:
    out = []
    i = 0
    while i < len(w):
        c = w[i]
        if c == "\\" and i + 1 < len(w) and w[i + 1] in _VIQR_MARKS:
            out.append(w[i + 1])  # an escaped mark is the character itself
            i += 2
            continue
        if c in "dD" and i + 1 < len(w) and w[i + 1] in "dD":
            out.append("đ" if c == "d" else "Đ")
            i += 2
            continue
        out.append(c)
        i += 1
        if c.lower() in "aeiouy":
            while i < len(w) and (w[i] in _VIQR_VOWEL or w[i] in _VIQR_TONE):
                out.append(_VIQR_VOWEL.get(w[i]) or _VIQR_TONE[w[i]])
                i += 1
    return unicodedata.normalize("NFC", "".join(out))


def decode_viqr(text: str) -> str:
    """RFC 1456: a mark after a vowel is a mark, ``\\.`` is a literal full stop.  A
    word becomes Vietnamese only where the result is a valid syllable, so English
    punctuation (``Is it?``) stays as it is."""

    def fix(m: re.Match) -> str:
        tok = m.group()
        if not any(ch in _VIQR_MARKS or ch in "dD" for ch in tok):
            return tok
        out = _viqr_word(tok)
        if out == tok:
            return tok
        parts = _LETTER_RUN.findall(out)
        symbol = "-" in tok or "/" in tok
        if parts and all(is_valid(p) or p.isascii() or _acronym(p, symbol) for p in parts):
            return out
        return tok

    return _VIQR_TOKEN.sub(fix, text)


def _acronym(part: str, in_symbol: bool) -> bool:
    """Capitals with Đ written DD: the codes of document symbols (``45/QĐ-UBND``,
    ``05-ĐA/TU``) and initialisms (``HĐND``, ``ĐUK``), which have no vowel but U; an
    English word in capitals (``ADD``) does."""
    if not ("Đ" in part and part.isupper() and len(part) <= 8 and part.replace("Đ", "D").isascii()):
        return False
    return in_symbol or not any(c in "AEIOY" for c in part)


_VIQR_BACK = {v: k for k, v in _VIQR_VOWEL.items()} | {v: k for k, v in _VIQR_TONE.items()}


def encode_viqr(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _VIQR_MARKS and out and (out[-1][-1:].isalpha() or out[-1][-1:] in _VIQR_MARKS):
            out.append("\\" + ch)  # a literal mark after a letter is escaped (RFC 1456)
            continue
        if ch in "đĐ":
            out.append("dd" if ch == "đ" else "DD")
            continue
        nfd = unicodedata.normalize("NFD", ch)
        if len(nfd) > 1 and nfd[0].lower() in "aeiouy":
            vowel = [m for m in nfd[1:] if m not in _TONE_MARKS]
            tone = [m for m in nfd[1:] if m in _TONE_MARKS]
            out.append(nfd[0] + "".join(_VIQR_BACK[m] for m in vowel + tone))
        else:
            out.append(ch)
    return "".join(out)


# --- Windows-1258 ----------------------------------------------------------------------

_CP1258_LETTERS = frozenset("ăâêôơưđĂÂÊÔƠƯĐ")


def encode_cp1258(text: str) -> bytes:
    """Letters with a vowel mark stay whole (cp1258 has them); tones become combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        tone = "".join(m for m in nfd if m in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(m for m in nfd if m not in _TONE_MARKS))
        out.append(base.encode("cp1258") + tone.encode("cp1258"))
    return b"".join(out)


def decode_cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258"))


# --- encode / decode / detect -------------------------------------------------------------


def _to_bytes_view(text: str) -> bytes:
    out = bytearray()
    for c in text:
        b = CP1252_BYTE.get(c, ord(c)) if ord(c) > 0x7F else ord(c)
        if b > 0xFF:
            raise ValueError(f"character {c!r} has no code in this 8-bit encoding")
        out.append(b)
    return bytes(out)


def encode(text: str, encoding: str) -> bytes:
    """The project's own encoders: NFC text → bytes in ``encoding``."""
    if encoding == "tcvn3":
        return _to_bytes_view(encode_tcvn3(text))
    if encoding == "vni":
        return _to_bytes_view(encode_vni(text))
    if encoding == "viqr":
        return encode_viqr(text).encode("ascii", errors="strict")
    if encoding == "cp1258":
        return encode_cp1258(text)
    if encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-32"):
        return text.encode(encoding)
    raise ValueError(f"unknown encoding {encoding!r}; supported: {', '.join(SUPPORTED)}")


# bytes → their cp1252 view in one C pass (latin-1 reads each byte as its code point;
# only 0x80-0x9F differ), not a Python loop over megabytes
_CP1252_VIEW = str.maketrans({b: _cp1252_char(b) for b in range(0x80, 0xA0)})
# a character no cp1252 byte shows: the text was not once read as cp1252
_NOT_CP1252_VIEW = re.compile("[^\x00-\xff" + "".join(re.escape(c) for c in CP1252_BYTE if ord(c) > 0xFF) + "]")


def _as_cp1252_text(data: bytes) -> str:
    return data.decode("latin-1").translate(_CP1252_VIEW)


def decode(data: bytes, encoding: str) -> str:
    if encoding == "tcvn3-in-utf-8":
        return decode_tcvn3(data.decode("utf-8"))
    if encoding == "vni-in-utf-8":
        return decode_vni(data.decode("utf-8"))
    if encoding == "tcvn3":
        return decode_tcvn3(_as_cp1252_text(data))
    if encoding == "vni":
        return decode_vni(_as_cp1252_text(data))
    if encoding == "viqr":
        return decode_viqr(data.decode("ascii", errors="replace"))
    if encoding == "cp1258":
        return decode_cp1258(data)
    if encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-32"):
        return unicodedata.normalize("NFC", data.decode(encoding))
    raise ValueError(f"unknown encoding {encoding!r}; supported: {', '.join(SUPPORTED)}")


def _score(text: str) -> float:
    """Share of words that are Vietnamese syllables with marks, minus broken words."""
    good, bad, n = _marked_counts(text)
    return (good - 2 * bad) / n if n else 0.0


def _marked_counts(text: str) -> tuple[int, int, int]:
    """(valid marked syllables, broken non-ASCII words, all words) in the first 20,000
    characters."""
    words = _LETTER_RUN.findall(text[:20000])
    good = bad = 0
    for w in words:
        if w.isascii():
            continue
        # place names of the Central Highlands end in k (Đắk Lắk, Đắk Nông)
        if is_valid(w) or (w[-1:] in "kK" and is_valid(w[:-1] + "c")):
            good += 1
        else:
            bad += 1
    return good, bad, len(words)


# A legacy reading replaces text that is valid UTF-8 only on overwhelming evidence:
# most of its words become valid marked syllables, and far more of them than the UTF-8
# reading gives.  English-model OCR output (valid UTF-8 full of é ô ü ¢ ©) reads as
# TCVN3 with a small edge (at most 0.30 of words, 0.36 over UTF-8, in 627 chunks of
# the seeds and held-out OCR); real legacy files, even two lines long, reach 0.56 and
# 0.45 over UTF-8.  And it must give two marked syllables at least: one curly quote
# after a number (``2025”``) reads as TCVN3 ``õ€``, one "valid syllable" of one word.
LEGACY_OVER_UTF8_MIN_SCORE = 0.45
LEGACY_OVER_UTF8_MIN_MARGIN = 0.40
LEGACY_OVER_UTF8_MIN_SYLLABLES = 2
_SAMPLE_BYTES = 40_000
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def detect(data: bytes) -> tuple[str, float]:
    """The encoding of ``data`` and a confidence in [0, 1]."""
    enc, conf, _ = detect_detailed(data)
    return enc, conf


def detect_detailed(data: bytes) -> tuple[str, float, dict[str, float]]:
    """The encoding of ``data``, a confidence in [0, 1], and the score of every reading
    tried (share of words that are valid marked syllables, broken words counted against)."""
    if data.startswith(_UTF32_BOMS):
        return "utf-32", 1.0, {}
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", 1.0, {}
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", 1.0, {}
    scores: dict[str, float] = {}
    readings: dict[str, str] = {}
    sample = data[:_SAMPLE_BYTES]  # the score reads 20,000 characters at most
    utf8: str | None = None
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if utf8 is not None:
        if utf8.isascii():
            viqr = decode_viqr(utf8)
            changed = sum(1 for a, b in zip(utf8.split(), viqr.split()) if a != b)
            n = max(1, len(utf8.split()))
            if changed / n > 0.2:
                return "viqr", min(1.0, 0.5 + changed / n), {}
            return "utf-8", 1.0, {}
        scores["utf-8"] = _score(unicodedata.normalize("NFC", utf8)) + 0.05  # valid UTF-8 is strong evidence
        if _NOT_CP1252_VIEW.search(utf8) is None:
            # a legacy file that was once read as cp1252 and saved as UTF-8
            readings["tcvn3-in-utf-8"] = decode_tcvn3(utf8[:_SAMPLE_BYTES])
            readings["vni-in-utf-8"] = decode_vni(utf8[:_SAMPLE_BYTES])
    for enc in ("cp1258", "tcvn3", "vni"):
        try:
            readings[enc] = decode(sample, enc)
        except (UnicodeDecodeError, ValueError):
            continue
    counts = {e: _marked_counts(t) for e, t in readings.items()}
    for e, (good, bad, n) in counts.items():
        scores[e] = (good - 2 * bad) / n if n else 0.0
    if utf8 is not None:
        legacy = {e: v for e, v in scores.items()
                  if e != "utf-8" and _overwhelming(v, scores["utf-8"], counts[e][0])}
        if not legacy:
            # kept as UTF-8: the surer, the further the best legacy reading stays from
            # the evidence it would need
            rival = max((v for e, v in scores.items() if e != "utf-8"), default=-1.0)
            gap = LEGACY_OVER_UTF8_MIN_MARGIN - (rival - scores["utf-8"])
            return "utf-8", max(0.5, min(1.0, 0.5 + gap)), scores
        scores_in = {"utf-8": scores["utf-8"], **legacy}
    else:
        scores_in = scores
    best = max(scores_in, key=scores_in.__getitem__)
    ranked = sorted(scores_in.values(), reverse=True)
    margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)
    return best, max(0.0, min(1.0, 0.5 + margin)), scores


def _overwhelming(legacy: float, utf8: float, syllables: int) -> bool:
    return legacy >= LEGACY_OVER_UTF8_MIN_SCORE and legacy - utf8 >= LEGACY_OVER_UTF8_MIN_MARGIN \
        and syllables >= LEGACY_OVER_UTF8_MIN_SYLLABLES


def decode_any(data: bytes, encoding: str | None = None) -> tuple[str, str, float]:
    """(NFC text, encoding, confidence); ``encoding`` skips detection."""
    text, enc, conf, _ = decode_any_detailed(data, encoding)
    return text, enc, conf


def decode_any_detailed(data: bytes, encoding: str | None = None) -> tuple[str, str, float, dict[str, float]]:
    """Like :func:`decode_any`, with the score of every reading detection tried."""
    if encoding is not None:
        enc = encoding.lower().replace("_", "-")
        enc = {"utf8": "utf-8", "windows-1258": "cp1258", "abc": "tcvn3", "vni-windows": "vni"}.get(enc, enc)
        return decode(data, enc), enc, 1.0, {}
    enc, conf, scores = detect_detailed(data)
    return decode(data, enc), enc, conf, scores
