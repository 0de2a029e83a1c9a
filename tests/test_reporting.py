"""What a batch says about itself: Ctrl-C still writes report.json, a resumed run's
report (skipped documents, pages/s, each file's own seconds), review counts, logging,
and a terminal that gets one clean status line while native libraries complain."""

from __future__ import annotations

import io
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diacritic_restore.cli import main
from diacritic_restore.errors import ExitCode
from diacritic_restore.pipeline import batch as batch_mod
from diacritic_restore.pipeline.batch import REPORT
from diacritic_restore.pipeline.report import FileReport, batch_report, summary

T = "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh.\n"
LINES = [
    T,
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n",
    "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở, ban, ngành chịu trách nhiệm thi hành.\n",
    "Nơi nhận: Như Điều 3; Thường trực Tỉnh ủy; Lưu: VT.\n",
]
WORKER_LOG = ".vnrestore-workers.log"  # where native libraries' messages go
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONUNBUFFERED": "1"}


def write_texts(root: Path, n: int, lines: int = 4) -> list[Path]:
    paths = []
    for k in range(n):
        p = root / f"nam-{k % 3}" / f"qd{k:03d}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("".join(LINES[(k + j) % len(LINES)] for j in range(lines)), encoding="utf-8")
        paths.append(p)
    return paths


def report_of(out: Path) -> dict:
    return json.loads((out / REPORT).read_text(encoding="utf-8"))


def test_ctrl_c_writes_a_partial_report(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write_texts(src, 240, lines=40)
    proc = subprocess.Popen([sys.executable, "-m", "diacritic_restore", "run", str(src), "-o", str(out), "-j", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, start_new_session=True)
    try:
        end = time.monotonic() + 90
        # two outputs: the first document is recorded (one worker: documents end in turn)
        while len(list(out.glob("nam-*/*.txt"))) < 2 and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    assert proc.returncode == ExitCode.INTERRUPTED, err.decode()
    rep = report_of(out)  # today: no report at all
    assert rep["interrupted"] is True
    assert rep["done"] >= 1 and rep["not_reached"] >= 1
    assert rep["done"] + rep["failed"] + rep["not_reached"] == rep["files"] == 240
    assert {d["status"] for d in rep["details"]} <= {"done", "not reached"}
    done = {Path(d["input"]) for d in rep["details"] if d["status"] == "done"}
    assert all((out / p.relative_to(src)).with_suffix(".txt").exists() for p in done)


def test_resumed_run_counts_only_its_own_pages_and_seconds(tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    write_texts(src, 6, lines=12)
    assert main(["run", str(src), "-o", str(out), "-j", "1"]) == ExitCode.OK
    first = report_of(out)
    # each file's seconds are its own: with one worker they add up to no more than the run
    own = sum(d["seconds"] for d in first["details"])
    assert 0 < own <= first["seconds"] * 1.05 + 0.05, (own, first["seconds"])  # today: ~3x the run
    extra = src / "moi" / "qd-moi.txt"
    extra.parent.mkdir()
    extra.write_text(T * 3, encoding="utf-8")
    capsys.readouterr()
    assert main(["run", str(src), "-o", str(out), "-j", "1"]) == ExitCode.OK
    rep = report_of(out)
    assert (rep["files"], rep["done"], rep["skipped"], rep["failed"]) == (7, 1, 6, 0)
    assert rep["pages"] == 7 and rep["pages_processed"] == 1
    assert rep["pages_per_second"] == pytest.approx(1 / rep["seconds"], rel=0.01)
    new = next(d for d in rep["details"] if d["status"] == "done")
    assert new["seconds"] <= rep["seconds"]
    err = capsys.readouterr().err
    assert "7 files: 1 done, 6 skipped (done before), 0 failed" in err
    assert "7 pages (1 processed in this run)" in err


def test_review_counts_and_the_exit_code_it_may_give():
    ok = FileReport(input="a.txt", status="done", pages=1)
    doubt = FileReport(input="b.jpg", status="done", pages=1, review_reasons=["many words changed by restore"])
    rep = batch_report([ok, doubt], 2, 0, started="s", finished="f", output_dir="out", jobs=1, seconds=1.0,
                       settings_key="k")
    assert rep.review == 1 and rep.exit_code == ExitCode.OK
    assert "2 files: 2 done, 0 skipped (done before), 0 failed, 1 need review" in summary(rep)
    assert "  review: b.jpg: many words changed by restore" in summary(rep)
    rep.fail_on_review = True
    assert rep.exit_code != ExitCode.OK


def test_a_skipped_document_keeps_its_review_reasons(tmp_path):
    """The ledger keeps no review reasons: a rerun reads them from the pages in NAME.json."""
    src, out = tmp_path / "in", tmp_path / "out"
    write_texts(src, 2)
    assert main(["run", str(src), "-o", str(out), "-j", "1", "-q"]) == ExitCode.OK
    meta = out / "nam-0" / "qd000.json"
    doc = json.loads(meta.read_text(encoding="utf-8"))
    doc["pages"][0]["review_reasons"] = ["low OCR confidence (0.41 < 0.6)"]
    meta.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["run", str(src), "-o", str(out), "-j", "1", "-q"]) == ExitCode.OK
    rep = report_of(out)
    assert rep["skipped"] == 2 and rep["review"] == 1
    (seen,) = [d for d in rep["details"] if d["review_reasons"]]
    assert seen["review_reasons"] == ["low OCR confidence (0.41 < 0.6)"] and seen["input"].endswith("qd000.txt")


def test_native_messages_of_the_main_process_go_to_the_log(tmp_path, monkeypatch, capfd):
    """Page counting opens images and PDFs in the main process; what their native
    libraries write on fd 2 must not reach the terminal (simulated: the real libraries
    complain only when decoding, which workers do)."""
    real = batch_mod.unit_count

    def noisy(path, kind):
        os.write(2, b"Premature end of JPEG file\n")
        return real(path, kind)

    monkeypatch.setattr(batch_mod, "unit_count", noisy)
    src, out = tmp_path / "in", tmp_path / "out"
    write_texts(src, 2)
    assert main(["run", str(src), "-o", str(out), "-j", "1", "-q"]) == ExitCode.OK
    assert "Premature end of JPEG" not in capfd.readouterr().err  # today: printed twice
    assert "Premature end of JPEG" in (out / WORKER_LOG).read_text(encoding="utf-8")


def test_logging_verbose_and_log_file(tmp_path):
    from diacritic_restore.pipeline.logs import reset_logging, setup_logging

    src, out, log = tmp_path / "in", tmp_path / "out", tmp_path / "run.log"
    write_texts(src, 2)
    (src / "hong.txt").write_bytes(b"\x00\x01\x02" * 400)
    err = io.StringIO()
    setup_logging(verbose=True, log_file=log, quiet=False, stream=err)
    try:
        rep = batch_mod.run_batch([str(src)], out, quiet=False)
    finally:
        reset_logging()
    assert rep.failed == 1 and rep.done == 2
    lines = err.getvalue().splitlines()
    assert any(ln.startswith("vnrestore: ") and "hong.txt" in ln and "binary" in ln for ln in lines)
    assert sum(": done, 1 pages" in ln for ln in lines) == 2  # --verbose: a line per document
    text = log.read_text(encoding="utf-8")
    assert "WARNING" in text and "INFO" in text and text[:4].isdigit()  # timestamps


def _read_pty(argv: list[str], cwd: Path, timeout: float = 120) -> tuple[str, int]:
    """Run ``argv`` on a new pseudo-terminal (100 columns); everything it wrote there."""
    import fcntl
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=ENV,
                            start_new_session=True)
    os.close(slave)
    buf = b""
    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end:
            r, _, _ = select.select([master], [], [], 0.5)
            if r:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: every writer is gone
                    break
                if not data:
                    break
                buf += data
            elif proc.poll() is not None:
                break
        rc = proc.wait(timeout=max(1.0, end - time.monotonic()))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        os.close(master)
    return buf.decode("utf-8", "replace"), rc


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")
def test_status_line_stays_one_clean_line_while_libjpeg_complains(tmp_path):
    from PIL import Image, ImageDraw

    src = tmp_path / "in"
    write_texts(src, 3)
    im = Image.new("L", (1400, 900), 255)
    d = ImageDraw.Draw(im)
    for i in range(12):
        d.text((60, 60 + 60 * i), "Dieu 1. Ban hanh kem theo Quyet dinh nay Quy che lam viec", fill=0)
    im.save(src / "scan.jpg", quality=90)
    data = (src / "scan.jpg").read_bytes()
    (src / "rach.jpg").write_bytes(data[: len(data) // 2])  # libjpeg: "Premature end of JPEG file"
    cmd = [sys.executable, "-m", "diacritic_restore", "run", "in", "-o", "out", "-j", "1"]
    screen, rc = _read_pty(cmd, tmp_path)
    assert rc == ExitCode.OK, screen
    assert "Premature end of JPEG" not in screen and "Corrupt JPEG" not in screen
    assert "Premature end of JPEG" in (tmp_path / "out" / WORKER_LOG).read_text(encoding="utf-8")
    bar, _, rest = screen.partition("5 files:")
    assert "\n" not in bar and "pages/s" in bar  # the status line, redrawn in place, then cleared
    summary_lines = rest.replace("\r\n", "\n")  # the terminal's line ends
    assert "\r" not in summary_lines and summary_lines.rstrip("\n").splitlines()[-1].startswith("report: ")
    quiet, rc = _read_pty(cmd + ["--force", "-q"], tmp_path)
    assert rc == ExitCode.OK and quiet == ""
