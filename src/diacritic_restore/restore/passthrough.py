"""Which tokens are words to restore and which are kept as written.

Kept: abbreviations (UBND), Roman numerals (XIV, and their OCR forms X1V), list markers
(``a)``).  Made words: the symbols an English OCR writes for Vietnamese letters, inside
a word (``n@`` for nữ) or alone between words (``&`` for ở).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Mapping

from diacritic_restore.text.syllable import is_valid, skeleton
from diacritic_restore.text.tokens import NUMBER, PUNCT, SPACE, WORD, Token

_ROMAN_RE = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
# OCR forms of Roman numerals: I read as 1 or l (X111, XlV)
_ROMAN_OCR_RE = re.compile(r"^[XVI][XVI1l]*[1l][XVI1l]*$")

# symbols an English OCR reads alone for a Vietnamese letter: & for ở, ¢ for ơ
OCR_WORD_CHARS = "&¢©@"
# symbols an English OCR writes inside words for Vietnamese letters
_IN_WORD_SYMBOLS = frozenset("@&¢©€§£¥®°#")


def is_passthrough(word: str, caps_line: bool, by_skeleton: Mapping[str, tuple[int, ...]]) -> bool:
    """Abbreviations, Roman numerals and codes are kept as written.

    ``caps_line``: the word is on an ALL-CAPS heading, where upper case says nothing;
    ``by_skeleton``: the lexicon's syllables by skeleton.
    """
    if word.isupper() and len(word) >= 2:
        if _ROMAN_RE.match(word) and not caps_line:
            return True
        if not any(ch.isdigit() for ch in word):
            if not by_skeleton.get(skeleton(word)):
                return True  # UBND, HĐND, TW: no syllable is written with these letters
            if len(word) <= 2 and not caps_line and not is_valid(word.lower()):
                return True
    if len(word) == 1 and word in "IVX" and not caps_line:
        return True
    if _ROMAN_OCR_RE.match(word) and not word.isdigit():
        return True
    return False


def is_list_marker(toks: list[Token], i: int) -> bool:
    """A single letter before ``)``: a list marker a) b) c), not a word."""
    return len(toks[i].text) == 1 and i + 1 < len(toks) and toks[i + 1].text == ")"


def is_lone_symbol(toks: list[Token], i: int) -> bool:
    """A symbol an English OCR reads for a letter, standing alone between spaces."""
    return toks[i].text in OCR_WORD_CHARS and 0 < i < len(toks) - 1 \
        and toks[i - 1].kind == SPACE and toks[i + 1].kind == SPACE


def merge_ocr_symbols(toks: list[Token]) -> list[Token]:
    """An English OCR writes some Vietnamese letters as symbols inside a word (``n@``
    for nữ, ``tri€t`` for triệt, ``K&`` for Kế, ``cht?c`` for chức): glue each run of
    letters, short digit groups and such symbols back into one word."""
    out: list[Token] = []
    i = 0
    n = len(toks)
    while i < n:
        if not _word_part(toks, i):
            out.append(toks[i])
            i += 1
            continue
        j = i
        while j < n and _word_part(toks, j):
            j += 1
        run = toks[i:j]
        has_sym = any(t.kind == PUNCT for t in run)
        has_word = any(t.kind != PUNCT for t in run)
        if has_sym and has_word and len(run) > 1:
            out.append(Token(WORD, "".join(t.text for t in run), run[0].start))
        else:
            out.extend(run)
        i = j
    return out


def _word_part(toks: list[Token], j: int) -> bool:
    """May token j be part of a word an OCR broke up with symbols?"""
    t = toks[j]
    if t.kind == WORD or (t.kind == NUMBER and t.text.isdigit() and len(t.text) <= 3):
        return True
    return _in_word_symbol(t, toks[j + 1] if j + 1 < len(toks) else None)


def _in_word_symbol(tok: Token, nxt: Token | None) -> bool:
    if tok.kind != PUNCT:
        return False
    ch = tok.text
    if ch in _IN_WORD_SYMBOLS or unicodedata.category(ch).startswith("S"):
        return True
    return ch == "?" and nxt is not None and nxt.kind == WORD
