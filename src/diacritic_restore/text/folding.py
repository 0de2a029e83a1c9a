"""Folding Vietnamese text: every mark dropped, ``đ`` read as ``d``.

One implementation, three views of it: :func:`strip_marks` keeps case and length may
change with decomposed input; :func:`skeleton` is the lower-case key the lexicon
groups syllables by; :func:`fold` maps one character to one, so that offsets found
in the folded copy hold in the original (the metadata extractor matches there).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_D = {"đ": "d", "Đ": "D"}


def strip_marks(text: str) -> str:
    """Remove every Vietnamese mark from a text, keeping case (``Đảng`` → ``Dang``)."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            continue
        out.append(_D.get(ch, ch))
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """Lower-case letters with every mark removed (``Đảng`` → ``dang``)."""
    return strip_marks(word.lower())


@lru_cache(maxsize=4096)
def fold_char(c: str) -> str:
    """One character folded to one: lower case, no marks, ``đ`` → ``d``; a character
    that does not fold to a single one is kept."""
    if c.isascii():
        return c.lower()
    b = strip_marks(c).lower()
    return b if len(b) == 1 else c


def fold(text: str) -> str:
    """Lower case, marks dropped, ``đ``→``d``; one character for one, so offsets match."""
    return "".join(fold_char(c) for c in text)
