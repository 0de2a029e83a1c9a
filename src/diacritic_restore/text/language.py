"""Is a line Vietnamese?  Decided from the shape of its words, not from a model.

A Vietnamese syllable has one group of vowels (``quyết``: ``uyê``; ``nguyễn``:
``uyê``), stripped of its marks, read by an English-model OCR or not.  French,
English or German prose is full of words with two or more (``comité``,
``reporter``, ``archive``, ``original``).  A line where many words have several
vowel groups is foreign and passes through restore unchanged; Vietnamese lines with
a few foreign names inside (``Công ty Microsoft``) stay Vietnamese, and the restore
engine already keeps such names.  Off-the-shelf language identifiers were not used:
on short lines and on garbled Vietnamese (``Séc Trang, ngay 23 thang 12 ndm``), which
looks foreign to them, this one rule is what decides and it costs nothing.
"""

from __future__ import annotations

import re

from diacritic_restore.text.folding import skeleton

_LETTERS = re.compile(r"[^\W\d_]+")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
# a line is foreign when at least this share of its words of three letters or more
# (and at least MIN_FOREIGN of them) are long words with two vowel groups or more; an
# English-model OCR turns a vowel into a consonant now and then (tuổi → tudi), so short
# words do not count
FOREIGN_SHARE = 0.4
MIN_FOREIGN = 3
MIN_LONG = 5


def vowel_groups(word: str) -> int:
    return len(_VOWEL_GROUP.findall(skeleton(word)))


def is_foreign_line(line: str) -> bool:
    words = [w for w in _LETTERS.findall(line) if len(w) >= 3]
    multi = sum(len(w) >= MIN_LONG and vowel_groups(w) >= 2 for w in words)
    return multi >= MIN_FOREIGN and multi >= FOREIGN_SHARE * len(words)


def foreign_lines(text: str) -> list[bool]:
    """Per line of ``text`` (split at line feeds): is it foreign prose?"""
    return [is_foreign_line(line) for line in text.split("\n")]


def not_vietnamese_lines(text: str) -> list[int]:
    """The 1-based numbers of the lines :func:`foreign_lines` finds (for reports)."""
    return [i + 1 for i, f in enumerate(foreign_lines(text)) if f]
