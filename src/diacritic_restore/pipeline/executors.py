"""Where units of work run: the :class:`Executor` protocol and its implementations.

A unit is one page of a scan or PDF, or one whole text document.  An executor takes
a function and an iterable of argument tuples and yields ``(tag, result)`` pairs as
units finish, in any order.  The coordinating process alone writes outputs and keeps
the ledger, so an executor never needs to know about either.  The default,
:class:`LocalExecutor`, runs units in this process (``jobs=1`` and no limits) or in
worker processes of its own, each holding one unit at a time, so that nothing a unit
does takes the batch down:

* a worker that dies (killed, out of memory, a crash in a native library) fails only
  the unit it held; a new worker takes its place;
* a unit past its wall-clock deadline (``unit_timeout``: reading, preprocessing, OCR,
  restoring) has its worker killed, Tesseract with it;
* a worker's address space is capped (``memory_mb``), so a page too large fails as
  "out of memory" instead of the machine's OOM killer choosing a victim;
* workers die with the coordinating process, and their native libraries' chatter
  goes to ``log_path`` instead of the terminal.

Such a unit comes back as ``on_lost(tag, LostUnit(reason, kind))`` (by default the
:class:`LostUnit` itself).  Other executors (a cluster) register in :data:`EXECUTORS`
with the same interface.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Hashable, Iterable, Iterator, Protocol

from diacritic_restore.errors import VnrestoreError

Task = tuple[Hashable, tuple[Any, ...]]  # (tag, arguments)

# The address-space ceiling callers are advised to give a worker.  A worker that has
# read an A4 page at 300 dpi and restored it peaks at 0.98-1.05 GB of address space
# (VmPeak: numba/LLVM, numpy, OpenCV and the restore model reserve most of it, the
# pages themselves take little) and Tesseract, its own process, at 0.11 GB: 4 GB is
# four times a normal page and stops a bomb long before it costs the machine.
MEMORY_MB = 4096
_POLL = 1.0  # seconds between a worker's checks that its parent still lives
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_HINTS = {signal.SIGKILL: "out of memory?", signal.SIGSEGV: "a crash in a native library",
          signal.SIGBUS: "a crash in a native library", signal.SIGABRT: "aborted"}


@dataclass(frozen=True)
class LostUnit:
    """A unit that gave no result of its own: ``kind`` is ``"died"`` (its worker
    died), ``"timeout"`` (past its deadline), ``"memory"`` (over the memory ceiling)
    or ``"error"`` (the unit's function raised); ``reason`` is one line."""

    reason: str
    kind: str


LostFactory = Callable[[Hashable, LostUnit], Any]


def _keep_lost(tag: Hashable, lost: LostUnit) -> LostUnit:
    return lost


class Executor(Protocol):
    def map_unordered(self, fn: Callable[..., Any], tasks: Iterable[Task]) -> Iterator[tuple[Hashable, Any]]:
        """Run ``fn(*args)`` for every task; yield ``(tag, result)`` as each finishes.
        ``fn`` must not raise: it returns its failures as values."""

    def close(self) -> None: ...


# ------------------------------------------------------------------ in the worker


def worker_init() -> None:
    """Once per process that runs units: one Tesseract thread (unset it was 4-5x slower
    on a 2-core machine, the workers already use every core) and OpenCV's warnings off
    (its errors reach us as exceptions)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")  # read when cv2 is first imported
    cv2 = sys.modules.get("cv2")  # already imported before the fork: tell it directly
    if cv2 is not None:
        try:
            cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        except AttributeError:
            pass


def _die_with_parent() -> None:
    """Linux kills this process when the coordinating process dies, even by SIGKILL
    (elsewhere the worker's own poll of its parent notices within a second)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _cap_memory(memory_mb: int | None) -> None:
    """Allocations past the ceiling fail (a MemoryError, a failed native allocation)
    instead of waking the machine's OOM killer; Tesseract inherits the ceiling."""
    if not memory_mb:
        return
    import resource

    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def _log_stderr_to(log_path: str | None) -> None:
    """Native libraries (libpng, libjpeg, OpenCV, Leptonica) write to fd 2: to the log."""
    if not log_path:
        return
    try:
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError:
        return
    os.dup2(fd, 2)
    os.close(fd)


def _become_worker(memory_mb: int | None, log_path: str | None) -> None:
    _die_with_parent()
    # a process group of its own: the parent kills the worker with its Tesseract, and
    # Ctrl-C reaches the parent alone, which then stops the workers itself
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _log_stderr_to(log_path)
    _cap_memory(memory_mb)
    worker_init()


def _mark_unit(args: tuple[Any, ...]) -> None:
    """A line in the log before each unit, so that what native libraries print next is
    known by its file and page (the unit's plain arguments: kind, path, page index)."""
    plain = " ".join(str(a) for a in args if isinstance(a, (str, int)))
    try:
        os.write(2, f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')} pid {os.getpid()}: {plain}\n".encode(
            "utf-8", "backslashreplace"))
    except OSError:
        pass


def _run_one(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    try:
        return "ok", fn(*args)
    except MemoryError:
        return "memory", None
    except Exception as exc:  # fn must not raise; if it does, it is still one unit's failure
        return "error", f"{type(exc).__name__}: {_first_line(exc)}"


def _reply(conn: Connection, out: tuple[str, Any]) -> bool:
    """Send the unit's outcome; False when the parent is gone."""
    try:
        conn.send(out)
    except MemoryError:  # pickling the result: nothing was written yet
        conn.send(("memory", None))
    except (OSError, EOFError):
        return False
    except Exception as exc:  # a result that cannot be pickled
        conn.send(("error", f"the result cannot be sent back ({_first_line(exc)})"))
    return True


def _worker_main(conn: Connection, parent: int | None, memory_mb: int | None, log_path: str | None) -> None:
    """A worker's life: one unit at a time until told to stop or its parent is gone
    (``parent``: the pid it was forked from, None when started by a fork server)."""
    _become_worker(memory_mb, log_path)
    parent = parent or os.getppid()  # checked after prctl: a parent dead before it sent no signal
    while True:
        if not conn.poll(_POLL):
            if os.getppid() != parent:
                return
            continue
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        if log_path:
            _mark_unit(job[1])
        out = _run_one(*job)
        if not _reply(conn, out) or out[0] == "memory":
            return  # after running out of memory, a fresh process takes over


def _first_line(exc: BaseException) -> str:
    s = str(exc).strip().splitlines()
    return s[0][:160] if s else type(exc).__name__


def _death(exitcode: int | None) -> str:
    """Why a worker ended, for the unit it held."""
    if exitcode is not None and exitcode < 0:
        sig = -exitcode
        try:
            hint = _HINTS.get(signal.Signals(sig), signal.Signals(sig).name)
        except ValueError:
            hint = "unknown signal"
        return f"the worker processing it died (killed by signal {sig}: {hint})"
    return f"the worker processing it died (exit code {exitcode})"


# ------------------------------------------------------------------ in the parent


class _Worker:
    """One worker process, the pipe to it, and the unit it holds."""

    def __init__(self, ctx: Any, memory_mb: int | None, log_path: str | None):
        here, there = ctx.Pipe()
        parent = os.getpid() if ctx.get_start_method() == "fork" else None
        self.proc = ctx.Process(target=_worker_main, args=(there, parent, memory_mb, log_path), daemon=True,
                                name="vnrestore-worker")
        self.proc.start()
        there.close()
        self.conn: Connection = here
        self.busy = False
        self.tag: Hashable = None
        self.deadline = float("inf")

    def give(self, tag: Hashable, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float | None) -> bool:
        """Hand the worker a unit; False when it is already dead."""
        try:
            self.conn.send((fn, args))
        except (OSError, EOFError):
            return False
        self.busy, self.tag = True, tag
        self.deadline = time.monotonic() + timeout if timeout else float("inf")
        return True

    def take(self) -> tuple[str, Any] | None:
        """The unit's outcome, or None when the worker died before giving it."""
        self.busy = False
        try:
            return self.conn.recv()
        except Exception:  # EOF, a message cut short by the death, ...
            return None

    def kill(self) -> None:
        """The worker and whatever it started (its process group), now."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, TypeError):
            pass
        try:
            self.proc.kill()
        except (OSError, ValueError):
            pass

    def bury(self) -> int | None:
        """Kill what is left of the worker and reap it; its exit code."""
        self.kill()  # before the reaping, while its pid cannot be reused
        self.proc.join(5)
        self.conn.close()
        return self.proc.exitcode


class LocalExecutor:
    """Units in this process (``jobs == 1`` and no limits) or in ``jobs`` worker
    processes, each given one unit at a time, so that no more units are out than
    workers and a dead worker loses only its own unit.

    ``unit_timeout`` (seconds, wall clock, the whole unit), ``memory_mb`` (each
    worker's address space, :data:`MEMORY_MB` is the advised value) and ``log_path``
    (where workers' stderr goes) need worker processes, so any of them makes even
    ``jobs == 1`` run in one worker.  ``on_lost`` makes the value yielded for a unit
    that gave no result of its own."""

    def __init__(self, jobs: int, window_per_worker: int = 4, *, unit_timeout: float | None = None,
                 memory_mb: int | None = None, log_path: str | os.PathLike | None = None,
                 on_lost: LostFactory | None = None):
        self.jobs = max(1, jobs)
        self.window = window_per_worker * self.jobs  # kept for callers; one unit per worker now
        self.unit_timeout = unit_timeout
        self.memory_mb = memory_mb
        self.log_path = os.fspath(log_path) if log_path is not None else None
        self.on_lost: LostFactory = on_lost or _keep_lost
        self._workers: list[_Worker] = []
        self._ctx = multiprocessing.get_context()

    @property
    def in_process(self) -> bool:
        return self.jobs == 1 and self.unit_timeout is None and self.memory_mb is None and self.log_path is None

    def map_unordered(self, fn: Callable[..., Any], tasks: Iterable[Task]) -> Iterator[tuple[Hashable, Any]]:
        if self.in_process:
            return self._here(fn, tasks)
        return self._pooled(fn, tasks)

    def _here(self, fn: Callable[..., Any], tasks: Iterable[Task]) -> Iterator[tuple[Hashable, Any]]:
        worker_init()
        for tag, args in tasks:
            kind, res = _run_one(fn, args)
            yield tag, res if kind == "ok" else self._lost(tag, kind, res)

    def _pooled(self, fn: Callable[..., Any], tasks: Iterable[Task]) -> Iterator[tuple[Hashable, Any]]:
        todo = iter(tasks)
        more = True

        def fill() -> None:
            nonlocal more
            while more and self._has_room():
                task = next(todo, None)
                if task is None:
                    more = False
                else:
                    self._start(fn, *task)

        try:
            while True:
                fill()
                busy = [w for w in self._workers if w.busy]
                if not busy:
                    return
                done = list(self._harvest(busy))
                # idle workers get their next unit before the caller works on these
                # results (assembling, writing a document): they never wait for it
                fill()
                yield from done
        finally:
            # left before the end (the caller stopped reading): what workers still hold
            # would come back as stale results to the next call
            for w in [w for w in self._workers if w.busy]:
                self._drop(w)

    def _has_room(self) -> bool:
        return len(self._workers) < self.jobs or any(not w.busy for w in self._workers)

    def _start(self, fn: Callable[..., Any], tag: Hashable, args: tuple[Any, ...]) -> None:
        """Give the unit to an idle worker, or to a new one; an idle worker found dead
        is replaced and the unit, innocent, given to the next."""
        for _ in range(3):
            w = next((w for w in self._workers if not w.busy), None) or self._spawn()
            if w.give(tag, fn, args, self.unit_timeout):
                return
            self._drop(w)
        raise VnrestoreError("cannot start a worker process (it died at once; see the workers' log)")

    def _spawn(self) -> _Worker:
        try:
            w = _Worker(self._ctx, self.memory_mb, self.log_path)
        except OSError as exc:
            raise VnrestoreError(f"cannot start a worker process ({exc.strerror or exc})") from None
        self._workers.append(w)
        return w

    def _drop(self, w: _Worker) -> int | None:
        self._workers.remove(w)
        return w.bury()

    def _harvest(self, busy: list[_Worker]) -> Iterator[tuple[Hashable, Any]]:
        """Wait for the first outcome or deadline; yield what is known."""
        soonest = min(w.deadline for w in busy)
        timeout = None if soonest == float("inf") else max(0.0, soonest - time.monotonic())
        ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout)
        now = time.monotonic()
        for w in busy:
            tag = w.tag
            if w.conn in ready or w.proc.sentinel in ready:
                yield tag, self._outcome(w)
            elif now >= w.deadline and not w.conn.poll(0):  # (an answer just in is in time)
                self._drop(w)
                yield tag, self._lost(tag, "timeout", None)

    def _outcome(self, w: _Worker) -> Any:
        """What a worker that has something to say gives for its unit."""
        tag, out = w.tag, w.take()
        if out is None:
            return self._lost(tag, "died", self._drop(w))
        if out[0] == "ok":
            return out[1]
        if out[0] == "memory":
            self._drop(w)  # it is leaving for a fresh process: reap it now
        return self._lost(tag, out[0], out[1])

    def _lost(self, tag: Hashable, kind: str, detail: Any) -> Any:
        if kind == "timeout":
            reason = f"timed out after {self.unit_timeout:g} s"
        elif kind == "memory":
            reason = f"out of memory (over {self.memory_mb} MB)" if self.memory_mb else "out of memory"
        elif kind == "died":
            reason = _death(detail)
        else:
            reason = f"internal error: {detail}"
        return self.on_lost(tag, LostUnit(reason, kind))

    def close(self) -> None:
        """Stop every worker: idle ones are told to, busy ones are killed."""
        for w in self._workers:
            if w.busy:
                w.kill()
            else:
                try:
                    w.conn.send(None)
                except (OSError, EOFError):
                    pass
        end = time.monotonic() + 2
        for w in self._workers:
            w.proc.join(max(0.0, end - time.monotonic()))
            w.bury()
        self._workers = []

    def __enter__(self) -> "LocalExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


EXECUTORS: dict[str, Callable[..., Executor]] = {"local": LocalExecutor}


def register_executor(name: str, factory: Callable[..., Executor]) -> None:
    """Make ``RunOptions(executor=name)`` run units on ``factory(jobs, **options)``
    (the options are :class:`LocalExecutor`'s keywords the caller gives)."""
    EXECUTORS[name] = factory


def make_executor(name: str, jobs: int, **options: Any) -> Executor:
    """The executor ``name`` for ``jobs`` workers; ``options`` (``unit_timeout``,
    ``memory_mb``, ``log_path``, ``on_lost``) go to its factory."""
    return EXECUTORS[name](jobs, **options)

