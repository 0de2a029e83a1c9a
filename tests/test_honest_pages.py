"""Honest pages: a page scanned sideways or upside down is turned upright before OCR
and the turn is recorded; every page gets a verdict (ok / review with reasons); an
input with no text at all is a failure, never an empty success.

Needs Tesseract with the ``vie`` and ``osd`` models.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import gold_paragraphs
from diacritic_restore.errors import InputError, VnrestoreError
from diacritic_restore.evaluate import measure
from diacritic_restore.ocr.engine import ENGINES, register_engine
from diacritic_restore.ocr.options import OcrOptions
from diacritic_restore.ocr.orientation import lines_look_vertical
from diacritic_restore.ocr.page import PageResult
from diacritic_restore.ocr.reader import read_page
from diacritic_restore.ocr.tesseract import TesseractEngine
from diacritic_restore.ocr.verdict import MIN_OCR_CONFIDENCE, MIN_ORIENTATION_CONFIDENCE, document_reasons, judge
from diacritic_restore.pipeline.document import process, run
from diacritic_restore.pipeline.options import RunOptions
from diacritic_restore.train.render import render_document

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

HEADER = (["TỈNH UỶ SÓC TRĂNG", "*", "Số 15-CT/TU"],
          ["ĐẢNG CỘNG SẢN VIỆT NAM", "Sóc Trăng, ngày 23 tháng 12 năm 2022"])


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> tuple[Image.Image, str, Path]:
    """A rendered page (300 dpi, medium degradation), its true text and its PNG."""
    d = tmp_path_factory.mktemp("upright")
    imgs, truths = render_document(gold_paragraphs(n=4), "medium", seed=3, header=HEADER)
    im = Image.fromarray(imgs[0])
    p = d / "trang.png"
    im.save(p, dpi=(300, 300))
    return im, truths[0], p


def _turned(page, angle: int, tmp_path: Path) -> Path:
    im, _, _ = page
    p = tmp_path / f"xoay-{angle}.png"
    im.rotate(angle, expand=True, fillcolor=255).save(p, dpi=(300, 300))  # counter-clockwise
    return p


OCR_ONLY = RunOptions(jobs=1, restore=False)


# ------------------------------------------------------------------ orientation


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_turned_page_is_read_upright(page, angle, tmp_path):
    _, truth, upright_png = page
    upright = process(upright_png, OCR_ONLY)
    res = process(_turned(page, angle, tmp_path), OCR_ONLY)
    pg = res.page_results[0]
    # the page came in turned counter-clockwise by `angle`: turned back clockwise by as much
    assert pg.rotation == angle and res.pages[0].rotation == angle
    assert pg.orientation_confidence is not None and pg.orientation_confidence >= MIN_ORIENTATION_CONFIDENCE
    assert pg.verdict == "ok", pg.review_reasons
    acc = measure(res.text, truth).syllable_accuracy
    assert acc >= 0.9 * measure(upright.text, truth).syllable_accuracy and acc >= 0.85
    assert upright.page_results[0].rotation == 0


def test_rotation_is_recorded_in_name_json(page, tmp_path):
    res, _ = run(_turned(page, 180, tmp_path), tmp_path / "out", OCR_ONLY)
    meta = json.loads((tmp_path / "out" / "xoay-180.json").read_text(encoding="utf-8"))
    assert meta["pages"][0]["rotation"] == 180
    assert meta["pages"][0]["verdict"] == "ok" and meta["pages"][0]["review_reasons"] == []
    assert res.review_reasons == []


@pytest.mark.parametrize("angle", [180, 270])
def test_no_rotate_leaves_a_turned_page_garbled_and_says_so(page, tmp_path, angle):
    _, truth, _ = page
    opts = RunOptions(jobs=1, restore=False, ocr=OcrOptions(rotate=False))
    res = process(_turned(page, angle, tmp_path), opts)
    pg = res.page_results[0]
    assert pg.rotation == 0 and pg.orientation_confidence is None
    assert measure(res.text, truth).syllable_accuracy < 0.5
    assert pg.verdict == "review"
    if angle == 180:  # upside down: garbage the engine itself doubts
        assert any(r.startswith("low OCR confidence (") for r in pg.review_reasons)
    else:  # sideways: vertical lines read with confidence, in a scrambled order
        assert pg.sideways and "orientation doubtful (text lines run up and down, page not turned)" in pg.review_reasons
    assert res.review_reasons == pg.review_reasons and res.pages[0].verdict == "review"


# ------------------------------------------------------------------ verdicts


def test_good_page_is_ok(page):
    res = process(page[2], RunOptions(jobs=1))
    pg = res.page_results[0]
    assert pg.verdict == "ok" and pg.review_reasons == [] and pg.rotation == 0
    assert res.review_reasons == [] and res.metadata.pages[0].verdict == "ok"


def _photo(path: Path, seed: int = 0) -> Path:
    """A photo-like page: smooth blobs of grey, no text."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (33, 25)).astype(np.uint8)
    Image.fromarray(small).resize((2500, 3300), Image.BICUBIC).save(path, dpi=(300, 300))
    return path


def test_photo_page_is_review_with_reasons(tmp_path):
    res = process(_photo(tmp_path / "anh.png"), RunOptions(jobs=1))
    pg = res.page_results[0]
    assert pg.verdict == "review", pg
    assert pg.review_reasons and all("(" in r and r.endswith(")") for r in pg.review_reasons)
    assert res.review_reasons == pg.review_reasons
    assert res.metadata.pages[0].review_reasons == pg.review_reasons


def test_noise_page_is_review(tmp_path):
    rng = np.random.default_rng(1)
    p = tmp_path / "nhieu.png"
    Image.fromarray(rng.integers(0, 256, (1754, 1240), dtype=np.uint8)).save(p, dpi=(300, 300))
    res = process(p, RunOptions(jobs=1))
    pg = res.page_results[0]
    assert pg.words and pg.verdict == "review"
    assert any(r.startswith("low OCR confidence (") for r in res.review_reasons)


def test_document_reasons_carry_page_numbers(page, tmp_path):
    im, _, _ = page
    tif = tmp_path / "hai-trang.tif"
    photo = Image.open(_photo(tmp_path / "anh.png"))
    im.save(tif, save_all=True, append_images=[photo], dpi=(300, 300))
    res = process(tif, RunOptions(jobs=1, restore=False))
    assert [pg.verdict for pg in res.page_results] == ["ok", "review"]
    assert res.review_reasons and all(r.startswith("page 2: ") for r in res.review_reasons)


def test_verdict_reasons_are_short_strings_with_the_number():
    pg = judge(PageResult(index=0, source="ocr", text="x\n", mean_confidence=0.52, coverage=0.99))
    assert pg.review_reasons == [f"low OCR confidence (0.52 < {MIN_OCR_CONFIDENCE:.2f})"]
    english = "The committee reported that the original archive was damaged during the flood.\n" * 4
    pg = judge(PageResult(index=0, source="text", text=english))
    assert pg.verdict == "review" and pg.review_reasons == ["not Vietnamese (4/4 lines foreign)"]
    ok = judge(PageResult(index=0, source="text", text="Công văn số 15\n", restore_confidence=0.99))
    assert ok.verdict == "ok"
    assert document_reasons([ok, pg]) == ["page 2: not Vietnamese (4/4 lines foreign)"]


def test_english_text_document_is_review(tmp_path):
    p = tmp_path / "english.txt"
    p.write_text("The committee reported that the original archive was damaged during the flood.\n" * 4,
                 encoding="utf-8")
    res = process(p, RunOptions(jobs=1))
    assert res.page_results[0].verdict == "review"
    assert res.review_reasons == ["not Vietnamese (4/4 lines foreign)"]


# ------------------------------------------------------------------ no text: a failure


@pytest.mark.parametrize("content", [b"", b"  \n\n \t\n"])
def test_empty_text_file_is_a_failure(tmp_path, content):
    p = tmp_path / "rong.txt"
    p.write_bytes(content)
    with pytest.raises(VnrestoreError, match="no text found"):
        process(p, RunOptions(jobs=1))


def test_blank_image_is_a_failure(tmp_path):
    p = tmp_path / "trang-trang.png"
    Image.new("L", (2480, 3508), 255).save(p, dpi=(300, 300))
    with pytest.raises(InputError, match="no text found"):
        process(p, RunOptions(jobs=1))


def test_truncated_jpeg_is_a_failure(page, tmp_path):
    im, _, _ = page
    full = tmp_path / "full.jpg"
    im.save(full, quality=85, dpi=(300, 300))
    p = tmp_path / "cut.jpg"
    p.write_bytes(full.read_bytes()[:1500])  # the header and hardly any image data: decodes to flat grey
    with pytest.raises(InputError, match="no text found"):
        process(p, RunOptions(jobs=1))


def test_sideways_lines_are_seen_without_ocr(page):
    im, _, _ = page
    upright = np.asarray(im)
    assert not lines_look_vertical(upright) and not lines_look_vertical(np.rot90(upright, 2))
    assert lines_look_vertical(np.rot90(upright, 1)) and lines_look_vertical(np.rot90(upright, 3))
    assert not lines_look_vertical(np.full((3508, 2480), 255, np.uint8))


class _NoOsdEngine:
    """Tesseract's words, no orientation detection: such an engine never turns a page."""

    name = "no-osd"

    def check(self, lang: str) -> None:
        TesseractEngine().check(lang)

    def words(self, image_path, lang, psm, dpi, timeout):
        return TesseractEngine().words(image_path, lang, psm, dpi, timeout)


def test_engine_without_orientation_turns_nothing(page, tmp_path):
    register_engine(_NoOsdEngine.name, _NoOsdEngine)
    try:
        pg = read_page(_turned(page, 90, tmp_path), 0, OcrOptions(engine=_NoOsdEngine.name))
    finally:
        ENGINES.pop(_NoOsdEngine.name, None)
    assert pg.rotation == 0 and pg.orientation_confidence is None and pg.sideways
    assert "orientation doubtful (text lines run up and down, page not turned)" in pg.review_reasons


def test_a_doubtful_turn_is_review():
    pg = judge(PageResult(index=0, source="ocr", text="Công văn số 15\n", mean_confidence=0.93, coverage=0.99,
                          rotation=90, orientation_confidence=0.8))
    assert pg.review_reasons == [
        f"orientation doubtful (turned 90, OSD confidence 0.80 < {MIN_ORIENTATION_CONFIDENCE:.2f})"]
