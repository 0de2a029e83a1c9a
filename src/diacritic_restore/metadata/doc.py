"""A document as the extractor reads it: its lines and their folded copies."""

from __future__ import annotations

import unicodedata
from typing import Iterable

from diacritic_restore.metadata.patterns import SPLIT_NUMBER_RE
from diacritic_restore.text.folding import fold


class Doc:
    """The text's lines (NFC, pages joined) and, index for index, their folded copies:
    patterns match on ``folded``, values are cut from ``lines`` at the same offsets."""

    def __init__(self, text: str):
        text = unicodedata.normalize("NFC", text).replace("\f", "\n").replace("\r", "")
        # OCR splits a symbol's number ("số 1 7-CT/TU"): join the digits back
        self.lines = [SPLIT_NUMBER_RE.sub(r"\1\2", ln) for ln in text.split("\n")]
        self.folded = [fold(ln) for ln in self.lines]

    def nonblank(self, start: int = 0, stop: int | None = None) -> Iterable[int]:
        """Indices of the lines in ``[start, stop)`` that hold more than white space."""
        for i in range(start, len(self.lines) if stop is None else min(stop, len(self.lines))):
            if self.lines[i].strip():
                yield i
