"""The batch ledger: SQLite in ``OUT/.vnrestore-ledger.sqlite``, one row per input.

A row holds the input's sha256, the settings key (:func:`settings_key`: the settings
that shape outputs, the package version and the model set's manifest digest), the
status and the outputs written.  A rerun skips what is recorded as done with the same
input and key and whose outputs are still on disk.  A document is recorded only after
all its outputs are in place.  The schema carries a version (SQLite's
``user_version``): a ledger from a newer vnrestore is refused, not misread.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from diacritic_restore.errors import OutputError
from diacritic_restore.pipeline.options import RunOptions
from diacritic_restore.pipeline.report import FileReport

LEDGER = ".vnrestore-ledger.sqlite"
SCHEMA_VERSION = 1
# settings that change how the work is spread, not what is written
_NOT_IN_KEY = {"jobs", "executor"}


def settings_key(opts: RunOptions) -> str:
    """What the outputs depend on: the settings (not how many workers run them), the
    package version and the model set's manifest (which pins every model file)."""
    from diacritic_restore.models.store import model_id
    from diacritic_restore.version import __version__

    h = hashlib.sha256()
    h.update(opts.model_dump_json(exclude=_NOT_IN_KEY).encode())
    h.update(__version__.encode())
    h.update(model_id(opts.model_dir).encode())
    return h.hexdigest()[:16]


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Ledger:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self.db.close()
            raise OutputError(f"{path}: ledger of schema version {version}, written by a newer vnrestore "
                              f"(this one reads {SCHEMA_VERSION}); use another output folder or upgrade")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS documents (input TEXT PRIMARY KEY, sha256 TEXT, settings TEXT, status TEXT,"
            " reason TEXT, outputs TEXT, pages INTEGER, syllables INTEGER, seconds REAL, confidence REAL,"
            " finished TEXT, runs INTEGER DEFAULT 0)")
        if version < SCHEMA_VERSION:
            # version 0 is the same table without a version stamp (vnrestore 0.1 before it had one)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def done(self, key: str, sha: str, settings: str) -> FileReport | None:
        """The report of a finished document whose outputs are all still on disk."""
        row = self.db.execute("SELECT outputs, pages, syllables, seconds, confidence FROM documents "
                              "WHERE input=? AND sha256=? AND settings=? AND status='done'",
                              (key, sha, settings)).fetchone()
        if row is None:
            return None
        outputs = json.loads(row[0])
        if not outputs or not all(Path(o).exists() for o in outputs):
            return None
        return FileReport(input=key, output=outputs[0], status="skipped", pages=row[1], syllables=row[2],
                          seconds=row[3], mean_confidence=row[4])

    def record(self, key: str, sha: str, settings: str, rep: FileReport, outputs: list[str]) -> None:
        self.db.execute(
            "INSERT INTO documents (input, sha256, settings, status, reason, outputs, pages, syllables, seconds,"
            " confidence, finished, runs) VALUES (?,?,?,?,?,?,?,?,?,?,?,1) ON CONFLICT(input) DO UPDATE SET"
            " sha256=excluded.sha256, settings=excluded.settings, status=excluded.status, reason=excluded.reason,"
            " outputs=excluded.outputs, pages=excluded.pages, syllables=excluded.syllables,"
            " seconds=excluded.seconds, confidence=excluded.confidence, finished=excluded.finished,"
            " runs=documents.runs+1",
            (key, sha, settings, rep.status, rep.reason, json.dumps(outputs), rep.pages, rep.syllables, rep.seconds,
             rep.mean_confidence, now()))

    def close(self) -> None:
        self.db.close()
