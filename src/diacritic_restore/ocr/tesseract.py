"""Tesseract as an :class:`~diacritic_restore.ocr.engine.OcrEngine`: TSV output through
pytesseract (words, boxes, confidences), one thread per process; its orientation and
script detection (OSD, ``--psm 0``, the ``osd`` model) says how a page is turned."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import lru_cache

from diacritic_restore.errors import InputError, OcrEngineError, OcrSetupError, VnrestoreError
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


# Leptonica's refusal of an image over 32767 pixels on a side
_TOO_LARGE = re.compile(r"Image too large: \((\d+), (\d+)\)")


def engine_error(status: int, message: object) -> VnrestoreError:
    """Tesseract's failure as one line: an image it cannot take for its size is the
    input's fault, anything else the engine's."""
    text = " ".join(str(message).split())
    m = _TOO_LARGE.search(text)
    if m:
        return InputError(f"the page image is too large for Tesseract ({m[1]} x {m[2]} pixels; "
                          "it takes at most 32767 on a side)")
    text = text.replace("Error during processing.", "").strip()
    if not text:
        text = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
    return OcrEngineError(f"the OCR engine failed: {text[:160]}")


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
        except pytesseract.TesseractError as exc:  # a RuntimeError too: first
            raise engine_error(exc.status, exc.message) from None
        except RuntimeError as exc:  # pytesseract's timeout (it has killed Tesseract)
            if "timeout" not in str(exc).lower():
                raise
            raise OcrEngineError(f"OCR timed out after {timeout:g} s") from None
        words = []
        for i, text in enumerate(data["text"]):
            if not text or not text.strip():
                continue
            words.append(Word(text.strip(), float(data["conf"][i]), int(data["left"][i]), int(data["top"][i]),
                              int(data["width"][i]), int(data["height"][i]),
                              (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))))
        return words

    def orientation(self, image_path: str, timeout: float = 60.0) -> tuple[int, float] | None:
        """Tesseract's OSD: the clockwise turn that sets the page upright and its
        orientation confidence.  A page with too little text for OSD, a missing
        ``osd`` model, an OSD failure or timeout: None (orientation unknown)."""
        import pytesseract

        try:
            osd = pytesseract.image_to_osd(image_path, config="--psm 0", timeout=timeout,
                                           output_type=pytesseract.Output.DICT)
            degrees, conf = int(osd["rotate"]) % 360, float(osd["orientation_conf"])
        except (RuntimeError, KeyError, ValueError, TypeError):  # TesseractError is a RuntimeError
            return None
        return (degrees, conf) if degrees in (0, 90, 180, 270) else None


register_engine(TesseractEngine.name, TesseractEngine)
