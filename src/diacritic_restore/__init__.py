"""vnrestore: restore Vietnamese diacritics and repair OCR damage in Party and state documents.

>>> from diacritic_restore import restore
>>> restore("S6 15-CT/TU Séc Trang, ngay 23 thang 12 ndm 2022")  # doctest: +SKIP
'Số 15-CT/TU Sóc Trăng, ngày 23 tháng 12 năm 2022'
"""

from .api import Alternative, NormalizeResult, RestoreResult, TokenResult, normalize, restore, restore_detailed
from .decode import Settings
from .errors import VnrestoreError
from .evaluate import EvalResult, cer, measure, syllable_accuracy, wer

__version__ = "0.1.0"

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
]
