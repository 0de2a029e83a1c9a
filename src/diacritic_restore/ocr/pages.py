"""Pages of an input file: raster images (PNG, JPEG, TIFF with many pages, BMP, WebP)
and PDFs (each page either a usable text layer or an image to OCR).

A page is addressed by (path, index) so that a worker process can open just the page
it is given.
"""

from __future__ import annotations

import math
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from diacritic_restore.errors import InputError

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".pbm", ".pgm", ".ppm"})
PDF_SUFFIXES = frozenset({".pdf"})
# a page with text needs more words than the signature box a signed scan carries
_MIN_LAYER_WORDS = 40
# an image file larger than this is refused (it would take gigabytes once decoded)
_MAX_PIXELS = 400_000_000
# the largest page image the OCR is given, rendered or upscaled: 100 megapixels is A0 at
# 254 dpi or A4 at 1000 dpi, 0.1 GB in grey and ~1 GB through preprocessing, well inside
# a worker's memory ceiling; a PDF page is rendered at a lower dpi to fit
MAX_PAGE_PIXELS = 100_000_000
# below this a page is not worth reading: a PDF page that fits only at a lower dpi is refused
_MIN_RENDER_DPI = 72
_PDF_ERRORS = {1: "unknown error", 2: "cannot open the file", 3: "damaged or not a PDF", 5: "unsupported security"}


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
    """Pages of ``path``; an unreadable file is a one-line :class:`InputError`."""
    k = kind_of(path)
    if k == "pdf":
        with _open_pdf(path) as pdf:
            return len(pdf)
    if k == "image":
        with _open_image(path) as im, _damage(path, "image data is damaged"):
            return int(getattr(im, "n_frames", 1))  # TIFF: walks every frame's header
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


@contextmanager
def _damage(path: Path, what: str):
    """Any failure of a decoder (Pillow raises TypeError, struct.error, ... on damaged
    files) is the input's one-line error; its warnings are not printed, what it decodes
    is judged instead.  Running out of memory stays itself, for the worker to report."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except (InputError, MemoryError):
        raise
    except Exception as exc:
        raise InputError(f"{path}: {what} ({_short(exc)})") from None


def _open_image(path: Path):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS  # Pillow's own guard, behind ours
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its bomb warning: ours is an error, below
            im = Image.open(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except Image.DecompressionBombError:
        raise InputError(f"{path}: image too large (over {2 * _MAX_PIXELS // 1_000_000} megapixels)") from None
    except MemoryError:
        raise
    except Exception as exc:  # Pillow raises many kinds on a damaged header
        raise InputError(f"{path}: not a readable image ({_short(exc)})") from None
    try:
        _check_size(path, im.size)
    except InputError:
        im.close()
        raise
    return _Closing(im)


def _check_size(path: Path, size: tuple[int, int]) -> None:
    w, h = size
    if w * h > _MAX_PIXELS:
        raise InputError(f"{path}: image too large ({w} x {h} pixels, over {_MAX_PIXELS // 1_000_000} megapixels)")


def _image_page(path: Path, index: int, gray: bool = True) -> Page:
    import cv2
    from PIL import ImageOps

    with _open_image(path) as im, _damage(path, "image data is damaged"):
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
        except EOFError:
            raise InputError(f"{path}: has no page {index + 1}") from None
        _check_size(path, im.size)  # each frame of a TIFF has its own
        dpi = im.info.get("dpi")
        with ImageOps.exif_transpose(im) as turned:
            if turned.mode in ("1", "L", "I;16", "I", "F"):
                arr = np.asarray(turned.convert("L"))
            else:
                arr = np.asarray(turned.convert("RGB"))[:, :, ::-1].copy()  # BGR, as OpenCV expects
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
    import pypdfium2.raw as pdfium_c

    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied")
    # loaded through the raw API: pypdfium2's PdfDocument(path) keeps the file open
    # when it refuses a document of no pages (one descriptor lost per such file)
    raw = pdfium_c.FPDF_LoadDocument(os.fsencode(path.resolve()) + b"\0", None)
    if not raw:
        code = pdfium_c.FPDF_GetLastError()
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputError(f"{path}: the PDF is encrypted (needs a password)")
        raise InputError(f"{path}: not a readable PDF ({_PDF_ERRORS.get(code, f'error {code}')})")
    return _Closing(pdfium.PdfDocument(raw))


def _pdf_page(path: Path, index: int, dpi: int, use_text_layer: bool) -> Page:
    with _open_pdf(path) as pdf:
        if not 0 <= index < len(pdf):
            raise InputError(f"{path}: has no page {index + 1}")
        with _damage(path, f"page {index + 1} cannot be read"), _Closing(pdf[index]) as page:
            if use_text_layer:
                with _Closing(page.get_textpage()) as tp:
                    text = tp.get_text_range()
                if usable_text_layer(text):
                    return Page(index, None, None, text)
            dpi = fit_dpi(page.get_size(), dpi, f"{path}: page {index + 1}")
            with _Closing(page.render(scale=dpi / 72, grayscale=True)) as bitmap:
                arr = bitmap.to_numpy().copy()
    if arr.ndim == 3:
        arr = arr[:, :, 0] if arr.shape[2] == 1 else arr[:, :, :3]
    return Page(index, arr, float(dpi), None)


def fit_dpi(size_pt: tuple[float, float], dpi: float, what: str) -> float:
    """The resolution to render a page of ``size_pt`` (points) at: ``dpi``, lowered so
    that the image stays within :data:`MAX_PAGE_PIXELS`; a page too large for that
    even at 72 dpi (a 200-inch MediaBox) is refused before any pixel is drawn."""
    w_in, h_in = size_pt[0] / 72, size_pt[1] / 72
    fit = math.sqrt(MAX_PAGE_PIXELS / max(w_in * h_in, 1e-6))
    if fit >= dpi:
        return dpi
    if fit < _MIN_RENDER_DPI:
        raise InputError(f"{what} is too large to render ({w_in:.0f} x {h_in:.0f} in: over "
                         f"{MAX_PAGE_PIXELS // 1_000_000} megapixels even at {_MIN_RENDER_DPI} dpi)")
    return math.floor(fit * 0.999)  # the renderer rounds each side up


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
