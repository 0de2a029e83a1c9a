"""What a batch says about itself: one :class:`FileReport` per input, the
:class:`BatchReport` written as ``OUT/report.json``, and the one-screen summary."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from diacritic_restore.errors import ExitCode

REPORT = "report.json"


class FileReport(BaseModel):
    input: str
    output: str | None = None
    status: str = Field("pending",
                        description="done, failed, skipped (done before, unchanged) or ignored (not a document)")
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
    def exit_code(self) -> ExitCode:
        if self.failed == 0:
            return ExitCode.OK
        return ExitCode.ALL_FAILED if self.done + self.skipped == 0 else ExitCode.PARTIAL


def batch_report(details: list[FileReport], files: int, ignored: int, *, started: str, finished: str,
                 output_dir: str, jobs: int, seconds: float, settings_key: str) -> BatchReport:
    """The batch's totals from its files' reports."""
    done = [r for r in details if r.status == "done"]
    ok = [r for r in details if r.status in ("done", "skipped")]
    confs = [r.mean_confidence for r in ok if r.mean_confidence is not None]
    pages_done = sum(r.pages for r in done)
    return BatchReport(
        started=started, finished=finished, output_dir=output_dir, jobs=jobs, files=files,
        done=len(done), failed=sum(r.status == "failed" for r in details),
        skipped=sum(r.status == "skipped" for r in details), ignored=ignored,
        pages=sum(r.pages for r in ok), syllables=sum(r.syllables for r in ok), seconds=seconds,
        pages_per_second=round(pages_done / seconds, 3) if pages_done and seconds else None,
        mean_confidence=round(sum(confs) / len(confs), 4) if confs else None, settings_key=settings_key,
        details=details)


def reason(message: str, src: Path) -> str:
    """The message without the file name the report already shows."""
    for prefix in (f"{src}: ", f"{src.name}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def syllables(text: str) -> int:
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
