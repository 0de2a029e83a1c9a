"""Nothing takes a batch down: a worker that dies, a unit past its deadline or over
the memory ceiling fails only that unit; workers die with their parent and keep native
libraries' chatter off the terminal; huge pages are refused or capped before they cost
gigabytes; damaged files and Tesseract's failures are one-line errors of their kind."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
import struct
import subprocess
import sys
import textwrap
import time
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from diacritic_restore.cli import main
from diacritic_restore.errors import InputError, OcrEngineError
from diacritic_restore.ocr.pages import MAX_PAGE_PIXELS, load_page, page_count
from diacritic_restore.ocr.preprocess import normalize_dpi
from diacritic_restore.ocr.tesseract import TesseractEngine
from diacritic_restore.pipeline.document import unit_count
from diacritic_restore.pipeline.executors import MEMORY_MB, LocalExecutor, LostUnit
from diacritic_restore.train.render import render_document


@pytest.fixture(autouse=True)
def no_hang():
    """Every test here ends within a minute, whatever the code under test does."""

    def stop(*_):
        raise TimeoutError("test took over 60 s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def gone(pid: int) -> bool:
    """The process has ended (a zombie no parent has reaped yet counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not all(gone(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if not gone(p)]


# ------------------------------------------------------------------ units the executor runs


def double_or_die(x: int) -> tuple[int, int]:
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return 2 * x, os.getpid()


def sleep_past_deadline(x: int, pid_file: str) -> int:
    if x == 1:
        child = subprocess.Popen(["sleep", "60"])  # as Tesseract would be, running under the unit
        Path(pid_file).write_text(str(child.pid))
        time.sleep(60)
    return x


def allocate(x: int) -> int:
    if x == 1:
        np.ones(8 << 30, np.uint8)  # 8 GB
    return os.getpid()


def hold_and_record(folder: str, i: int) -> int:
    Path(folder, f"{i}.pid").write_text(str(os.getpid()))
    time.sleep(60)
    return i


def chatter(x: int) -> int:
    import cv2

    os.write(2, b"libpng warning: iCCP: known incorrect sRGB profile\n")
    return cv2.utils.logging.getLogLevel()


def read_unit(kind: str, path: str, index: int):
    from diacritic_restore.pipeline.options import RunOptions
    from diacritic_restore.pipeline.units import run_unit

    return run_unit(kind, path, index, RunOptions(jobs=1))


# ------------------------------------------------------------------ the executor


def test_dead_worker_fails_only_its_unit():
    with LocalExecutor(2) as ex:
        got = dict(ex.map_unordered(double_or_die, [(i, (i,)) for i in range(8)]))
        assert got.pop(3) == LostUnit("the worker processing it died (killed by signal 9: out of memory?)", "died")
        assert {t: r[0] for t, r in got.items()} == {i: 2 * i for i in range(8) if i != 3}
        again = dict(ex.map_unordered(double_or_die, [(i, (i,)) for i in (10, 11)]))  # a new worker took its place
        assert {t: r[0] for t, r in again.items()} == {10: 20, 11: 22}
        assert all(pid != os.getpid() for _, pid in again.values())


def test_unit_past_its_deadline_is_killed_with_what_it_started(tmp_path):
    pid_file = tmp_path / "child.pid"
    t0 = time.monotonic()
    with LocalExecutor(2, unit_timeout=1.0, on_lost=lambda tag, lost: ("lost", tag, lost.reason)) as ex:
        got = dict(ex.map_unordered(sleep_past_deadline, [(i, (i, str(pid_file))) for i in range(4)]))
        assert got[1] == ("lost", 1, "timed out after 1 s")
        assert {t: r for t, r in got.items() if t != 1} == {0: 0, 2: 2, 3: 3}
        assert time.monotonic() - t0 < 10
        assert wait_gone([int(pid_file.read_text())], 3) == []  # its `sleep 60` died with it
        assert dict(ex.map_unordered(sleep_past_deadline, [(5, (5, ""))])) == {5: 5}


def test_memory_ceiling_fails_the_unit_and_a_real_page_fits_under_it(tmp_path):
    """jobs=1 with a ceiling runs in a worker: the unit over it fails, the batch goes
    on; a real page (read, OCR, restore) passes under the advised ceiling."""
    scan = tmp_path / "chi-thi.png"
    imgs, _ = render_document(["CHỈ THỊ", "về đẩy mạnh công tác kết nạp đảng viên giai đoạn 2023-2025"], "clean",
                              seed=5)
    Image.fromarray(imgs[0]).save(scan, dpi=(300, 300))
    with LocalExecutor(1, memory_mb=MEMORY_MB) as ex:
        got = dict(ex.map_unordered(allocate, [(i, (i,)) for i in range(3)]))
        assert got[1] == LostUnit(f"out of memory (over {MEMORY_MB} MB)", "memory")
        assert got[0] != os.getpid() and got[2] != os.getpid()
        ((_, page),) = ex.map_unordered(read_unit, [(0, ("image", str(scan), 0))])
    assert page.source == "ocr" and "kết nạp đảng viên" in page.text


CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from diacritic_restore.pipeline.executors import LocalExecutor

    def hold(folder, i):
        import os
        Path(folder, f"{i}.pid").write_text(str(os.getpid()))
        time.sleep(60)

    if __name__ == "__main__":
        for _ in LocalExecutor(2).map_unordered(hold, [(i, (sys.argv[1], i)) for i in range(2)]):
            pass
""")


def test_workers_die_with_their_parent(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)])
    pids: list[int] = []
    try:
        end = time.monotonic() + 30
        while len(pids) < 2 and time.monotonic() < end:
            time.sleep(0.05)
            pids = [int(p.read_text()) for p in tmp_path.glob("*.pid") if p.read_text()]
        assert len(pids) == 2
        child.kill()
        child.wait(5)
        assert wait_gone(pids, 5) == []
    finally:
        child.kill()
        for pid in pids:
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_worker_chatter_goes_to_the_log(tmp_path, capfd):
    log = tmp_path / "workers.log"
    with LocalExecutor(1, log_path=log) as ex:
        ((_, level),) = ex.map_unordered(chatter, [(0, (0,))])
    assert "libpng warning" not in capfd.readouterr().err
    assert "libpng warning" in log.read_text()
    import cv2

    assert level == cv2.utils.logging.LOG_LEVEL_ERROR


# ------------------------------------------------------------------ pages that would cost gigabytes


def _cap_memory(mb: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (mb << 20, resource.RLIM_INFINITY))


def _load(path: str, dpi: int) -> tuple[str, str]:
    try:
        page = load_page(Path(path), 0, dpi, use_text_layer=False)
    except Exception as exc:
        return type(exc).__name__, str(exc)
    assert page.image is not None
    return "ok", f"{page.image.shape[0]} {page.image.shape[1]} {page.dpi}"


def load_capped(path: Path, dpi: int = 300) -> tuple[str, str]:
    """load_page in a process of its own under a 3 GB ceiling (a page that is not
    capped must not take the test machine down)."""
    ctx = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx, initializer=_cap_memory, initargs=(3072,)) as pool:
        return pool.submit(_load, str(path), dpi).result(timeout=40)


def pdf_bytes(pages: list[str]) -> bytes:
    kids = " ".join(f"{3 + i} 0 R" for i in range(len(pages)))
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>"]
    objs += [f"<< /Type /Page /Parent 2 0 R /MediaBox {box} >>" for box in pages]
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{o}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def test_huge_pdf_page_is_refused_before_rendering_and_a_large_one_rendered_smaller(tmp_path):
    huge = tmp_path / "huge.pdf"
    huge.write_bytes(pdf_bytes(["[0 0 14400 14400]"]))  # 200 x 200 in: 3.6 gigapixels at 300 dpi
    assert len(huge.read_bytes()) < 700
    kind, msg = load_capped(huge)
    assert kind == "InputError" and "too large to render" in msg and "\n" not in msg
    poster = tmp_path / "poster.pdf"
    poster.write_bytes(pdf_bytes(["[0 0 2880 2880]"]))  # 40 x 40 in: 144 megapixels at 300 dpi
    kind, msg = load_capped(poster)
    h, w, dpi = msg.split()
    assert kind == "ok" and int(h) * int(w) <= MAX_PAGE_PIXELS and 240 <= float(dpi) < 300


def test_low_resolution_upscale_stays_under_the_cap():
    small = np.full((3000, 3000), 255, np.uint8)  # 75 dpi: 4x would make 144 megapixels
    up, dpi = normalize_dpi(small, 75.0)
    assert up.shape[0] * up.shape[1] <= MAX_PAGE_PIXELS and up.shape[0] > 3000
    assert dpi == pytest.approx(75.0 * up.shape[1] / 3000)
    big = np.full((10000, 10000), 255, np.uint8)  # the 120 KB PNG that became 40010 x 40010
    same, dpi = normalize_dpi(big, 75.0)
    assert same.shape == big.shape and dpi == 75.0
    strip = np.full((8000, 200), 255, np.uint8)  # Tesseract takes at most 32767 on a side
    up, _ = normalize_dpi(strip, 50.0)
    assert max(up.shape) <= 32767


def png_header(w: int, h: int) -> bytes:
    """A PNG that claims ``w`` x ``h`` pixels in a few bytes (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("w,h", [(25000, 20000), (40000, 30000)])
def test_image_over_the_pixel_cap_is_one_clean_error(tmp_path, w, h):
    """500 megapixels passed Pillow's guard with a warning on stderr; 1.2 gigapixels
    tripped it.  Both are the input's one-line error, and nothing is printed."""
    p = tmp_path / "bomb.png"
    p.write_bytes(png_header(w, h))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(InputError, match="image too large"):
            load_page(p, 0)
    assert caught == []


# ------------------------------------------------------------------ damaged files


def test_truncated_tiff_is_one_line_bad_input(tmp_path, capsys):
    t = tmp_path / "t.tif"
    Image.new("L", (572, 300), 255).save(t, save_all=True, append_images=[Image.new("L", (572, 150), 255)])
    bad = tmp_path / "bad.tif"
    bad.write_bytes(t.read_bytes()[:145720])
    with pytest.raises(InputError, match="image data is damaged"):
        page_count(bad)
    assert main(["run", str(bad), "-o", str(tmp_path / "o"), "-q", "--jobs", "1"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "damaged" in err and "internal error" not in err


def test_zero_page_pdfs_keep_no_file_open(tmp_path):
    """300 of them under `ulimit -n 256` ended a batch in EMFILE."""
    zero = tmp_path / "zero.pdf"
    zero.write_bytes(pdf_bytes([]))
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(40):
        with pytest.raises(InputError) as exc:
            unit_count(zero, "pdf")
    assert len(os.listdir("/proc/self/fd")) == before
    assert exc.value.message.endswith("zero.pdf: has no pages")


# ------------------------------------------------------------------ Tesseract's failures


def test_tesseract_failures_are_told_apart(tmp_path):
    engine = TesseractEngine()
    strip = tmp_path / "strip.png"
    Image.new("L", (200, 33000), 255).save(strip)
    with pytest.raises(InputError, match=r"too large for Tesseract \(200 x 33000 pixels"):
        engine.words(str(strip), "vie", 3, 300, 180)
    junk = tmp_path / "junk.pnm"
    junk.write_bytes(b"junk")
    with pytest.raises(OcrEngineError, match="^the OCR engine failed: ") as exc:
        engine.words(str(junk), "vie", 3, 300, 180)
    assert "timed out" not in exc.value.message
    page = tmp_path / "page.png"
    imgs, _ = render_document(["CHỈ THỊ", "về đẩy mạnh công tác kết nạp đảng viên " * 20], "clean", seed=5)
    Image.fromarray(imgs[0]).save(page, dpi=(300, 300))
    with pytest.raises(OcrEngineError, match=r"^OCR timed out after 0\.01 s$"):
        engine.words(str(page), "vie", 3, 300, 0.01)
