"""OpenCV clean-up of a page image before OCR, as switchable stages.

grayscale → DPI normalisation → border removal → deskew → denoise → binarisation.
Each stage is a small pure function on a NumPy image; :func:`preprocess` runs the ones
:class:`PreprocessOptions` switches on and reports what they did.  The defaults are
the ones the benchmark measured to help Tesseract (see bench/report.md): binarisation
and heavy denoising are off because Tesseract's own Otsu did as well or better.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from diacritic_restore.ocr.pages import MAX_PAGE_PIXELS

TARGET_DPI = 300
# Tesseract (Leptonica) refuses an image with a side longer than this
MAX_SIDE = 32767
# median height of a letter component at 300 dpi in 12-14 pt text (measured on renders):
# the fallback DPI estimate for images that carry no usable resolution
_LETTER_H_300 = 30.0


class PreprocessOptions(BaseModel):
    """Which stages run (CLI: ``--no-deskew`` etc.)."""

    model_config = ConfigDict(extra="forbid")

    grayscale: bool = True
    normalize_dpi: bool = Field(True, description="upscale pages scanned below 250 dpi to 300 dpi")
    remove_borders: bool = Field(True, description="whiten dark scanner borders touching the page edge")
    deskew: bool = True
    denoise: bool = Field(True, description="median filter against dust and speckles")
    binarize: bool = Field(False, description="Otsu binarisation (Tesseract binarises by itself)")


class PreprocessReport(BaseModel):
    dpi_in: float
    dpi_out: float
    skew_degrees: float
    borders_removed: bool


def to_gray(img: np.ndarray) -> np.ndarray:
    if img.ndim == 2:
        return img
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def estimate_dpi(gray: np.ndarray, declared: float | None = None) -> float:
    """The page's resolution: what the file declares when plausible, else from the
    page size when it looks like A4, else from the height of its letters."""
    if declared and 70 <= declared <= 1200:
        return float(declared)
    h, w = gray.shape[:2]
    short, long_ = sorted((h, w))
    if 1.38 <= long_ / max(short, 1) <= 1.45:  # A4 (1.414) whole page
        return short / 8.27
    return letter_height_dpi(gray)


def letter_height_dpi(gray: np.ndarray) -> float:
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    keep = (hs >= 4) & (hs <= gray.shape[0] / 20) & (ws <= 4 * hs)
    if keep.sum() < 30:
        return float(TARGET_DPI)
    return float(np.median(hs[keep])) * TARGET_DPI / _LETTER_H_300


def normalize_dpi(gray: np.ndarray, dpi: float) -> tuple[np.ndarray, float]:
    """Upscale low-resolution pages (Tesseract's LSTM wants letters 20-40 px tall), but
    never past :data:`MAX_PAGE_PIXELS` or a side of :data:`MAX_SIDE` (a 10000-pixel
    square declared at 75 dpi would otherwise become 1.6 gigapixels)."""
    if dpi >= 250:
        return gray, dpi
    f = TARGET_DPI / dpi
    h, w = gray.shape[:2]
    room = min(math.sqrt(MAX_PAGE_PIXELS / max(h * w, 1)), MAX_SIDE / max(h, w, 1))
    if f <= room:
        return cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC), float(TARGET_DPI)
    if room <= 1:  # already at the cap: left as it is
        return gray, dpi
    size = (min(int(w * room), MAX_SIDE), min(int(h * room), MAX_SIDE))
    return cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC), dpi * size[0] / w


def _small(gray: np.ndarray, width: int = 800) -> tuple[np.ndarray, float]:
    f = width / gray.shape[1]
    if f >= 1:
        return gray, 1.0
    return cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), f


def remove_borders(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Whiten dark regions that touch the page edge and are far larger than a letter
    (the scanner lid and shadows), leaving text alone."""
    small, f = _small(gray)
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    h, w = bw.shape
    mask = np.zeros_like(bw)
    for i in range(1, n):
        x, y, cw, ch, area = stats[i]
        touches = x == 0 or y == 0 or x + cw >= w or y + ch >= h
        big = cw > 0.25 * w or ch > 0.25 * h
        if touches and big:
            mask[labels == i] = 255
    if not mask.any():
        return gray, False
    mask = cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    out = gray.copy()
    out[mask > 0] = 255
    return out, True


def skew_angle(gray: np.ndarray, max_deg: float = 5.0) -> float:
    """The text lines' angle in degrees (counter-clockwise positive), found where the
    row profile of the ink is sharpest."""
    small, _ = _small(gray, 1000)
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # letters of a line merge into bars; isolated dust does not
    bw = cv2.morphologyEx(bw, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    h, w = bw.shape
    centre = (w / 2, h / 2)
    bwf = bw.astype(np.float32)

    def score(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        rot = cv2.warpAffine(bwf, m, (w, h), flags=cv2.INTER_NEAREST)
        prof = rot.sum(axis=1)
        return float(np.square(np.diff(prof)).sum())

    best = 0.0
    step = 0.5
    angles = np.arange(-max_deg, max_deg + 1e-9, step)
    scores = [score(a) for a in angles]
    best = float(angles[int(np.argmax(scores))])
    for step in (0.1, 0.025):
        cands = np.arange(best - 4 * step, best + 4 * step + 1e-9, step)
        scores = [score(a) for a in cands]
        best = float(cands[int(np.argmax(scores))])
    # the profile is rotated by `best` to be level, so the page is tilted by -best
    return -best


def rotate(gray: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate by ``degrees`` (counter-clockwise), filling with the paper's colour."""
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    paper = int(np.percentile(gray[:: 8, :: 8], 95))
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=paper)


# Tesseract copes with small skews itself, and rotating resamples every letter: on
# real 300 dpi scans tilted 0.3-0.7 degrees rotating lowered raw accuracy, on a page
# tilted 2 degrees it raised it from 89% to 98% (bench/report.md)
MIN_SKEW = 1.0


def deskew(gray: np.ndarray, min_degrees: float = MIN_SKEW) -> tuple[np.ndarray, float]:
    """Level the text lines; returns the image and the angle it was tilted by."""
    a = skew_angle(gray)
    if abs(a) < min_degrees:
        return gray, 0.0
    return rotate(gray, -a), a


def denoise(gray: np.ndarray) -> np.ndarray:
    return cv2.medianBlur(gray, 3)


def binarize(gray: np.ndarray) -> np.ndarray:
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return bw


def preprocess(img: np.ndarray, opts: PreprocessOptions,
               declared_dpi: float | None = None) -> tuple[np.ndarray, PreprocessReport]:
    """Run the stages ``opts`` switches on; returns the image for OCR and what was done."""
    gray = to_gray(img) if opts.grayscale or img.ndim == 2 else img
    if gray.ndim == 3:  # colour kept on request: the geometric stages still need grey
        gray = to_gray(gray)
    dpi_in = estimate_dpi(gray, declared_dpi)
    dpi = dpi_in
    if opts.normalize_dpi:
        gray, dpi = normalize_dpi(gray, dpi_in)
    removed = False
    if opts.remove_borders:
        gray, removed = remove_borders(gray)
    angle = 0.0
    if opts.deskew:
        gray, angle = deskew(gray)
    if opts.denoise:
        gray = denoise(gray)
    if opts.binarize:
        gray = binarize(gray)
    if math.isnan(dpi):
        dpi = float(TARGET_DPI)
    return gray, PreprocessReport(dpi_in=round(dpi_in, 1), dpi_out=round(dpi, 1), skew_degrees=round(angle, 2),
                                  borders_removed=removed)
