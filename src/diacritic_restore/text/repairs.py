"""Repairs of text-layer damage (mojibake, split syllables, hyphenation, stray marks,
look-alike letters, OCR c) and tone-placement style of a whole text."""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from diacritic_restore.text.syllable import is_valid, skeleton
from diacritic_restore.text.tokens import nfc, normalize_text

# --- repairs of text-layer damage --------------------------------------------------

# Characters of other scripts that look like Latin letters (OCR, PDF font subsets).
_HOMOGLYPHS = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i", "ј": "j",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "ı": "i", "ο": "o", "Ο": "O", "α": "a", "Α": "A", "ν": "v", "Ι": "I",
})
_CYR_GREEK_RE = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0131]")
_WORD_RE = re.compile(r"[^\W_]+")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_NONSPACE_RE = re.compile(r"\S+")
# UTF-8 read as cp1252/latin-1 leaves these lead characters (Ã Ä Æ á» áº ...)
_MOJIBAKE_RE = re.compile(
    r"[ÃÄÆÅ][\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
    r"|[áâ][\u00ba\u00bb\u00bc]"
)


def cp1252_char(b: int) -> str:
    """How a byte shows when a file is read as cp1252 (undefined bytes as latin-1 does)."""
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)


# the byte behind each character of cp1252-read text (mojibake, legacy 8-bit encodings)
CP1252_BYTE: dict[str, int] = {cp1252_char(b): b for b in range(0x80, 0x100)}
# the lookbehind starts a try only at the first letter of a run: without it every
# letter of a long run starts a try that backtracks over the rest of the run (quadratic)
_HYPHEN_BREAK_RE = re.compile(r"(?<![^\W\d_])([^\W\d_]+)-\n([^\W\d_]+) ?")
_OCR_C_RE = re.compile(r"(?:(?<=[^\W\d_])|(?<=\s)|^)[©¢](?=[^\W\d_])", re.M)
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Left halves a PDF leaves when it splits a syllable inside its vowel cluster.
_FRAGMENTS = frozenset(
    o + v
    for o in ("", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t",
              "th", "tr", "v", "x")
    for v in ("ư", "u", "i", "uy", "o")
)


def fix_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8 that was read as cp1252 (``Ä‘áº£ng`` → ``đảng``), word by word, only
    where the bytes form valid UTF-8."""
    if not _MOJIBAKE_RE.search(text):
        return text, 0
    n = 0

    def fix(m: re.Match) -> str:
        nonlocal n
        w = m.group()
        if not _MOJIBAKE_RE.search(w):
            return w
        try:
            raw = bytes(CP1252_BYTE.get(c, ord(c)) if ord(c) >= 0x80 else ord(c) for c in w)
            out = raw.decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return w
        n += 1
        return out

    return _NONSPACE_RE.sub(fix, text), n


def _has_tone(s: str) -> bool:
    return any(c in _TONES for c in unicodedata.normalize("NFD", s))


def _joinable(a: str, b: str, known: Callable[[str], bool] | None = None) -> bool:
    """Do ``a`` and ``b`` look like one syllable cut inside its vowels (``đư|ợc``) or
    between its onset and its vowels (``v|ụ``)?  Two parts that are both syllables
    (``to àn``, but also ``do ảnh``) are joined only into a word ``known`` knows."""
    if skeleton(b[:1].lower()) in "aeiouy" and len(a) <= 3 and _has_tone(b) \
            and not any(skeleton(c.lower()) in "aeiouy" for c in a) and (a.islower() or b.isupper()):
        return is_valid(a + b) and not is_valid(a) and (known is None or known((a + b).lower()))
    if a[-1].lower() not in "aăâeêioôơuưy" or skeleton(b[:1]) not in "aeiouy":
        return False
    if _has_tone(a) or not _has_tone(b):
        return False
    if not is_valid(a + b):
        return False
    if not is_valid(b):
        return True
    return len(b) >= 2 and a.lower() in _FRAGMENTS and known is not None and known((a + b).lower())


def join_split_syllables(text: str, known: Callable[[str], bool] | None = None) -> tuple[str, int]:
    """Join a syllable a PDF text layer split inside its vowels (``đư ợc`` → ``được``):
    the left part ends and the right part starts with a vowel, only the right part has
    a tone, and together they spell one valid syllable."""
    words = list(_LETTERS_RE.finditer(text))
    out = []
    pos = 0
    n = 0
    i = 0
    while i < len(words) - 1:
        m1, m2 = words[i], words[i + 1]
        # a part of a symbol (T/M ỦY BAN: "on behalf of") is no syllable fragment
        in_symbol = m1.start() > 0 and text[m1.start() - 1] in "/-.\\"
        if m2.start() == m1.end() + 1 and text[m1.end()] == " " and not in_symbol \
                and _joinable(m1.group(), m2.group(), known):
            out.append(text[pos:m1.end()])
            pos = m2.start()
            n += 1
            i += 2
            continue
        i += 1
    if not n:
        return text, 0
    out.append(text[pos:])
    return "".join(out), n


def _anything(word: str) -> bool:
    return True


def dehyphenate(text: str) -> tuple[str, int]:
    """``tri-\\nển`` → ``triển\\n``: a hyphen at a line end inside one syllable."""
    n = 0

    def fix(m: re.Match) -> str:
        nonlocal n
        a, b = m.group(1), m.group(2)
        # the hyphen at the line end is the evidence two syllable-like parts are one word
        if _joinable(a, b, _anything) or (is_valid(a + b) and not is_valid(a) and not is_valid(b)):
            n += 1
            return a + b + "\n"
        return m.group()

    return _HYPHEN_BREAK_RE.sub(fix, text), n


def drop_stray_marks(text: str) -> tuple[str, int]:
    """Combining marks on nothing (after a space, digit or punctuation), a mark doubled,
    or a second tone mark on one letter."""
    nfd = unicodedata.normalize("NFD", text)
    if not any(unicodedata.combining(c) for c in nfd):
        return text, 0
    out = []
    n = 0
    base = ""
    seen: set[str] = set()
    for ch in nfd:
        if unicodedata.combining(ch):
            if not base.isalpha() or ch in seen or (ch in _TONES and seen & _TONES):
                n += 1
                continue
            seen.add(ch)
        else:
            base = ch
            seen = set()
        out.append(ch)
    return (nfc("".join(out)), n) if n else (text, 0)


def fix_homoglyphs(text: str) -> tuple[str, int]:
    """Cyrillic and Greek look-alikes inside Latin words (``Đảng`` with a Cyrillic ``а``)."""
    if not _CYR_GREEK_RE.search(text):
        return text, 0
    n = 0

    def fix(m: re.Match) -> str:
        nonlocal n
        w = m.group()
        if not _CYR_GREEK_RE.search(w):
            return w
        if not any(c.isascii() or "\u00c0" <= c <= "\u1ef9" and not _CYR_GREEK_RE.match(c) for c in w):
            return w  # a real Russian or Greek word
        n += 1
        return w.translate(_HOMOGLYPHS)

    out = _WORD_RE.sub(fix, text)
    return (nfc(out), n) if n else (text, 0)


def fix_ocr_c(text: str) -> tuple[str, int]:
    """``©`` and ``¢`` at the start or inside a word stand for the letter c."""
    return _OCR_C_RE.subn("c", text)


REPAIRS = (
    ("mojibake", fix_mojibake),
    ("stray_marks", drop_stray_marks),
    ("homoglyphs", fix_homoglyphs),
    ("ocr_c", fix_ocr_c),
    ("hyphenation", dehyphenate),
    ("split_syllables", join_split_syllables),
)


def tone_styles(text: str) -> dict[str, int]:
    """How many words show each tone-placement style (``old`` hòa, ``new`` hoà)."""
    from diacritic_restore.text.syllable import style_of

    counts = {"old": 0, "new": 0}
    for m in _LETTERS_RE.finditer(text):
        st = style_of(m.group())
        if st:
            counts[st] += 1
    return counts


def apply_tone_style(text: str, style: str) -> str:
    """Every word in ``style`` (``old`` or ``new``); ``keep`` leaves the text as it is."""
    if style == "keep":
        return text
    from diacritic_restore.text.syllable import restyle

    def fix(m: re.Match) -> str:
        w = m.group()
        return restyle(w, style) if is_valid(w) else w  # type: ignore[arg-type]

    return _LETTERS_RE.sub(fix, text)


def repair(text: str, known: Callable[[str], bool] | None = None) -> tuple[str, dict[str, int]]:
    """NFC text with the text-layer repairs applied, and how many of each were made.
    Correct text comes back identical.  ``known`` (a lexicon's membership test) lets
    two parts that are both syllables be joined into a word it knows."""
    counts: dict[str, int] = {}
    text = normalize_text(text)
    for name, fn in REPAIRS:
        text, n = join_split_syllables(text, known) if fn is join_split_syllables else fn(text)
        if n:
            counts[name] = n
            text = nfc(text)
    return text, counts
