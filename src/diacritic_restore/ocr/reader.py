"""Reading one page: its PDF text layer when usable, else OCR — preprocess, recognise
with word boxes and confidences, put the words in reading order, and retry pages
where the layout analysis lost text.  A page whose lines run up and down, or that
reads with low confidence, is checked for being turned (90, 180 or 270 degrees: the
engine's orientation detection, see :mod:`.orientation`) and read turned upright.

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
from diacritic_restore.ocr.orientation import CHECK_ORIENTATION_BELOW, lines_look_vertical, orientation_of, turn
from diacritic_restore.ocr.page import PageResult, words_to_text
from diacritic_restore.ocr.pages import load_page
from diacritic_restore.ocr.preprocess import PreprocessReport, preprocess
from diacritic_restore.ocr.verdict import judge
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


def _read_gray(engine: OcrEngine, gray: np.ndarray, report: PreprocessReport, opts: OcrOptions) -> PageResult:
    """One reading of the preprocessed page image as it stands."""
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
                      coverage=round(coverage, 4), retried=retried, preprocess=report)


def _conf(res: PageResult) -> float:
    return res.mean_confidence or 0.0


def _oriented_reading(engine: OcrEngine, img: np.ndarray, opts: OcrOptions,
                      declared_dpi: float | None) -> PageResult:
    """The page read the right way up: a page whose lines run up and down is asked
    about before it is read, one read with low confidence after; a turned reading
    replaces one of the page as it lies only when it is the more confident.  A page
    left lying sideways says so (``sideways``)."""
    gray, report = preprocess(img, opts.preprocess, declared_dpi)
    vertical = lines_look_vertical(gray)
    res = None
    if not (opts.rotate and vertical):
        res = _read_gray(engine, gray, report, opts)
        res.sideways = vertical
        if not opts.rotate or res.mean_confidence is None or res.mean_confidence >= CHECK_ORIENTATION_BELOW:
            return res
    found = orientation_of(engine, gray, opts.timeout)
    if found is None or found[0] == 0:
        res = res or _read_gray(engine, gray, report, opts)
        res.sideways = vertical
        res.orientation_confidence = round(found[1], 2) if found else None
        return res
    degrees, conf = found
    upright = _read_gray(engine, *preprocess(turn(img, degrees), opts.preprocess, declared_dpi), opts)
    upright.rotation, upright.orientation_confidence = degrees, round(conf, 2)
    if res is None and _conf(upright) < CHECK_ORIENTATION_BELOW:  # a doubtful turn: try the page as it lies
        res = _read_gray(engine, gray, report, opts)
        res.sideways = vertical
    if res is None or _conf(upright) > _conf(res):
        return upright
    res.orientation_confidence = round(conf, 2)
    return res


def ocr_image(img: np.ndarray, opts: OcrOptions, declared_dpi: float | None = None) -> PageResult:
    """OCR one page image (grey or BGR), turned upright first when it lies turned
    (unless ``opts.rotate`` is off), with its verdict."""
    t0 = time.perf_counter()
    engine = get_engine(opts.engine)
    engine.check(opts.lang)
    res = judge(_oriented_reading(engine, img, opts, declared_dpi))
    res.seconds = round(time.perf_counter() - t0, 3)
    return res


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
            return judge(PageResult(index=index, source="text-layer", text=text,
                                    seconds=round(time.perf_counter() - t0, 3)))
        assert page.image is not None
        res = ocr_image(page.image, opts, page.dpi)
    except cv2.error as exc:
        if exc.code == cv2.Error.StsNoMem:
            raise MemoryError("OpenCV: insufficient memory") from None
        raise
    res.index = index
    res.seconds = round(time.perf_counter() - t0, 3)
    return res
