"""Packaging as users install it: the wheel carries the models and the licences, and
installed into a fresh virtualenv outside the checkout it restores, runs and imports
with no environment variable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
MAX_WHEEL_MB = 50


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel, bin folder of a fresh virtualenv with the wheel installed, a work folder)."""
    base = tmp_path_factory.mktemp("wheel")
    # build from a copy of what a source distribution holds: no stale build/ folder of
    # the checkout can leak into the wheel
    tree = base / "src-tree"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = base / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(tree), "--no-deps", "-q", "-w", str(dist)],
                   check=True, capture_output=True, text=True, timeout=600)
    (wheel,) = dist.glob("vnrestore-*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bindir = env_dir / "bin"
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=1200)
    work = base / "work"
    work.mkdir()
    return wheel, bindir, work


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VNRESTORE_MODELS", "PYTHONPATH", "VIRTUAL_ENV")}
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def test_wheel_carries_models_and_licences(installed):
    wheel, _, _ = installed
    assert wheel.stat().st_size < MAX_WHEEL_MB * 1e6
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("lexicon.tsv", "lm.npz", "channel.json", "manifest.json", "LICENSE"):
        assert f"diacritic_restore/models/{f}" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: GPL-3.0-or-later" in meta
    pyvi = [ln for ln in meta.splitlines() if ln.startswith("Requires-Dist: pyvi")]
    assert pyvi and all('extra == "train"' in ln for ln in pyvi)  # only in the train extra


def test_installed_wheel_restores_seed_000_outside_the_checkout(installed):
    _, bindir, work = installed
    (src,) = FIXTURES.glob("000_*.txt")
    res = subprocess.run([str(bindir / "vnrestore"), "restore", str(src)], capture_output=True, text=True,
                         cwd=work, env=_clean_env(), timeout=300)
    assert res.returncode == 0, res.stderr
    here = subprocess.run([sys.executable, "-m", "diacritic_restore", "restore", str(src)], capture_output=True,
                          text=True, env=_clean_env(), timeout=300)
    assert res.stdout == here.stdout  # the same models, the same text
    assert "Số 15-CT/TU" in res.stdout and "Sóc Trăng" in res.stdout


def test_installed_wheel_runs_and_imports(installed):
    _, bindir, work = installed
    (src,) = FIXTURES.glob("002_*.txt")
    res = subprocess.run([str(bindir / "vnrestore"), "run", str(src), "-o", "out", "-q", "--jobs", "1"],
                         capture_output=True, text=True, cwd=work, env=_clean_env(), timeout=300)
    assert res.returncode == 0, res.stderr
    assert (work / "out" / (src.stem + ".txt")).read_text(encoding="utf-8").strip()
    assert (work / "out" / (src.stem + ".json")).exists()
    code = ("from diacritic_restore import restore; import diacritic_restore, sys; "
            "print(restore('cong tac ket nap dang vien')); print(diacritic_restore.__file__)")
    res = subprocess.run([str(bindir / "python"), "-c", code], capture_output=True, text=True, cwd=work,
                         env=_clean_env(), timeout=300)
    assert res.returncode == 0, res.stderr
    text, where = res.stdout.splitlines()
    assert text == "công tác kết nạp đảng viên"
    assert str(ROOT) not in where and "site-packages" in where
    res = subprocess.run([str(bindir / "python"), "-m", "diacritic_restore", "--version"], capture_output=True,
                         text=True, cwd=work, env=_clean_env(), timeout=60)
    assert res.returncode == 0 and "vnrestore" in res.stdout
    res = subprocess.run([str(bindir / "python"), "-c", "import pyvi"], capture_output=True, text=True,
                         env=_clean_env(), timeout=60)
    assert res.returncode != 0  # pyvi (and scikit-learn) are not pulled into a plain install
