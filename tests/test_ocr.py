"""Scans in: rendered Vietnamese pages and PDFs made here go through ``vnrestore run``.

Needs Tesseract with the ``vie`` model (``make setup`` / ``.ci/run`` install it).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import gold_paragraphs as paragraphs
from diacritic_restore.cli import main
from diacritic_restore.evaluate import measure
from diacritic_restore.ocr import tesseract as ocrmod
from diacritic_restore.ocr.layout import Word, order_lines
from diacritic_restore.ocr.pages import usable_text_layer
from diacritic_restore.ocr.preprocess import PreprocessOptions, preprocess, skew_angle
from diacritic_restore.pipeline.document import process
from diacritic_restore.pipeline.options import RunOptions
from diacritic_restore.train.render import Degradation, find_font, render_document

HEADER = (["TỈNH UỶ SÓC TRĂNG", "*", "Số 15-CT/TU"],
          ["ĐẢNG CỘNG SẢN VIỆT NAM", "Sóc Trăng, ngày 23 tháng 12 năm 2022"])

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def save_png(arr: np.ndarray, path: Path) -> Path:
    Image.fromarray(arr).save(path, dpi=(300, 300))
    return path


@pytest.fixture(scope="module")
def rendered_page(tmp_path_factory):
    d = tmp_path_factory.mktemp("page")
    imgs, truths = render_document(paragraphs(0, 4), "medium", seed=3, header=HEADER)
    return save_png(imgs[0], d / "trang.png"), truths[0]


def test_rendered_page_through_run(rendered_page, tmp_path):
    png, truth = rendered_page
    out = tmp_path / "out"
    assert main(["run", str(png), "-o", str(out), "--jobs", "1", "-q"]) == 0
    text = (out / "trang.txt").read_text(encoding="utf-8")
    assert measure(text, truth).syllable_accuracy >= 0.98
    # the two header blocks are read one after the other, not interleaved
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert lines.index("Số 15-CT/TU") < lines.index("ĐẢNG CỘNG SẢN VIỆT NAM")
    assert lines[0] == "TỈNH UỶ SÓC TRĂNG"


def test_no_restore_gives_the_raw_ocr(rendered_page, tmp_path):
    png, truth = rendered_page
    res = process(png, RunOptions(restore=False, jobs=1))
    assert res.pages[0].source == "ocr" and res.pages[0].mean_confidence > 0.8
    assert not res.restored
    assert measure(res.text, truth).syllable_accuracy > 0.9


def test_two_page_pdf(tmp_path):
    imgs, truths = render_document(paragraphs(0, 12), "scan", seed=5)
    assert len(imgs) >= 2
    pdf = tmp_path / "hai trang.pdf"
    pages = [Image.fromarray(a) for a in imgs[:2]]
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=300.0)
    before = pdf.read_bytes()
    out = tmp_path / "out"
    assert main(["run", str(pdf), "-o", str(out), "--jobs", "2", "-q"]) == 0
    text = (out / "hai trang.txt").read_text(encoding="utf-8")
    got = text.split("\f")
    assert len(got) == 2  # pages in order, separated by a form feed
    for page_text, truth in zip(got, truths[:2]):
        assert measure(page_text, truth).syllable_accuracy >= 0.98
    assert pdf.read_bytes() == before


def test_pdf_text_layer_is_read_without_ocr(tmp_path, monkeypatch):
    from fpdf import FPDF

    paras = paragraphs(0, 2)
    doc = FPDF(format="A4")
    doc.add_page()
    doc.add_font("Serif", fname=str(find_font()))
    doc.set_font("Serif", size=13)
    for p in paras:
        doc.multi_cell(0, 7, p, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "layer.pdf"
    doc.output(str(path))

    def no_ocr(*a, **k):
        raise AssertionError("Tesseract was called for a page with a text layer")

    monkeypatch.setattr(ocrmod.TesseractEngine, "words", no_ocr)
    res = process(path, RunOptions(jobs=1))
    assert [p.source for p in res.pages] == ["text-layer"]
    assert " ".join(res.text.split()) == " ".join(" ".join(paras).split())


def test_rotated_page_is_deskewed():
    imgs, _ = render_document(paragraphs(0, 3), Degradation(rotate=2.0, paper=240, ink=30), seed=1)
    assert abs(skew_angle(imgs[0]) - 2.0) < 0.2
    level, report = preprocess(imgs[0], PreprocessOptions())
    assert abs(report.skew_degrees - 2.0) < 0.2
    assert abs(skew_angle(level)) < 0.2
    _, off = preprocess(imgs[0], PreprocessOptions(deskew=False))
    assert off.skew_degrees == 0.0


def test_low_resolution_page_is_upscaled():
    import cv2

    imgs, _ = render_document(paragraphs(0, 3), "clean")
    small = cv2.resize(imgs[0], None, fx=1 / 3, fy=1 / 3, interpolation=cv2.INTER_AREA)
    out, report = preprocess(small, PreprocessOptions(), declared_dpi=None)
    assert 90 <= report.dpi_in <= 110 and report.dpi_out == 300
    assert out.shape[1] == pytest.approx(imgs[0].shape[1], rel=0.01)


def test_two_column_band_reads_left_then_right():
    def w(text, x, y, key):
        return Word(text, 95.0, x, y, 40 * len(text), 40, key)

    words = [
        w("ỦY", 400, 100, (1, 1, 1)), w("BAN", 540, 100, (1, 1, 1)),
        w("CỘNG", 1300, 100, (1, 1, 1)), w("HÒA", 1520, 100, (1, 1, 1)),
        w("TỈNH", 400, 160, (2, 1, 1)), w("Độc", 1350, 170, (2, 1, 1)), w("lập", 1500, 170, (2, 1, 1)),
        w("Số:", 420, 240, (2, 1, 2)), w("Quảng", 1300, 250, (2, 1, 2)), w("Ngãi,", 1560, 250, (2, 1, 2)),
    ]
    # a full-width body line (word gaps of a space) ends the band
    x = 300
    for t in "Thực hiện Chỉ thị số 11/CT-TTg ngày 16 tháng 4 năm 2021 của Thủ tướng".split():
        words.append(w(t, x, 400, (3, 1, 1)))
        x += 40 * len(t) + 20
    lines = [" ".join(x.text for x in ln) for ln in order_lines(words, 2480)]
    assert lines == ["ỦY BAN", "TỈNH", "Số:", "CỘNG HÒA", "Độc lập", "Quảng Ngãi,",
                     "Thực hiện Chỉ thị số 11/CT-TTg ngày 16 tháng 4 năm 2021 của Thủ tướng"]


def test_text_layer_usability():
    good = " ".join(paragraphs(0, 1))
    assert usable_text_layer(good)
    english_ocr = "CONG Hcok xA HQI CHiJ NGHiA VIVT NAM Doc lap Tu do Hanh phuc " * 8
    assert not usable_text_layer(english_ocr)
    assert not usable_text_layer("Ký bởi: Trung tâm Công báo và Tin học Thời gian ký: 13.05.2025")


# ------------------------------------------------------------------ bad inputs


def test_missing_tesseract_names_the_package(rendered_page, tmp_path, monkeypatch, capsys):
    import shutil

    png, _ = rendered_page
    ocrmod.check_tesseract.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    try:
        assert main(["run", str(png), "-o", str(tmp_path / "o"), "-q"]) == 7
    finally:
        ocrmod.check_tesseract.cache_clear()
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "tesseract-ocr" in err and err.startswith("vnrestore: error:")


def test_missing_language_model_names_the_package(rendered_page, tmp_path, capsys):
    png, _ = rendered_page
    assert main(["run", str(png), "-o", str(tmp_path / "o"), "--lang", "xyz", "-q"]) == 7
    assert "tesseract-ocr-xyz" in capsys.readouterr().err


@pytest.mark.parametrize("name,data,message", [
    ("rac.png", os.urandom(1500), "not a readable image"),
    ("rong.pdf", b"", "empty file"),
    ("hong.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF", "not a readable PDF"),
])
def test_broken_scans_are_one_line_errors(tmp_path, capsys, name, data, message):
    p = tmp_path / name
    p.write_bytes(data)
    assert main(["run", str(p), "-o", str(tmp_path / "o"), "-q"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "o" / (p.stem + ".txt")).exists()


def test_page_where_layout_lost_text_is_retried(rendered_page):
    """A first reading that covers little of the page's ink is redone in another mode
    (a stub engine in front of Tesseract loses text in the first mode)."""
    from diacritic_restore.ocr.engine import register_engine
    from diacritic_restore.ocr.options import OcrOptions

    png, truth = rendered_page
    modes = []

    class LossyTesseract(ocrmod.TesseractEngine):
        name = "lossy-tesseract"

        def words(self, path, lang, psm, dpi, timeout):
            modes.append(psm)
            words = super().words(path, lang, psm, dpi, timeout)
            return words[:15] if psm == 3 else words

    register_engine(LossyTesseract.name, LossyTesseract)
    # no limits per unit: the unit runs in this process, where the stub counts its calls
    res = process(png, RunOptions(jobs=1, restore=False, ocr=OcrOptions(engine=LossyTesseract.name),
                                  unit_timeout=None, memory_mb=None))
    assert modes == [3, 6]
    assert res.pages[0].retried and res.pages[0].psm == 6 and res.pages[0].coverage > 0.8
    assert measure(res.text, truth).syllable_accuracy > 0.9


def test_run_writes_page_sources_beside_the_text(rendered_page, tmp_path):
    import json

    png, _ = rendered_page
    assert main(["run", str(png), "-o", str(tmp_path), "-q"]) == 0
    doc = json.loads((tmp_path / "trang.json").read_text(encoding="utf-8"))
    assert doc["pages"][0]["source"] == "ocr" and len(doc["sha256"]) == 64 and doc["page_count"] == 1
    assert 0.8 < doc["mean_confidence"] <= 1
    # the metadata of the scan, its two header blocks read apart
    assert doc["symbol"]["value"] == "15-CT/TU" and doc["issuer"]["value"] == "TỈNH UỶ SÓC TRĂNG"
    assert doc["date"]["value"] == "2022-12-23" and doc["place"]["value"] == "Sóc Trăng"


def test_python_api():
    import diacritic_restore as dr

    assert dr.RunOptions().ocr.lang == "vie" and dr.PreprocessOptions().deskew
