"""One run per output folder: ``OUT/.vnrestore.lock``, held with ``flock`` for the run.

Two runs on one folder would do the same documents twice and overwrite each other's
``report.json``.  The lock is the kernel's: it goes when its process dies, however it
dies, so a lock left by a killed run is never stale; the file keeps the owner's pid
for the message the second run prints, and goes when its run ends.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from diacritic_restore.errors import OutputError

LOCK = ".vnrestore.lock"

try:
    import fcntl
except ImportError:  # not POSIX: no lock (the ledger still keeps documents consistent)
    fcntl = None  # type: ignore[assignment]


class RunLock:
    """``with RunLock(out):`` holds the output folder for this process."""

    def __init__(self, out: Path):
        self.path = out / LOCK
        self._fd: int | None = None

    def acquire(self) -> None:
        for _ in range(10):
            fd = self._open_locked()
            if _same_file(fd, self.path):
                break
            os.close(fd)  # the file we locked was removed by its finishing owner: again
        else:
            raise OutputError(f"{self.path}: cannot take the run lock")
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def _open_locked(self) -> int:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot create the run lock ({exc.strerror})") from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                owner = _read_owner(fd)
                os.close(fd)
                raise OutputError(f"{self.path.parent}: in use by another vnrestore run"
                                  f"{f' (pid {owner})' if owner else ''}; wait for it or use another folder") from None
        return fd

    def release(self) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)  # while still held: a waiting run sees a new file
            os.close(self._fd)  # closing releases the flock
            self._fd = None

    def __enter__(self) -> "RunLock":
        self.acquire()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def _read_owner(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)
