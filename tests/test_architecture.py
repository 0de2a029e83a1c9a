"""The architecture as a checked contract: the import-linter contracts of
pyproject.toml hold for the package, and they do fail when a text-core module
imports from the pipeline (checked on a copy of the package with such an import)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "diacritic_restore"


def lint_imports(src_root: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the package under ``src_root`` with the project's contracts."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename=sys.argv[2], no_cache=True))")
    return subprocess.run([sys.executable, "-c", code, str(src_root), str(ROOT / "pyproject.toml")],
                          capture_output=True, text=True, cwd=src_root, timeout=300)


def test_layering_contracts_hold():
    res = lint_imports(ROOT / "src")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Contracts: 3 kept, 0 broken" in res.stdout


def test_layering_contract_fails_when_the_text_core_imports_the_pipeline(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "diacritic_restore", ignore=shutil.ignore_patterns("__pycache__", "*.npz"))
    core = tmp_path / "diacritic_restore" / "text" / "syllable.py"
    core.write_text(core.read_text(encoding="utf-8") + "\nfrom diacritic_restore.pipeline import batch  # noqa\n",
                    encoding="utf-8")
    res = lint_imports(tmp_path)
    assert res.returncode != 0
    assert "diacritic_restore.text.syllable -> diacritic_restore.pipeline.batch" in res.stdout


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_modules_and_functions_stay_small():
    """No module over 500 lines, no function over 80 (numba-compiled kernels aside)."""
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 500:
            too_long.append(f"{path.relative_to(PACKAGE)}: {text.count(chr(10))} lines")
        for fn in _functions(ast.parse(text)):
            compiled = any("njit" in ast.unparse(d) or "jit" in ast.unparse(d) for d in fn.decorator_list)
            n = fn.end_lineno - fn.lineno + 1
            if n > 80 and not compiled:
                too_long.append(f"{path.relative_to(PACKAGE)}:{fn.lineno} {fn.name}: {n} lines")
    assert not too_long, too_long


def test_ruff_clean():
    res = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "bench", "scripts"],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
