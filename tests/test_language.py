"""Text that is not Vietnamese passes through restore unchanged (do no harm)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from diacritic_restore import restore
from diacritic_restore.text.language import foreign_lines

ROOT = Path(__file__).resolve().parent.parent
FRENCH = ("Le comité a décidé de reporter la séance à la semaine prochaine, faute de données.\n"
          "Il s'est rendu à Paris au début de l'année pour présenter le rapport de la commission.\n")
ENGLISH = "The archive keeps every scanned page in its original form, together with its catalogue record.\n"
GERMAN = "Die Kommission hat beschlossen, die Sitzung auf die nächste Woche zu verschieben.\n"


def test_no_vietnamese_line_is_taken_for_foreign():
    """Correct, stripped and English-model OCR Vietnamese of the corpora: not one line."""
    files = [*sorted((ROOT / "corpora" / "seeds").glob("*.txt")), ROOT / "corpora" / "ocr-eng" / "heldout_ocr.txt",
             ROOT / "corpora" / "ocr-eng" / "heldout_truth.txt", *sorted((ROOT / "corpora" / "scans-gold").glob("*.txt"))]
    flagged = [(f.name, line) for f in files for line, x in
               zip(f.read_text(encoding="utf-8").split("\n"), foreign_lines(f.read_text(encoding="utf-8"))) if x]
    assert flagged == []
    assert all(foreign_lines(t)[0] for t in (FRENCH, ENGLISH, GERMAN))


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
@pytest.mark.parametrize("text", [FRENCH, ENGLISH, GERMAN])
def test_foreign_prose_comes_back_byte_identical(tmp_path, text, encoding):
    src = tmp_path / "doc.txt"
    src.write_bytes(text.encode(encoding))
    p = subprocess.run([sys.executable, "-m", "diacritic_restore", "restore", str(src)], capture_output=True)
    assert p.returncode == 0 and p.stdout.decode("utf-8") == text


def test_foreign_line_inside_a_vietnamese_document():
    doc = "Cong tac ket nap dang vien\n" + FRENCH + "duoc cac cap uy quan tam lanh dao"
    out = restore(doc)
    assert out == "Công tác kết nạp đảng viên\n" + FRENCH + "được các cấp uỷ quan tâm lãnh đạo"


def test_english_names_inside_vietnamese_are_kept():
    assert restore("Cong ty Microsoft va Google to chuc hoi thao tai Ha Noi") \
        == "Công ty Microsoft và Google tổ chức hội thảo tại Hà Nội"
