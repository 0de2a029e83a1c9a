"""Synthetic scans of known Vietnamese text: A4 pages typeset like an official document,
then degraded like a scanner would (rotation, blur, noise, speckles, JPEG).

The tests and the benchmark make their OCR inputs with this, so the truth of every page
is known exactly.  Deterministic: the same text, level and seed give the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

DPI = 300
PAGE_W, PAGE_H = 2480, 3508  # A4 at 300 dpi
_MM = DPI / 25.4
# margins of Decree 30/2020/NĐ-CP: top/bottom 20 mm, left 30 mm, right 15 mm
MARGIN_TOP, MARGIN_BOTTOM = round(20 * _MM), round(20 * _MM)
MARGIN_LEFT, MARGIN_RIGHT = round(30 * _MM), round(15 * _MM)
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
INDENT = round(12.7 * _MM)

# Liberation Serif 2.x is metric-compatible with Times New Roman, the face of official
# documents; 1.07 lacks ơ/ư, so DejaVu Serif is the fallback.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
)
_PROBE = "ơưỡựằẫĐ"


@dataclass(frozen=True)
class Degradation:
    """How a scanner damages a page (all zero = a clean render)."""

    rotate: float = 0.0  # degrees, counter-clockwise
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 0.0  # sensor noise, grey levels
    speckle: float = 0.0  # share of pixels turned to dust
    jpeg: int = 0  # JPEG quality, 0 = none
    ink: int = 0  # ink grey level
    paper: int = 255  # paper grey level


LEVELS: dict[str, Degradation] = {
    "clean": Degradation(),
    "medium": Degradation(rotate=0.6, blur=0.8, noise=6.0, speckle=0.0005, jpeg=60, ink=40, paper=230),
    "scan": Degradation(rotate=1.2, blur=1.0, noise=10.0, speckle=0.001, jpeg=45, ink=55, paper=215),
    "heavy": Degradation(rotate=2.0, blur=1.25, noise=14.0, speckle=0.002, jpeg=35, ink=70, paper=205),
}


def find_font() -> Path:
    """A serif font with every Vietnamese glyph, or FileNotFoundError naming the package."""
    for p in FONT_CANDIDATES:
        if p.exists() and not _missing_glyphs(p, _PROBE):
            return p
    raise FileNotFoundError("no Vietnamese-capable serif font: install fonts-liberation2 or fonts-dejavu-core")


def _missing_glyphs(font_path: Path, chars: str) -> str:
    font = ImageFont.truetype(str(font_path), 40)
    notdef = font.getmask("\U0010FFFD")
    key = (notdef.size, bytes(notdef))
    return "".join(c for c in chars if (font.getmask(c).size, bytes(font.getmask(c))) == key)


@dataclass(frozen=True)
class Line:
    text: str
    x: int
    y: int
    justify: bool


def _px(pt: float) -> int:
    return round(pt * DPI / 72)


def _wrap(text: str, font: ImageFont.FreeTypeFont, first_indent: int) -> list[str]:
    lines: list[str] = []
    cur: list[str] = []
    for w in text.split():
        avail = TEXT_W - (first_indent if not lines else 0)
        if cur and font.getlength(" ".join(cur + [w])) > avail:
            lines.append(" ".join(cur))
            cur = []
        cur.append(w)
    if cur:
        lines.append(" ".join(cur))
    return lines


def _is_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(text) <= 80 and len(letters) >= 2 and all(c.isupper() for c in letters)


def layout(
    paragraphs: Sequence[str],
    font: ImageFont.FreeTypeFont,
    size_pt: float,
    header: tuple[Sequence[str], Sequence[str]] | None = None,
) -> list[list[Line]]:
    """Paragraphs onto A4 pages; an optional two-column header (issuer block on the
    left, national heading and place-date on the right) opens the first page."""
    line_h = round(_px(size_pt) * 1.25)
    pages: list[list[Line]] = []
    lines: list[Line] = []
    y = MARGIN_TOP
    if header is not None:
        col_w = TEXT_W // 2
        for col, block in enumerate(header):
            yy = MARGIN_TOP
            for t in block:
                x = MARGIN_LEFT + col * col_w + round((col_w - font.getlength(t)) / 2)
                lines.append(Line(t, x, yy, False))
                yy += line_h
            y = max(y, yy)
        y += line_h
    for para in paragraphs:
        heading = _is_heading(para)
        wrapped = _wrap(para, font, 0 if heading else INDENT)
        for i, t in enumerate(wrapped):
            if y + line_h > PAGE_H - MARGIN_BOTTOM:
                pages.append(lines)
                lines, y = [], MARGIN_TOP
            if heading:
                x = MARGIN_LEFT + round((TEXT_W - font.getlength(t)) / 2)
            else:
                x = MARGIN_LEFT + (INDENT if i == 0 else 0)
            lines.append(Line(t, x, y, not heading and i < len(wrapped) - 1))
            y += line_h
        y += _px(6)
    if lines:
        pages.append(lines)
    return pages


def draw(lines: Sequence[Line], font: ImageFont.FreeTypeFont) -> np.ndarray:
    img = Image.new("L", (PAGE_W, PAGE_H), 255)
    d = ImageDraw.Draw(img)
    for ln in lines:
        words = ln.text.split(" ")
        if ln.justify and len(words) > 1:
            gap = (PAGE_W - MARGIN_RIGHT - ln.x - sum(font.getlength(w) for w in words)) / (len(words) - 1)
            x = float(ln.x)
            for w in words:
                d.text((round(x), ln.y), w, font=font, fill=0)
                x += font.getlength(w) + gap
        else:
            d.text((ln.x, ln.y), ln.text, font=font, fill=0)
    return np.asarray(img)


def degrade(page: np.ndarray, deg: Degradation, seed: int = 0) -> np.ndarray:
    """A clean grey render made to look scanned."""
    if deg == Degradation():
        return page
    rng = np.random.default_rng(seed)
    out = page.astype(np.float32) * ((deg.paper - deg.ink) / 255.0) + deg.ink
    if deg.rotate:
        h, w = out.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), deg.rotate, 1.0)
        out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=float(deg.paper))
    if deg.blur:
        out = cv2.GaussianBlur(out, (0, 0), deg.blur)
    if deg.noise:
        out += rng.normal(0.0, deg.noise, out.shape).astype(np.float32)
    if deg.speckle:
        n = int(deg.speckle * out.size)
        ys = rng.integers(0, out.shape[0], n)
        xs = rng.integers(0, out.shape[1], n)
        out[ys, xs] = deg.ink
    out = np.clip(out, 0, 255).astype(np.uint8)
    if deg.jpeg:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, deg.jpeg])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return out


def render_document(
    paragraphs: Sequence[str],
    level: str | Degradation = "clean",
    seed: int = 0,
    size_pt: float = 13.5,
    header: tuple[Sequence[str], Sequence[str]] | None = None,
    font_path: Path | None = None,
) -> tuple[list[np.ndarray], list[str]]:
    """Page images (grey, 300 dpi) and each page's true text, line by line, the left
    header block before the right one."""
    deg = LEVELS[level] if isinstance(level, str) else level
    font = ImageFont.truetype(str(font_path or find_font()), _px(size_pt))
    pages = layout(paragraphs, font, size_pt, header)
    images = [degrade(draw(p, font), deg, seed * 1000 + i) for i, p in enumerate(pages)]
    truths = ["\n".join(ln.text for ln in p) + "\n" for p in pages]
    return images, truths
