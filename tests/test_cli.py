import json
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES
from diacritic_restore.cli import main


def run(args, stdin=None):
    return subprocess.run([sys.executable, "-m", "diacritic_restore.cli", *args], input=stdin,
                          capture_output=True, text=True)


def test_restore_stdin_to_stdout():
    p = run(["restore", "-"], "ket nap dang vien")
    assert p.returncode == 0 and p.stdout == "kết nạp đảng viên"


def test_restore_file_to_output_atomically(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("cong tac ket nap dang vien\n", encoding="utf-8")
    before = src.read_bytes()
    out = tmp_path / "out.txt"
    assert main(["restore", str(src), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "công tác kết nạp đảng viên\n"
    assert src.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_details_json():
    p = run(["restore", "--details"], "ket nap")
    doc = json.loads(p.stdout)
    assert doc["text"] == "kết nạp" and doc["tokens"][0]["alternatives"]


def test_missing_file_is_one_line_error():
    p = run(["restore", "/nonexistent/x.txt"])
    assert p.returncode == 3
    assert p.stderr.strip() == "vnrestore: error: /nonexistent/x.txt: no such file"


def test_binary_input_is_refused(tmp_path):
    b = tmp_path / "scan.bin"
    b.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    p = run(["restore", str(b)])
    assert p.returncode == 3 and "binary data" in p.stderr and "Traceback" not in p.stderr


def test_not_utf8_is_refused(tmp_path):
    b = tmp_path / "legacy.txt"
    b.write_bytes("Đảng".encode("utf-16-le")[:3] + b"\xff\xfe\xfa")
    p = run(["restore", str(b)])
    assert p.returncode == 3 and "Traceback" not in p.stderr


def test_refuses_to_overwrite_input(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("ket nap", encoding="utf-8")
    p = run(["restore", str(src), "-o", str(src)])
    assert p.returncode == 3 and src.read_text(encoding="utf-8") == "ket nap"


def test_unwritable_output_folder(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("ket nap", encoding="utf-8")
    p = run(["restore", str(src), "-o", str(tmp_path / "no" / "such" / "out.txt")])
    assert p.returncode == 6 and "does not exist" in p.stderr


def test_eval_gate(tmp_path):
    ref = next(FIXTURES.glob("001_*.txt"))
    p = run(["eval", str(ref), str(ref), "--min-syllable-accuracy", "0.99"])
    assert p.returncode == 0 and "accuracy exact 1.0000" in p.stdout
    hyp = tmp_path / "hyp.txt"
    from diacritic_restore.evaluate import strip_diacritics

    hyp.write_text(strip_diacritics(ref.read_text(encoding="utf-8")), encoding="utf-8")
    p = run(["eval", str(hyp), str(ref), "--min-syllable-accuracy", "0.9"])
    assert p.returncode == 5 and "below the required 0.9000" in p.stderr
    p = run(["eval", str(hyp), str(ref), "--json"])
    assert json.loads(p.stdout)["syllable_accuracy_base"] == 1.0


def test_unknown_option_is_usage_error():
    p = run(["restore", "--frobnicate"])
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_train_small_corpus(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text((FIXTURES / next(FIXTURES.glob("001_*.txt")).name).read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "m"
    assert main(["train", f"{corpus}:2", "-o", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {"lexicon.tsv", "lm.npz", "channel.json", "manifest.json"}
    p = run(["restore", "--model", str(out)], "ket nap dang vien")
    assert p.returncode == 0 and p.stdout == "kết nạp đảng viên"


def test_missing_models_is_one_line_error(tmp_path):
    import os

    env = dict(os.environ, VNRESTORE_MODELS=str(tmp_path))
    p = subprocess.run([sys.executable, "-m", "diacritic_restore.cli", "restore", "-"], input="ket nap",
                       capture_output=True, text=True, env=env)
    assert p.returncode == 4
    assert "model files missing" in p.stderr and "make models" in p.stderr and "Traceback" not in p.stderr


def test_corrupt_model_is_one_line_error(tmp_path):
    import os
    import shutil

    from diacritic_restore.models.store import default_model_dir

    for f in default_model_dir().iterdir():
        if f.suffix in (".tsv", ".json"):
            shutil.copy(f, tmp_path / f.name)
    (tmp_path / "lm.npz").write_bytes(b"PK\x03\x04 truncated")
    env = dict(os.environ, VNRESTORE_MODELS=str(tmp_path))
    p = subprocess.run([sys.executable, "-m", "diacritic_restore.cli", "restore", "-"], input="ket nap",
                       capture_output=True, text=True, env=env)
    assert p.returncode == 4 and "not a vnrestore language model" in p.stderr and "Traceback" not in p.stderr


def test_normalize_repairs_and_reports(tmp_path):
    src = tmp_path / "layer.txt"
    src.write_text("Chỉ thị này đư ợc phổ biến đến Tỉnh uỷ Hoà Bình\n", encoding="utf-8")
    p = run(["normalize", str(src), "--report", "--tone-style", "old"])
    assert p.returncode == 0
    assert p.stdout == "Chỉ thị này được phổ biến đến Tỉnh ủy Hòa Bình\n"
    rep = json.loads(p.stderr)
    assert rep["encoding"] in ("utf-8", "utf-8-sig") and rep["repairs"] == {"split_syllables": 1}
    assert rep["tone_styles"] == {"old": 0, "new": 2} and rep["tone_style"] == "new"


def test_normalize_unknown_encoding_is_usage_error(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Đảng", encoding="utf-8")
    p = run(["normalize", str(src), "--encoding", "klingon"])
    assert p.returncode == 3 and "klingon" in p.stderr and "Traceback" not in p.stderr


def test_restore_reads_legacy_encodings_first(tmp_path):
    src = tmp_path / "w1258.txt"
    from diacritic_restore.text import charsets

    src.write_bytes(charsets.encode("Ban Thường vụ Tỉnh uỷ yêu cầu các cấp uỷ", "cp1258"))
    p = run(["restore", str(src)])
    assert p.returncode == 0 and p.stdout == "Ban Thường vụ Tỉnh uỷ yêu cầu các cấp uỷ"


def test_exit_codes_are_documented_from_the_one_enum():
    """The README table and the CLI's help are generated from ExitCode, not written by hand."""
    import re

    from diacritic_restore.errors import ExitCode, exit_code_table

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert exit_code_table() in readme
    p = run(["--help"])
    helptext = re.sub(r"\s+", " ", p.stdout)
    for code in ExitCode:
        assert f"{code.value} {code.meaning.split(' (')[0].replace('`', '')}" in helptext


def test_python_dash_m_is_the_command():
    p = subprocess.run([sys.executable, "-m", "diacritic_restore", "restore", "-"], input="ket nap dang vien",
                       capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout == "kết nạp đảng viên"


def test_normalize_report_says_how_sure_the_encoding_is(tmp_path):
    from diacritic_restore.text import charsets

    ocr = tmp_path / "ocr.txt"  # English-model OCR: valid UTF-8 full of é, kept as UTF-8
    ocr.write_text("Sé 45/UBND-VX V/v tham gia y kién vé du thao ké hoach\nTheo dé nghi cua Sé Tai chinh vé "
                   "viéc xin y kién vé du thao Nghi dinh, UBND tinh cé y kién nhu sau: giao Sé Ké hoach chu tri\n",
                   encoding="utf-8")
    rep = json.loads(run(["normalize", str(ocr), "--report"]).stderr)
    assert rep["encoding"] == "utf-8" and "tcvn3-in-utf-8" in rep["encoding_scores"]
    assert rep["margin_over_utf8"] is not None
    legacy = tmp_path / "tcvn3.txt"
    legacy.write_bytes("".join(charsets._cp1252_char(b) if b > 0x7F else chr(b) for b in charsets.encode(
        "Ban Thường vụ Tỉnh uỷ yêu cầu các cấp uỷ quán triệt", "tcvn3")).encode("utf-8"))
    rep = json.loads(run(["normalize", str(legacy), "--report"]).stderr)
    assert rep["encoding"] == "tcvn3-in-utf-8" and rep["margin_over_utf8"] >= 0.4
