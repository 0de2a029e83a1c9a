"""What a batch says about itself: one :class:`FileReport` per input, the
:class:`BatchReport` written as ``OUT/report.json``, and the one-screen summary."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field, field_serializer

from diacritic_restore.errors import ExitCode

REPORT = "report.json"
NOT_A_DOCUMENT = "not an image, PDF or text"
HIDDEN = "hidden; not read"
NOT_REACHED = "not reached"
# reasons too common to print in the summary (report.json lists them)
_QUIET_REASONS = (NOT_A_DOCUMENT, HIDDEN, f"a folder, {HIDDEN}")
# a file name that is not UTF-8 reaches Python as lone surrogates (PEP 383), which no
# JSON writer, SQLite or UTF-8 terminal accepts
_SURROGATE = re.compile("[\ud800-\udfff]")


def readable(s: str) -> str:
    """``s`` as a person can read it and JSON can hold it: the bytes of a name that is
    not UTF-8 as ``\\xNN`` (``bad\\xff.txt``); any other text unchanged."""
    return _SURROGATE.sub(_escape, s)


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c - 0xDC00:02x}" if 0xDC80 <= c <= 0xDCFF else f"\\u{c:04x}"


class FileReport(BaseModel):
    input: str
    output: str | None = None
    status: str = Field("pending",
                        description="done, failed, skipped (done before, unchanged), ignored (not a document, "
                                    "hidden, not a regular file, a link leaving its folder) or not reached "
                                    "(the run was interrupted before the document was finished; a rerun does it)")
    reason: str | None = None
    exit_code: int | None = Field(None, description="the error's exit code when it failed alone")
    pages: int = 0
    syllables: int = 0
    seconds: float = Field(0.0, description="the document's own time: its pages' reading and restoring, "
                                            "then assembling and writing (for skipped: that of the run that did it)")
    mean_confidence: float | None = None
    review_reasons: list[str] = Field(default_factory=list,
                                      description="why a person should check this document; empty: nothing seen")

    @field_serializer("input", "output", "reason", when_used="json")
    def _readable(self, v: str | None) -> str | None:
        return None if v is None else readable(v)


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
    review: int = Field(0, description="documents done or skipped with review reasons")
    not_reached: int = Field(0, description="documents the interrupted run did not finish (status not reached)")
    interrupted: bool = Field(False, description="the run was interrupted (Ctrl-C): documents it did not finish "
                                                 "are listed as not reached; a rerun does them")
    pages: int
    pages_processed: int = Field(0, description="pages of the documents done in this run (not skipped ones)")
    syllables: int
    seconds: float
    pages_per_second: float | None = Field(description="pages processed in this run per second of the run")
    mean_confidence: float | None
    settings_key: str
    fail_on_review: bool = Field(False, description="documents needing review make the exit code not OK")
    details: list[FileReport]

    @field_serializer("output_dir", when_used="json")
    def _readable(self, v: str) -> str:
        return readable(v)

    @property
    def exit_code(self) -> ExitCode:
        if self.failed == 0:
            if self.review and self.fail_on_review:  # REVIEW once errors.py has it
                return getattr(ExitCode, "REVIEW", ExitCode.PARTIAL)
            return ExitCode.OK
        return ExitCode.ALL_FAILED if self.done + self.skipped == 0 else ExitCode.PARTIAL


def batch_report(details: list[FileReport], files: int, ignored: int, *, started: str, finished: str,
                 output_dir: str, jobs: int, seconds: float, settings_key: str,
                 interrupted: bool = False) -> BatchReport:
    """The batch's totals from its files' reports.  The reports decide what is a file
    and what is ignored: an input refused while collecting (a named FIFO, a second
    input for one output name) is a failed file among the caller's ``ignored``."""
    files = max(files, sum(r.status != "ignored" for r in details))
    ignored = sum(r.status == "ignored" for r in details)
    done = [r for r in details if r.status == "done"]
    ok = [r for r in details if r.status in ("done", "skipped")]
    confs = [r.mean_confidence for r in ok if r.mean_confidence is not None]
    pages_done = sum(r.pages for r in done)
    return BatchReport(
        started=started, finished=finished, output_dir=output_dir, jobs=jobs, files=files,
        done=len(done), failed=sum(r.status == "failed" for r in details),
        skipped=sum(r.status == "skipped" for r in details), ignored=ignored,
        review=sum(bool(r.review_reasons) for r in ok), not_reached=sum(r.status == NOT_REACHED for r in details),
        interrupted=interrupted, pages=sum(r.pages for r in ok), pages_processed=pages_done,
        syllables=sum(r.syllables for r in ok), seconds=seconds,
        pages_per_second=round(pages_done / seconds, 3) if pages_done and seconds else None,
        mean_confidence=round(sum(confs) / len(confs), 4) if confs else None, settings_key=settings_key,
        details=details)


def reason(message: str, src: Path) -> str:
    """The message without the file name the report already shows."""
    message = readable(message)
    for prefix in (f"{readable(str(src))}: ", f"{readable(src.name)}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def syllables(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalpha() for c in w))


def summary(rep: BatchReport) -> str:
    """The one-screen summary printed after a batch."""
    lines = [
        f"{rep.files} files: {rep.done} done, {rep.skipped} skipped (done before), {rep.failed} failed"
        + (f", {rep.review} need review" if rep.review else "")
        + (f", {rep.not_reached} not reached (interrupted)" if rep.interrupted else "")
        + (f", {rep.ignored} ignored" if rep.ignored else ""),
        f"{rep.pages} pages" + (f" ({rep.pages_processed} processed in this run)" if rep.skipped else "")
        + f", {rep.syllables} syllables in {rep.seconds:.1f} s"
        + (f" ({rep.pages_per_second:.2f} pages/s)" if rep.pages_per_second else "")
        + (f", mean confidence {rep.mean_confidence:.3f}" if rep.mean_confidence is not None else ""),
    ]
    where = readable(str(Path(rep.output_dir) / REPORT))
    # the failed, and the ignored for another reason than not being a document (a FIFO,
    # a link leaving its folder): each may be a document the user expected
    for status in ("failed", "ignored"):
        listed = [r for r in rep.details if r.status == status and r.reason not in _QUIET_REASONS]
        for r in listed[:10]:
            lines.append(f"  {status}: {readable(r.input)}: {readable(r.reason or '')}")
        if len(listed) > 10:
            lines.append(f"  ... and {len(listed) - 10} more in {where}")
    review = [r for r in rep.details if r.review_reasons and r.status in ("done", "skipped")]
    for r in review[:10]:
        lines.append(f"  review: {readable(r.input)}: {readable('; '.join(r.review_reasons))}")
    if len(review) > 10:
        lines.append(f"  ... and {len(review) - 10} more in {where}")
    lines.append(f"report: {where}")
    return "\n".join(lines)
