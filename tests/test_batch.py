"""Archive batch runs: many mixed inputs, broken ones reported while the rest is written,
resume after SIGKILL, the ledger, settings from a config file, and one-line errors."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from conftest import FIXTURES
from diacritic_restore.cli import main
from diacritic_restore.errors import ExitCode
from diacritic_restore.pipeline.batch import EXIT_ALL_FAILED, EXIT_PARTIAL, LEDGER, REPORT
from diacritic_restore.text.charsets import encode
from diacritic_restore.train.render import render_document

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parent.parent


def seed_chunks(lines_per_chunk: int = 14) -> list[str]:
    """The user's five seeds cut into short documents (real Vietnamese, several damage styles)."""
    out = []
    for p in sorted(FIXTURES.glob("00*_*.txt")):
        lines = p.read_text(encoding="utf-8").splitlines()
        for i in range(0, min(len(lines), 140), lines_per_chunk):
            chunk = "\n".join(lines[i:i + lines_per_chunk]).strip()
            if sum(c.isalpha() for c in chunk) > 200:
                out.append(chunk + "\n")
    return out


def make_text_tree(root: Path, n: int) -> list[Path]:
    chunks = seed_chunks()
    paths = []
    for k in range(n):
        sub = root / ("a" if k % 3 == 0 else "a/b" if k % 3 == 1 else "c")
        sub.mkdir(parents=True, exist_ok=True)
        p = sub / f"doc{k:02d}.txt"
        p.write_text(chunks[k % len(chunks)], encoding="utf-8")
        paths.append(p)
    return paths


def outputs(out: Path) -> dict[str, bytes]:
    """The documents' outputs: not the run's own state (ledger, report, workers' log)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith((".vnrestore-ledger", REPORT, ".vnrestore-workers.log"))}


@pytest.fixture(scope="module")
def mixed_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    texts = make_text_tree(root / "in", 44)
    # a legacy-encoded one (VNI) among them
    texts[5].write_bytes(encode(texts[5].read_text(encoding="utf-8"), "vni"))
    scans = root / "in" / "scans"
    scans.mkdir()
    body = [" ".join(ln.split()) for ln in seed_chunks()[2].splitlines() if ln.strip()]
    imgs, _ = render_document(body * 3, "medium", seed=11)
    Image.fromarray(imgs[0]).save(scans / "trang1.png", dpi=(300, 300))
    pages = [Image.fromarray(a) for a in imgs[:2]]
    pages[0].save(scans / "hai trang.pdf", save_all=True, append_images=pages[1:], resolution=300.0)
    tiff = [Image.fromarray(a) for a in imgs[:2]]  # fresh images: a PDF save leaves state on them
    tiff[0].save(scans / "nhieu-trang.tiff", save_all=True, append_images=tiff[1:], compression="tiff_deflate",
                 dpi=(300, 300))
    from fpdf import FPDF

    from diacritic_restore.train.render import find_font

    doc = FPDF(format="A4")
    doc.add_page()
    doc.add_font("Serif", fname=str(find_font()))
    doc.set_font("Serif", size=13)
    (good,) = FIXTURES.glob("001_*.txt")  # a good text layer, not the garbled OCR of 000
    layer_text = " ".join(good.read_text(encoding="utf-8").split()[20:400])
    doc.multi_cell(0, 7, layer_text, new_x="LMARGIN", new_y="NEXT")
    doc.output(str(scans / "lop-chu.pdf"))
    broken = root / "in" / "broken"
    broken.mkdir()
    (broken / "rong.pdf").write_bytes(b"")
    (broken / "rac.png").write_bytes(os.urandom(2000))
    (broken / "cut.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n")
    (broken / "nhi-phan.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (broken / "mat.txt").symlink_to(root / "nowhere.txt")
    (root / "in" / "ghi-chu.md").write_text("not a document", encoding="utf-8")
    out = root / "out"
    code = main(["run", str(root / "in"), "-o", str(out), "--jobs", "2", "-q"])
    return root, out, code


def test_mixed_batch_writes_the_good_and_reports_the_broken(mixed_batch):
    root, out, code = mixed_batch
    assert code == EXIT_PARTIAL
    rep = json.loads((out / REPORT).read_text(encoding="utf-8"))
    assert rep["files"] == 53 and rep["done"] == 48 and rep["failed"] == 5 and rep["ignored"] == 1
    failed = {Path(r["input"]).name: r["reason"] for r in rep["details"] if r["status"] == "failed"}
    assert set(failed) == {"rong.pdf", "rac.png", "cut.pdf", "nhi-phan.txt", "mat.txt"}
    assert "empty file" in failed["rong.pdf"] and "not a readable image" in failed["rac.png"]
    assert "not a readable PDF" in failed["cut.pdf"] and "binary data" in failed["nhi-phan.txt"]
    assert "no such file" in failed["mat.txt"]
    assert all("\n" not in r for r in failed.values())
    # the input tree is mirrored: text and metadata beside each other
    for sub, name in (("a", "doc00"), ("a/b", "doc01"), ("c", "doc02"), ("scans", "trang1"), ("scans", "hai trang")):
        assert (out / sub / f"{name}.txt").stat().st_size > 0
        assert json.loads((out / sub / f"{name}.json").read_text(encoding="utf-8"))["sha256"]
    two = (out / "scans" / "hai trang.txt").read_text(encoding="utf-8")
    assert two.count("\f") == 1
    vni = (out / "a" / "doc15.txt").read_text(encoding="utf-8")
    assert "đ" in vni or "Đ" in vni  # decoded from VNI, not mojibake
    assert rep["pages"] == 44 + 1 + 2 + 2 + 1 and rep["syllables"] > 5000
    layer = json.loads((out / "scans" / "lop-chu.json").read_text(encoding="utf-8"))
    assert [pg["source"] for pg in layer["pages"]] == ["text-layer"]
    assert (out / "scans" / "nhieu-trang.txt").read_text(encoding="utf-8").count("\f") == 1
    assert not list(out.rglob(".vnrestore-*.tmp"))
    assert not (out / "ghi-chu.txt").exists() and not (out / "broken").exists()


def test_rerun_skips_what_is_done_and_redoes_what_changed(mixed_batch, tmp_path):
    root, out, _ = mixed_batch
    before = outputs(out)
    assert main(["run", str(root / "in"), "-o", str(out), "--jobs", "2", "-q"]) == EXIT_PARTIAL
    rep = json.loads((out / REPORT).read_text(encoding="utf-8"))
    assert rep["skipped"] == 48 and rep["done"] == 0 and rep["failed"] == 5
    assert outputs(out) == before
    # a changed input is redone, the rest is not
    changed = root / "in" / "c" / "doc02.txt"
    changed.write_text("cong tac ket nap dang vien\n", encoding="utf-8")
    assert main(["run", str(root / "in"), "-o", str(out), "-q"]) == EXIT_PARTIAL
    rep = json.loads((out / REPORT).read_text(encoding="utf-8"))
    assert rep["done"] == 1 and rep["skipped"] == 47
    assert (out / "c" / "doc02.txt").read_text(encoding="utf-8") == "công tác kết nạp đảng viên\n"


def test_changed_settings_and_force_redo(tmp_path):
    src = make_text_tree(tmp_path / "in", 3)
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "in"), "-o", str(out), "-q", "--jobs", "1"]) == 0
    assert main(["run", str(tmp_path / "in"), "-o", str(out), "-q", "--jobs", "1", "--no-restore"]) == 0
    rep = json.loads((out / REPORT).read_text(encoding="utf-8"))
    assert rep["done"] == 3  # another setting: redone
    assert (out / "a" / "doc00.txt").read_text(encoding="utf-8") == src[0].read_text(encoding="utf-8")
    assert main(["run", str(tmp_path / "in"), "-o", str(out), "-q", "--no-restore", "--force"]) == 0
    assert json.loads((out / REPORT).read_text(encoding="utf-8"))["done"] == 3


def _ledger_done(out: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{out / LEDGER}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM documents WHERE status='done'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_sigkill_then_resume_gives_identical_outputs(tmp_path):
    make_text_tree(tmp_path / "in", 30)
    cmd = [sys.executable, "-m", "diacritic_restore.cli", "run", str(tmp_path / "in"), "--jobs", "1", "-q", "-o"]
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    assert subprocess.run(cmd + [str(whole)], capture_output=True).returncode == 0

    proc = subprocess.Popen(cmd + [str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _ledger_done(killed) < 6 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished_before = _ledger_done(killed)
    assert 6 <= finished_before < 30
    assert not (killed / REPORT).exists()

    res = subprocess.run(cmd + [str(killed)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert outputs(killed) == outputs(whole)
    assert not list(killed.rglob(".vnrestore-*.tmp"))
    rep = json.loads((killed / REPORT).read_text(encoding="utf-8"))
    assert rep["skipped"] >= finished_before and rep["done"] + rep["skipped"] == 30
    con = sqlite3.connect(str(killed / LEDGER))
    runs = [r[0] for r in con.execute("SELECT runs FROM documents WHERE status='done'")]
    con.close()
    assert sum(r == 1 for r in runs) == 30  # no finished document was processed twice


def test_config_file_and_command_line_precedence(tmp_path):
    src = tmp_path / "van-ban.txt"
    src.write_text("thanh pho hoa binh\n", encoding="utf-8")
    cfg = tmp_path / "vnrestore.toml"
    cfg.write_text('tone_style = "old"\njobs = 1\n[ocr]\nlang = "vie"\n[ocr.preprocess]\ndeskew = true\n',
                   encoding="utf-8")
    assert main(["run", str(src), "-o", str(tmp_path / "o1"), "--config", str(cfg), "-q"]) == 0
    assert (tmp_path / "o1" / "van-ban.txt").read_text(encoding="utf-8") == "thành phố hòa bình\n"
    assert main(["run", str(src), "-o", str(tmp_path / "o2"), "--config", str(cfg), "--tone-style", "new",
                 "-q"]) == 0
    assert (tmp_path / "o2" / "van-ban.txt").read_text(encoding="utf-8") == "thành phố hoà bình\n"


def test_python_api_shares_the_settings(tmp_path):
    from diacritic_restore.pipeline.batch import run_batch
    from diacritic_restore.pipeline.options import RunOptions, load_options

    src = tmp_path / "a.txt"
    src.write_text("ket nap dang vien\n", encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text("restore = false\n", encoding="utf-8")
    opts = load_options(cfg, {"jobs": 1})
    assert isinstance(opts, RunOptions) and not opts.restore and opts.jobs == 1
    rep = run_batch([str(src)], tmp_path / "o", opts, quiet=True)
    assert rep.done == 1 and rep.exit_code == 0
    assert (tmp_path / "o" / "a.txt").read_text(encoding="utf-8") == "ket nap dang vien\n"


# ------------------------------------------------------------------ errors the user can fix


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_missing_input_before_any_work(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text("ket nap\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["run", str(good), str(tmp_path / "khong-co"), "-o", str(out)]) == 3
    assert "khong-co: no such file or folder" in _one_line(capsys)
    assert not out.exists()


def test_unwritable_output_folder(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text("ket nap\n", encoding="utf-8")
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    assert main(["run", str(good), "-o", str(blocker / "out")]) == 6
    assert "output folder not writable" in _one_line(capsys)


def test_unknown_option(tmp_path, capsys):
    assert main(["run", "x.txt", "-o", str(tmp_path), "--no-such-option"]) == 2
    assert "no such option" in capsys.readouterr().err.lower()


@pytest.mark.parametrize("content,message", [
    ('jobs = "many"\n', "jobs"),
    ("colour = 1\n", "colour"),
    ("[ocr\n", "not valid TOML"),
])
def test_bad_config(tmp_path, capsys, content, message):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content, encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("ket nap\n", encoding="utf-8")
    assert main(["run", str(src), "-o", str(tmp_path / "o"), "--config", str(cfg)]) == 2
    assert message in _one_line(capsys)


def test_binary_data_given_as_text(tmp_path, capsys):
    p = tmp_path / "nhi-phan.txt"
    p.write_bytes(b"\x00\x01\x02" * 50)
    assert main(["run", str(p), "-o", str(tmp_path / "o")]) == 3
    assert "binary data, not text" in _one_line(capsys)


def test_dangling_link_is_unreadable(tmp_path, capsys):
    p = tmp_path / "mat.txt"
    p.symlink_to(tmp_path / "nowhere")
    assert main(["run", str(p), "-o", str(tmp_path / "o")]) == 3
    assert "no such file" in _one_line(capsys)


def test_encrypted_pdf(tmp_path, capsys):
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(0, 10, "secret")
    doc.set_encryption(owner_password="o", user_password="u")
    p = tmp_path / "mat-khau.pdf"
    doc.output(str(p))
    assert main(["run", str(p), "-o", str(tmp_path / "o")]) == 3
    assert "encrypted" in _one_line(capsys)


def test_ocr_timeout(tmp_path, capsys):
    imgs, _ = render_document(["Những năm qua, công tác kết nạp đảng viên được các cấp uỷ quan tâm."] * 20, "clean")
    p = tmp_path / "trang.png"
    Image.fromarray(imgs[0]).save(p, dpi=(300, 300))
    # the engine failed, not the input: its own exit code, distinct from bad input (3)
    assert main(["run", str(p), "-o", str(tmp_path / "o"), "--timeout", "0.01"]) == ExitCode.OCR_ENGINE == 10
    assert "timed out" in _one_line(capsys)


def test_all_inputs_broken(tmp_path, capsys):
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(os.urandom(300))
    assert main(["run", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(tmp_path / "o"), "-q"]) \
        == EXIT_ALL_FAILED
    rep = json.loads((tmp_path / "o" / REPORT).read_text(encoding="utf-8"))
    assert rep["failed"] == 2 and rep["done"] == 0


def test_progress_line_on_a_terminal_only():
    import io

    from diacritic_restore.pipeline.batch import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    p = Progress(3, tty, quiet=False)
    p.pages_total, p.pages_done, p.files_done = 10, 4, 1
    p.draw(force=True)
    p.log("vnrestore: a.pdf: page 2: OCR timed out after 1 s")
    line = tty.getvalue()
    assert "files 1/3" in line and "pages 4/10" in line and "pages/s" in line and "ETA" in line
    assert "a.pdf: page 2: OCR timed out" in line
    pipe = io.StringIO()
    q = Progress(3, pipe, quiet=False)
    q.draw(force=True)
    assert pipe.getvalue() == ""  # not a terminal: no status line
    quiet = Tty()
    Progress(3, quiet, quiet=True).draw(force=True)
    assert quiet.getvalue() == ""
