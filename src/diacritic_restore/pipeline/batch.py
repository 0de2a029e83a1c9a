"""Archive batch runs: many inputs in, the input tree mirrored under one output folder,
pages of all documents in parallel worker processes, a resumable ledger, and one broken
file never stopping the rest.

* Work units are pages (scans, PDFs) and whole text documents.  Each worker process
  loads the restore model once and OCRs and restores its units; the main process
  assembles documents in page order, extracts metadata, writes ``NAME.txt`` and
  ``NAME.json`` atomically, records them in the ledger, and draws the progress line.
* The ledger (SQLite, ``OUTDIR/.vnrestore-ledger.sqlite``) holds, per input path, the
  input's sha256 and a key of the settings and model version.  A rerun of the same
  command skips what is recorded as done with unchanged input and settings and whose
  outputs are still there; ``--force`` redoes all.  A document is recorded only after
  both its outputs are in place, so a run killed at any moment redoes at most the
  documents it was working on, and writes the same bytes again.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import sqlite3
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TextIO

from pydantic import BaseModel, Field

from diacritic_restore.errors import InputError, OutputError, VnrestoreError
from diacritic_restore.ocr.tesseract import PageText
from diacritic_restore.ocr.pages import IMAGE_SUFFIXES, PDF_SUFFIXES
from diacritic_restore.pipeline.document import RunOptions, assemble, check_input, read_page_unit, read_text_unit

LEDGER = ".vnrestore-ledger.sqlite"
REPORT = "report.json"
TEXT_SUFFIXES = frozenset({".txt", ".text"})
READABLE = IMAGE_SUFFIXES | PDF_SUFFIXES | TEXT_SUFFIXES

# exit codes of a batch (documented in the README)
EXIT_PARTIAL = 8  # some inputs failed, the others were written
EXIT_ALL_FAILED = 9  # no input could be processed


class FileReport(BaseModel):
    input: str
    output: str | None = None
    status: str = Field("pending", description="done, failed, skipped (done before, unchanged) or ignored (not a document)")
    reason: str | None = None
    exit_code: int | None = Field(None, description="the error's exit code when it failed alone")
    pages: int = 0
    syllables: int = 0
    seconds: float = 0.0
    mean_confidence: float | None = None


class BatchReport(BaseModel):
    started: str
    finished: str
    output_dir: str
    jobs: int
    files: int
    done: int
    failed: int
    skipped: int
    ignored: int
    pages: int
    syllables: int
    seconds: float
    pages_per_second: float | None
    mean_confidence: float | None
    settings_key: str
    details: list[FileReport]

    @property
    def exit_code(self) -> int:
        if self.failed == 0:
            return 0
        return EXIT_ALL_FAILED if self.done + self.skipped == 0 else EXIT_PARTIAL


@dataclass
class Item:
    src: Path
    rel: Path  # output path relative to OUTDIR, without suffix


# ------------------------------------------------------------------ inputs


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
    for stale in out_dir.rglob(".vnrestore-*.tmp"):
        stale.unlink(missing_ok=True)


# ------------------------------------------------------------------ ledger


def settings_key(opts: RunOptions) -> str:
    """What the outputs depend on: the settings (not ``jobs``), the package version and
    the model set's manifest (which pins every model file's sha256)."""
    from diacritic_restore import __version__
    from diacritic_restore.models.store import model_id

    h = hashlib.sha256()
    h.update(opts.model_dump_json(exclude={"jobs"}).encode())
    h.update(__version__.encode())
    h.update(model_id(opts.model_dir).encode())
    return h.hexdigest()[:16]


class Ledger:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS documents (input TEXT PRIMARY KEY, sha256 TEXT, settings TEXT, status TEXT,"
            " reason TEXT, outputs TEXT, pages INTEGER, syllables INTEGER, seconds REAL, confidence REAL,"
            " finished TEXT, runs INTEGER DEFAULT 0)")

    def done(self, key: str, sha: str, settings: str) -> sqlite3.Row | None:
        cur = self.db.execute("SELECT status, outputs, pages, syllables, seconds, confidence FROM documents "
                              "WHERE input=? AND sha256=? AND settings=? AND status='done'", (key, sha, settings))
        return cur.fetchone()

    def record(self, key: str, sha: str, settings: str, rep: FileReport, outputs: list[str]) -> None:
        self.db.execute(
            "INSERT INTO documents (input, sha256, settings, status, reason, outputs, pages, syllables, seconds,"
            " confidence, finished, runs) VALUES (?,?,?,?,?,?,?,?,?,?,?,1) ON CONFLICT(input) DO UPDATE SET"
            " sha256=excluded.sha256, settings=excluded.settings, status=excluded.status, reason=excluded.reason,"
            " outputs=excluded.outputs, pages=excluded.pages, syllables=excluded.syllables,"
            " seconds=excluded.seconds, confidence=excluded.confidence, finished=excluded.finished,"
            " runs=documents.runs+1",
            (key, sha, settings, rep.status, rep.reason, json.dumps(outputs), rep.pages, rep.syllables, rep.seconds,
             rep.mean_confidence, _now()))

    def close(self) -> None:
        self.db.close()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(path: Path) -> str:
    from diacritic_restore.pipeline.document import file_sha256

    return file_sha256(path)


# ------------------------------------------------------------------ workers


def _init_worker() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _unit(kind: str, path: str, index: int, opts: RunOptions) -> PageText | tuple[str, int]:
    """One unit of work in a worker; a failure comes back as (message, exit code)."""
    try:
        p = Path(path)
        return read_text_unit(p, opts) if kind == "text" else read_page_unit(p, index, opts)
    except VnrestoreError as exc:
        return (exc.message, exc.exit_code)
    except Exception as exc:  # a bug on one page must not stop the archive's batch
        return (f"internal error: {type(exc).__name__}: {exc}", 1)


# ------------------------------------------------------------------ progress


class Progress:
    """One status line on stderr (files, pages, pages/s, ETA), only on a terminal."""

    def __init__(self, files: int, stream: TextIO, quiet: bool):
        self.files, self.stream = files, stream
        self.live = not quiet and stream.isatty()
        self.quiet = quiet
        self.pages_total = 0
        self.pages_done = 0
        self.files_done = 0
        self.failed = 0
        self.t0 = time.perf_counter()
        self._last = 0.0

    def log(self, line: str) -> None:
        if self.quiet:
            return
        if self.live:
            self.stream.write("\r\x1b[K")
        self.stream.write(line + "\n")
        self.draw(force=True)

    def draw(self, force: bool = False) -> None:
        if not self.live:
            return
        now = time.perf_counter()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        el = now - self.t0
        rate = self.pages_done / el if el > 0 else 0.0
        left = self.pages_total - self.pages_done
        eta = f"{int(left / rate) // 60}:{int(left / rate) % 60:02d}" if rate > 0 and left > 0 else "-"
        fail = f", {self.failed} failed" if self.failed else ""
        self.stream.write(f"\r\x1b[Kfiles {self.files_done}/{self.files}{fail}  pages {self.pages_done}/"
                          f"{self.pages_total}  {rate:.2f} pages/s  ETA {eta}")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


# ------------------------------------------------------------------ the batch


@dataclass
class _Doc:
    item: Item
    kind: str
    sha: str
    key: str
    n: int
    pages: dict[int, PageText] = field(default_factory=dict)
    error: tuple[str, int] | None = None
    t0: float = field(default_factory=time.perf_counter)


def run_batch(
    inputs: list[str], out_dir: str | os.PathLike, opts: RunOptions | None = None, *, force: bool = False,
    quiet: bool = False, stream: TextIO | None = None,
    on_document: Callable[[FileReport], None] | None = None,
) -> BatchReport:
    """Process every input into ``out_dir``; see the module docstring."""
    from diacritic_restore.fileio import write_text_atomic
    from diacritic_restore.ocr.tesseract import check_tesseract
    from diacritic_restore.ocr.pages import kind_of, page_count

    opts = opts or RunOptions()
    out = Path(out_dir)
    stream = stream or sys.stderr
    items, ignored = collect(inputs, out)
    prepare_output(out)
    if any(kind_of(it.src) == "image" for it in items):
        check_tesseract(opts.ocr.lang)  # the user can fix this: say so before any work
    skey = settings_key(opts)
    ledger = Ledger(out / LEDGER)
    started = _now()
    t0 = time.perf_counter()
    reports: dict[int, FileReport] = {}
    progress = Progress(len(items), stream, quiet)

    def finish(k: int, rep: FileReport) -> None:
        reports[k] = rep
        progress.files_done += 1
        if rep.status == "failed":
            progress.failed += 1
            if len(items) > 1:  # a single file's error is the command's own one line
                progress.log(f"vnrestore: {rep.input}: {rep.reason}")
        if on_document:
            on_document(rep)
        progress.draw()

    def fail(k: int, rep: FileReport, exc: Exception, key: str, sha: str, os_what: str) -> None:
        """Record one input's failure (with its one-line reason) and go on."""
        if isinstance(exc, VnrestoreError):
            rep.reason, rep.exit_code = _reason(exc.message, Path(rep.input)), exc.exit_code
        else:
            assert isinstance(exc, OSError)
            rep.reason, rep.exit_code = f"{os_what} ({exc.strerror})", 6 if "write" in os_what else 3
        rep.status = "failed"
        ledger.record(key, sha, skey, rep, [])
        finish(k, rep)

    docs: dict[int, _Doc] = {}
    units: list[tuple[int, str, int]] = []
    for k, it in enumerate(items):
        rep = FileReport(input=str(it.src))
        try:
            kind = check_input(it.src)
            sha = _sha256(it.src)
        except (VnrestoreError, OSError) as exc:
            fail(k, rep, exc, str(it.src), "", "cannot read")
            continue
        key = str(it.src.resolve())
        txt = out / it.rel.with_suffix(".txt")
        if not force:
            row = ledger.done(key, sha, skey)
            if row is not None and all(Path(o).exists() for o in json.loads(row[1])):
                rep.status, rep.output = "skipped", str(txt)
                rep.pages, rep.syllables, rep.seconds, rep.mean_confidence = row[2], row[3], row[4], row[5]
                finish(k, rep)
                continue
        try:
            n = page_count(it.src) if kind != "text" else 1
            if n == 0:
                raise InputError(f"{it.src}: has no pages")
        except VnrestoreError as exc:
            fail(k, rep, exc, key, sha, "")
            continue
        docs[k] = _Doc(it, kind, sha, key, n)
        units.extend((k, kind, i) for i in range(n))
        progress.pages_total += n

    def complete(k: int) -> None:
        d = docs.pop(k)
        rep = FileReport(input=str(d.item.src))
        if d.error is not None:
            rep.status, rep.reason, rep.exit_code = "failed", d.error[0], d.error[1]
            ledger.record(d.key, d.sha, skey, rep, [])
            finish(k, rep)
            return
        pages = [d.pages[i] for i in range(d.n)]
        try:
            res = assemble(d.item.src, d.kind, pages, opts, time.perf_counter() - d.t0)
            txt = out / d.item.rel.with_suffix(".txt")
            meta = txt.with_suffix(".json")
            if txt.resolve() == d.item.src.resolve() or meta.resolve() == d.item.src.resolve():
                raise InputError("refusing to overwrite the input file")
            txt.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(txt, res.text)
            write_text_atomic(meta, res.metadata.model_dump_json(indent=1) + "\n")
        except (VnrestoreError, OSError) as exc:
            fail(k, rep, exc, d.key, d.sha, "cannot write outputs")
            return
        rep.status, rep.output = "done", str(txt)
        rep.pages, rep.seconds, rep.mean_confidence = d.n, round(time.perf_counter() - d.t0, 3), res.mean_confidence
        rep.syllables = _syllables(res.text)
        ledger.record(d.key, d.sha, skey, rep, [str(txt), str(meta)])
        finish(k, rep)

    pending_units: dict[int, int] = {}
    for k, _, _ in units:
        pending_units[k] = pending_units.get(k, 0) + 1

    def arrived(k: int, i: int, res: PageText | tuple[str, int]) -> None:
        d = docs[k]
        pending_units[k] -= 1
        progress.pages_done += 1
        if isinstance(res, tuple):
            if d.error is None:
                page = f"page {i + 1}: " if d.n > 1 else ""
                d.error = (page + _reason(res[0], d.item.src), res[1])
        else:
            d.pages[i] = res
        if pending_units[k] == 0:
            complete(k)
        progress.draw()

    try:
        if units:
            jobs = max(1, min(opts.jobs, len(units)))
            if jobs == 1:
                _init_worker()
                for k, kind, i in units:
                    arrived(k, i, _unit(kind, str(docs[k].item.src), i, opts))
            else:
                with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker) as pool:
                    # a bounded window of submitted units keeps memory flat for huge batches
                    todo = iter(units)
                    running: dict[Future, tuple[int, int]] = {}

                    def submit_more() -> None:
                        while len(running) < 4 * jobs:
                            nxt = next(todo, None)
                            if nxt is None:
                                return
                            k, kind, i = nxt
                            running[pool.submit(_unit, kind, str(docs[k].item.src), i, opts)] = (k, i)

                    submit_more()
                    while running:
                        finished, _ = wait(running, return_when=FIRST_COMPLETED)
                        for fut in finished:
                            k, i = running.pop(fut)
                            arrived(k, i, fut.result())
                        submit_more()
    finally:
        progress.close()
        ledger.close()
    details = [reports[k] for k in sorted(reports)] + ignored
    done = [r for r in details if r.status == "done"]
    ok = [r for r in details if r.status in ("done", "skipped")]
    confs = [r.mean_confidence for r in ok if r.mean_confidence is not None]
    seconds = round(time.perf_counter() - t0, 3)
    pages_done = sum(r.pages for r in done)
    rep = BatchReport(
        started=started, finished=_now(), output_dir=str(out), jobs=opts.jobs, files=len(items),
        done=len(done), failed=sum(r.status == "failed" for r in details),
        skipped=sum(r.status == "skipped" for r in details), ignored=len(ignored),
        pages=sum(r.pages for r in ok), syllables=sum(r.syllables for r in ok), seconds=seconds,
        pages_per_second=round(pages_done / seconds, 3) if pages_done and seconds else None,
        mean_confidence=round(sum(confs) / len(confs), 4) if confs else None, settings_key=skey, details=details)
    write_text_atomic(out / REPORT, rep.model_dump_json(indent=1) + "\n")
    return rep


def _reason(message: str, src: Path) -> str:
    """The message without the file name the report already shows."""
    for prefix in (f"{src}: ", f"{src.name}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _syllables(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalpha() for c in w))


def summary(rep: BatchReport) -> str:
    """The one-screen summary printed after a batch."""
    lines = [
        f"{rep.files} files: {rep.done} done, {rep.skipped} skipped (done before), {rep.failed} failed"
        + (f", {rep.ignored} ignored (not documents)" if rep.ignored else ""),
        f"{rep.pages} pages, {rep.syllables} syllables in {rep.seconds:.1f} s"
        + (f" ({rep.pages_per_second:.2f} pages/s)" if rep.pages_per_second else "")
        + (f", mean confidence {rep.mean_confidence:.3f}" if rep.mean_confidence is not None else ""),
    ]
    failed = [r for r in rep.details if r.status == "failed"]
    for r in failed[:10]:
        lines.append(f"  failed: {r.input}: {r.reason}")
    if len(failed) > 10:
        lines.append(f"  ... and {len(failed) - 10} more in {Path(rep.output_dir) / REPORT}")
    lines.append(f"report: {Path(rep.output_dir) / REPORT}")
    return "\n".join(lines)
