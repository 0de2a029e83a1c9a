"""A batch's inputs: files, folders (recursive) and globs → documents with their place
in the mirrored output tree; and the output folder, proven writable before any work.

Only regular files become documents.  A FIFO, a device or a socket (or a link to one)
would block a worker forever or feed it without end: it is listed with its reason and
never opened.  A link inside a folder whose target leaves the folder is not followed
unless the caller says so, and two inputs that would be written to the same output
name do not stop the batch: the first is kept, the other is reported as failed."""

from __future__ import annotations

import glob
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from diacritic_restore.errors import ExitCode, InputError, OutputError
from diacritic_restore.fileio import TEMP_GLOB
from diacritic_restore.ocr.pages import IMAGE_SUFFIXES, PDF_SUFFIXES
from diacritic_restore.pipeline.report import NOT_A_DOCUMENT, FileReport
from diacritic_restore.text.decoding import special_kind

TEXT_SUFFIXES = frozenset({".txt", ".text"})
READABLE = IMAGE_SUFFIXES | PDF_SUFFIXES | TEXT_SUFFIXES


@dataclass
class Item:
    src: Path
    rel: Path  # output path relative to OUTDIR, without suffix


def collect(inputs: list[str], out_dir: Path, follow_links: bool = False) -> tuple[list[Item], list[FileReport]]:
    """Files, folders (recursive) and glob patterns → items with their place in the
    mirrored output tree, and the reports of what is not an item: files in folders that
    are not documents or not regular files (ignored), links leaving their folder
    (ignored unless ``follow_links``), a named input that is not a regular file and an
    input whose output name another input has (failed).  A missing input is an error
    before any work starts."""
    items: list[Item] = []
    reports: list[FileReport] = []
    out_res = out_dir.resolve()
    for arg in inputs:
        p = Path(arg)
        if glob.has_magic(arg) and not p.exists():
            _from_glob(arg, follow_links, items, reports)
        elif p.is_dir():
            _from_folder(p, out_res, follow_links, items, reports)
        elif not p.exists() and not p.is_symlink():
            raise InputError(f"{arg}: no such file or folder")
        else:
            why = not_regular(p)
            if why:  # named by the user: a failure, not a file to pass over
                reports.append(FileReport(input=str(p), status="failed", reason=why,
                                          exit_code=int(ExitCode.BAD_INPUT)))
            else:
                items.append(Item(p, Path(p.name).with_suffix("")))
    return _unique_outputs(items, reports)


def not_regular(path: Path, root: Path | None = None, follow_links: bool = True) -> str | None:
    """Why ``path`` must not be opened (not a regular file, or a link leaving ``root``
    when links are not followed), or None.  A dangling link is None: reading it fails
    with "no such file", as for any missing file."""
    try:
        st = os.stat(path)
    except OSError:
        return None  # missing or unreadable: reading it says so
    link = path.is_symlink()
    if not stat.S_ISREG(st.st_mode):
        what = special_kind(st.st_mode)
        where = f"a link to {os.path.realpath(path)}, {what}" if link else what
        return f"{where}, not a regular file; never opened"
    if link and root is not None and not follow_links:
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(root):
            return f"a link to {target}, outside {root}; not followed"
    return None


def _glob_root(pattern: str) -> Path:
    """The folder a glob pattern searches: its path up to the first wildcard."""
    literal: list[str] = []
    for part in Path(pattern).parts:
        if glob.has_magic(part):
            break
        literal.append(part)
    return Path(*literal).resolve() if literal else Path.cwd().resolve()


def _from_glob(pattern: str, follow_links: bool, items: list[Item], reports: list[FileReport]) -> None:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        raise InputError(f"{pattern}: no file matches")
    root = _glob_root(pattern)
    for m in matches:
        mp = Path(m)
        if mp.is_dir():
            continue
        why = not_regular(mp, root, follow_links)
        if why:
            reports.append(FileReport(input=str(mp), status="ignored", reason=why))
        else:
            items.append(Item(mp, Path(mp.name).with_suffix("")))


def _from_folder(p: Path, out_res: Path, follow_links: bool, items: list[Item], reports: list[FileReport]) -> None:
    """Every document under ``p``; never our own output folder or hidden folders, and
    each folder once (a followed link may lead back up the tree)."""
    root = p.resolve()
    visited: set[Path] = set()
    for top, dirs, files in os.walk(p, followlinks=follow_links):
        rp = Path(top)
        visited.add(rp.resolve())
        keep = []
        for d in sorted(dirs):
            sub = rp / d
            real = sub.resolve()
            if d.startswith(".") or real == out_res:
                continue
            if sub.is_symlink() and not follow_links:
                reports.append(FileReport(input=str(sub), status="ignored",
                                          reason=f"a link to the folder {real}; not followed"))
            elif real not in visited:
                keep.append(d)
        dirs[:] = keep
        for name in sorted(files):
            if name.startswith("."):
                continue
            f = rp / name
            why = NOT_A_DOCUMENT if f.suffix.lower() not in READABLE else not_regular(f, root, follow_links)
            if why:
                reports.append(FileReport(input=str(f), status="ignored", reason=why))
            else:
                items.append(Item(f, f.relative_to(p).with_suffix("")))


def _unique_outputs(items: list[Item], reports: list[FileReport]) -> tuple[list[Item], list[FileReport]]:
    """One input per output name: the first keeps it, a later one fails (the batch goes
    on); the same file named twice is one item."""
    seen: dict[Path, Path] = {}
    kept: list[Item] = []
    for it in items:
        other = seen.get(it.rel)
        if other is None:
            seen[it.rel] = it.src
            kept.append(it)
        elif other != it.src:
            reports.append(FileReport(
                input=str(it.src), status="failed", exit_code=int(ExitCode.BAD_INPUT),
                reason=f"would be written to the same output as {other} ({it.rel}.*); "
                       "rename one or run them separately"))
    return kept, reports


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
