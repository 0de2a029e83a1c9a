"""Archive batch runs: many inputs in, the input tree mirrored under one output folder,
pages of all documents on one executor, a resumable ledger, and one broken file never
stopping the rest.

* Work units are pages (scans, PDFs) and whole text documents (:mod:`.units`).  Each
  worker loads the restore model once and OCRs and restores its units; the main
  process assembles documents in page order, extracts metadata, writes the outputs
  atomically (:mod:`.outputs`), records them in the ledger (:mod:`.ledger`), calls the
  document-finished hook and draws the progress line.
* A rerun of the same command skips what the ledger records as done with unchanged
  input and settings and whose outputs are still there; ``force`` redoes all.  A
  document is recorded only after its outputs are in place, so a run killed at any
  moment redoes at most the documents it was working on, and writes the same bytes.
* A failure is recorded too: a rerun reports it again without retrying it (an input
  that killed its worker must not kill every rerun); ``retry_failed`` tries again.
* Ctrl-C (KeyboardInterrupt) still writes ``report.json``, marked ``interrupted``, with
  the documents not finished as "not reached", and then goes on up (exit 130).
* Messages go to the ``vnrestore`` logger (:mod:`.logs`); native libraries' messages
  in this process (page counting opens images and PDFs) go to the worker log.
* One run per output folder (:mod:`.lock`); a ledger that cannot serve is moved aside
  and rebuilt from the outputs on disk (:func:`.ledger.open_ledger`).
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from diacritic_restore.errors import ExitCode, OutputError, VnrestoreError
from diacritic_restore.fileio import write_text_atomic
from diacritic_restore.models.store import file_sha256
from diacritic_restore.ocr.page import PageResult
from diacritic_restore.ocr.pages import kind_of
from diacritic_restore.ocr.reader import check_engine
from diacritic_restore.pipeline.document import DocumentResult, assemble, check_input, unit_count, unit_executor
from diacritic_restore.pipeline.inputs import Item, collect, prepare_output
from diacritic_restore.pipeline.ledger import LEDGER, Ledger, now, open_ledger, settings_key
from diacritic_restore.pipeline.lock import RunLock
from diacritic_restore.pipeline.logs import ALWAYS, WORKER_LOG, ensure_logging, log, native_messages
from diacritic_restore.pipeline.options import RunOptions
from diacritic_restore.pipeline.outputs import write_outputs
from diacritic_restore.pipeline.progress import Progress
from diacritic_restore.pipeline.report import (
    NOT_REACHED,
    REPORT,
    BatchReport,
    FileReport,
    batch_report,
    readable,
    reason,
    syllables,
)
from diacritic_restore.pipeline.units import UnitFailure, run_unit

__all__ = ["run_batch", "summary", "BatchReport", "FileReport", "Progress", "LEDGER", "REPORT",
           "EXIT_PARTIAL", "EXIT_ALL_FAILED", "DocumentDone"]

from diacritic_restore.pipeline.report import summary  # noqa: E402  (re-exported for the CLI)

EXIT_PARTIAL = ExitCode.PARTIAL
EXIT_ALL_FAILED = ExitCode.ALL_FAILED


@dataclass
class DocumentDone:
    """What the document-finished hook receives: the file's report and, when the
    document was processed in this run, its whole result (text, pages with every
    word's box, metadata); ``None`` for skipped and failed files."""

    report: FileReport
    result: DocumentResult | None = None
    outputs: list[Path] = field(default_factory=list)


@dataclass
class _Doc:
    item: Item
    kind: str
    sha: str
    key: str
    n: int
    pages: dict[int, PageResult] = field(default_factory=dict)
    error: tuple[str, int] | None = None
    pending: int = 0


class _BatchRun:
    """The state of one batch: its documents, the ledger, the reports and progress."""

    def __init__(self, items: list[Item], out: Path, opts: RunOptions, progress: Progress,
                 on_document: Callable[[DocumentDone], None] | None, ledger: Ledger):
        self.items, self.out, self.opts, self.progress = items, out, opts, progress
        self.on_document = on_document
        self.skey = settings_key(opts)
        self.ledger = ledger
        self.reports: dict[int, FileReport] = {}
        self.docs: dict[int, _Doc] = {}

    # -------------------------------------------------------------- planning

    def plan(self, force: bool, retry_failed: bool = False) -> list[tuple[tuple[int, int], tuple]]:
        """Check every input, skip what is done (and what failed, unless
        ``retry_failed``), and list the units of the rest."""
        units: list[tuple[tuple[int, int], tuple]] = []
        for k, it in enumerate(self.items):
            doc = self._open(k, it, force, retry_failed)
            if doc is None:
                continue
            self.docs[k] = doc
            doc.pending = doc.n
            units.extend(((k, i), (doc.kind, str(it.src), i, self.opts)) for i in range(doc.n))
            self.progress.pages_total += doc.n
        return units

    def _open(self, k: int, it: Item, force: bool, retry_failed: bool) -> _Doc | None:
        """A document to work on, or None when it failed its checks or is done."""
        rep = FileReport(input=str(it.src))
        try:
            kind = check_input(it.src)
            sha = file_sha256(it.src)
        except (VnrestoreError, OSError) as exc:
            self._fail(k, rep, exc, str(it.src), "", "cannot read")
            return None
        key = readable(str(it.src.resolve()))  # sqlite takes no undecodable name
        if not force:
            done = self.ledger.done(key, sha, self.skey)
            if done is not None:
                done.input = str(it.src)
                done.review_reasons = _stored_review(done.output)
                self._finish(k, done)
                return None
            failed = None if retry_failed else self.ledger.failed(key, sha, self.skey)
            if failed is not None:
                rep.status, rep.exit_code = "failed", failed.exit_code or int(ExitCode.BAD_INPUT)
                rep.reason = f"{failed.reason} (failed before; --retry-failed tries again)"
                self._finish(k, rep)
                return None
        try:
            with native_messages(self.out / WORKER_LOG):  # libjpeg, Leptonica: not on the terminal
                n = unit_count(it.src, kind)
        except VnrestoreError as exc:
            self._fail(k, rep, exc, key, sha, "")
            return None
        return _Doc(it, kind, sha, key, n)

    # -------------------------------------------------------------- results

    def arrived(self, k: int, i: int, res: PageResult | UnitFailure) -> None:
        """A unit came back from the executor."""
        d = self.docs[k]
        d.pending -= 1
        self.progress.pages_done += 1
        if isinstance(res, UnitFailure):
            if d.error is None:
                page = f"page {i + 1}: " if d.n > 1 else ""
                d.error = (page + reason(res.message, d.item.src), res.exit_code)
        else:
            d.pages[i] = res
        if d.pending == 0:
            self._complete(k)
        self.progress.draw()

    def _complete(self, k: int) -> None:
        """Every unit of document ``k`` is back: assemble, write, record."""
        d = self.docs.pop(k)
        rep = FileReport(input=str(d.item.src))
        if d.error is not None:
            rep.status, rep.reason, rep.exit_code = "failed", d.error[0], d.error[1]
            self.ledger.record(d.key, d.sha, self.skey, rep, [])
            self._finish(k, rep)
            return
        t0 = time.perf_counter()
        pages = [d.pages[i] for i in range(d.n)]
        own = sum(pg.seconds or 0.0 for pg in pages)  # its units' own time, not the wait for a worker
        try:
            res = assemble(d.item.src, d.kind, pages, self.opts, own, sha256=d.sha, settings_key=self.skey)
            written = write_outputs(res, self.out / d.item.rel, self.opts.outputs, d.item.src)
        except (VnrestoreError, OSError) as exc:
            self._fail(k, rep, exc, d.key, d.sha, "cannot write outputs")
            return
        rep.status, rep.output = "done", str(written[0])
        rep.pages, rep.mean_confidence = d.n, res.mean_confidence
        rep.seconds = round(own + time.perf_counter() - t0, 3)
        rep.syllables = syllables(res.text)
        rep.review_reasons = list(getattr(res, "review_reasons", None) or [])
        self.ledger.record(d.key, d.sha, self.skey, rep, [str(p) for p in written])
        self._finish(k, rep, res, written)

    def _fail(self, k: int, rep: FileReport, exc: Exception, key: str, sha: str, os_what: str) -> None:
        """Record one input's failure (with its one-line reason) and go on."""
        if isinstance(exc, VnrestoreError):
            rep.reason, rep.exit_code = reason(exc.message, Path(rep.input)), int(exc.exit_code)
        else:
            assert isinstance(exc, OSError)
            code = ExitCode.OUTPUT if "write" in os_what else ExitCode.BAD_INPUT
            rep.reason, rep.exit_code = f"{os_what} ({exc.strerror})", int(code)
        rep.status = "failed"
        self.ledger.record(key, sha, self.skey, rep, [])
        self._finish(k, rep)

    def _finish(self, k: int, rep: FileReport, res: DocumentResult | None = None,
                written: list[Path] | None = None) -> None:
        self.reports[k] = rep
        self.progress.files_done += 1
        if rep.status == "failed":
            self.progress.failed += 1
            if len(self.items) > 1:  # a single file's error is the command's own one line
                log.warning("%s: %s", readable(rep.input), rep.reason)
        else:
            review = f"; needs review: {'; '.join(rep.review_reasons)}" if rep.review_reasons else ""
            log.info("%s: %s, %d pages, %.2f s%s", readable(rep.input), rep.status, rep.pages, rep.seconds, review)
        if self.on_document:
            self.on_document(DocumentDone(rep, res, written or []))
        self.progress.draw()


def run_batch(
    inputs: list[str], out_dir: str | os.PathLike, opts: RunOptions | None = None, *, force: bool = False,
    quiet: bool = False, stream: TextIO | None = None,
    on_document: Callable[[DocumentDone], None] | None = None, retry_failed: bool = False,
    follow_links: bool = False, fail_on_review: bool = False,
) -> BatchReport:
    """Process every input into ``out_dir``; see the module docstring.  ``on_document``
    is called in this process as each document finishes (done, skipped or failed).
    ``follow_links``: follow links in input folders that lead outside them (not a
    setting of the outputs, so not in the ledger's key).  ``fail_on_review``: a
    document that needs review makes the report's exit code not OK."""
    opts = opts or RunOptions()
    out = Path(out_dir)
    ensure_logging(quiet, stream)
    items, ignored = collect(inputs, out, follow_links=follow_links)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: output folder not writable ({exc.strerror})") from None
    with RunLock(out):  # before prepare_output: the temporary files it clears may be another run's
        prepare_output(out)
        if any(kind_of(it.src) == "image" for it in items):
            check_engine(opts.ocr)  # the user can fix this: say so before any work
        run = _BatchRun(items, out, opts, Progress(len(items), stream or sys.stderr, quiet), on_document,
                        _open_ledger(out))
        return _run_locked(run, ignored, force, retry_failed, fail_on_review)


def _open_ledger(out: Path) -> Ledger:
    ledger, warning = open_ledger(out)
    if warning:  # even when quiet: the user must know their ledger was replaced
        log.warning("warning: %s", warning, extra=ALWAYS)
    return ledger


def _run_locked(run: _BatchRun, ignored: list[FileReport], force: bool, retry_failed: bool,
                fail_on_review: bool) -> BatchReport:
    started, t0 = now(), time.perf_counter()
    for r in ignored:  # refused while collecting (a FIFO named, two inputs for one output)
        if r.status == "failed" and len(run.items) + len(ignored) > 1:
            log.warning("%s: %s", readable(r.input), r.reason)
    interrupted = False
    try:
        try:
            _execute(run, force, retry_failed)
        finally:
            run.progress.close()
            run.ledger.close()
    except KeyboardInterrupt:  # the report of what was done, then on up (exit 130)
        interrupted = True
    details = [run.reports.get(k) or _not_reached(it) for k, it in enumerate(run.items)] + ignored
    rep = batch_report(details, len(run.items), len(ignored), started=started, finished=now(),
                       output_dir=str(run.out), jobs=run.opts.jobs, seconds=round(time.perf_counter() - t0, 3),
                       settings_key=run.skey, interrupted=interrupted)
    rep.fail_on_review = fail_on_review
    write_text_atomic(run.out / REPORT, rep.model_dump_json(indent=1) + "\n")
    if interrupted:
        log.warning("interrupted: %d documents not reached; the report is %s", rep.not_reached,
                    readable(str(run.out / REPORT)))
        raise KeyboardInterrupt
    return rep


def _execute(run: _BatchRun, force: bool, retry_failed: bool) -> None:
    units = run.plan(force, retry_failed)
    if not units:
        return
    ex = unit_executor(run.opts, len(units), run.out / WORKER_LOG)
    try:
        for (k, i), res in ex.map_unordered(run_unit, units):
            run.arrived(k, i, res)
    finally:
        ex.close()


def _stored_review(output: str | None) -> list[str]:
    """A skipped document's review reasons, from its pages in its ``NAME.json`` (none
    when it was not written or cannot be read: the ledger does not keep them)."""
    if not output:
        return []
    try:
        pages = json.loads(Path(output).with_suffix(".json").read_text(encoding="utf-8")).get("pages") or []
        many = len(pages) > 1
        return [f"page {k + 1}: {r}" if many else str(r)
                for k, pg in enumerate(pages) for r in pg.get("review_reasons") or []]
    except (OSError, ValueError, AttributeError, TypeError):
        return []


def _not_reached(it: Item) -> FileReport:
    return FileReport(input=str(it.src), status=NOT_REACHED,
                      reason="the run was interrupted before it was finished; a rerun does it")
