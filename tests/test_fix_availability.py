"""Each rule's declared fix availability is what its findings show, over every fixture and golden input.

``always``: every finding of the rule has a fix; ``none``: no finding has one; ``sometimes``: the
fixtures show both. The docs page's fix line is rendered from the declaration, so it cannot be wrong.
"""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import fixture_harness as fh
from flake8_pymongo_async import checker
from flake8_pymongo_async.rules.registry import RULES, FixAvailability

GOLDEN = Path(__file__).resolve().parent / "golden"


def _sources() -> List[Path]:
    return list(fh.fixture_paths()) + sorted(GOLDEN.glob("*.in.py"))


def _findings_by_fix() -> Dict[str, Tuple[int, int]]:
    """{code: (findings with a fix, findings without)} over every source."""
    with_fix: Counter = Counter()
    without: Counter = Counter()
    for path in _sources():
        source = fh.read_source(path)
        for d in checker.check(ast.parse(source), source.splitlines(True)):
            (with_fix if d.fix is not None else without)[d.code] += 1
    return {code: (with_fix[code], without[code]) for code in set(with_fix) | set(without)}


FOUND = _findings_by_fix()


def test_the_sources_are_there():
    assert len(_sources()) > len(RULES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_declared_availability_matches_the_findings(code):
    declared = RULES[code].fix_availability
    fixed, unfixed = FOUND.get(code, (0, 0))
    assert fixed + unfixed, f"{code}: no fixture or golden input reports it"
    if declared is FixAvailability.ALWAYS:
        assert unfixed == 0, f"{code} declares a fix always, but {unfixed} finding(s) have none"
    elif declared is FixAvailability.NONE:
        assert fixed == 0, f"{code} declares no fix, but {fixed} finding(s) have one"
    else:
        assert fixed and unfixed, (
            f"{code} declares a fix sometimes: the fixtures must show findings with a fix ({fixed}) "
            f"and without ({unfixed}); add the missing case to tests/fixtures/{code}_*.py"
        )


def test_only_registered_codes_are_reported():
    assert set(FOUND) <= set(RULES)
