"""Pages scanned sideways or upside down: when to ask the engine how a page is turned,
and turning it.

The engine's orientation detection (Tesseract OSD) costs 0.5-1.1 s on a 300 dpi page,
25-45% of the page's OCR, and on a copy shrunk to 800-1200 px wide it gets turns
wrong (measured on the real scans), so it does not run on every page.  Two cheap
signs say when it is needed:

* a page turned 90 or 270 degrees has its text lines running up and down: letters
  smeared along the line direction give long thin blobs, horizontal on an upright
  page and vertical on a sideways one (:func:`lines_look_vertical`, ~20 ms a page).
  Tesseract reads such a page's vertical lines with a good confidence but in a
  scrambled order, so its confidence alone does not tell;
* a page turned 180 degrees reads as garbage with a low mean confidence.
"""

from __future__ import annotations

import os
import tempfile

import cv2
import numpy as np

from diacritic_restore.ocr.engine import OcrEngine, page_orientation

# a page read with a mean word confidence under this is checked for being upside down.
# Upright real scans (/work/shared/data/scans, 22 pages) read at 0.90-0.955, the same
# pages turned 180 degrees at 0.42-0.45.
CHECK_ORIENTATION_BELOW = 0.80
# vertical over horizontal line evidence above this: the page lies sideways.  Upright
# real scans 0.04-0.39, the same pages turned 90 degrees 2.65-25; a photo or noise: 0/0.
SIDEWAYS_RATIO = 1.0
_SMALL_SIDE = 1000  # the longest side of the copy measured (letters ~12 px at 300 dpi)
_SMEAR = 9  # pixels closed along the line: the gaps between letters and words


def _line_evidence(gray: np.ndarray) -> tuple[int, int]:
    """Total length of long horizontal and of long vertical blobs once letters are
    smeared together along each direction."""
    f = _SMALL_SIDE / max(gray.shape[:2])
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    out = []
    for horizontal in (True, False):
        kernel = np.ones((1, _SMEAR) if horizontal else (_SMEAR, 1), np.uint8)
        _, _, st, _ = cv2.connectedComponentsWithStats(cv2.morphologyEx(bw, cv2.MORPH_CLOSE, kernel), connectivity=8)
        along = st[1:, cv2.CC_STAT_WIDTH if horizontal else cv2.CC_STAT_HEIGHT]
        across = st[1:, cv2.CC_STAT_HEIGHT if horizontal else cv2.CC_STAT_WIDTH]
        keep = (along >= 4 * across) & (across >= 3) & (across <= 40)  # a line of text, not a rule or a blot
        out.append(int(along[keep].sum()))
    return out[0], out[1]


def lines_look_vertical(gray: np.ndarray) -> bool:
    """Do the page's text lines run up and down (a page turned 90 or 270 degrees)?"""
    h, v = _line_evidence(gray)
    return v > SIDEWAYS_RATIO * max(h, 1)


def orientation_of(engine: OcrEngine, gray: np.ndarray, timeout: float) -> tuple[int, float] | None:
    """The engine's (clockwise turn that sets the page upright, confidence), or None
    when it has no orientation detection or cannot tell."""
    with tempfile.TemporaryDirectory(prefix="vnrestore-") as tmp:
        path = os.path.join(tmp, "page.pnm")
        cv2.imwrite(path, gray)
        return page_orientation(engine, path, timeout)


def turn(img: np.ndarray, degrees: int) -> np.ndarray:
    """The image turned clockwise by ``degrees`` (a multiple of 90)."""
    return np.ascontiguousarray(np.rot90(img, -(degrees // 90) % 4))
