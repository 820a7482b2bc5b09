"""Interrupts and worker processes, for every command that runs files in a pool.

- In the main process, SIGINT raises ``KeyboardInterrupt`` and SIGTERM raises ``Terminated``, so
  that ``finally`` blocks run (temp files are removed) and the command exits 130 or 143.
- ``deferred_signals()`` holds a signal back while a file is being written: the write finishes or
  is undone, then the signal acts. A file is never left half-written by SIGINT or SIGTERM.
- Workers ignore SIGINT (Ctrl-C reaches the whole process group: the parent decides), end on
  SIGTERM (after a deferred write, never in the middle of one), and end when their parent dies:
  ``prctl(PR_SET_PDEATHSIG)`` on Linux, a thread polling for the parent elsewhere.
- A worker keeps SIGTERM's default action and blocks the signal (``pthread_sigmask``) only while it
  writes. A Python-level handler would be racy there: one that arrives just before the worker
  blocks in a C call (waiting on the pool's queue lock, which a terminating pool holds) only sets a
  flag, and the worker waits forever. The kernel's default action cannot be lost that way.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
import weakref
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from types import FrameType
from typing import Any, Callable, Iterator, List, Optional, Sequence, TypeVar

from . import exit_codes

PARENT_POLL_SECONDS = 0.5  # how often a worker without prctl looks for its parent
WORKER_JOIN_SECONDS = 2.0  # how long stopping a pool waits for each terminated worker
MANAGER_JOIN_SECONDS = 5.0  # and for the pool's own thread, once its workers are gone

Item = TypeVar("Item")
Result = TypeVar("Result")


class Terminated(BaseException):
    """SIGTERM, raised like ``KeyboardInterrupt`` is for SIGINT (not an ``Exception``: nothing swallows it)."""


def exit_status(interrupt: BaseException) -> int:
    return exit_codes.TERMINATED if isinstance(interrupt, Terminated) else exit_codes.INTERRUPTED


_defer_depth = 0
_pending_signal: Optional[int] = None
_in_worker = False
_stop_event: Any = None  # a multiprocessing.Event the parent sets to stop workers' writes
# Shared memory, one byte per item, that a worker sets once it has written that item. A worker's
# result travels through the pool's queue and can still be in it when the parent stops the pool;
# this is set inside the write's deferred-signal block, so the parent knows every write that happened.
_written: Any = None


def _act_on(signum: int) -> None:
    if _in_worker:
        os._exit(128 + signum)  # a worker holds nothing to clean up outside a deferred write
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated


def _on_signal(signum: int, frame: Optional[FrameType]) -> None:
    global _pending_signal
    if _defer_depth:
        _pending_signal = signum
        return
    _act_on(signum)


_BLOCKABLE = hasattr(signal, "pthread_sigmask")
_TERM = {signal.SIGTERM}


@contextmanager
def deferred_signals() -> Iterator[None]:
    """SIGINT and SIGTERM received inside act when the block ends (a write completes or is undone)."""
    global _defer_depth, _pending_signal
    blocks = _in_worker and _BLOCKABLE and not _defer_depth
    if blocks:  # a pending SIGTERM is delivered, with its default action, at the unblock
        signal.pthread_sigmask(signal.SIG_BLOCK, _TERM)
    _defer_depth += 1
    try:
        yield
    finally:
        _defer_depth -= 1
        if blocks:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _TERM)
        if not _defer_depth and _pending_signal is not None:
            signum, _pending_signal = _pending_signal, None
            _act_on(signum)


_INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def signals_held_for_workers() -> Iterator[None]:
    """Around the calls that start workers (a pool's ``submit`` and ``map`` fork them): a worker
    forked while Ctrl-C reaches the process group would run the parent's handler before its
    initializer ignores SIGINT, and die with a traceback. Forked with the signals blocked, it
    starts with them pending; ``init_worker`` sets its own actions, then unblocks them. The parent
    receives a signal that came meanwhile as soon as the block ends."""
    if not _BLOCKABLE or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def handle_interrupts() -> Iterator[None]:
    """Install the main process's handlers for the duration (restored after; main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        current = signal.getsignal(signum)
        # Respect an ignored signal (nohup, a shell's background job) and a caller's own handler.
        if current in (signal.default_int_handler, signal.SIG_DFL):
            previous[signum] = current
            signal.signal(signum, _on_signal)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# --------------------------------------------------------------------------------------- workers
def init_worker(parent_pid: int, stop_event: Any = None, written: Any = None) -> None:
    """A pool's initializer: the worker's signals, and its end when the parent dies."""
    global _in_worker, _stop_event, _written
    _in_worker = True
    _stop_event = stop_event
    _written = written
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The default action where a write can be held back by blocking the signal (see the docstring).
    signal.signal(signal.SIGTERM, signal.SIG_DFL if _BLOCKABLE else _on_signal)
    if _BLOCKABLE:  # forked inside signals_held_for_workers(): a pending SIGINT is now ignored
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _INTERRUPTS)
    direct_child = os.getppid() == parent_pid  # not under a forkserver
    if not (direct_child and _die_with_parent()):
        threading.Thread(target=_watch_parent, args=(parent_pid, direct_child), daemon=True,
                         name="pma-parent-watchdog").start()
    if direct_child and os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(exit_codes.TERMINATED)


def stop_requested() -> bool:
    """True in a worker once the parent was interrupted: start no new write."""
    return bool(_stop_event is not None and _stop_event.is_set())


def mark_written(index: int) -> None:
    """In a worker, inside ``deferred_signals()`` right after a write: item ``index`` was written."""
    if _written is not None:
        _written[index] = 1


class WriteLedger:
    """Which items of a pool's run its workers wrote, readable by the parent after the pool is stopped."""

    def __init__(self, size: int) -> None:
        import multiprocessing.sharedctypes

        # Raw (no lock): each byte has one writer, and the parent reads only after the workers ended.
        self.flags: Any = multiprocessing.sharedctypes.RawArray("b", size)

    def written(self) -> List[int]:
        return [index for index, flag in enumerate(self.flags) if flag]


def _die_with_parent() -> bool:
    """Linux: SIGTERM this process when its parent dies. False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        return bool(libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int, direct_child: bool, poll: float = PARENT_POLL_SECONDS) -> None:
    """Portable fallback: SIGTERM ourselves (a deferred write still completes) once the parent is gone."""
    # As a thread of its own, never take the process-directed SIGTERM past the main thread's block.
    if _BLOCKABLE and threading.current_thread() is not threading.main_thread():
        signal.pthread_sigmask(signal.SIG_BLOCK, _TERM)
    while _parent_alive(parent_pid, direct_child):
        time.sleep(poll)
    os.kill(os.getpid(), signal.SIGTERM)


def _parent_alive(parent_pid: int, direct_child: bool) -> bool:
    if direct_child:
        return os.getppid() == parent_pid  # reparented once the parent dies
    try:
        os.kill(parent_pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def process_pool(max_workers: int, stop_event: Any = None,
                 ledger: Optional[WriteLedger] = None) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=max_workers, initializer=init_worker,
                               initargs=(os.getpid(), stop_event, None if ledger is None else ledger.flags))


class _PoolParts:
    """What stopping a pool needs of its internals, taken before ``shutdown()`` forgets them.

    No public API ends a running task; these attributes exist from Python 3.9 through 3.13."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.workers: List[Any] = list((getattr(pool, "_processes", None) or {}).values())
        self.results: Any = getattr(pool, "_result_queue", None)
        self.manager: Optional[threading.Thread] = getattr(pool, "_executor_manager_thread", None)


_parts: "weakref.WeakKeyDictionary[ProcessPoolExecutor, _PoolParts]" = weakref.WeakKeyDictionary()


def cancel_pending(pool: ProcessPoolExecutor) -> None:
    """Let the running tasks finish and drop the others: the pool's own thread cancels them.

    Never ``Future.cancel()`` a pool's task from outside: on Python 3.9 to 3.11 the pool's thread
    sets an exception on every task it still holds when a worker dies, and one cancelled meanwhile
    raises ``InvalidStateError`` there, printed as a traceback."""
    _parts.setdefault(pool, _PoolParts(pool))
    pool.shutdown(wait=False, cancel_futures=True)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now, instead of waiting for their files."""
    parts = _parts.pop(pool, None) or _PoolParts(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in parts.workers:
        try:
            worker.terminate()
        except (OSError, ValueError):  # already gone
            pass
    for worker in parts.workers:
        try:
            worker.join(WORKER_JOIN_SECONDS)
        except (OSError, ValueError, AssertionError):
            pass
    # A worker ended while sending its result leaves half a message in the pool's result pipe, and
    # the pool's thread (which the interpreter joins at exit) would wait for the rest forever.
    # Once every worker is gone, closing the parent's copy of the write end makes that wait an EOF.
    writer = getattr(parts.results, "_writer", None)
    if writer is not None and not any(_alive(worker) for worker in parts.workers):
        try:
            writer.close()
        except OSError:
            pass
    # Wait for the pool's thread to end: at exit the interpreter wakes each pool's thread through a
    # pipe that thread closes as it ends, unlocked, and losing that race prints an OSError traceback.
    if parts.manager is not None and parts.manager is not threading.current_thread():
        parts.manager.join(MANAGER_JOIN_SECONDS)


def _alive(worker: Any) -> bool:
    try:
        return bool(worker.is_alive())
    except (OSError, ValueError, AssertionError):
        return False


def map_in_pool(function: Callable[[Item], Result], items: Sequence[Item], processes: int,
                chunksize: int) -> Optional[List[Result]]:
    """``function`` over ``items`` in ``processes`` workers, in the order of ``items``.

    ``None`` when no process pool can be made here (no semaphores in a sandbox...): the caller then
    runs ``function`` itself. Ctrl-C or SIGTERM ends the workers at once, instead of after their files.
    """
    try:
        pool = process_pool(processes)
    except (OSError, ImportError, ValueError, NotImplementedError):
        return None
    chunks = [items[start:start + chunksize] for start in range(0, len(items), max(1, chunksize))]
    try:
        # submit(), not map(): map's results cancel the pending tasks themselves on an interrupt.
        with signals_held_for_workers():
            futures = [pool.submit(_run_chunk, function, chunk) for chunk in chunks]
        results = [result for future in futures for result in future.result()]
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)
    return results


def _run_chunk(function: Callable[[Item], Result], chunk: Sequence[Item]) -> List[Result]:
    return [function(item) for item in chunk]
