"""Exceptions that carry their exit code; the CLI turns them into codes in one place."""

from __future__ import annotations


class VnrestoreError(Exception):
    """A failure the user can understand from one line; ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(VnrestoreError):
    """Bad input: missing, unreadable, binary or undecodable file."""

    exit_code = 3


class ModelError(VnrestoreError):
    """Models missing, corrupt or of another version."""

    exit_code = 4


class QualityGateError(VnrestoreError):
    """An evaluation fell below the bar the caller set."""

    exit_code = 5


class OutputError(VnrestoreError):
    """The output cannot be written."""

    exit_code = 6


class OcrSetupError(VnrestoreError):
    """Tesseract or one of its language models is not installed."""

    exit_code = 7


class ConfigError(VnrestoreError):
    """A configuration file that cannot be read or has unknown or invalid settings."""

    exit_code = 2
