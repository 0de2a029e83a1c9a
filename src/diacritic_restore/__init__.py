"""vnrestore: restore Vietnamese diacritics and repair OCR damage in Party and state documents.

>>> from diacritic_restore import restore
>>> restore("S6 15-CT/TU Séc Trang, ngay 23 thang 12 ndm 2022")  # doctest: +SKIP
'Số 15-CT/TU Sóc Trăng, ngày 23 tháng 12 năm 2022'
"""

from diacritic_restore.api import (
    Alternative,
    NormalizeResult,
    RestoreResult,
    TokenResult,
    normalize,
    restore,
    restore_detailed,
)
from diacritic_restore.errors import ExitCode, VnrestoreError
from diacritic_restore.evaluate import EvalResult, cer, measure, syllable_accuracy, wer
from diacritic_restore.restore.settings import Settings
from diacritic_restore.version import __version__

_LAZY = {
    # the OCR pipeline pulls in OpenCV and Tesseract's wrapper: only when asked for
    "process": "diacritic_restore.pipeline.document",
    "run": "diacritic_restore.pipeline.document",
    "DocumentResult": "diacritic_restore.pipeline.document",
    "RunOptions": "diacritic_restore.pipeline.options",
    "load_options": "diacritic_restore.pipeline.options",
    "run_batch": "diacritic_restore.pipeline.batch",
    "OcrOptions": "diacritic_restore.ocr.options",
    "PreprocessOptions": "diacritic_restore.ocr.preprocess",
}


def __getattr__(name: str):
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'diacritic_restore' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(mod), name)


__all__ = [
    "__version__",
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
    "load_options",
    "run_batch",
    "ExitCode",
]
