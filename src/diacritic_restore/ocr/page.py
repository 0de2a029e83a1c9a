"""The page result: what one page became, word by word, with its geometry.

Every later step works on it (OCR-D's lesson: geometry travels with the text).  A
word keeps its box in pixels of the page image the engine read (after
preprocessing: deskewed, DPI-normalised; ``image_size`` and ``scale`` say how that
image relates to the input page), its line and block in reading order, the engine's
confidence, its text as read and, once restored, the restored text that replaces it.
Writers (text, JSON, and later searchable PDF, hOCR, ALTO) place restored words on
the page from these boxes.
"""

from __future__ import annotations

import bisect
import difflib
import re
from typing import Literal, Sequence

from pydantic import BaseModel, Field

from diacritic_restore.ocr.layout import Word
from diacritic_restore.ocr.preprocess import PreprocessReport
from diacritic_restore.text.language import not_vietnamese_lines

_NONSPACE = re.compile(r"\S+")


class OcrWord(BaseModel):
    """One word as the engine read it, where it stands, and what it became."""

    text: str = Field(description="the word as read (NFC)")
    box: tuple[int, int, int, int] = Field(description="x, y, width, height in pixels of the page image")
    confidence: float = Field(description="the engine's confidence, 0-1 (0 when it gave none)")
    line: int = Field(description="0-based line in reading order")
    block: int = Field(description="0-based block (a run of lines the engine grouped), in reading order")
    start: int = Field(description="offset of the word in the page's OCR text")
    end: int
    restored: str | None = Field(None, description="the restored text standing for this word ('' when merged away)")


class InputEncoding(BaseModel):
    """How a text document's bytes were read."""

    encoding: str = Field(description="the encoding read, detected or given")
    confidence: float = Field(ge=0.0, le=1.0, description="how sure the detection is (1 when given)")
    margin_over_utf8: float | None = Field(
        None, description="the chosen reading's score minus UTF-8's (for UTF-8, its lead over the best other)")
    scores: dict[str, float] = Field(default_factory=dict, description="each reading tried: share of valid "
                                     "marked syllables, broken words counted against")


class PageResult(BaseModel):
    """One page as read (OCR, PDF text layer or a text document) and, when asked, restored."""

    index: int
    source: str = Field(description="ocr, text-layer or text")
    text: str = Field(description="the page's text: restored when `restored`, else as read")
    ocr_text: str | None = Field(None, description="the text as read, when it was restored")
    words: list[OcrWord] = Field(default_factory=list, description="OCR words in reading order (OCR pages)")
    image_size: tuple[int, int] | None = Field(None, description="width, height of the image the boxes refer to")
    mean_confidence: float | None = None
    psm: int | None = None
    coverage: float | None = None
    retried: bool = False
    rotation: int = Field(0, description="degrees the page image was turned clockwise before OCR: 0, 90, 180, 270")
    orientation_confidence: float | None = Field(
        None, description="the engine's orientation confidence (Tesseract OSD) when the orientation was checked")
    sideways: bool = Field(False, description="its text lines run up and down and it was not turned")
    preprocess: PreprocessReport | None = None
    restored: bool = False
    restore_confidence: float | None = Field(None, description="mean restore confidence (text documents)")
    input_encoding: InputEncoding | None = Field(None, description="how the bytes were read (text documents)")
    not_vietnamese_lines: list[int] = Field(
        default_factory=list, description="lines (1-based, of this page) of prose in another language, left as read")
    verdict: Literal["ok", "review"] = Field("ok", description="ok, or review: see review_reasons")
    review_reasons: list[str] = Field(default_factory=list, description="why the page needs review (empty: ok)")
    seconds: float = 0.0

    @property
    def word_confidences(self) -> list[float]:
        return [w.confidence for w in self.words]

    def doubtful_offsets(self, below: float) -> list[int]:
        """Start offsets (in the OCR text) of words read with confidence under ``below``."""
        return [w.start for w in self.words if w.confidence < below]

    def set_restored(self, restored_text: str) -> None:
        """Take the restored text of this page and give every word its restored part."""
        self.not_vietnamese_lines = not_vietnamese_lines(self.text)
        self.ocr_text = self.text
        if self.words:
            attach_restored(self.words, self.text, restored_text)
        self.text = restored_text
        self.restored = True


def words_to_text(lines: Sequence[Sequence[Word]]) -> tuple[str, list[OcrWord]]:
    """Lines of words in reading order → the page text (words split by spaces, lines by
    line feeds) and each word with its offsets, line and block."""
    parts: list[str] = []
    out: list[OcrWord] = []
    pos = 0
    block = -1
    last_block_key: tuple[int, int] | None = None
    for li, line in enumerate(lines):
        if line:
            key = (line[0].line_key[0], line[0].line_key[1])
            if key != last_block_key:
                block += 1
                last_block_key = key
        for k, w in enumerate(line):
            if k:
                parts.append(" ")
                pos += 1
            parts.append(w.text)
            out.append(OcrWord(text=w.text, box=(w.x, w.y, w.w, w.h), confidence=max(w.conf, 0.0) / 100.0,
                               line=li, block=max(block, 0), start=pos, end=pos + len(w.text)))
            pos += len(w.text)
        parts.append("\n")
        pos += 1
    return "".join(parts), out


def attach_restored(words: list[OcrWord], ocr_text: str, restored_text: str) -> None:
    """Give each OCR word the restored word(s) that stand where it stood.

    Restoring changes words, not the text around them.  Line by line, a line with as
    many words after as before maps word to word; elsewhere a character alignment of
    the two texts carries each word's span over, and the span takes every restored
    word it touches.  Two OCR words the restorer joined (``đư ợc`` → ``được``) give the
    joint word to the first and '' to the second; one it split gets both parts.
    """
    if ocr_text == restored_text:
        for w in words:
            w.restored = w.text
        return
    ocr_lines, res_lines = ocr_text.split("\n"), restored_text.split("\n")
    if len(ocr_lines) != len(res_lines):  # lines were joined (line-end hyphenation)
        _align(words, ocr_text, restored_text, 0)
        return
    by_line: list[list[OcrWord]] = [[] for _ in ocr_lines]
    starts = [0]
    for line in ocr_lines:
        starts.append(starts[-1] + len(line) + 1)
    for w in words:
        by_line[bisect.bisect_right(starts, w.start) - 1].append(w)
    for k, ws in enumerate(by_line):
        if not ws:
            continue
        res_tokens = res_lines[k].split()
        if len(res_tokens) == len(ws) and len(ocr_lines[k].split()) == len(ws):
            for w, t in zip(ws, res_tokens):
                w.restored = t
        else:
            _align(ws, ocr_lines[k], res_lines[k], starts[k])


def _align(words: list[OcrWord], ocr_text: str, restored_text: str, offset: int) -> None:
    """The character alignment of :func:`attach_restored` (``offset``: where ``ocr_text``
    starts in the page text the words' offsets refer to)."""
    ops = difflib.SequenceMatcher(None, ocr_text, restored_text, autojunk=False).get_opcodes()
    tokens = [(m.start(), m.end()) for m in _NONSPACE.finditer(restored_text)]
    ends = [e for _, e in tokens]
    taken = 0  # restored tokens before this index belong to earlier words
    for w in words:
        s, e = _carry(ops, w.start - offset, True), _carry(ops, w.end - offset, False)
        k = max(bisect.bisect_right(ends, s), taken)
        parts = []
        while k < len(tokens) and tokens[k][0] < max(e, s + 1):
            parts.append(restored_text[tokens[k][0]:tokens[k][1]])
            k += 1
        taken = max(taken, k)
        w.restored = " ".join(parts)


def _carry(ops: list[tuple[str, int, int, int, int]], off: int, is_start: bool) -> int:
    """An offset in the first text carried to the second through the alignment."""
    for tag, i1, i2, j1, j2 in ops:
        if i1 <= off < i2 or (not is_start and i1 < off <= i2):
            if tag == "equal":
                return j1 + (off - i1)
            return j1 if is_start else j2
        if off == i1 == i2:  # an insertion at this offset
            return j1 if is_start else j2
    return ops[-1][4] if ops else off
