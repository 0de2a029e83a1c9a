"""One document, start to end: check the input → units (pages of a scan or PDF, or the
whole text) on the executor → the document assembled in page order with its metadata
→ outputs written.  Batches (:mod:`.batch`) run the same units and the same assembly
for many documents at once."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from pydantic import BaseModel, Field

from diacritic_restore.errors import InputError, OutputError, error_for
from diacritic_restore.metadata import Metadata, PageInfo, document_metadata
from diacritic_restore.models.store import file_sha256
from diacritic_restore.ocr.page import PageResult
from diacritic_restore.ocr.pages import kind_of, page_count
from diacritic_restore.ocr.reader import check_engine
from diacritic_restore.ocr.verdict import document_reasons
from diacritic_restore.pipeline.executors import Executor, make_executor
from diacritic_restore.pipeline.options import RunOptions
from diacritic_restore.pipeline.outputs import write_outputs
from diacritic_restore.pipeline.report import readable
from diacritic_restore.pipeline.units import UnitFailure, restorer, run_unit, unit_lost


class DocumentResult(BaseModel):
    """A finished document: its text, its pages (summary and full page results with
    every word's box) and its metadata."""

    source_file: str
    sha256: str
    kind: str = Field(description="image, pdf or text")
    pages: list[PageInfo]
    page_results: list[PageResult] = Field(default_factory=list, description="each page with its words and boxes")
    text: str = Field(description="the output text; pages separated by form feeds")
    restored: bool
    mean_confidence: float | None = Field(None, description="mean OCR word confidence, or restore confidence (0-1)")
    review_reasons: list[str] = Field(default_factory=list, description="why the document needs a person's look, "
                                      "its pages' reasons prefixed by page number when it has several; empty: ok")
    metadata: Metadata
    seconds: float


def check_input(p: Path) -> str:
    """The kind of a readable input file, or a one-line error."""
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory")
    kind = kind_of(p)
    if kind != "text" and p.stat().st_size == 0:
        raise InputError(f"{p}: empty file")
    return kind


def unit_count(p: Path, kind: str) -> int:
    """Units of a document: its pages, or 1 for a text; a document of no pages is an error."""
    n = page_count(p) if kind != "text" else 1
    if n == 0:
        raise InputError(f"{p}: has no pages")
    return n


def _page_info(pg: PageResult) -> PageInfo:
    enc = pg.input_encoding
    return PageInfo(index=pg.index, source=pg.source, mean_confidence=pg.mean_confidence, psm=pg.psm,
                    coverage=pg.coverage, retried=pg.retried, rotation=pg.rotation,
                    orientation_confidence=pg.orientation_confidence,
                    skew_degrees=pg.preprocess.skew_degrees if pg.preprocess else None,
                    dpi=pg.preprocess.dpi_in if pg.preprocess else None,
                    encoding=enc.encoding if enc else None, encoding_confidence=enc.confidence if enc else None,
                    encoding_margin_over_utf8=enc.margin_over_utf8 if enc else None,
                    not_vietnamese_lines=pg.not_vietnamese_lines, verdict=pg.verdict,
                    review_reasons=pg.review_reasons)


def _mean_confidence(pages: list[PageResult]) -> float | None:
    """Mean OCR word confidence; for text documents, the mean restore confidence."""
    confs = [c for pg in pages for c in pg.word_confidences]
    if confs:
        return round(sum(confs) / len(confs), 4)
    rc = [pg.restore_confidence for pg in pages if pg.restore_confidence is not None]
    return round(sum(rc) / len(rc), 4) if rc else None


def assemble(path: Path, kind: str, pages: list[PageResult], opts: RunOptions, seconds: float,
             sha256: str | None = None, settings_key: str | None = None) -> DocumentResult:
    """The document from its pages, in order: text (pages split by form feeds), metadata
    and the pages' review reasons.  A document in which no page has any text (a blank
    or damaged image that decoded to white) is an :class:`InputError`, not an empty
    success."""
    if not any(pg.text.strip() for pg in pages):
        raise InputError(f"{readable(str(path))}: no text found ({_why_empty(pages)})")
    infos = [_page_info(pg) for pg in pages]
    text = "\f".join(pg.text for pg in pages)
    sha = sha256 or file_sha256(path)
    mean = _mean_confidence(pages)

    def fix(word: str) -> str | None:  # metadata is mended even when the text is kept as read
        return restorer(opts).best_syllable(word)

    source = readable(str(path))  # a name that is not UTF-8 shows its bytes as \xNN
    md = document_metadata(text, source_file=source, sha256=sha, pages=infos, mean_confidence=mean, fix_word=fix)
    md.settings_key = settings_key
    md.review_reasons = document_reasons(pages)
    return DocumentResult(source_file=source, sha256=sha, kind=kind, pages=infos, page_results=pages, text=text,
                          restored=opts.restore, mean_confidence=mean, review_reasons=document_reasons(pages),
                          metadata=md, seconds=round(seconds, 3))


def _why_empty(pages: list[PageResult]) -> str:
    n = len(pages)
    what = "the page" if n == 1 else f"all {n} pages"
    if all(pg.source == "ocr" for pg in pages):
        return f"OCR read no words on {what}: blank, damaged or not a document"
    return f"{what} empty"


def unit_executor(opts: RunOptions, units: int, log_path: Path | None = None) -> Executor:
    """The executor for ``units`` units of work, with the run's limits per unit.

    The restore model is loaded here first (the parent needs it for metadata anyway):
    workers forked after it share it instead of loading it each, and a broken model
    is one error up front, not one per document."""
    if opts.restore:
        restorer(opts)
    return make_executor(opts.executor, min(opts.jobs, units), unit_timeout=opts.unit_timeout,
                         memory_mb=opts.memory_mb, log_path=str(log_path) if log_path else None, on_lost=unit_lost)


def process(path: str | os.PathLike, opts: RunOptions | None = None,
            on_page: Callable[[PageResult], None] | None = None) -> DocumentResult:
    """Read (OCR where needed) and restore one file; nothing is written."""
    opts = opts or RunOptions()
    p = Path(path)
    t0 = time.perf_counter()
    kind = check_input(p)
    if kind == "image":
        check_engine(opts.ocr)  # before any work; a PDF may need no OCR
    n = unit_count(p, kind)
    pages: dict[int, PageResult] = {}
    ex = unit_executor(opts, n)
    try:
        for i, res in ex.map_unordered(run_unit, ((i, (kind, str(p), i, opts)) for i in range(n))):
            if isinstance(res, UnitFailure):
                raise error_for(res.message if n == 1 else f"page {i + 1}: {res.message}", res.exit_code)
            pages[i] = res
            if on_page:
                on_page(res)
    finally:
        ex.close()
    return assemble(p, kind, [pages[i] for i in range(n)], opts, time.perf_counter() - t0)


def run(path: str | os.PathLike, out_dir: str | os.PathLike, opts: RunOptions | None = None,
        on_page: Callable[[PageResult], None] | None = None) -> tuple[DocumentResult, Path]:
    """Process ``path`` and write ``OUT_DIR/NAME.txt`` and ``NAME.json`` (or the output
    types ``opts.outputs`` asks for) atomically; returns the result and the first output."""
    opts = opts or RunOptions()
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    res = process(path, opts, on_page)
    written = write_outputs(res, out / Path(path).stem, opts.outputs, Path(path))
    return res, written[0]
