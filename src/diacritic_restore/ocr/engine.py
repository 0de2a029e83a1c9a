"""The OCR engine interface: what the reader needs of an engine, and the engines known.

An engine checks it can run a language (:meth:`OcrEngine.check`, a one-line
:class:`~diacritic_restore.errors.OcrSetupError` naming what to install) and reads
one preprocessed page image into words with boxes and confidences
(:meth:`OcrEngine.words`).  An engine may also say how a page is turned
(:class:`OrientationEngine`, :func:`page_orientation`); one without that never turns
a page.  Tesseract is the first implementation; tests and other
engines register theirs in :data:`ENGINES`.
"""

from __future__ import annotations

from typing import Callable, Protocol

from diacritic_restore.errors import OcrSetupError
from diacritic_restore.ocr.layout import Word


class OcrEngine(Protocol):
    name: str

    def check(self, lang: str) -> None:
        """Raise :class:`OcrSetupError` when the engine or ``lang`` is not installed."""

    def words(self, image_path: str, lang: str, psm: int, dpi: float, timeout: float) -> list[Word]:
        """The words of the page image at ``image_path``, boxes in its pixels.

        A crash or a timeout raises :class:`~diacritic_restore.errors.OcrEngineError`."""


class OrientationEngine(Protocol):
    """The optional part of an engine: how a page image is turned."""

    def orientation(self, image_path: str, timeout: float = 60.0) -> tuple[int, float] | None:
        """``(degrees, confidence)``: the clockwise turn (0, 90, 180 or 270) that sets
        the page upright and how sure the engine is; None when it cannot tell (too
        little text).  Never raises for a page it cannot judge."""


def page_orientation(engine: OcrEngine, image_path: str, timeout: float) -> tuple[int, float] | None:
    """The engine's orientation of the page, or None when it has no such method or
    cannot tell."""
    fn = getattr(engine, "orientation", None)
    return fn(image_path, timeout) if callable(fn) else None


ENGINES: dict[str, Callable[[], OcrEngine]] = {}


def register_engine(name: str, factory: Callable[[], OcrEngine]) -> None:
    ENGINES[name] = factory


def get_engine(name: str) -> OcrEngine:
    if name not in ENGINES:
        from diacritic_restore.ocr import tesseract  # noqa: F401  (registers itself)
    try:
        return ENGINES[name]()
    except KeyError:
        raise OcrSetupError(f"unknown OCR engine {name!r} (known: {', '.join(sorted(ENGINES))})") from None
