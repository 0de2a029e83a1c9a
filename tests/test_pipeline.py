"""The pipeline's plugs: page results that keep every word's box, the executor
protocol, the output-writer registry, the document-finished hook, the model manifest
and the ledger's schema version, decoder settings from a config file."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import cv2
import pytest
from PIL import Image

from conftest import FIXTURES
from diacritic_restore.cli import main
from diacritic_restore.errors import ExitCode, ModelError
from diacritic_restore.models import store
from diacritic_restore.ocr.page import OcrWord, attach_restored
from diacritic_restore.pipeline.batch import LEDGER, DocumentDone, run_batch
from diacritic_restore.pipeline.document import process
from diacritic_restore.pipeline.executors import LocalExecutor, register_executor
from diacritic_restore.pipeline.ledger import SCHEMA_VERSION, settings_key
from diacritic_restore.pipeline.options import RunOptions, load_options
from diacritic_restore.pipeline.outputs import OutputWriter, register_writer
from diacritic_restore.train.render import render_document

HEADER = (["TỈNH UỶ SÓC TRĂNG", "*", "Số 15-CT/TU"],
          ["ĐẢNG CỘNG SẢN VIỆT NAM", "Sóc Trăng, ngày 23 tháng 12 năm 2022"])
BODY = ["CHỈ THỊ", "về đẩy mạnh công tác kết nạp đảng viên giai đoạn 2023-2025",
        "Những năm qua, công tác kết nạp đảng viên được các cấp uỷ, tổ chức đảng quan tâm lãnh đạo, chỉ đạo "
        "và đạt được nhiều kết quả quan trọng; số lượng và chất lượng đảng viên mới từng bước được nâng lên."]


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("scan")
    imgs, _ = render_document(BODY, "clean", seed=5, header=HEADER)
    p = d / "chi-thi.png"
    Image.fromarray(imgs[0]).save(p, dpi=(300, 300))
    return p


# ------------------------------------------------------------------ page results


def test_page_result_keeps_every_word_with_its_box(scan):
    doc = process(scan, RunOptions(jobs=1))
    (page,) = doc.page_results
    assert page.source == "ocr" and page.restored and page.ocr_text and page.words
    w_img, h_img = page.image_size
    gray = cv2.imread(str(scan), cv2.IMREAD_GRAYSCALE)
    assert gray.shape == (h_img, w_img)  # a clean 300 dpi page: boxes are in its own pixels
    for w in page.words:
        x, y, bw, bh = w.box
        assert 0 <= x and 0 <= y and x + bw <= w_img and y + bh <= h_img and bw > 0 and bh > 0
        assert 0 <= w.confidence <= 1 and page.ocr_text[w.start:w.end] == w.text
        # the box holds the printed word: ink inside, far darker than the page
        assert gray[y:y + bh, x:x + bw].mean() < 0.9 * gray.mean()
    assert [w.line for w in page.words] == sorted(w.line for w in page.words)
    assert [w.block for w in page.words] == sorted(w.block for w in page.words)
    # the header's two columns are two blocks before the body's
    assert len({w.block for w in page.words}) >= 3
    # every restored word stands where its OCR word stood, in order
    restored = [w.restored for w in page.words if w.restored]
    assert restored == page.text.split()
    by_text = {w.restored: w for w in page.words}
    assert "Trăng," in by_text and "đảng" in by_text and "Số" in by_text
    assert by_text["Trăng,"].box[1] < by_text["đảng"].box[1]  # the header is above the body


def test_restored_parts_follow_joins_and_changes():
    text = "Chi thi nay đư ợc ban hanh\n"
    words, pos = [], 0
    for k, t in enumerate(text.split()):
        start = text.index(t, pos)
        words.append(OcrWord(text=t, box=(10 * k, 0, 8, 10), confidence=0.9, line=0, block=0, start=start,
                             end=start + len(t)))
        pos = start + len(t)
    attach_restored(words, text, "Chỉ thị này được ban hành\n")
    assert [w.restored for w in words] == ["Chỉ", "thị", "này", "được", "", "ban", "hành"]


# ------------------------------------------------------------------ executor, writers, hook


class CountingExecutor(LocalExecutor):
    """Another executor behind the protocol: the local one, counting the units it ran."""

    units = 0

    def map_unordered(self, fn, tasks):
        for tag, res in super().map_unordered(fn, tasks):
            CountingExecutor.units += 1
            yield tag, res


def _words_tsv(doc) -> bytes:
    rows = [f"{pg.index}\t{w.text}\t{w.restored}\t{','.join(map(str, w.box))}"
            for pg in doc.page_results for w in pg.words]
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_executor_writers_and_hook_plug_in(scan, tmp_path):
    register_executor("counting", CountingExecutor)
    register_writer(OutputWriter("words", ".words.tsv", _words_tsv, "each OCR word, its restored text and box"))
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(scan, src / scan.name)
    (seed,) = FIXTURES.glob("003_*.txt")
    shutil.copy(seed, src / seed.name)
    seen: list[DocumentDone] = []
    opts = RunOptions(jobs=2, executor="counting", outputs=["txt", "json", "words"])
    rep = run_batch([str(src)], tmp_path / "out", opts, quiet=True, on_document=seen.append)
    assert rep.done == 2 and CountingExecutor.units == 2
    words = (tmp_path / "out" / "chi-thi.words.tsv").read_text(encoding="utf-8").splitlines()
    assert any(r.split("\t")[2] == "Trăng," for r in words)
    # the hook had each whole document: text, page results with boxes, metadata, outputs
    by_name = {Path(d.report.input).name: d for d in seen}
    scan_done = by_name[scan.name]
    assert scan_done.result is not None and scan_done.result.page_results[0].words
    assert scan_done.result.metadata.symbol.value == "15-CT/TU"
    assert [p.name for p in scan_done.outputs] == ["chi-thi.txt", "chi-thi.json", "chi-thi.words.tsv"]
    # the same batch on the local pool writes the same bytes; a rerun skips both and the
    # hook hears of them as skipped, without a result
    rep2 = run_batch([str(src)], tmp_path / "out2", RunOptions(jobs=1, outputs=["txt", "json", "words"]), quiet=True)
    assert rep2.done == 2
    for name in ("chi-thi.txt", "chi-thi.words.tsv", seed.stem + ".txt", seed.stem + ".json"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()
    seen.clear()
    rep3 = run_batch([str(src)], tmp_path / "out", opts, quiet=True, on_document=seen.append)
    assert rep3.skipped == 2 and all(d.report.status == "skipped" and d.result is None for d in seen)


def test_unknown_output_type_or_executor_is_a_usage_error(tmp_path, capsys):
    (seed,) = FIXTURES.glob("003_*.txt")
    cfg = tmp_path / "c.toml"
    cfg.write_text('outputs = ["txt", "pdf-of-the-future"]\n', encoding="utf-8")
    assert main(["run", str(seed), "-o", str(tmp_path / "o"), "--config", str(cfg)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pdf-of-the-future" in err


# ------------------------------------------------------------------ decoder settings


def test_decoder_settings_come_from_the_config_file(tmp_path):
    cfg = tmp_path / "v.toml"
    cfg.write_text("[decoder]\nmax_candidates = 1\nbeam = 5.0\n", encoding="utf-8")
    opts = load_options(cfg)
    assert opts.decoder.max_candidates == 1 and opts.decoder.beam == 5.0
    src = tmp_path / "stripped.txt"
    src.write_text("cong tac ket nap dang vien duoc cac cap uy quan tam lanh dao\n", encoding="utf-8")
    assert main(["run", str(src), "-o", str(tmp_path / "a"), "-q", "--jobs", "1"]) == 0
    assert main(["run", str(src), "-o", str(tmp_path / "b"), "-q", "--jobs", "1", "--config", str(cfg)]) == 0
    default = (tmp_path / "a" / "stripped.txt").read_text(encoding="utf-8")
    one_candidate = (tmp_path / "b" / "stripped.txt").read_text(encoding="utf-8")
    assert default == "công tác kết nạp đảng viên được các cấp uỷ quan tâm lãnh đạo\n"
    assert one_candidate != default  # the knob reached the decoder
    bad = tmp_path / "bad.toml"
    bad.write_text("[decoder]\nbeam = -1\n", encoding="utf-8")
    assert main(["run", str(src), "-o", str(tmp_path / "c"), "--config", str(bad)]) == ExitCode.USAGE


# ------------------------------------------------------------------ models and ledger


def _model_copy(tmp_path: Path) -> Path:
    d = tmp_path / "models"
    d.mkdir()
    for f in (*store.FILES, store.FileFormat(store.MANIFEST, "", 0)):
        shutil.copy2(store.shipped_dir() / f.name, d / f.name)
    return d


def test_manifest_is_checked_when_models_load(tmp_path):
    from diacritic_restore.restore.loader import _load_uncached

    d = _model_copy(tmp_path)
    doc = json.loads((d / "channel.json").read_text(encoding="utf-8"))
    doc["meta"]["edited"] = "by hand"  # still a valid channel file, but not the one the manifest pins
    (d / "channel.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ModelError, match="channel.json: differs from its manifest"):
        _load_uncached(d, None)
    (d / store.MANIFEST).unlink()
    with pytest.raises(ModelError, match="no manifest.json"):
        _load_uncached(d, None)


def test_settings_key_follows_the_manifest_not_file_times(tmp_path):
    import os

    d = _model_copy(tmp_path)
    opts = RunOptions(model_dir=str(d))
    key = settings_key(opts)
    for f in d.iterdir():  # a byte-identical rebuild: new times, same bytes
        os.utime(f, (1, 1))
    assert settings_key(opts) == key
    (d / "lexicon.tsv").write_bytes((d / "lexicon.tsv").read_bytes() + b"\n")
    store.write_manifest(d)  # a real rebuild writes a new manifest
    assert settings_key(opts) != key
    assert settings_key(RunOptions(model_dir=str(d), jobs=1)) == settings_key(RunOptions(model_dir=str(d), jobs=7))


def test_ledger_has_a_schema_version(tmp_path, capsys):
    (seed,) = FIXTURES.glob("004_*.txt")
    out = tmp_path / "o"
    assert main(["run", str(seed), "-o", str(out), "-q", "--jobs", "1"]) == 0
    con = sqlite3.connect(str(out / LEDGER))
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    capsys.readouterr()
    # a ledger of a newer vnrestore is not misread: moved aside, and rebuilt from the outputs
    assert main(["run", str(seed), "-o", str(out), "-q", "--jobs", "1"]) == ExitCode.OK
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newer vnrestore" in err and "moved aside" in err and "Traceback" not in err


def test_unit_failure_keeps_its_kind_across_processes(scan, tmp_path):
    """A page that fails in a worker process comes back as the error it was."""
    from diacritic_restore.errors import OcrEngineError
    from diacritic_restore.ocr.options import OcrOptions

    two = tmp_path / "two.tiff"
    img = Image.open(scan)
    img.save(two, save_all=True, append_images=[img.copy()], dpi=(300, 300))
    with pytest.raises(OcrEngineError, match="page [12]: OCR timed out"):
        process(two, RunOptions(jobs=2, ocr=OcrOptions(timeout=0.01)))


def test_document_json_says_how_a_text_was_read_and_what_was_left_alone(tmp_path):
    """NAME.json gives the encoding, its margin over UTF-8 and the lines not in Vietnamese."""
    from diacritic_restore.text.charsets import encode

    french = "Le projet de loi sur la protection des données personnelles a été adopté par le parlement."
    text = f"Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh.\n{french}\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(encode(text, "tcvn3"))
    (tmp_path / "in" / "b.txt").write_text(text, encoding="utf-8")
    assert main(["run", str(tmp_path / "in"), "-o", str(tmp_path / "out")]) == 0
    for name, enc in (("a", "tcvn3"), ("b", "utf-8")):
        page = json.loads((tmp_path / "out" / f"{name}.json").read_text(encoding="utf-8"))["pages"][0]
        assert page["encoding"] == enc and page["not_vietnamese_lines"] == [2]
        if enc == "utf-8":  # bytes that are no valid UTF-8 have no margin over it
            assert page["encoding_margin_over_utf8"] > 0
        assert (tmp_path / "out" / f"{name}.txt").read_text(encoding="utf-8").splitlines()[1] == french
