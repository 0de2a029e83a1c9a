"""Units of work, as a worker runs them: one page of a scan or PDF (read, OCR where
needed, restored) or one whole text document (decoded, restored).

Workers are pure: (kind, path, page index, options) → :class:`PageResult`, or a
:class:`UnitFailure` with its one-line reason and exit code (a unit never raises, so
one broken page cannot stop a batch).  The restore model is loaded once per process.
Every unit comes back with its verdict (:mod:`~diacritic_restore.ocr.verdict`); a text
document with no text in it is a failure, not an empty success.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from diacritic_restore.errors import ExitCode, InputError, VnrestoreError
from diacritic_restore.ocr.page import InputEncoding, PageResult
from diacritic_restore.ocr.reader import read_page
from diacritic_restore.ocr.verdict import judge
from diacritic_restore.pipeline.executors import LostUnit
from diacritic_restore.pipeline.options import RunOptions


@dataclass(frozen=True)
class UnitFailure:
    message: str
    exit_code: int


def restorer(opts: RunOptions):
    """The model set for these options, loaded once per process."""
    from diacritic_restore.restore import loader

    return loader.load(opts.model_dir, opts.decoder)


def restore_page(page: PageResult, opts: RunOptions) -> str:
    """Restore one page's text; OCR words the engine doubted may change more freely."""
    doubt = page.doubtful_offsets(opts.doubt_below) if page.source == "ocr" else None
    return restorer(opts).restore(page.text, opts.tone_style, doubt=doubt)


def read_text_unit(path: Path, opts: RunOptions, max_chars: int | None = None,
                   max_line: int | None = None) -> PageResult:
    """A text document, decoded and (unless ``opts.restore`` is off) restored.  Only a
    regular file is read, and a text beyond the caps (default: those of
    :mod:`~diacritic_restore.text.decoding`) is refused before it is restored."""
    from diacritic_restore.text import decoding

    t0 = time.perf_counter()
    chars = decoding.MAX_TEXT_CHARS if max_chars is None else max_chars
    line = decoding.MAX_LINE_CHARS if max_line is None else max_line
    data = decoding.read_bytes(path, limit=4 * chars)
    decoded = decoding.decode_bytes_report(data, str(path), max_chars=chars, max_line=line)
    del data
    text = decoded.text
    if not text.strip():
        raise InputError(f"{path}: no text found ({'empty file' if not text else 'only white space'})")
    reading = InputEncoding(encoding=decoded.encoding, confidence=decoded.confidence,
                            margin_over_utf8=decoded.margin_over_utf8, scores=decoded.scores)
    pg = PageResult(index=0, source="text", text=text, input_encoding=reading)
    if opts.restore:
        # the tokens' choices, not restore_detailed's objects of every word: the same
        # text and mean confidence in a third of the memory (1 KB a character with them)
        toks, choices, _ = restorer(opts).restore_tokens(text, opts.tone_style)
        pg.set_restored("".join(t.text if c is None else c.output for t, c in zip(toks, choices)))
        confs = [min(max(c.confidence, 0.0), 1.0) for c in choices if c is not None]
        pg.restore_confidence = sum(confs) / len(confs) if confs else None
    judge(pg)
    pg.seconds = round(time.perf_counter() - t0, 3)
    return pg


def read_page_unit(path: Path, index: int, opts: RunOptions) -> PageResult:
    """One page of a scan or PDF, read and (unless ``opts.restore`` is off) restored."""
    pg = read_page(path, index, opts.ocr)
    if opts.restore:
        t0 = time.perf_counter()
        pg.set_restored(restore_page(pg, opts))
        judge(pg)  # again: restore's changes count
        pg.seconds = round(pg.seconds + time.perf_counter() - t0, 3)
    return pg


def run_unit(kind: str, path: str, index: int, opts: RunOptions) -> PageResult | UnitFailure:
    """One unit in a worker; a failure comes back as a value."""
    try:
        p = Path(path)
        return read_text_unit(p, opts) if kind == "text" else read_page_unit(p, index, opts)
    except VnrestoreError as exc:
        return UnitFailure(exc.message, int(exc.exit_code))
    except MemoryError:
        raise  # the executor reports "out of memory (over N MB)" and replaces the worker
    except Exception as exc:  # a bug on one page must not stop the archive's batch
        return UnitFailure(f"internal error: {type(exc).__name__}: {exc}", int(ExitCode.OTHER_ERROR))


def unit_lost(tag: object, lost: LostUnit) -> UnitFailure:
    """A unit whose worker gave no result (died, timed out, out of memory) fails like
    any other, with the executor's reason."""
    code = ExitCode.OTHER_ERROR if lost.kind == "error" else ExitCode.LIMIT
    return UnitFailure(lost.reason, int(code))
