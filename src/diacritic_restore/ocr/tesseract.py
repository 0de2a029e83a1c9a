"""Tesseract as an :class:`~diacritic_restore.ocr.engine.OcrEngine`: TSV output through
pytesseract (words, boxes, confidences), one thread per process."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from diacritic_restore.errors import OcrEngineError, OcrSetupError
from diacritic_restore.ocr.engine import register_engine
from diacritic_restore.ocr.layout import Word


@lru_cache(maxsize=8)
def check_tesseract(lang: str) -> str:
    """The Tesseract binary, after checking it runs and has ``lang``; else a one-line
    error naming the Debian package to install."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrSetupError(
            "tesseract is not installed (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-vie)")
    try:
        res = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrSetupError(f"tesseract does not run ({exc})") from None
    have = {ln.strip() for ln in (res.stdout + res.stderr).splitlines()[1:] if ln.strip()}
    for part in lang.split("+"):
        if part not in have:
            raise OcrSetupError(
                f"tesseract has no '{part}' language model (Debian/Ubuntu: apt-get install tesseract-ocr-{part})")
    return exe


class TesseractEngine:
    name = "tesseract"

    def check(self, lang: str) -> None:
        check_tesseract(lang)

    def words(self, image_path: str, lang: str, psm: int, dpi: float, timeout: float) -> list[Word]:
        """Run Tesseract once with TSV output (words, boxes, confidences)."""
        import pytesseract

        try:
            data = pytesseract.image_to_data(
                image_path, lang=lang, config=f"--psm {psm} --dpi {int(round(dpi))}",
                output_type=pytesseract.Output.DICT, timeout=timeout)
        except RuntimeError as exc:  # pytesseract's timeout
            raise OcrEngineError(f"OCR timed out after {timeout:g} s ({exc})") from None
        except pytesseract.TesseractError as exc:
            raise OcrEngineError(f"tesseract failed: {str(exc.message).strip()[:160]}") from None
        words = []
        for i, text in enumerate(data["text"]):
            if not text or not text.strip():
                continue
            words.append(Word(text.strip(), float(data["conf"][i]), int(data["left"][i]), int(data["top"][i]),
                              int(data["width"][i]), int(data["height"][i]),
                              (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))))
        return words


register_engine(TesseractEngine.name, TesseractEngine)
