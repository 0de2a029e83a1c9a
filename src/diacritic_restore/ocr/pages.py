"""Pages of an input file: raster images (PNG, JPEG, TIFF with many pages, BMP, WebP)
and PDFs (each page either a usable text layer or an image to OCR).

A page is addressed by (path, index) so that a worker process can open just the page
it is given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from diacritic_restore.errors import InputError

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".pbm", ".pgm", ".ppm"})
PDF_SUFFIXES = frozenset({".pdf"})
# a page with text needs more words than the signature box a signed scan carries
_MIN_LAYER_WORDS = 40
_MAX_PIXELS = 400_000_000


@dataclass
class Page:
    index: int  # 0-based
    image: np.ndarray | None  # grey or BGR, None when the text layer is used
    dpi: float | None  # declared or rendered resolution
    text_layer: str | None  # the PDF's own text, when usable


def kind_of(path: Path) -> str:
    s = path.suffix.lower()
    if s in IMAGE_SUFFIXES:
        return "image"
    if s in PDF_SUFFIXES:
        return "pdf"
    return "text"


def page_count(path: Path) -> int:
    k = kind_of(path)
    if k == "pdf":
        with _open_pdf(path) as pdf:
            return len(pdf)
    if k == "image":
        with _open_image(path) as im:
            return int(getattr(im, "n_frames", 1))
    return 1


def load_page(path: Path, index: int, dpi: int = 300, use_text_layer: bool = True, gray: bool = True) -> Page:
    """Page ``index`` of ``path``; ``gray`` decodes images straight to grey (faster)."""
    if kind_of(path) == "pdf":
        return _pdf_page(path, index, dpi, use_text_layer)
    return _image_page(path, index, gray)


# ------------------------------------------------------------------ images


class _Closing:
    def __init__(self, obj):
        self.obj = obj

    def __enter__(self):
        return self.obj

    def __exit__(self, *exc):
        self.obj.close()


def _open_image(path: Path):
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        im = Image.open(path)
        im.size  # noqa: B018  header parsed
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError) as exc:
        raise InputError(f"{path}: not a readable image ({_short(exc)})") from None
    return _Closing(im)


def _image_page(path: Path, index: int, gray: bool = True) -> Page:
    import cv2
    from PIL import Image, ImageOps

    with _open_image(path) as im:
        frames = int(getattr(im, "n_frames", 1))
        if frames == 1 and index == 0 and im.format in ("JPEG", "PNG", "BMP", "WEBP"):
            # OpenCV decodes these 2-3x faster than Pillow (and applies EXIF rotation)
            dpi = im.info.get("dpi")
            arr = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE if gray else cv2.IMREAD_COLOR)
            if arr is None:
                raise InputError(f"{path}: image data is damaged")
            return Page(index, arr, _declared(dpi), None)
        try:
            im.seek(index)
            dpi = im.info.get("dpi")
            im = ImageOps.exif_transpose(im)
            if im.mode in ("1", "L", "I;16", "I", "F"):
                arr = np.asarray(im.convert("L"))
            else:
                arr = np.asarray(im.convert("RGB"))[:, :, ::-1].copy()  # BGR, as OpenCV expects
        except EOFError:
            raise InputError(f"{path}: has no page {index + 1}") from None
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            raise InputError(f"{path}: image data is damaged ({_short(exc)})") from None
    return Page(index, arr, _declared(dpi), None)


def _declared(dpi) -> float | None:
    try:
        declared = float(dpi[0]) if dpi and dpi[0] else None
    except (TypeError, ValueError, IndexError):
        return None
    # 72/96 dpi are what tools write when they know nothing
    if declared is not None and round(declared) in (72, 96):
        return None
    return declared


# ------------------------------------------------------------------ PDFs


def _open_pdf(path: Path):
    import pypdfium2 as pdfium

    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied")
    try:
        return _Closing(pdfium.PdfDocument(str(path)))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise InputError(f"{path}: the PDF is encrypted (needs a password)") from None
        raise InputError(f"{path}: not a readable PDF ({_short(exc)})") from None


def _pdf_page(path: Path, index: int, dpi: int, use_text_layer: bool) -> Page:
    import pypdfium2 as pdfium

    with _open_pdf(path) as pdf:
        if not 0 <= index < len(pdf):
            raise InputError(f"{path}: has no page {index + 1}")
        try:
            page = pdf[index]
            if use_text_layer:
                tp = page.get_textpage()
                text = tp.get_text_range()
                tp.close()
                if usable_text_layer(text):
                    page.close()
                    return Page(index, None, None, text)
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            arr = bitmap.to_numpy().copy()
            page.close()
        except pdfium.PdfiumError as exc:
            raise InputError(f"{path}: page {index + 1} cannot be read ({_short(exc)})") from None
    if arr.ndim == 3:
        arr = arr[:, :, 0] if arr.shape[2] == 1 else arr[:, :, :3]
    return Page(index, arr, float(dpi), None)


def usable_text_layer(text: str) -> bool:
    """A text layer worth reading instead of OCR: enough words, and Vietnamese with
    its marks (a scanner's English OCR layer or a signature box is not)."""
    from diacritic_restore.text.syllable import is_valid, skeleton
    from diacritic_restore.text.tokens import normalize_text

    words = [w for w in normalize_text(text).split() if w.isalpha()]
    if len(words) < _MIN_LAYER_WORDS:
        return False
    valid = [w for w in words if is_valid(w.lower())]
    marked = sum(skeleton(w.lower()) != w.lower() for w in valid)
    return len(valid) >= 0.85 * len(words) and marked >= 0.3 * len(valid)


def _short(exc: BaseException) -> str:
    s = str(exc).strip().splitlines()
    return s[0][:120] if s else type(exc).__name__
