"""Nothing takes a batch down: binary data anywhere in a text, texts beyond the size
caps, regular expressions fed adversarial megabytes, FIFOs, devices and links leaving
the input tree, two inputs for one output name, and file names that are not UTF-8.
Each bad input is refused with its reason while the rest of the batch is written."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from diacritic_restore.cli import main
from diacritic_restore.errors import ExitCode, InputError
from diacritic_restore.pipeline.batch import REPORT
from diacritic_restore.pipeline.inputs import collect
from diacritic_restore.pipeline.progress import Progress
from diacritic_restore.pipeline.report import FileReport, batch_report, readable, summary
from diacritic_restore.text.decoding import decode_bytes_report, read_bytes
from diacritic_restore.text.repairs import repair
from diacritic_restore.text.tokens import tokenize

ROOT = Path(__file__).resolve().parent.parent
T = "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh.\n"
BODY = (T * 100).encode("utf-8")  # 8.6 KB: anything after it is beyond the first 4 KB
RND = random.Random(7)


@contextmanager
def within(seconds: float):
    """Fail (not hang) when the block takes longer: the regex engine and a blocking
    open() both give way to the alarm."""
    def expired(*_):
        raise TimeoutError(f"took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def report_of(out: Path) -> dict:
    return json.loads((out / REPORT).read_text(encoding="utf-8"))


def by_name(rep: dict) -> dict[str, dict]:
    return {Path(r["input"]).name: r for r in rep["details"]}


# ------------------------------------------------------------------ binary data anywhere


@pytest.mark.parametrize("tail", [
    bytes(RND.choice(b"\x01\x02\x03\x05\x07\x08\x0e\x10\x11\x15") for _ in range(300)),  # control bytes
    bytes(RND.randrange(0x80, 0x100) for _ in range(3000)),  # random high bytes: C1 junk once decoded
    b"\x00" * 64,  # NULs
], ids=["controls", "high-bytes", "nuls"])
def test_binary_data_after_a_text_is_refused(tail):
    with pytest.raises(InputError, match="x.txt: binary data, not text"):
        decode_bytes_report(BODY + tail, "x.txt")


def test_corrupted_image_given_as_text_is_refused():
    # a white PPM page: thousands of 0xFF bytes, then the dark pixels of the text
    ppm = b"P6\n640 480\n255\n" + b"\xff" * 8000 + bytes(RND.choice(b"\x01\x04\x08\x10\x80\x81\x90") for _ in range(3000))
    with pytest.raises(InputError, match="binary data, not text"):
        decode_bytes_report(ppm, "trang.txt")


def test_wide_encodings_by_their_byte_order_mark_only():
    assert decode_bytes_report(T.encode("utf-16"), "x.txt").text == T
    assert decode_bytes_report(T.encode("utf-32"), "x.txt").text == T
    with pytest.raises(InputError, match="binary data, not text .UTF-16 without a byte-order mark"):
        decode_bytes_report((T * 3).encode("utf-16-le"), "x.txt")
    with pytest.raises(InputError, match="binary data, not text"):  # controls behind a BOM, seen once decoded
        decode_bytes_report(("\x01\x02\x03" * 20 + T).encode("utf-16"), "x.txt")


def test_text_with_a_stray_control_is_still_text():
    assert decode_bytes_report(BODY + b"\x1a", "dos.txt").text.startswith("Điều 1.")  # a DOS end-of-file mark
    assert decode_bytes_report(b"\x1b[1m" + BODY, "esc.txt").encoding == "utf-8"


# ------------------------------------------------------------------ size caps


def test_size_caps_name_the_file_and_the_cap(tmp_path):
    with pytest.raises(InputError, match=r"x.txt: line 2 has 119 characters \(more than 100\); split it"):
        decode_bytes_report(("ngắn\n" + "công tác " * 13 + "ba\n").encode(), "x.txt", max_line=100)
    with pytest.raises(InputError, match=r"x.txt: 900 characters of text \(more than 500\); split it"):
        decode_bytes_report(("công tác\n" * 100).encode(), "x.txt", max_chars=500)
    big = tmp_path / "lon.txt"
    big.write_bytes(BODY)
    with pytest.raises(InputError, match=r"lon.txt: 10,800 bytes, more than one text document may have \(1,000\)"):
        read_bytes(big, limit=1000)


def test_batch_goes_on_past_binary_and_oversized_texts(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "tot.txt").write_text(T, encoding="utf-8")
    (src / "duoi-nhi-phan.txt").write_bytes(BODY + bytes(RND.choice(b"\x01\x02\x03\x10\x11") for _ in range(400)))
    (src / "dong-dai.txt").write_text("công tác " * 25_000, encoding="utf-8")  # 225,000 characters, one line
    (src / "qua-lon.txt").write_text("công tác " * 1_900_000, encoding="utf-8")  # the text, 21 MB
    assert main(["run", str(src), "-o", str(out), "-q", "--jobs", "1"]) == ExitCode.PARTIAL
    assert (out / "tot.txt").read_text(encoding="utf-8") == T
    files = by_name(report_of(out))
    assert files["tot.txt"]["status"] == "done"
    assert "binary data, not text" in files["duoi-nhi-phan.txt"]["reason"]
    assert files["dong-dai.txt"]["reason"] == "line 1 has 225,000 characters (more than 200,000); split it"
    assert "20,900,000 bytes, more than one text document may have (20,000,000); split it" \
        in files["qua-lon.txt"]["reason"]
    for name in ("duoi-nhi-phan", "dong-dai", "qua-lon"):
        assert files[f"{name}.txt"]["status"] == "failed" and not (out / f"{name}.txt").exists()


# ------------------------------------------------------------------ linear regular expressions

N = 1_000_000
ADVERSARIAL = {
    "letters": "a" * N,
    "letters-then-break": "ư" * (N - 3) + "-\nb",
    "letter-hyphen": "ab-" * (N // 3),
    "hyphen-breaks": "a-\n" * (N // 3),
    "hyphens": "-" * N,
    "spaces": " " * N,
    "digits-dots": "1." * (N // 2) + "x",
    "combining-marks": "a" + "\u0301" * N,
}


@pytest.mark.parametrize("text", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_repairs_and_tokenizer_are_linear(text):
    # linear work is well under a second a megabyte; quadratic backtracking is minutes
    with within(10):
        repair(text)
    with within(10):
        tokenize(text)


# ------------------------------------------------------------------ only regular files


def test_fifo_device_and_outside_links_are_never_opened(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "tot.txt").write_text(T, encoding="utf-8")
    os.mkfifo(src / "ong.txt")
    (src / "khong.txt").symlink_to("/dev/zero")
    (tmp_path / "ngoai.txt").write_text(T, encoding="utf-8")
    (src / "ngoai.txt").symlink_to(tmp_path / "ngoai.txt")
    os.mkfifo(tmp_path / "ten.txt")  # a FIFO named on the command line
    cmd = [sys.executable, "-m", "diacritic_restore.cli", "run", str(src), str(tmp_path / "ten.txt"),
           "-o", str(out), "-q", "--jobs", "1"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)  # today: blocked forever
    assert res.returncode == ExitCode.PARTIAL, res.stderr
    assert (out / "tot.txt").read_text(encoding="utf-8") == T
    files = by_name(report_of(out))
    assert files["ong.txt"]["status"] == "ignored" and "FIFO" in files["ong.txt"]["reason"]
    assert files["khong.txt"]["status"] == "ignored" and "character device" in files["khong.txt"]["reason"]
    assert files["ngoai.txt"]["status"] == "ignored" and "outside" in files["ngoai.txt"]["reason"]
    assert files["ten.txt"]["status"] == "failed" and "FIFO" in files["ten.txt"]["reason"]
    assert not (out / "ong.txt").exists() and not (out / "ngoai.txt").exists()


def test_links_leaving_the_tree_are_followed_only_when_asked(tmp_path):
    src = tmp_path / "in"
    (src / "con").mkdir(parents=True)
    (src / "tot.txt").write_text(T, encoding="utf-8")
    (tmp_path / "ngoai.txt").write_text(T, encoding="utf-8")
    (src / "con" / "ngoai.txt").symlink_to(tmp_path / "ngoai.txt")
    (src / "con" / "trong.txt").symlink_to(src / "tot.txt")  # stays inside: followed
    items, reports = collect([str(src)], tmp_path / "out")
    assert sorted(str(it.rel) for it in items) == ["con/trong", "tot"]
    assert [(Path(r.input).name, r.status) for r in reports] == [("ngoai.txt", "ignored")]
    items, reports = collect([str(src)], tmp_path / "out", follow_links=True)
    assert sorted(str(it.rel) for it in items) == ["con/ngoai", "con/trong", "tot"] and not reports


def test_reading_a_fifo_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "ong.txt")
    with within(10), pytest.raises(InputError, match=r"ong.txt: a FIFO \(named pipe\), not a regular file"):
        read_bytes(tmp_path / "ong.txt")


# ------------------------------------------------------------------ one output name, two inputs


def test_two_inputs_for_one_output_name_do_not_stop_the_batch(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.text").write_text(T, encoding="utf-8")
    (src / "a.txt").write_text("Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n", encoding="utf-8")
    (src / "b.txt").write_text(T, encoding="utf-8")
    assert main(["run", str(src), "-o", str(out), "-q", "--jobs", "1"]) == ExitCode.PARTIAL
    assert (out / "a.txt").read_text(encoding="utf-8") == T and (out / "b.txt").read_text(encoding="utf-8") == T
    rep = report_of(out)
    assert rep["files"] == 3 and rep["done"] == 2 and rep["failed"] == 1 and rep["ignored"] == 0
    second = by_name(rep)["a.txt"]
    assert second["status"] == "failed" and second["exit_code"] == ExitCode.BAD_INPUT
    assert second["reason"].startswith(f"would be written to the same output as {src / 'a.text'}")


# ------------------------------------------------------------------ names that are not UTF-8

BAD_NAME = os.fsdecode(b"bad\xff.txt")  # what `cp good.txt $(printf 'bad\xff.txt')` makes


def test_reports_and_messages_show_undecodable_names_readably():
    import io

    name = f"in/{BAD_NAME}"
    assert readable(name) == "in/bad\\xff.txt"
    reps = [FileReport(input=name, status="failed", reason=f"{name}: binary data, not text", exit_code=3),
            FileReport(input="in/tot.txt", output="out/tot.txt", status="done", pages=1)]
    rep = batch_report(reps, 2, 0, started="s", finished="f", output_dir=f"out-{BAD_NAME}", jobs=1, seconds=1.0,
                       settings_key="k")
    doc = json.loads(rep.model_dump_json())  # today: "surrogates not allowed"
    assert doc["details"][0]["input"] == "in/bad\\xff.txt" and doc["output_dir"] == "out-bad\\xff.txt"
    assert "in/bad\\xff.txt: in/bad\\xff.txt: binary data" in summary(rep)
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # strict, like a redirected stderr may be
    Progress(2, stream, quiet=False).log(f"vnrestore: {name}: binary data, not text")
    stream.flush()
    assert stream.buffer.getvalue() == b"vnrestore: in/bad\\xff.txt: binary data, not text\n"


def test_batch_with_a_file_name_that_is_not_utf8(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "tot.txt").write_text(T, encoding="utf-8")
    (src / BAD_NAME).write_text(T, encoding="utf-8")
    assert main(["run", str(src), "-o", str(out), "-q", "--jobs", "1"]) == ExitCode.OK
    assert (out / BAD_NAME).read_text(encoding="utf-8") == T
    names = {Path(r["input"]).name for r in report_of(out)["details"]}
    assert names == {"tot.txt", "bad\\xff.txt"}
    assert json.loads((out / os.fsdecode(b"bad\xff.json")).read_text(encoding="utf-8"))["source_file"] \
        .endswith("bad\\xff.txt")


def test_timing_helper_stops_a_runaway():
    with pytest.raises(TimeoutError), within(0.2):
        time.sleep(5)
