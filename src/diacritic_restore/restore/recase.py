"""Writing a chosen syllable back: the original's case and the document's tone style.

Syllables are chosen in lower case and the ``new`` tone placement (hoà); the output
keeps the writer's capitalisation and placement (hòa) where the document shows one.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from diacritic_restore.text.syllable import canonical, restyle, style_of

# share of upper-case letters from which a word or a line counts as ALL-CAPS
_CAPS_SHARE = 0.7


def document_style(words: list[str]) -> Literal["old", "new"]:
    """The tone placement most of the document's words show (``new`` on a tie)."""
    votes: Counter[str] = Counter()
    for w in words:
        s = style_of(w)
        if s:
            votes[s] += 1
    return "old" if votes["old"] > votes["new"] else "new"


def styled(word: str, original: str, style: str) -> str:
    """The chosen syllable in the document's style; an unchanged word keeps its own."""
    if canonical(original) == word:
        return original.lower()
    return restyle(word, style)  # type: ignore[arg-type]


def recase(word: str, original: str) -> str:
    """Give the restored word the original's capitalisation (lower, Title or ALL-CAPS);
    digits in a damaged word (``S6``) say nothing about case."""
    letters = [c for c in original if c.isalpha()]
    # OCR lower-cases a letter of a heading now and then (TRuC): most upper is upper
    if len(letters) >= 2 and sum(c.isupper() for c in letters) >= max(2, _CAPS_SHARE * len(letters)):
        return word.upper()
    if original[:1].isupper() or (original[:1].isdigit() and letters and letters[0].isupper()):
        return word[:1].upper() + word[1:]
    return word


def caps_lines(text: str) -> list[bool]:
    """Per line: is it an ALL-CAPS heading (most of its letters upper case)?"""
    out = []
    for line in text.split("\n"):
        letters = [c for c in line if c.isalpha()]
        up = sum(c.isupper() for c in letters)
        out.append(bool(letters) and up >= _CAPS_SHARE * len(letters))
    return out
