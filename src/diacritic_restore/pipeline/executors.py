"""Where units of work run: the :class:`Executor` protocol and its implementations.

A unit is one page of a scan or PDF, or one whole text document.  An executor takes
a function and an iterable of argument tuples and yields ``(tag, result)`` pairs as
units finish, in any order.  The coordinating process alone writes outputs and keeps
the ledger, so an executor never needs to know about either.  The default,
:class:`LocalExecutor`, runs units in this process (``jobs=1``) or in a pool of worker
processes, each initialised once by :func:`worker_init`.  Other executors (a cluster)
register in :data:`EXECUTORS` with the same interface.
"""

from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Callable, Hashable, Iterable, Iterator, Protocol

Task = tuple[Hashable, tuple[Any, ...]]  # (tag, arguments)


def worker_init() -> None:
    """Once per worker process: one Tesseract thread (unset it was 4-5x slower on a
    2-core machine, the workers already use every core)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class Executor(Protocol):
    def map_unordered(self, fn: Callable[..., Any], tasks: Iterable[Task]) -> Iterator[tuple[Hashable, Any]]:
        """Run ``fn(*args)`` for every task; yield ``(tag, result)`` as each finishes.
        ``fn`` must not raise: it returns its failures as values."""

    def close(self) -> None: ...


class LocalExecutor:
    """Units in this process (``jobs == 1``) or in ``jobs`` worker processes, with a
    bounded window of submitted units so that memory stays flat for huge batches."""

    def __init__(self, jobs: int, window_per_worker: int = 4):
        self.jobs = max(1, jobs)
        self.window = window_per_worker * self.jobs
        self._pool: ProcessPoolExecutor | None = None

    def map_unordered(self, fn: Callable[..., Any], tasks: Iterable[Task]) -> Iterator[tuple[Hashable, Any]]:
        if self.jobs == 1:
            worker_init()
            for tag, args in tasks:
                yield tag, fn(*args)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=worker_init)
        todo = iter(tasks)
        running: dict[Future, Hashable] = {}

        def submit_more() -> None:
            while len(running) < self.window:
                nxt = next(todo, None)
                if nxt is None:
                    return
                tag, args = nxt
                running[self._pool.submit(fn, *args)] = tag  # type: ignore[union-attr]

        submit_more()
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                yield running.pop(fut), fut.result()
            submit_more()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> "LocalExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


EXECUTORS: dict[str, Callable[[int], Executor]] = {"local": LocalExecutor}


def register_executor(name: str, factory: Callable[[int], Executor]) -> None:
    """Make ``RunOptions(executor=name)`` run units on ``factory(jobs)``."""
    EXECUTORS[name] = factory


def make_executor(name: str, jobs: int) -> Executor:
    return EXECUTORS[name](jobs)
