"""Code nested past the model's limit is not checked: the standalone commands say so, once per file
(issue 10, defect 8); the flake8 plugin has no channel for it and stays as it was."""
from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path
from typing import Tuple

import pytest

from flake8_pymongo_async import checker, cli
from flake8_pymongo_async.fix.engine import MAX_FIX_DEPTH, fix_text
from flake8_pymongo_async.semantic.model import MAX_DEPTH

from flake8_alone import FLAKE8

WARNING = f"warning: nested deeper than {MAX_DEPTH} levels; code past that depth was not checked"


def program(terms: int) -> str:
    """An un-awaited coroutine under ``terms`` nested additions (a left-nested BinOp chain), then
    one at the top of the function; and the same again in a second function."""
    deep = "coll.count_documents({})" + " + 1" * terms
    return ("from pymongo import AsyncMongoClient\n"
            "coll = AsyncMongoClient().app.items\n"
            "\n\n"
            f"async def first():\n    total = {deep}\n    coll.insert_one({{}})\n"
            "\n\n"
            f"async def second():\n    total = {deep}\n    return total\n")


SHALLOW = program(5)
DEEP = program(MAX_DEPTH + 50)


def run_cli(capsys: pytest.CaptureFixture, *argv: str) -> Tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_model_records_that_it_stopped_at_the_limit() -> None:
    shallow = checker.analyse(ast.parse(SHALLOW), SHALLOW.splitlines(keepends=True))
    deep = checker.analyse(ast.parse(DEEP), DEEP.splitlines(keepends=True))
    assert not shallow.depth_limit_reached and deep.depth_limit_reached
    # Why it must be said: the findings under the limit are there, those past it are not.
    assert [(d.code, d.line) for d in shallow.diagnostics] == [("PMA201", 6), ("PMA201", 7), ("PMA201", 11)]
    assert [(d.code, d.line) for d in deep.diagnostics] == [("PMA201", 7)]
    assert checker.check(ast.parse(DEEP), DEEP.splitlines(keepends=True)) == deep.diagnostics


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_warns_once_per_file(capsys: pytest.CaptureFixture, tmp_path: Path, jobs: str) -> None:
    for name, text in (("deep.py", DEEP), ("also_deep.py", DEEP), ("shallow.py", SHALLOW)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run_cli(capsys, "check", "--isolated", "-j", jobs, str(tmp_path))
    assert err.splitlines() == [f"{tmp_path / 'also_deep.py'}: {WARNING}", f"{tmp_path / 'deep.py'}: {WARNING}"]
    assert f"{tmp_path / 'deep.py'}:7:5: PMA201" in out  # the findings that were checked are still reported
    assert code == 1


def test_check_warning_keeps_machine_output_clean(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    path = tmp_path / "deep.py"
    path.write_text(DEEP, encoding="utf-8")
    code, out, err = run_cli(capsys, "check", "--isolated", "--format", "json", str(path))
    assert err == f"{path}: {WARNING}\n"
    assert json.loads(out) and code == 1


def test_no_warning_for_a_file_within_the_limit(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    path = tmp_path / "shallow.py"
    path.write_text(SHALLOW, encoding="utf-8")
    code, _, err = run_cli(capsys, "check", "--isolated", str(path))
    assert err == "" and code == 1


def test_report_warns_once_per_file(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    (tmp_path / "deep.py").write_text(DEEP, encoding="utf-8")
    (tmp_path / "shallow.py").write_text(SHALLOW, encoding="utf-8")
    _, out, err = run_cli(capsys, "report", "--isolated", "-j", "1", "--format", "json", str(tmp_path))
    assert err.splitlines() == [f"{tmp_path / 'deep.py'}: {WARNING}"]
    assert json.loads(out)


def test_fix_skips_such_files_before_the_model_limit() -> None:
    """`fix` never reaches the model's limit: past MAX_FIX_DEPTH (lower) it leaves the file alone
    and says so (an AST is at least as deep as the model's count of nested statements and
    expressions)."""
    assert MAX_FIX_DEPTH < MAX_DEPTH
    result = fix_text(DEEP, unsafe=True)
    assert result.text == DEEP and result.skipped.startswith("nested too deeply to fix safely")


def test_flake8_output_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "deep.py"
    path.write_text(DEEP, encoding="utf-8")
    result = subprocess.run([*FLAKE8, "--isolated", "--select=PMA", str(path)],
                            capture_output=True, text=True, timeout=300)
    assert result.stderr == ""
    assert [line.split(" ")[:2] for line in result.stdout.splitlines()] == [[f"{path}:7:5:", "PMA201"]]


def test_readme_states_the_limits() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    limits = " ".join(readme.split("## Limits\n", 1)[1].split("\n## ", 1)[0].split())
    assert f"nested more than {MAX_DEPTH} levels deep" in limits
    assert f"PATH: {WARNING}" in limits
    assert f"nested more than {MAX_FIX_DEPTH} levels deep unchanged" in limits
