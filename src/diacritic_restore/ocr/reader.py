"""Reading one page: its PDF text layer when usable, else OCR — preprocess, recognise
with word boxes and confidences, put the words in reading order, and retry pages
where the layout analysis lost text.

:func:`read_page` is a pure per-page worker: it takes a file path and page index and
returns a :class:`~diacritic_restore.ocr.page.PageResult`; the pipeline runs it in
worker processes.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from diacritic_restore.ocr.engine import OcrEngine, get_engine
from diacritic_restore.ocr.layout import Word, ink_coverage, order_lines
from diacritic_restore.ocr.options import OcrOptions
from diacritic_restore.ocr.page import PageResult, words_to_text
from diacritic_restore.ocr.pages import load_page
from diacritic_restore.ocr.preprocess import preprocess
from diacritic_restore.text.tokens import normalize_text

# a short mark the engine itself doubts (under this 0-100 confidence), alone on its line
LONE_MARK_CONF = 40.0


def check_engine(opts: OcrOptions) -> None:
    """A one-line error now when the engine or its language is missing."""
    get_engine(opts.engine).check(opts.lang)


def _score(words: list[Word], coverage: float) -> float:
    # prefer the reading that covers the page's ink, then the more confident one
    conf = np.mean([w.conf for w in words]) / 100 if words else 0.0
    return coverage + 0.2 * float(conf)


def _recognise(engine: OcrEngine, gray: np.ndarray, opts: OcrOptions,
               dpi: float) -> tuple[list[Word], float, int, bool]:
    """The engine's words for the page, with ink coverage, the mode used and whether
    the page was read a second time."""
    with tempfile.TemporaryDirectory(prefix="vnrestore-") as tmp:
        # uncompressed, so neither side spends time on PNG coding
        path = os.path.join(tmp, "page.pnm")
        cv2.imwrite(path, gray)
        words = engine.words(path, opts.lang, opts.psm, dpi, opts.timeout)
        coverage = ink_coverage(gray, words)
        psm, retried = opts.psm, False
        if opts.retry_psm is not None and opts.retry_psm != opts.psm and coverage < opts.min_coverage:
            alt = engine.words(path, opts.lang, opts.retry_psm, dpi, opts.timeout)
            alt_cov = ink_coverage(gray, alt)
            retried = True
            if _score(alt, alt_cov) > _score(words, coverage):
                words, coverage, psm = alt, alt_cov, opts.retry_psm
    return words, coverage, psm, retried


def ocr_image(img: np.ndarray, opts: OcrOptions, declared_dpi: float | None = None) -> PageResult:
    """OCR one page image (grey or BGR)."""
    t0 = time.perf_counter()
    engine = get_engine(opts.engine)
    engine.check(opts.lang)
    gray, report = preprocess(img, opts.preprocess, declared_dpi)
    words, coverage, psm, retried = _recognise(engine, gray, opts, report.dpi_out)
    words = [Word(normalize_text(w.text), w.conf, w.x, w.y, w.w, w.h, w.line_key) for w in words]
    lines = order_lines(words, gray.shape[1]) if opts.columns else _engine_order(words)
    # the "*" under a Party issuer, a stamp's dot: a short mark read as a word the engine
    # itself doubts, alone on its line
    lines = [ln for ln in lines if not (len(ln) == 1 and len(ln[0].text) <= 3 and 0 <= ln[0].conf < LONE_MARK_CONF)]
    text, ocr_words = words_to_text(lines)
    confs = [w.confidence for w in ocr_words]
    return PageResult(index=0, source="ocr", text=text, words=ocr_words, image_size=(gray.shape[1], gray.shape[0]),
                      mean_confidence=round(float(np.mean(confs)), 4) if confs else None, psm=psm,
                      coverage=round(coverage, 4), retried=retried, preprocess=report,
                      seconds=round(time.perf_counter() - t0, 3))


def _engine_order(words: list[Word]) -> list[list[Word]]:
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        lines.setdefault(w.line_key, []).append(w)
    return list(lines.values())


def read_page(path: str | Path, index: int, opts: OcrOptions) -> PageResult:
    """Read page ``index`` of ``path``: its text layer when usable, else OCR.  OpenCV
    failing to allocate is a MemoryError, as NumPy's and Pillow's are (the worker
    reports it as the page running out of memory, not as an internal error)."""
    t0 = time.perf_counter()
    try:
        page = load_page(Path(path), index, opts.pdf_dpi, opts.use_text_layer, gray=opts.preprocess.grayscale)
        if page.text_layer is not None:
            text = normalize_text(page.text_layer).replace("\f", "\n").rstrip("\n") + "\n"
            return PageResult(index=index, source="text-layer", text=text,
                              seconds=round(time.perf_counter() - t0, 3))
        assert page.image is not None
        res = ocr_image(page.image, opts, page.dpi)
    except cv2.error as exc:
        if exc.code == cv2.Error.StsNoMem:
            raise MemoryError("OpenCV: insufficient memory") from None
        raise
    res.index = index
    res.seconds = round(time.perf_counter() - t0, 3)
    return res
