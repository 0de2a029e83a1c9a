"""Tesseract OCR of one page: preprocess, recognise with word boxes and confidences,
put the words in reading order, and retry pages where the layout analysis lost text.

:func:`ocr_page` is a pure per-page worker: it takes a file path and page index and
returns a :class:`PageText`; the pipeline runs it in worker processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from diacritic_restore.errors import InputError, OcrSetupError
from diacritic_restore.ocr.layout import Word, ink_coverage, order_lines
from diacritic_restore.ocr.pages import load_page
from diacritic_restore.ocr.preprocess import PreprocessOptions, PreprocessReport, preprocess


LONE_MARK_CONF = 40.0


class OcrOptions(BaseModel):
    """How pages are read (shared by the CLI and the Python API)."""

    model_config = ConfigDict(extra="forbid")

    lang: str = Field("vie", description="Tesseract language(s), e.g. vie or vie+eng")
    psm: int = Field(3, ge=0, le=13, description="Tesseract page segmentation mode")
    retry_psm: int | None = Field(6, description="mode to retry pages where the layout lost text; None: never")
    min_coverage: float = Field(0.8, ge=0, le=1, description="share of letter ink that must lie in read words")
    columns: bool = Field(True, description="read two-column header/footer bands left column first")
    timeout: float = Field(180.0, gt=0, description="seconds per page before Tesseract is stopped")
    pdf_dpi: int = Field(300, ge=72, le=1200, description="rasterisation resolution of scanned PDF pages")
    use_text_layer: bool = Field(True, description="read a PDF page's usable text layer instead of OCR")
    preprocess: PreprocessOptions = Field(default_factory=PreprocessOptions)


class PageText(BaseModel):
    """One page as read: its text, where each word is in it and how sure Tesseract was."""

    index: int
    source: str = Field(description="ocr or text-layer")
    text: str
    word_spans: list[tuple[int, int, float]] = Field(
        default_factory=list, description="(start, end, confidence 0-1) of each OCR word in text")
    mean_confidence: float | None = None
    psm: int | None = None
    coverage: float | None = None
    retried: bool = False
    preprocess: PreprocessReport | None = None
    restored: bool = False
    restore_confidence: float | None = Field(None, description="mean restore confidence (text documents)")
    seconds: float = 0.0


@lru_cache(maxsize=8)
def check_tesseract(lang: str) -> str:
    """The Tesseract binary, after checking it runs and has ``lang``; else a one-line
    error naming the Debian package to install."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrSetupError("tesseract is not installed (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-vie)")
    try:
        res = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrSetupError(f"tesseract does not run ({exc})") from None
    have = {ln.strip() for ln in (res.stdout + res.stderr).splitlines()[1:] if ln.strip()}
    for part in lang.split("+"):
        if part not in have:
            raise OcrSetupError(
                f"tesseract has no '{part}' language model (Debian/Ubuntu: apt-get install tesseract-ocr-{part})")
    return exe


def _tesseract_words(image_path: str, lang: str, psm: int, dpi: float, timeout: float) -> list[Word]:
    """Run Tesseract once with TSV output (words, boxes, confidences)."""
    import pytesseract

    try:
        data = pytesseract.image_to_data(
            image_path, lang=lang, config=f"--psm {psm} --dpi {int(round(dpi))}",
            output_type=pytesseract.Output.DICT, timeout=timeout)
    except RuntimeError as exc:  # pytesseract's timeout
        raise InputError(f"OCR timed out after {timeout:g} s ({exc})") from None
    except pytesseract.TesseractError as exc:
        raise InputError(f"tesseract failed: {str(exc.message).strip()[:160]}") from None
    words = []
    for i, text in enumerate(data["text"]):
        if not text or not text.strip():
            continue
        words.append(Word(text.strip(), float(data["conf"][i]), int(data["left"][i]), int(data["top"][i]),
                          int(data["width"][i]), int(data["height"][i]),
                          (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))))
    return words


def words_to_text(lines: list[list[Word]]) -> tuple[str, list[tuple[int, int, float]]]:
    parts: list[str] = []
    spans: list[tuple[int, int, float]] = []
    pos = 0
    for line in lines:
        for k, w in enumerate(line):
            if k:
                parts.append(" ")
                pos += 1
            parts.append(w.text)
            spans.append((pos, pos + len(w.text), max(w.conf, 0.0) / 100.0))
            pos += len(w.text)
        parts.append("\n")
        pos += 1
    return "".join(parts), spans


def _score(words: list[Word], coverage: float) -> float:
    # prefer the reading that covers the page's ink, then the more confident one
    conf = np.mean([w.conf for w in words]) / 100 if words else 0.0
    return coverage + 0.2 * float(conf)


def ocr_image(img: np.ndarray, opts: OcrOptions, declared_dpi: float | None = None) -> PageText:
    """OCR one page image (grey or BGR)."""
    from diacritic_restore.text.tokens import normalize_text

    t0 = time.perf_counter()
    check_tesseract(opts.lang)
    gray, report = preprocess(img, opts.preprocess, declared_dpi)
    with tempfile.TemporaryDirectory(prefix="vnrestore-") as tmp:
        # uncompressed, so neither side spends time on PNG coding
        path = os.path.join(tmp, "page.pnm")
        cv2.imwrite(path, gray)
        words = _tesseract_words(path, opts.lang, opts.psm, report.dpi_out, opts.timeout)
        coverage = ink_coverage(gray, words)
        psm, retried = opts.psm, False
        if opts.retry_psm is not None and opts.retry_psm != opts.psm and coverage < opts.min_coverage:
            alt = _tesseract_words(path, opts.lang, opts.retry_psm, report.dpi_out, opts.timeout)
            alt_cov = ink_coverage(gray, alt)
            retried = True
            if _score(alt, alt_cov) > _score(words, coverage):
                words, coverage, psm = alt, alt_cov, opts.retry_psm
    words = [Word(normalize_text(w.text), w.conf, w.x, w.y, w.w, w.h, w.line_key) for w in words]
    lines = order_lines(words, gray.shape[1]) if opts.columns else _tesseract_order(words)
    # the "*" under a Party issuer, a stamp's dot: a short mark read as a word Tesseract
    # itself doubts, alone on its line
    lines = [ln for ln in lines if not (len(ln) == 1 and len(ln[0].text) <= 3 and 0 <= ln[0].conf < LONE_MARK_CONF)]
    text, spans = words_to_text(lines)
    confs = [c for _, _, c in spans]
    return PageText(index=0, source="ocr", text=text, word_spans=spans,
                    mean_confidence=round(float(np.mean(confs)), 4) if confs else None, psm=psm,
                    coverage=round(coverage, 4), retried=retried, preprocess=report,
                    seconds=round(time.perf_counter() - t0, 3))


def _tesseract_order(words: list[Word]) -> list[list[Word]]:
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        lines.setdefault(w.line_key, []).append(w)
    return list(lines.values())


def ocr_page(path: str | Path, index: int, opts: OcrOptions) -> PageText:
    """Read page ``index`` of ``path``: its text layer when usable, else OCR."""
    from diacritic_restore.text.tokens import normalize_text

    t0 = time.perf_counter()
    page = load_page(Path(path), index, opts.pdf_dpi, opts.use_text_layer, gray=opts.preprocess.grayscale)
    if page.text_layer is not None:
        text = normalize_text(page.text_layer).replace("\f", "\n").rstrip("\n") + "\n"
        return PageText(index=index, source="text-layer", text=text, seconds=round(time.perf_counter() - t0, 3))
    assert page.image is not None
    res = ocr_image(page.image, opts, page.dpi)
    res.index = index
    res.seconds = round(time.perf_counter() - t0, 3)
    return res
