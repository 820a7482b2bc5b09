"""Golden files for the fixer: ``tests/golden/<name>.in.py`` -> ``.out.py`` and ``.diff``.

A name ending in ``_unsafe`` runs with ``--unsafe-fixes``. Every golden output must parse, must
be a fixed point (fixing it again changes nothing), and the goldens together must exercise every
fix action the rules emit and every rule that declares a fix.

Regenerate after an intended change with ``PMA_UPDATE_GOLDEN=1 pytest tests/test_fix_golden.py``
and review the diff of ``tests/golden/``.
"""
from __future__ import annotations

import ast
import io
import os
import shutil
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from flake8_pymongo_async import cli
from flake8_pymongo_async.fix.actions import ACTIONS
from flake8_pymongo_async.fix.engine import fix_text
from flake8_pymongo_async.rules.registry import RULES, FixAvailability

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p.name[: -len(".in.py")] for p in GOLDEN.glob("*.in.py"))
UPDATE = os.environ.get("PMA_UPDATE_GOLDEN") == "1"


def _unsafe(name: str) -> bool:
    return name.endswith("_unsafe")


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _check_or_update(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"{path.name} is missing: run PMA_UPDATE_GOLDEN=1 pytest {__file__}"
    assert actual == _read(path), f"{path.name} differs (PMA_UPDATE_GOLDEN=1 regenerates it)"


def _run_cli(args, cwd: Path):
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(args)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


def test_there_are_goldens():
    assert len(CASES) >= 15


@pytest.mark.parametrize("name", CASES)
def test_golden_output(name):
    source = _read(GOLDEN / f"{name}.in.py")
    result = fix_text(source, unsafe=_unsafe(name))
    assert result.error is None and result.skipped is None
    ast.parse(result.text)
    _check_or_update(GOLDEN / f"{name}.out.py", result.text)


@pytest.mark.parametrize("name", CASES)
def test_golden_diff_through_the_command(name, tmp_path):
    """`fix --diff` prints the expected diff and writes nothing."""
    source = (GOLDEN / f"{name}.in.py").read_bytes()
    target = tmp_path / f"{name}.py"
    target.write_bytes(source)
    args = ["fix", "--diff", "-j", "1", f"{name}.py"] + (["--unsafe-fixes"] if _unsafe(name) else [])
    code, out, err = _run_cli(args, tmp_path)
    assert "Traceback" not in err
    assert code in (0, 1), err
    assert target.read_bytes() == source  # --diff writes nothing
    _check_or_update(GOLDEN / f"{name}.diff", out)


@pytest.mark.parametrize("name", CASES)
def test_golden_is_a_fixed_point(name):
    """Fixing the expected output again changes nothing (idempotency)."""
    expected = _read(GOLDEN / f"{name}.out.py")
    again = fix_text(expected, unsafe=_unsafe(name))
    assert again.text == expected
    assert not again.applied


@pytest.mark.parametrize("name", CASES)
def test_golden_fix_writes_the_expected_file(name, tmp_path):
    source = (GOLDEN / f"{name}.in.py").read_bytes()
    target = tmp_path / f"{name}.py"
    target.write_bytes(source)
    args = ["fix", "-q", "-j", "1", f"{name}.py"] + (["--unsafe-fixes"] if _unsafe(name) else [])
    code, _, err = _run_cli(args, tmp_path)
    assert code in (0, 1), err
    assert target.read_bytes() == (GOLDEN / f"{name}.out.py").read_bytes()
    # and a second run changes nothing
    _run_cli(args, tmp_path)
    assert target.read_bytes() == (GOLDEN / f"{name}.out.py").read_bytes()


def test_goldens_cover_every_action_and_every_fixable_rule():
    actions: Counter = Counter()
    codes: Counter = Counter()
    for name in CASES:
        result = fix_text(_read(GOLDEN / f"{name}.in.py"), unsafe=_unsafe(name))
        actions.update(result.actions)
        codes.update(result.applied)
    assert set(ACTIONS) <= set(actions), f"no golden exercises {sorted(a.name for a in set(ACTIONS) - set(actions))}"
    fixable = {code for code, rule in RULES.items() if rule.fix_availability is not FixAvailability.NONE}
    assert fixable <= set(codes), f"no golden fixes {sorted(fixable - set(codes))}"


def test_motor_imports_left_only_without_counterpart():
    result = fix_text(_read(GOLDEN / "motor_import_no_counterpart.in.py"))
    left = [d for d in result.remaining if d.code == "PMA101"]
    assert len(left) == 1 and "motor.aiohttp" in left[0].message and left[0].fix is None
    assert "from pymongo import AsyncMongoClient" in result.text


@pytest.mark.skipif(not UPDATE, reason="only when regenerating")
def test_no_stale_golden_files():
    for path in GOLDEN.iterdir():
        stem = path.name.split(".")[0]
        if stem not in CASES:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
