"""The batch's own state never takes a run down: the ledger heals, one run per output
folder, a ledger or output that cannot be written is exit 6, recorded failures are not
retried forever, outputs respect the umask and long names work."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from diacritic_restore.cli import main
from diacritic_restore.errors import ExitCode
from diacritic_restore.pipeline import ledger as ledger_mod
from diacritic_restore.pipeline.batch import LEDGER, REPORT
from diacritic_restore.pipeline.lock import LOCK, RunLock

TEXTS = [
    "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh.\n",
    "Cac co quan, don vi co lien quan chiu trach nhiem thi hanh Quyet dinh nay.\n",
    "Chỉ thị này được phổ biến đến chi bộ và đảng viên.\n",
]


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for i, t in enumerate(TEXTS):
        (d / f"d{i}.txt").write_text(t, encoding="utf-8")
    return d


def _run(inp: Path, out: Path, *extra: str) -> int:
    return main(["run", str(inp), "-o", str(out), "-j", "1", "-q", *extra])


def _statuses(out: Path) -> dict[str, str]:
    rep = json.loads((out / REPORT).read_text(encoding="utf-8"))
    return {Path(d["input"]).name: d["status"] for d in rep["details"]}


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[:1500])


def _random_bytes(p: Path) -> None:
    p.write_bytes(os.urandom(8192))


def _folder(p: Path) -> None:
    p.unlink()
    (p / "x").mkdir(parents=True)


def _newer_schema(p: Path) -> None:
    db = sqlite3.connect(p)
    db.execute("PRAGMA user_version = 99")
    db.close()


def _other_table(p: Path) -> None:
    p.unlink()
    db = sqlite3.connect(p)
    db.execute("CREATE TABLE documents (input TEXT PRIMARY KEY, what TEXT)")
    db.close()


@pytest.mark.parametrize("damage", [_truncate, _random_bytes, _folder, _newer_schema, _other_table])
def test_a_broken_ledger_is_moved_aside_and_rebuilt_from_the_outputs(inputs, tmp_path, capsys, damage):
    out = tmp_path / "out"
    assert _run(inputs, out) == 0
    before = {p.name: p.read_bytes() for p in out.glob("d*.*")}
    for side in ("-wal", "-shm"):
        (out / (LEDGER + side)).unlink(missing_ok=True)
    damage(out / LEDGER)
    capsys.readouterr()
    assert _run(inputs, out) == 0
    err = capsys.readouterr().err
    assert err.count("warning") == 1 and "moved aside" in err and "rebuilt from 3 documents" in err, err
    assert set(_statuses(out).values()) == {"skipped"}  # nothing complete on disk is redone
    assert {p.name: p.read_bytes() for p in out.glob("d*.*")} == before
    assert len(list(out.glob(LEDGER + ".broken-*"))) == 1
    assert _run(inputs, out) == 0 and "warning" not in capsys.readouterr().err  # healed for good


def test_an_old_ledger_is_upgraded_in_place(inputs, tmp_path):
    out = tmp_path / "out"
    assert _run(inputs, out) == 0
    db = sqlite3.connect(out / LEDGER)  # the schema of version 1: no exit_code column
    db.execute("ALTER TABLE documents DROP COLUMN exit_code")
    db.execute("PRAGMA user_version = 1")
    db.close()
    assert _run(inputs, out) == 0
    assert set(_statuses(out).values()) == {"skipped"}
    assert not list(out.glob(LEDGER + ".broken-*"))


def test_a_ledger_that_cannot_be_written_is_exit_6(inputs, tmp_path, capsys, monkeypatch):
    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ledger_mod.Ledger, "_record", full)
    assert _run(inputs, tmp_path / "out") == ExitCode.OUTPUT
    err = capsys.readouterr().err
    assert "cannot record in the ledger (database or disk is full)" in err and "Traceback" not in err


def test_a_document_is_all_its_outputs_or_none(inputs, tmp_path, monkeypatch):
    from diacritic_restore.pipeline import outputs

    real = outputs.write_bytes_atomic

    def no_json(path, data):
        if str(path).endswith(".json"):
            raise outputs.OutputError(f"{path}: cannot write (No space left on device)")
        real(path, data)

    monkeypatch.setattr(outputs, "write_bytes_atomic", no_json)
    out = tmp_path / "out"
    assert _run(inputs, out) == ExitCode.ALL_FAILED
    assert not list(out.glob("d*.txt"))  # no .txt left without its .json
    monkeypatch.setattr(outputs, "write_bytes_atomic", real)
    assert _run(inputs, out, "--retry-failed") == 0


def test_one_run_per_output_folder(inputs, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    with RunLock(out):
        assert _run(inputs, out) == ExitCode.OUTPUT
        assert f"in use by another vnrestore run (pid {os.getpid()})" in capsys.readouterr().err
        assert not list(out.glob("d*.txt"))
    assert _run(inputs, out) == 0
    assert not (out / LOCK).exists()


def test_a_recorded_failure_is_reported_not_retried_until_asked(inputs, tmp_path):
    (inputs / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "out"
    assert _run(inputs, out) == ExitCode.PARTIAL
    rep = json.loads((out / REPORT).read_text(encoding="utf-8"))
    bad = next(d for d in rep["details"] if d["input"].endswith("bad.txt"))
    assert "binary" in bad["reason"] and bad["exit_code"] == ExitCode.BAD_INPUT
    assert _run(inputs, out) == ExitCode.PARTIAL
    rep = json.loads((out / REPORT).read_text(encoding="utf-8"))
    bad = next(d for d in rep["details"] if d["input"].endswith("bad.txt"))
    assert "failed before; --retry-failed" in bad["reason"] and bad["exit_code"] == ExitCode.BAD_INPUT
    assert _statuses(out)["d0.txt"] == "skipped"
    assert _run(inputs, out, "--retry-failed") == ExitCode.PARTIAL
    rep = json.loads((out / REPORT).read_text(encoding="utf-8"))
    bad = next(d for d in rep["details"] if d["input"].endswith("bad.txt"))
    assert "failed before" not in bad["reason"]


def test_outputs_respect_the_umask_and_an_existing_mode(inputs, tmp_path):
    old = os.umask(0o077)
    try:
        assert _run(inputs, tmp_path / "out") == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out" / "d0.txt").stat().st_mode) == 0o600
    private = tmp_path / "private.txt"
    private.write_text("x", encoding="utf-8")
    private.chmod(0o600)
    assert main(["restore", str(inputs / "d1.txt"), "-o", str(private)]) == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and "cơ quan" in private.read_text(encoding="utf-8")


def test_a_long_file_name_is_written(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    name = "Quyết định " * 15  # 243 bytes in UTF-8 with ".txt": the temporary name must not overflow
    src = inp / (name.strip() + ".txt")
    assert len(src.name.encode()) > 235
    src.write_text(TEXTS[0], encoding="utf-8")
    out = tmp_path / "out"
    assert _run(inp, out) == 0
    assert (out / (name.strip() + ".txt")).read_text(encoding="utf-8").startswith("Điều 1.")
