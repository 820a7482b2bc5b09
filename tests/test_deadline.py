"""The tests' hang detection (tests/deadline.py) detects hangs: a check that could not fail would
let an infinite loop through unseen."""
from __future__ import annotations

import signal
import time
from typing import List

import pytest

from deadline import Hang, run_guarded, time_limit

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")


def _spin() -> None:
    while True:
        pass


def test_time_limit_stops_an_infinite_loop() -> None:
    started = time.monotonic()
    with pytest.raises(Hang):
        with time_limit(0.2):
            _spin()
    assert time.monotonic() - started < 30


def test_time_limit_passes_what_finishes_and_keeps_the_outer_deadline() -> None:
    with pytest.raises(Hang):
        with time_limit(0.3):
            with time_limit(60):
                pass  # finishes: no Hang here, and the outer deadline still holds
            _spin()


def test_time_limit_is_not_swallowed_by_except_exception() -> None:
    with pytest.raises(Hang):
        with time_limit(0.2):
            try:
                _spin()
            except Exception:  # what the tool does around each file
                pass


def _item(item: str) -> List[str]:
    if item == "loop":
        _spin()
    if item == "deaf loop":  # where no signal handler runs (a loop in C code): only a kill stops it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        _spin()
    if item == "crash":
        raise ValueError("boom")
    return [f"found in {item}"] if item.startswith("finding") else []


def _describe(item: str) -> str:
    return f"item {item!r}"


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs pthread_sigmask")
def test_run_guarded_reports_each_hang_and_goes_on() -> None:
    items = ["fine", "loop", "finding 1", "deaf loop", "crash", "finding 2"]
    problems = run_guarded(_item, items, seconds=0.3, describe=_describe, grace=1.0)
    assert len(problems) == 5, problems
    assert problems[0].startswith("hang: still running after 0.3 s") and "item 'loop'" in problems[0]
    assert "_spin" in problems[0]  # where it was stopped
    assert problems[1] == "found in finding 1"
    assert problems[2].startswith("hang: no answer after 1.3 s") and "item 'deaf loop'" in problems[2]
    assert problems[3].startswith("crash: ValueError: boom: item 'crash'")
    assert problems[4] == "found in finding 2"


# ---------------------------------------------------------------- the sweep's hang detection
HANGING_FILE = "from pymongo import AsyncMongoClient\nclient = AsyncMongoClient()\n"


@pytest.fixture
def hanging_walker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every walk of the semantic model (behind flake8, check and fix) spins forever; the sweep
    gives each input 0.3 s."""
    import sweep_support as sw
    from flake8_pymongo_async.semantic.model import SemanticModel

    def spin(self: object) -> list:
        _spin()
        return []

    monkeypatch.setattr(SemanticModel, "run", spin)
    monkeypatch.setattr(sw, "INPUT_DEADLINE", 0.3)


@pytest.mark.usefixtures("hanging_walker")
def test_sweep_reports_a_hang_naming_the_file(tmp_path) -> None:
    import sweep_support as sw

    path = tmp_path / "hangs.py"
    path.write_text(HANGING_FILE, encoding="utf-8")
    for chunk in (sw.flake8_chunk, sw.walk_chunk, sw.fix_chunk):
        problems = chunk([str(path)])[0]
        assert problems and all(p.startswith(f"{path}") and ": hang in " in p and "Hang: still running" in p
                                for p in problems), (chunk.__name__, problems)


@pytest.mark.usefixtures("hanging_walker")
def test_sweep_fixer_contract_reports_a_hang() -> None:
    import sweep_support as sw

    problems, changed = sw.fix_problems(HANGING_FILE, "the label")
    assert problems[0].startswith("the label: hang in ") and "Hang: still running after 0.3 s" in problems[0]
    assert not changed
