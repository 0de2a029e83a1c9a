"""Exit codes in one enum, and the exceptions that carry them.

Every failure the user can act on is a :class:`VnrestoreError` whose ``exit_code``
is an :class:`ExitCode`; the CLI turns it into one line and that code in one place.
The CLI's epilog and the README's table are generated from :class:`ExitCode`
(:func:`exit_code_table`), so the three never disagree.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What ``vnrestore`` returns. The docstring of each member is its meaning."""

    OK = 0
    OTHER_ERROR = 1
    USAGE = 2
    BAD_INPUT = 3
    MODEL = 4
    QUALITY_GATE = 5
    OUTPUT = 6
    OCR_SETUP = 7
    PARTIAL = 8
    ALL_FAILED = 9
    OCR_ENGINE = 10
    LIMIT = 11
    REVIEW = 12
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.OTHER_ERROR: "other error (an internal error is one line too; VNRESTORE_DEBUG=1 shows the trace)",
    ExitCode.USAGE: "usage error (unknown option, bad value, bad `--config` file)",
    ExitCode.BAD_INPUT: "bad input: missing, unreadable, binary, corrupt or not text",
    ExitCode.MODEL: "models missing, corrupt, different from their manifest or of another version",
    ExitCode.QUALITY_GATE: "`eval` result below `--min-syllable-accuracy`",
    ExitCode.OUTPUT: "output cannot be written",
    ExitCode.OCR_SETUP: "Tesseract or its language model is not installed (the message names the package)",
    ExitCode.PARTIAL: "`run` with several inputs: some failed (listed in `report.json`), all others were written",
    ExitCode.ALL_FAILED: "`run` with several inputs: every input failed",
    ExitCode.OCR_ENGINE: "the OCR engine failed on a page that is not at fault: it crashed or timed out",
    ExitCode.LIMIT: "a page went over the time or memory limit of a unit, or the process reading it died",
    ExitCode.REVIEW: "`run --fail-on-review`: every input was written, some need review (listed in `report.json`)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


def exit_code_table() -> str:
    """The Markdown table of exit codes (the README's)."""
    rows = ["| code | meaning |", "|---|---|"]
    rows += [f"| {c.value} | {c.meaning} |" for c in ExitCode]
    return "\n".join(rows)


def exit_code_epilog() -> str:
    """The exit codes as one paragraph (the CLI's help epilog)."""
    return "Exit codes: " + "; ".join(f"{c.value} {c.meaning.split(' (')[0].replace('`', '')}" for c in ExitCode) + "."


class VnrestoreError(Exception):
    """A failure the user can understand from one line; ``exit_code`` is what the CLI returns."""

    exit_code: ExitCode = ExitCode.OTHER_ERROR

    def __init__(self, message: str, exit_code: ExitCode | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(VnrestoreError):
    """Bad input: missing, unreadable, binary or undecodable file."""

    exit_code = ExitCode.BAD_INPUT


class ModelError(VnrestoreError):
    """Models missing, corrupt or of another version."""

    exit_code = ExitCode.MODEL


class QualityGateError(VnrestoreError):
    """An evaluation fell below the bar the caller set."""

    exit_code = ExitCode.QUALITY_GATE


class OutputError(VnrestoreError):
    """The output cannot be written."""

    exit_code = ExitCode.OUTPUT


class OcrSetupError(VnrestoreError):
    """Tesseract or one of its language models is not installed."""

    exit_code = ExitCode.OCR_SETUP


class OcrEngineError(VnrestoreError):
    """The OCR engine crashed or timed out on a page (the input may be fine)."""

    exit_code = ExitCode.OCR_ENGINE


class LimitError(VnrestoreError):
    """A page went over its unit's time or memory limit, or its worker process died (the
    input may be fine: higher limits may read it)."""

    exit_code = ExitCode.LIMIT


class ConfigError(VnrestoreError):
    """A configuration file that cannot be read or has unknown or invalid settings."""

    exit_code = ExitCode.USAGE


_BY_CODE: dict[int, type[VnrestoreError]] = {
    c.exit_code: c for c in (InputError, ModelError, QualityGateError, OutputError, OcrSetupError, OcrEngineError,
                             LimitError, ConfigError)
}


def error_for(message: str, exit_code: int) -> VnrestoreError:
    """The exception a message and exit code stand for (a failure that crossed a process
    boundary as values comes back as the error it was)."""
    cls = _BY_CODE.get(exit_code, VnrestoreError)
    return cls(message) if cls is not VnrestoreError else VnrestoreError(message, ExitCode(exit_code))
