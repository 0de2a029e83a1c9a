"""Worker faults seen from the batch: a page whose worker dies or runs over time fails
alone, with its reason; the good files are written and the exit code is the partial
failure's.  The engines are Tesseract behind a stub that kills or stalls its own worker
on one page (told apart by its width), the way a native crash or a hang would."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from diacritic_restore.cli import main
from diacritic_restore.errors import ExitCode
from diacritic_restore.ocr.engine import register_engine
from diacritic_restore.ocr.tesseract import TesseractEngine
from diacritic_restore.pipeline.batch import REPORT
from diacritic_restore.train.render import render_document

BAD_WIDTH = 1401  # the page the stub engines fail on


class _Faulty(TesseractEngine):
    def words(self, image_path, lang, psm, dpi, timeout):
        if Image.open(image_path).width == BAD_WIDTH:
            self.fault()
        return super().words(image_path, lang, psm, dpi, timeout)


class KillingEngine(_Faulty):
    name = "test-killing"

    def fault(self) -> None:
        os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in a native library would


class StallingEngine(_Faulty):
    name = "test-stalling"

    def fault(self) -> None:
        time.sleep(3600)  # as a hung decoder would


register_engine(KillingEngine.name, KillingEngine)
register_engine(StallingEngine.name, StallingEngine)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("in")
    lines = ["Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh.",
             "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."]
    (img,), _ = render_document(lines, level="clean", seed=3)
    page = Image.fromarray(np.asarray(img)[:600])
    page.save(d / "good.png", dpi=(300, 300))
    page.crop((0, 0, BAD_WIDTH, page.height)).save(d / "bad.png", dpi=(300, 300))
    (d / "note.txt").write_text(lines[1] + "\n", encoding="utf-8")
    return d


@pytest.mark.parametrize("engine, reason", [
    (KillingEngine.name, "died (killed by signal 9"),
    (StallingEngine.name, "timed out after 5 s"),
])
def test_a_page_that_kills_or_hangs_its_worker_fails_alone(pages, tmp_path, engine, reason):
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'unit_timeout = 5\n[ocr]\nengine = "{engine}"\n', encoding="utf-8")
    out = tmp_path / "out"
    t = time.monotonic()
    code = main(["run", str(pages), "-o", str(out), "--config", str(cfg), "-j", "2", "-q"])
    assert code == ExitCode.PARTIAL and time.monotonic() - t < 120
    rep = json.loads((out / REPORT).read_text(encoding="utf-8"))
    by = {Path(d["input"]).name: d for d in rep["details"]}
    assert by["bad.png"]["status"] == "failed" and reason in by["bad.png"]["reason"]
    assert by["bad.png"]["exit_code"] == ExitCode.LIMIT
    assert by["good.png"]["status"] == "done" and by["note.txt"]["status"] == "done"
    assert "Quyết định" in (out / "good.txt").read_text(encoding="utf-8")
    # what native code prints in a worker goes to the log under the unit it came from
    log = (out / ".vnrestore-workers.log").read_text(encoding="utf-8")
    assert f"image {pages / 'bad.png'} 0" in log and "note.txt" in log
    # recorded: a rerun reports it without running it again
    t = time.monotonic()
    assert main(["run", str(pages), "-o", str(out), "--config", str(cfg), "-j", "2", "-q"]) == ExitCode.PARTIAL
    assert time.monotonic() - t < 5
