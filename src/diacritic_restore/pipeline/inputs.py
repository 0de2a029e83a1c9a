"""A batch's inputs: files, folders (recursive) and globs → documents with their place
in the mirrored output tree; and the output folder, proven writable before any work."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from diacritic_restore.errors import InputError, OutputError
from diacritic_restore.fileio import TEMP_GLOB
from diacritic_restore.ocr.pages import IMAGE_SUFFIXES, PDF_SUFFIXES
from diacritic_restore.pipeline.report import FileReport

TEXT_SUFFIXES = frozenset({".txt", ".text"})
READABLE = IMAGE_SUFFIXES | PDF_SUFFIXES | TEXT_SUFFIXES


@dataclass
class Item:
    src: Path
    rel: Path  # output path relative to OUTDIR, without suffix


def collect(inputs: list[str], out_dir: Path) -> tuple[list[Item], list[FileReport]]:
    """Files, folders (recursive) and glob patterns → items with their place in the
    mirrored output tree; files in folders that are not documents are ignored (and
    reported).  A missing input is an error before any work starts."""
    items: list[Item] = []
    ignored: list[FileReport] = []
    out_res = out_dir.resolve()
    for arg in inputs:
        p = Path(arg)
        if glob.has_magic(arg) and not p.exists():
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise InputError(f"{arg}: no file matches")
            for m in matches:
                mp = Path(m)
                if mp.is_file() or mp.is_symlink():
                    items.append(Item(mp, Path(mp.name).with_suffix("")))
            continue
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                rp = Path(root)
                # never read our own output folder or hidden folders
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (rp / d).resolve() != out_res)
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    f = rp / name
                    if f.suffix.lower() in READABLE:
                        items.append(Item(f, f.relative_to(p).with_suffix("")))
                    else:
                        ignored.append(FileReport(input=str(f), status="ignored", reason="not an image, PDF or text"))
            continue
        if not p.exists() and not p.is_symlink():
            raise InputError(f"{arg}: no such file or folder")
        items.append(Item(p, Path(p.name).with_suffix("")))
    seen: dict[Path, Path] = {}
    for it in items:
        other = seen.get(it.rel)
        if other is not None and other != it.src:
            raise InputError(f"{it.src} and {other} would both be written to {it.rel}.txt; run them separately")
        seen[it.rel] = it.src
    return items, ignored


def prepare_output(out_dir: Path) -> None:
    """Create OUTDIR and prove it writable before any work; clear temporary files a
    killed run left."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".vnrestore-probe-{os.getpid()}.tmp"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"{out_dir}: output folder not writable ({exc.strerror})") from None
    for stale in out_dir.rglob(TEMP_GLOB):
        stale.unlink(missing_ok=True)
