"""vnrestore: restore Vietnamese diacritics and repair OCR damage in Party and state documents.

>>> from diacritic_restore import restore
>>> restore("S6 15-CT/TU Séc Trang, ngay 23 thang 12 ndm 2022")  # doctest: +SKIP
'Số 15-CT/TU Sóc Trăng, ngày 23 tháng 12 năm 2022'
"""

from diacritic_restore.api import Alternative, NormalizeResult, RestoreResult, TokenResult, normalize, restore, restore_detailed
from diacritic_restore.restore.decode import Settings
from diacritic_restore.errors import VnrestoreError
from diacritic_restore.evaluate import EvalResult, cer, measure, syllable_accuracy, wer

__version__ = "0.1.0"


def __getattr__(name: str):
    # the OCR pipeline pulls in OpenCV and Tesseract's wrapper: only when asked for
    if name in ("process", "run", "RunOptions", "DocumentResult"):
        from diacritic_restore.pipeline import document as pipeline

        return getattr(pipeline, name)
    if name in ("OcrOptions",):
        from diacritic_restore.ocr.tesseract import OcrOptions

        return OcrOptions
    if name in ("PreprocessOptions",):
        from diacritic_restore.ocr.preprocess import PreprocessOptions

        return PreprocessOptions
    raise AttributeError(f"module 'diacritic_restore' has no attribute {name!r}")

__all__ = [
    "restore",
    "restore_detailed",
    "normalize",
    "NormalizeResult",
    "RestoreResult",
    "TokenResult",
    "Alternative",
    "Settings",
    "measure",
    "EvalResult",
    "cer",
    "wer",
    "syllable_accuracy",
    "VnrestoreError",
    "process",
    "run",
    "RunOptions",
    "DocumentResult",
    "OcrOptions",
    "PreprocessOptions",
]
