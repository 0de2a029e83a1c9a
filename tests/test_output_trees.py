"""Where a batch's documents go under OUT, and what is never read as input: the output
folder inside an input folder, several folders with the same relative names, globs
keeping their tree, one file named twice, hidden files and our own files."""

from __future__ import annotations

import json
from pathlib import Path

from diacritic_restore.cli import main
from diacritic_restore.errors import ExitCode
from diacritic_restore.pipeline.batch import LEDGER, REPORT

T = "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh.\n"


def write(path: Path, text: str = T) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def report_of(out: Path) -> dict:
    return json.loads((out / REPORT).read_text(encoding="utf-8"))


def run(*args: str) -> int:
    return main(["run", *args, "-q", "--jobs", "1"])


def test_output_folder_inside_the_input_is_never_read(tmp_path):
    src = tmp_path / "in"
    write(src / "qd.txt")
    write(src / "so" / "cv.txt", "Công văn số 12/UBND về việc triển khai kế hoạch năm 2021.\n")
    out = src / "out"
    pattern = str(src / "**" / "*.txt")
    assert run(pattern, "-o", str(out)) == ExitCode.OK
    assert run(pattern, "-o", str(out)) == ExitCode.OK  # today: outputs read as inputs, exit 8
    rep = report_of(out)
    assert (rep["files"], rep["skipped"], rep["failed"]) == (2, 2, 0)
    assert not any("/out/" in d["input"] for d in rep["details"])
    # a shell's `in/*` names OUT itself: it is passed over, and so is everything of ours
    args = sorted(str(p) for p in src.iterdir())
    assert run(*args, "-o", str(out)) == ExitCode.OK
    assert report_of(out)["files"] == 2
    assert not (src / REPORT).exists() and not (src / LEDGER).exists()
    assert (out / "qd.txt").read_text(encoding="utf-8").startswith("Điều 1.")


def test_several_folders_are_each_mirrored_under_their_name(tmp_path):
    write(tmp_path / "2020" / "qd" / "so1.txt")
    write(tmp_path / "2021" / "qd" / "so1.txt", "Quyết định số 15/QĐ-UBND ngày 12 tháng 3 năm 2021.\n")
    out = tmp_path / "out"
    assert run(str(tmp_path / "2020"), str(tmp_path / "2021"), "-o", str(out)) == ExitCode.OK
    assert (out / "2020" / "qd" / "so1.txt").read_text(encoding="utf-8").startswith("Điều 1.")
    assert (out / "2021" / "qd" / "so1.txt").read_text(encoding="utf-8").startswith("Quyết định số 15")
    assert report_of(out)["done"] == 2
    # a single folder stays at OUT's top, as before: outputs of earlier runs do not move
    one = tmp_path / "one"
    assert run(str(tmp_path / "2020"), "-o", str(one)) == ExitCode.OK
    assert (one / "qd" / "so1.txt").exists() and not (one / "2020").exists()


def test_a_glob_keeps_the_tree_below_its_fixed_part(tmp_path):
    batch = tmp_path / "batch"
    write(batch / "huyen-a" / "qd.txt")
    write(batch / "huyen-b" / "2021" / "qd.txt", "Kế hoạch số 45/KH-UBND về công tác cải cách hành chính.\n")
    write(batch / "ghi-chu.md", "không phải văn bản")
    out = tmp_path / "out"
    assert run(str(batch / "**" / "*.txt"), "-o", str(out)) == ExitCode.OK  # today: flattened, exit 8
    assert (out / "huyen-a" / "qd.txt").exists()
    assert (out / "huyen-b" / "2021" / "qd.txt").read_text(encoding="utf-8").startswith("Kế hoạch")
    assert not (out / "qd.txt").exists()


def test_a_file_named_with_its_folder_is_processed_once(tmp_path):
    src = tmp_path / "in"
    f = write(src / "so" / "qd.txt")
    write(src / "khac.txt", "Báo cáo tình hình kinh tế - xã hội sáu tháng đầu năm.\n")
    out = tmp_path / "out"
    assert run(str(f), str(src), str(tmp_path / "in" / "so" / ".." / "so" / "qd.txt"), "-o", str(out)) == ExitCode.OK
    rep = report_of(out)
    assert (rep["files"], rep["done"]) == (2, 2)
    assert (out / "so" / "qd.txt").exists() and not (out / "qd.txt").exists()  # its place in the tree


def test_hidden_files_are_listed_and_our_own_files_never(tmp_path):
    src = tmp_path / "in"
    write(src / "qd.txt")
    write(src / ".nhap.txt", "bản nháp")
    write(src / ".git" / "objects" / "a.txt", "không đọc")
    write(src / "cu" / REPORT, "{}")  # an earlier run's output folder moved into the archive
    write(src / "cu" / LEDGER, "")
    out = tmp_path / "out"
    assert run(str(src), "-o", str(out)) == ExitCode.OK
    ignored = {Path(d["input"]).name: d["reason"] for d in report_of(out)["details"] if d["status"] == "ignored"}
    assert set(ignored) == {".nhap.txt", ".git"}  # the folder once, not its content; ours not at all
    assert all("hidden" in why for why in ignored.values())
