"""Per-file work (writing packs, reading forms) spread over every core, results in input order.

A process pool, because the work is CPU-bound Python (Jinja, zlib, lxml) and the GIL would keep
threads on one core. Small batches and one-core machines run in the calling process: starting
workers costs more than it saves there, and on Windows each worker re-imports the package.
``QAF_WORKERS`` (a number) overrides the worker count; ``QAF_WORKERS=1`` turns the pool off.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Fewer items than this run in the calling process.
POOL_FROM = 48


def worker_count() -> int:
    """Return how many processes per-file work may use here."""
    configured = os.environ.get("QAF_WORKERS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return os.cpu_count() or 1


def map_in_order(
    work: Callable[[T], R],
    items: Sequence[T],
    *,
    setup: Callable[..., None] | None = None,
    setup_args: tuple[object, ...] = (),
    pool_from: int | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Generator[R, None, None]:
    """Yield ``work(item)`` for each item, in the items' order, on every core when worth it.

    ``work`` and ``setup`` must be module-level functions (they are sent to the workers by name);
    ``setup(*setup_args)`` runs once in each worker (and once here when no pool is used) to load
    what every item shares, such as a compiled template. An exception in ``work`` is raised here.
    ``meanwhile()`` runs here while the workers work (first, when there are none).
    """
    workers = min(worker_count(), max(1, len(items) // 4))
    if workers < 2 or len(items) < (POOL_FROM if pool_from is None else pool_from):
        if meanwhile is not None:
            meanwhile()
        if setup is not None:
            setup(*setup_args)
        yield from map(work, items)
        return
    chunk = max(1, min(64, len(items) // (workers * 4)))
    # Forking a process that runs other threads (the watcher's) can copy a held lock: spawn then.
    context = multiprocessing.get_context("spawn") if threading.active_count() > 1 else None
    initargs: Any = (setup, setup_args)  # typed generically by the executor
    pool = ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=initargs)
    try:
        results = pool.map(work, items, chunksize=chunk)  # every item is handed out here
        if meanwhile is not None:
            meanwhile()
        yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(setup: Callable[..., None] | None, setup_args: tuple[object, ...]) -> None:
    """Run in each worker first: leave with the parent, then load what every item shares.

    A parent killed outright (Task Manager, SIGKILL) cannot shut its pool down, and its workers
    would sleep on forever holding the inbox's files open; each worker waits on its parent instead.
    Ctrl+C reaches every process of the console, but stopping is the parent's to decide (``qaf
    watch`` finishes the file in hand): a worker ignores it, and is shut down with the pool.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    if setup is not None:
        setup(*setup_args)


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns when the parent process has gone, however it went
    os._exit(1)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield ``items`` in lists of at most ``size``."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
