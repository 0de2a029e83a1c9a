"""Reading order of OCR'd words, and a check for text the layout analysis lost.

Vietnamese official documents open with two blocks side by side: the issuer on the
left (``ỦY BAN NHÂN DÂN / TỈNH QUẢNG NGÃI / Số: 04/CT-UBND``) and the national heading
and place-date line on the right; they close the same way (``Nơi nhận:`` on the left,
the signer on the right).  Read line by line, the two interleave.  :func:`order_lines`
finds such two-column bands from the word boxes alone (a vertical gutter no word
crosses) and reads the left column before the right one; full-width body lines read
normally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # Tesseract's 0-100
    x: int
    y: int
    w: int
    h: int
    line_key: tuple[int, int, int]  # Tesseract's (block, paragraph, line)


@dataclass(frozen=True)
class Segment:
    """Words of one line that belong together (a line cut at a wide gap)."""

    words: tuple[Word, ...]

    @property
    def x0(self) -> int:
        return min(w.x for w in self.words)

    @property
    def x1(self) -> int:
        return max(w.x + w.w for w in self.words)

    @property
    def y0(self) -> int:
        return min(w.y for w in self.words)

    @property
    def y1(self) -> int:
        return max(w.y + w.h for w in self.words)

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


def _segments(words: Sequence[Word], gap: float) -> list[Segment]:
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        lines.setdefault(w.line_key, []).append(w)
    out: list[Segment] = []
    for ws in lines.values():
        ws = sorted(ws, key=lambda w: w.x)
        cur = [ws[0]]
        for w in ws[1:]:
            if w.x - (cur[-1].x + cur[-1].w) > gap:
                out.append(Segment(tuple(cur)))
                cur = []
            cur.append(w)
        out.append(Segment(tuple(cur)))
    return out


def _rows(segs: list[Segment]) -> list[list[Segment]]:
    """Segments grouped into rows of overlapping height, top to bottom."""
    rows: list[list[Segment]] = []
    for s in sorted(segs, key=lambda s: s.yc):
        if rows:
            last = rows[-1]
            y0 = min(t.y0 for t in last)
            y1 = max(t.y1 for t in last)
            if y0 <= s.yc <= y1 or (s.y0 <= (y0 + y1) / 2 <= s.y1):
                last.append(s)
                continue
        rows.append([s])
    return [sorted(r, key=lambda s: s.x0) for r in rows]


def _free_runs(occupied: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the runs of unoccupied columns."""
    d = np.diff(np.concatenate(([0], (~occupied).view(np.int8), [0])))
    return np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]


def order_lines(words: Sequence[Word], page_width: int) -> list[list[Word]]:
    """Words as lines in reading order, two-column bands left column first."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    heights = sorted(w.h for w in words)
    med_h = heights[len(heights) // 2]
    segs = _segments(words, gap=max(2.0 * med_h, 0.03 * page_width))
    rows = _rows(segs)
    x_lo = min(s.x0 for s in segs)
    x_hi = max(s.x1 for s in segs)
    span = max(x_hi - x_lo, 1)
    # the gutter lies in the middle of the text width and is at least a few letters wide
    mid0 = x_lo + int(0.2 * span)
    mid1 = x_lo + int(0.8 * span)
    min_gutter = max(int(1.5 * med_h), 1)

    def blocks_middle(row: list[Segment], occ: np.ndarray) -> np.ndarray:
        occ = occ.copy()
        for s in row:
            a = max(s.x0 - mid0, 0)
            b = min(s.x1 - mid0, mid1 - mid0)
            if b > a:
                occ[a:b] = True
        return occ

    def has_gutter(occ: np.ndarray) -> bool:
        starts, ends = _free_runs(occ)
        return bool(len(starts)) and bool((ends - starts).max() >= min_gutter)

    def gutter_x(occ: np.ndarray, band: list[list[Segment]]) -> int | None:
        """The middle of the widest free run with text on both sides of it."""
        starts, ends = _free_runs(occ)
        segs_ = [s for r in band for s in r]
        for k in np.argsort(starts - ends):  # widest first
            if ends[k] - starts[k] < min_gutter:
                break
            gx = mid0 + (starts[k] + ends[k]) // 2
            if any(s.x1 <= gx for s in segs_) and any(s.x0 >= gx for s in segs_):
                return int(gx)
        return None

    out: list[list[Word]] = []
    i = 0
    width = max(mid1 - mid0, 1)
    while i < len(rows):
        occ = blocks_middle(rows[i], np.zeros(width, dtype=bool))
        if not has_gutter(occ):
            out.extend(list(s.words) for s in rows[i])
            i += 1
            continue
        j = i + 1
        while j < len(rows):
            nxt = blocks_middle(rows[j], occ)
            if not has_gutter(nxt):
                break
            occ = nxt
            j += 1
        band = rows[i:j]
        gx = gutter_x(occ, band) if len(band) >= 2 else None
        if gx is not None:
            left = [s for r in band for s in r if s.x1 <= gx]
            right = [s for r in band for s in r if s.x0 >= gx]
            out.extend(list(s.words) for s in left)
            out.extend(list(s.words) for s in right)
        else:
            for r in band:
                out.extend(list(s.words) for s in r)
        i = j
    return out


def ink_coverage(gray: np.ndarray, words: Sequence[Word]) -> float:
    """Share of the page's letter-sized ink that lies inside recognised word boxes.

    Low when Tesseract's page segmentation found no text block over paragraphs it
    could have read (curved or slightly rotated lines).  Large blobs (seals, photos,
    rules) and dust are left out of the ink.
    """
    f = 0.25
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    h, w = bw.shape
    hs, ws, areas = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_AREA]
    letter = (areas >= 3) & (hs <= h / 30) & (ws <= w / 8)
    letter[0] = False
    ink = letter[labels]
    total = int(ink.sum())
    if total < 200:
        return 1.0
    boxes = np.zeros_like(bw, dtype=bool)
    pad = 2
    for wd in words:
        if wd.conf < 0 or not wd.text.strip():
            continue
        x0, y0 = int(wd.x * f) - pad, int(wd.y * f) - pad
        x1, y1 = int((wd.x + wd.w) * f) + pad + 1, int((wd.y + wd.h) * f) + pad + 1
        boxes[max(y0, 0):y1, max(x0, 0):x1] = True
    return float((ink & boxes).sum()) / total
