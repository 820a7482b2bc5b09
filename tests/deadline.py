"""Hang detection for the tests: a deadline per input, so that an infinite loop fails the test and
names the input, instead of hanging the suite (or CI until its own timeout).

* ``time_limit(seconds)``: raises ``Hang`` in the code under test when the deadline passes
  (``SIGALRM``; where there is no such signal, or off the main thread, it only runs the code);
* ``run_guarded(func, items, seconds, describe)``: ``func(item)`` for every item in a child
  process, each under ``time_limit``; the parent also kills a child that stops answering (a loop
  in C code that no signal handler interrupts) and goes on with the next item in a new child.
"""
from __future__ import annotations

import multiprocessing
import signal
import threading
import time
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional, Sequence

# Extra time the parent of run_guarded() gives a child past an item's deadline before it kills it.
GRACE_SECONDS = 10.0


class Hang(BaseException):
    """The deadline passed. A BaseException, so that no ``except Exception`` in the code under test
    (the tool turns errors into messages) swallows it."""


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``Hang`` in the body if it runs longer than ``seconds`` (an outer limit still holds)."""
    if not _can_alarm():
        yield
        return
    started = time.monotonic()

    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds:g} s (an infinite loop?)")

    previous_handler = signal.signal(signal.SIGALRM, expire)
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer_remaining) if outer_remaining else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_remaining:
            # The outer deadline goes on (fires at once if it has already passed).
            signal.setitimer(signal.ITIMER_REAL, max(1e-3, outer_remaining - (time.monotonic() - started)))


def hang_report(what: str, exc: Hang) -> str:
    """A hang, for a failure message: what was running, and where it was when stopped."""
    frames = traceback.extract_tb(exc.__traceback__)[-6:]
    return f"hang: {exc}: {what}\nstopped in:\n{''.join(traceback.format_list(frames))}"


def run_guarded(func: Callable[[Any], List[str]], items: Sequence[Any], seconds: float,
                describe: Callable[[Any], str], grace: float = GRACE_SECONDS) -> List[str]:
    """``func(item)`` (which returns a list of problems) for every item, in child processes, each
    item under a deadline of ``seconds``. Returns every problem; an item that does not finish in
    time, or kills its process, is a problem named by ``describe(item)``. A child that gives no
    answer ``grace`` seconds past an item's deadline is killed."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    problems: List[str] = []
    start = 0
    while start < len(items):  # each round starts past at least one more item: it ends
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_guarded_child, args=(sender, func, describe, items, start, seconds),
                                daemon=True)
        child.start()
        sender.close()
        current: Optional[int] = None
        try:
            while True:
                if not receiver.poll(seconds + grace):
                    index = start if current is None else current
                    problems.append(f"hang: no answer after {seconds + grace:g} s (a loop that no signal "
                                    f"interrupts), the process was killed: {describe(items[index])}")
                    start = index + 1
                    break
                try:
                    kind, index, found = receiver.recv()
                except EOFError:
                    index = start if current is None else current
                    child.join(5)
                    problems.append(f"the process died (exit code {child.exitcode}): {describe(items[index])}")
                    start = index + 1
                    break
                if kind == "start":
                    current = index
                elif kind == "done":
                    problems.extend(found)
                    start = index + 1
                else:  # "end"
                    start = len(items)
                    break
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receiver.close()
    return problems


def _guarded_child(sender: Any, func: Callable[[Any], List[str]], describe: Callable[[Any], str],
                   items: Sequence[Any], start: int, seconds: float) -> None:
    for index in range(start, len(items)):
        sender.send(("start", index, None))
        try:
            with time_limit(seconds):
                found = list(func(items[index]))
        except Hang as exc:
            found = [hang_report(describe(items[index]), exc)]
        except Exception as exc:  # noqa: BLE001 - the parent reports it; the other items go on
            trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-8:])
            found = [f"crash: {type(exc).__name__}: {exc}: {describe(items[index])}\n{trace}"]
        sender.send(("done", index, found))
    sender.send(("end", len(items), None))
    sender.close()
