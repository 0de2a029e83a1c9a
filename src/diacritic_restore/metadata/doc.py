"""A document as the extractor reads it: its lines and their folded copies."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from diacritic_restore.metadata.patterns import SPLIT_NUMBER_RE
from diacritic_restore.text.folding import fold

# a rule of underscores or dashes inside a line (a flattened header's column break)
_RULE_RE = re.compile(r"(?<=[^\s_\-–])\s*(?:_{3,}|-{5,}|–{3,})\s*(?=[^\s_\-–])")


class Doc:
    """The text's lines (NFC, pages joined) and, index for index, their folded copies:
    patterns match on ``folded``, values are cut from ``lines`` at the same offsets."""

    def __init__(self, text: str):
        text = unicodedata.normalize("NFC", text).replace("\f", "\n").replace("\r", "")
        self.lines: list[str] = []
        self.source: list[int] = []  # the text's own line (0-based) of each of ours
        for k, ln in enumerate(text.split("\n")):
            # a header whose columns were flattened onto one line ("CHÍNH PHỦ_____ Số: 170/…"):
            # the separator rules under the issuer and the motto part its blocks
            for part in _RULE_RE.split(ln) if _RULE_RE.search(ln) else (ln,):
                # OCR splits a symbol's number ("số 1 7-CT/TU"): join the digits back
                self.lines.append(SPLIT_NUMBER_RE.sub(r"\1\2", part))
                self.source.append(k)
        _join_broken_symbols(self.lines)
        self.folded = [fold(ln) for ln in self.lines]

    def text_line(self, line: int) -> int:
        """The text's own 1-based line number of our 1-based ``line``."""
        return self.source[line - 1] + 1 if 0 < line <= len(self.source) else line

    def nonblank(self, start: int = 0, stop: int | None = None) -> Iterable[int]:
        """Indices of the lines in ``[start, stop)`` that hold more than white space."""
        for i in range(start, len(self.lines) if stop is None else min(stop, len(self.lines))):
            if self.lines[i].strip():
                yield i


_SYMBOL_CUT_RE = re.compile(r"\d+/[\wĐđ/-]*-\s*$")
_SYMBOL_TAIL_RE = re.compile(r"[A-ZĐ][A-ZĐ0-9]{1,9}")


def _join_broken_symbols(lines: list[str]) -> None:
    """A symbol cut at its hyphen ("Số: 3783/QĐ-" / "UBND") is joined back; the line
    that held its tail is left empty, so line numbers stay."""
    for i in range(len(lines) - 1):
        tail = lines[i + 1].strip()
        if _SYMBOL_CUT_RE.search(lines[i]) and _SYMBOL_TAIL_RE.fullmatch(tail):
            lines[i] = lines[i].rstrip() + tail
            lines[i + 1] = ""
