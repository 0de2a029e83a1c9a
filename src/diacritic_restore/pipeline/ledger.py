"""The batch ledger: SQLite in ``OUT/.vnrestore-ledger.sqlite``, one row per input.

A row holds the input's sha256, the settings key (:func:`settings_key`: the settings
that shape outputs, the package version and the model set's manifest digest), the
status and the outputs written.  A rerun skips what is recorded as done with the same
input and key and whose outputs are still on disk.  A document is recorded only after
all its outputs are in place.  The schema carries a version (SQLite's
``user_version``).

The ledger heals: one that cannot be opened (truncated, random bytes, a folder in its
place) or of another schema is moved aside (``.vnrestore-ledger.sqlite.broken-TIME``)
and a fresh one is rebuilt from the outputs on disk: every ``NAME.json`` names its
input, the input's sha256 and the settings key that wrote it (:func:`open_ledger`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from diacritic_restore.errors import OutputError
from diacritic_restore.pipeline.options import RunOptions
from diacritic_restore.pipeline.report import FileReport, readable

LEDGER = ".vnrestore-ledger.sqlite"
SCHEMA_VERSION = 2  # 2: the exit code of a failed document
# settings that change how the work is spread, not what is written
_NOT_IN_KEY = {"jobs", "executor", "unit_timeout", "memory_mb"}


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


class LedgerUnusable(Exception):
    """The ledger file cannot serve (unreadable, not a database, another schema)."""


_COLUMNS = ("input", "sha256", "settings", "status", "reason", "outputs", "pages", "syllables", "seconds",
            "confidence", "finished", "runs", "exit_code")


class Ledger:
    def __init__(self, path: Path):
        self.path = path
        try:
            self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise LedgerUnusable(str(exc)) from None
        try:
            self._set_up()
        except sqlite3.Error as exc:
            self.db.close()
            raise LedgerUnusable(str(exc)) from None
        except LedgerUnusable:
            self.db.close()
            raise

    def _set_up(self) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LedgerUnusable(f"schema version {version}, written by a newer vnrestore (this one reads "
                                 f"{SCHEMA_VERSION})")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS documents (input TEXT PRIMARY KEY, sha256 TEXT, settings TEXT, status TEXT,"
            " reason TEXT, outputs TEXT, pages INTEGER, syllables INTEGER, seconds REAL, confidence REAL,"
            " finished TEXT, runs INTEGER DEFAULT 0, exit_code INTEGER)")
        cols = tuple(r[1] for r in self.db.execute("PRAGMA table_info(documents)"))
        if cols == _COLUMNS[:-1] and version < 2:  # versions 0 and 1 had no exit code
            self.db.execute("ALTER TABLE documents ADD COLUMN exit_code INTEGER")
            cols = _COLUMNS
        if cols != _COLUMNS:
            raise LedgerUnusable(f"a documents table of other columns ({', '.join(cols)})")
        self.db.execute("SELECT count(*) FROM documents").fetchone()  # reads every page header: finds damage
        if self.db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise LedgerUnusable("database disk image is malformed")
        if version < SCHEMA_VERSION:
            # version 0 is the same table without a version stamp (vnrestore 0.1 before it had one)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def failed(self, key: str, sha: str, settings: str) -> FileReport | None:
        """The report of a document that failed with the same input and settings."""
        row = self._fetch("SELECT reason, exit_code FROM documents WHERE input=? AND sha256=? AND settings=? "
                          "AND status='failed'", (key, sha, settings))
        return None if row is None else FileReport(input=key, status="failed", reason=row[0], exit_code=row[1])

    def _fetch(self, sql: str, args: tuple) -> tuple | None:
        try:
            return self.db.execute(sql, args).fetchone()
        except sqlite3.Error as exc:
            raise OutputError(f"{self.path}: cannot read the ledger ({exc})") from None

    def done(self, key: str, sha: str, settings: str) -> FileReport | None:
        """The report of a finished document whose outputs are all still on disk."""
        row = self._fetch("SELECT outputs, pages, syllables, seconds, confidence FROM documents "
                          "WHERE input=? AND sha256=? AND settings=? AND status='done'", (key, sha, settings))
        if row is None:
            return None
        outputs = json.loads(row[0])
        if not outputs or not all(Path(o).exists() for o in outputs):
            return None
        return FileReport(input=key, output=outputs[0], status="skipped", pages=row[1], syllables=row[2],
                          seconds=row[3], mean_confidence=row[4])

    def record(self, key: str, sha: str, settings: str, rep: FileReport, outputs: list[str]) -> None:
        """Record one document; a ledger that cannot be written (disk full) is an
        OutputError: the run cannot keep its promises and stops."""
        try:
            self._record(key, sha, settings, rep, outputs)
        except sqlite3.Error as exc:
            raise OutputError(f"{self.path}: cannot record in the ledger ({exc})") from None

    def _record(self, key: str, sha: str, settings: str, rep: FileReport, outputs: list[str]) -> None:
        self.db.execute(
            "INSERT INTO documents (input, sha256, settings, status, reason, outputs, pages, syllables, seconds,"
            " confidence, finished, runs, exit_code) VALUES (?,?,?,?,?,?,?,?,?,?,?,1,?)"
            " ON CONFLICT(input) DO UPDATE SET"
            " sha256=excluded.sha256, settings=excluded.settings, status=excluded.status, reason=excluded.reason,"
            " outputs=excluded.outputs, pages=excluded.pages, syllables=excluded.syllables,"
            " seconds=excluded.seconds, confidence=excluded.confidence, finished=excluded.finished,"
            " runs=documents.runs+1, exit_code=excluded.exit_code",
            (key, sha, settings, rep.status, readable(rep.reason) if rep.reason else None, json.dumps(outputs),
             rep.pages, rep.syllables, rep.seconds, rep.mean_confidence, now(), rep.exit_code))

    def close(self) -> None:
        self.db.close()


def open_ledger(out: Path) -> tuple[Ledger, str | None]:
    """The output folder's ledger and, when it had to be healed, the one warning line.

    A ledger that cannot serve is moved aside, never deleted (it may be evidence), and
    a fresh one is rebuilt from the ``NAME.json`` files on disk."""
    path = out / LEDGER
    try:
        return Ledger(path), None
    except LedgerUnusable as exc:
        why = str(exc)
    aside = path.with_name(f"{LEDGER}.broken-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%f')}")
    try:
        os.replace(path, aside)
        for extra in ("-wal", "-shm"):
            side = path.with_name(LEDGER + extra)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + extra))
        ledger = Ledger(path)
    except (OSError, LedgerUnusable) as exc:
        raise OutputError(f"{path}: ledger unusable ({why}) and cannot be replaced ({exc})") from None
    n = rebuild(ledger, out)
    return ledger, (f"{path}: ledger unusable ({why}); moved aside to {aside.name}, rebuilt from {n} "
                    f"document{'s' if n != 1 else ''} on disk")


def rebuild(ledger: Ledger, out: Path) -> int:
    """Record as done every document whose ``NAME.json`` (with its input, sha256 and
    settings key) is on disk, with the outputs beside it of the same name; returns how
    many."""
    by_name: dict[tuple[Path, str], list[str]] = {}
    for p in out.rglob("*"):
        if p.is_file() and not p.name.startswith("."):
            by_name.setdefault((p.parent, p.stem), []).append(str(p))
    n = 0
    for (folder, stem), files in sorted(by_name.items()):
        meta = folder / f"{stem}.json"
        if str(meta) not in files or meta == out / "report.json":
            continue
        try:
            doc = json.loads(meta.read_text(encoding="utf-8"))
            src, sha, key = doc["source_file"], doc["sha256"], doc["settings_key"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not (isinstance(src, str) and isinstance(sha, str) and isinstance(key, str)):
            continue
        rep = FileReport(input=readable(str(Path(src).resolve())), status="done", pages=doc.get("page_count"))
        ledger.record(rep.input, sha, key, rep, sorted(files))
        n += 1
    return n
