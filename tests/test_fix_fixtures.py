"""Property test: fixing every fixture file (with --unsafe-fixes) gives code that parses, compiles
whenever the input did, is a fixed point, and leaves no safe fix behind except the few the fixer
declines on purpose (each with a reason a person can act on)."""
from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest

from flake8_pymongo_async.fix.engine import fix_text

FIXTURES = sorted((Path(__file__).resolve().parent / "fixtures").glob("*.py"))
EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").rglob("*.py"))

# Safe fixes the fixer refuses where doing them would not be safe after all.
KNOWN_REFUSALS = (
    "the module `",  # a Motor module object used as a value: no single PyMongo module replaces it
    "the `with` mixes async and sync context managers",  # needs two statements: a person splits it
)


def _compiles(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fixture>", "exec", dont_inherit=True)
        return True
    except SyntaxError:
        return False


@pytest.mark.parametrize("path", FIXTURES + EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_fixing_gives_valid_code_and_a_fixed_point(path, unsafe):
    text = path.read_text(encoding="utf-8")
    result = fix_text(text, unsafe=unsafe)
    assert result.error is None, result.error
    assert result.skipped is None, result.skipped
    assert result.converged
    ast.parse(result.text)
    if _compiles(text):
        assert _compiles(result.text)
    again = fix_text(result.text, unsafe=unsafe)
    assert again.text == result.text, "a second fix changed the output"
    reasons = {(r.diagnostic.code, r.diagnostic.line, r.diagnostic.col): r.reason for r in result.refusals}
    for d in result.remaining:
        reason = reasons.get((d.code, d.line, d.col), "")
        if d.fix is not None and d.fix.safe:
            assert reason.startswith(KNOWN_REFUSALS), f"{d.code} at line {d.line} left unfixed: {reason!r}"
        elif d.fix is not None and unsafe:
            assert reason, f"{d.code} at line {d.line}: an unsafe fix left unapplied without a reason"


def test_fixtures_exist():
    assert len(FIXTURES) >= 20
