"""A batch's inputs: files, folders (recursive) and globs → documents with their place
in the mirrored output tree; and the output folder, proven writable before any work.

Where a document goes under OUT:

* a single folder argument is mirrored at OUT's top (``run archive/ -o out`` →
  ``out/sub/NAME.*``); several folder arguments are each mirrored under their own name
  (``run 2020/ 2021/ -o out`` → ``out/2020/…``, ``out/2021/…``);
* a glob keeps the tree below its fixed part (``'batch/**/*.txt'`` → ``out/<path below
  batch/>``);
* a named file goes to OUT's top.

The output folder is never read as input, wherever it lies under an input folder or
glob, nor are vnrestore's own files (report, ledger, lock, worker log) anywhere; an
input named twice (a folder and a file inside it, one file twice) is one document.
Hidden files and folders in input folders are not read: each is listed as ignored
(a hidden folder once, not its content).

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
from diacritic_restore.pipeline.ledger import LEDGER
from diacritic_restore.pipeline.lock import LOCK
from diacritic_restore.pipeline.logs import WORKER_LOG
from diacritic_restore.pipeline.report import HIDDEN, NOT_A_DOCUMENT, REPORT, FileReport
from diacritic_restore.text.decoding import special_kind

TEXT_SUFFIXES = frozenset({".txt", ".text"})
READABLE = IMAGE_SUFFIXES | PDF_SUFFIXES | TEXT_SUFFIXES
OWN_FILES = frozenset({REPORT, LOCK, WORKER_LOG})


def own_file(name: str) -> bool:
    """A file a vnrestore run writes beside its outputs (never an input)."""
    return name in OWN_FILES or name.startswith(LEDGER)  # with -wal, -journal, .broken-TIME


@dataclass
class Item:
    src: Path
    rel: Path  # output path relative to OUTDIR, without suffix
    named: bool = False  # named by the user (not found in a folder or by a glob)


def collect(inputs: list[str], out_dir: Path, follow_links: bool = False) -> tuple[list[Item], list[FileReport]]:
    """Files, folders (recursive) and glob patterns → items with their place in the
    mirrored output tree (see the module docstring), and the reports of what is not an
    item: files in folders that are not documents, hidden or not regular files
    (ignored), links leaving their folder (ignored unless ``follow_links``), a named
    input that is not a regular file and an input whose output name another input has
    (failed).  A missing input is an error before any work starts."""
    items: list[Item] = []
    reports: list[FileReport] = []
    out_res = out_dir.resolve()
    folders = [a for a in inputs if not (glob.has_magic(a) and not Path(a).exists()) and Path(a).is_dir()
               and not _inside(Path(a).resolve(), out_res)]
    for arg in inputs:
        p = Path(arg)
        if glob.has_magic(arg) and not p.exists():
            _from_glob(arg, out_res, follow_links, items, reports)
        elif p.is_dir():
            if not _inside(p.resolve(), out_res):  # OUT itself (a shell's `in/*`) or a folder in it
                under = Path(_folder_name(p)) if len(folders) > 1 else Path()
                _from_folder(p, under, out_res, follow_links, items, reports)
        elif not p.exists() and not p.is_symlink():
            raise InputError(f"{arg}: no such file or folder")
        else:
            why = not_regular(p)
            if why:  # named by the user: a failure, not a file to pass over
                reports.append(FileReport(input=str(p), status="failed", reason=why,
                                          exit_code=int(ExitCode.BAD_INPUT)))
            else:
                items.append(Item(p, Path(p.name).with_suffix(""), named=True))
    return _unique_outputs(_once(items), reports)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _folder_name(p: Path) -> str:
    """The name a folder argument is mirrored under when there are several."""
    return Path(os.path.abspath(p)).name or "root"


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


def _glob_literal(pattern: str) -> str:
    """A glob pattern's fixed part: its path up to the first wildcard ("" for none)."""
    literal: list[str] = []
    for part in Path(pattern).parts:
        if glob.has_magic(part):
            break
        literal.append(part)
    return str(Path(*literal)) if literal else ""


def _from_glob(pattern: str, out_res: Path, follow_links: bool, items: list[Item],
               reports: list[FileReport]) -> None:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        raise InputError(f"{pattern}: no file matches")
    literal = _glob_literal(pattern)
    root = Path(literal or ".").resolve()
    for m in matches:
        mp = Path(m)
        if mp.is_dir() or own_file(mp.name) or _inside(mp.parent.resolve(), out_res):
            continue
        why = not_regular(mp, root, follow_links)
        if why:
            reports.append(FileReport(input=str(mp), status="ignored", reason=why))
            continue
        rel = Path(os.path.relpath(m, literal or "."))
        if rel.parts and rel.parts[0] == "..":  # a pattern climbing out of its fixed part
            rel = Path(mp.name)
        items.append(Item(mp, rel.with_suffix("")))


def _from_folder(p: Path, under: Path, out_res: Path, follow_links: bool, items: list[Item],
                 reports: list[FileReport]) -> None:
    """Every document under ``p``, mirrored under ``under``; never our own output
    folder or files; hidden files and folders listed, not read; each folder once (a
    followed link may lead back up the tree)."""
    root = p.resolve()
    visited: set[Path] = set()
    for top, dirs, files in os.walk(p, followlinks=follow_links):
        rp = Path(top)
        visited.add(rp.resolve())
        dirs[:] = _subfolders(rp, sorted(dirs), out_res, follow_links, visited, reports)
        for name in sorted(files):
            f = rp / name
            if own_file(name):
                continue
            if name.startswith("."):
                why: str | None = HIDDEN
            elif f.suffix.lower() not in READABLE:
                why = NOT_A_DOCUMENT
            else:
                why = not_regular(f, root, follow_links)
            if why:
                reports.append(FileReport(input=str(f), status="ignored", reason=why))
            else:
                items.append(Item(f, under / f.relative_to(p).with_suffix("")))


def _subfolders(rp: Path, dirs: list[str], out_res: Path, follow_links: bool, visited: set[Path],
                reports: list[FileReport]) -> list[str]:
    """The subfolders of ``rp`` to walk into; the others listed (hidden, links not followed)."""
    keep = []
    for d in dirs:
        sub = rp / d
        real = sub.resolve()
        if real == out_res:
            continue
        if d.startswith("."):
            reports.append(FileReport(input=str(sub), status="ignored", reason=f"a folder, {HIDDEN}"))
        elif sub.is_symlink() and not follow_links:
            reports.append(FileReport(input=str(sub), status="ignored",
                                      reason=f"a link to the folder {real}; not followed"))
        elif real not in visited:
            keep.append(d)
    return keep


def _once(items: list[Item]) -> list[Item]:
    """Each file once: a file named and also found in a folder or by a glob keeps its
    place in the tree; the same file named twice is one item.  The same path, that is:
    a link is a name of its own (as in a folder, where it is mirrored under its name)."""
    best: dict[str, Item] = {}
    order: list[str] = []
    for it in items:
        key = os.path.abspath(it.src)
        have = best.get(key)
        if have is None:
            best[key] = it
            order.append(key)
        elif have.named and not it.named:
            best[key] = it
    return [best[k] for k in order]


def _unique_outputs(items: list[Item], reports: list[FileReport]) -> tuple[list[Item], list[FileReport]]:
    """One input per output name: the first keeps it, a later one fails (the batch goes on)."""
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
