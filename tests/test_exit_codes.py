"""The one exit-code table (``exit_codes``, README "Exit codes"), row by row, for every command.

0 every file checked and nothing found; 1 findings (diagnostics left) or a file not checked;
2 usage or configuration error; 3 internal error. ``check --exit-zero`` turns the 1 of findings and
syntax errors into 0, never that of a file that could not be read, nor 2 or 3.
The non-regular-file and directory-walk rows are in ``test_odd_files.py`` (they need a subprocess
or a deep tree).
"""
from __future__ import annotations

import io
import os
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import pytest

from flake8_pymongo_async import checker, cli, exit_codes
from flake8_pymongo_async.fix import engine as fix_engine

CLEAN = "import pymongo\n"
# PMA101 is fixed, PMA103 needs a person: `fix` leaves a diagnostic, `check` and `report` find both.
MANUAL = "from motor.motor_asyncio import AsyncIOMotorClient\nc = AsyncIOMotorClient()\nloop = c.get_io_loop()\n"
FIXABLE = "import motor\n"
BROKEN = "import motor\ndef f(:\n"
COMMANDS = ("check", "fix", "report")


def run(command: str, *args: str, cwd: Path) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            common = ["-j", "1"] + ([] if "--config" in args else ["--isolated"])
            status = cli.main([command, *common, *args] if command in COMMANDS else [command, *args])
    finally:
        os.chdir(old)
    assert "Traceback" not in err.getvalue()
    return status, out.getvalue(), err.getvalue()


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return path.name


# Each case makes its files in tmp_path and returns the arguments; the table gives every command's code.
def _clean(tmp: Path) -> List[str]:
    return [write(tmp / "clean.py", CLEAN)]


def _findings(tmp: Path) -> List[str]:
    return [write(tmp / "app.py", MANUAL)]


def _syntax_error(tmp: Path) -> List[str]:
    return [write(tmp / "broken.py", BROKEN), write(tmp / "clean.py", CLEAN)]


def _missing(tmp: Path) -> List[str]:
    return ["nope.py", write(tmp / "clean.py", CLEAN)]


def _undecodable(tmp: Path) -> List[str]:
    (tmp / "odd.py").write_bytes(b"# -*- coding: utf-8 -*-\nx = '\xff'\n")
    return ["odd.py"]


def _bad_option(tmp: Path) -> List[str]:
    return ["--select", "PMA-1", write(tmp / "app.py", MANUAL)]


def _bad_config(tmp: Path) -> List[str]:
    (tmp / "pyproject.toml").write_text('[tool.flake8-pymongo-async]\nselect = "PMA-1"\n', encoding="utf-8")
    return ["--config", "pyproject.toml", write(tmp / "app.py", MANUAL)]


CASES: Dict[str, Tuple[Callable[[Path], List[str]], Dict[str, int]]] = {
    "clean": (_clean, {"check": 0, "fix": 0, "report": 0}),
    "findings": (_findings, {"check": 1, "fix": 1, "report": 1}),
    "syntax-error": (_syntax_error, {"check": 1, "fix": 1, "report": 1}),
    "missing-file": (_missing, {"check": 1, "fix": 1, "report": 1}),
    # check reads it as latin-1, as flake8 does; fix and report need the declared encoding
    "undecodable": (_undecodable, {"check": 0, "fix": 1, "report": 1}),
    "bad-option": (_bad_option, {"check": 2, "fix": 2, "report": 2}),
    "bad-config": (_bad_config, {"check": 2, "fix": 2, "report": 2}),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_row(tmp_path: Path, case: str, command: str) -> None:
    make, expected = CASES[case]
    args = make(tmp_path)
    status, out, err = run(command, *args, cwd=tmp_path)
    assert status == expected[command], err
    if status:
        assert out + err, "a status other than 0 always says why"


def test_the_table_is_ordered_by_severity() -> None:
    assert (exit_codes.OK, exit_codes.FOUND, exit_codes.USAGE, exit_codes.INTERNAL) == (0, 1, 2, 3)
    assert exit_codes.worst() == 0 and exit_codes.worst(1, 3, 2) == 3
    assert exit_codes.status(found=True, not_checked=True, internal=True) == 3
    assert exit_codes.status(not_checked=True) == exit_codes.status(found=True) == 1


def test_the_readme_documents_exactly_this_table() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    documented = sorted(int(m) for m in re.findall(r"^\| (\d+) \|", section, re.M))
    constants = sorted(v for k, v in vars(exit_codes).items() if k.isupper() and isinstance(v, int))
    assert documented == constants == [0, 1, 2, 3, 130, 143]


def test_fix_diff_with_changes_is_findings_left(tmp_path: Path) -> None:
    write(tmp_path / "app.py", FIXABLE)
    assert run("fix", "--diff", "app.py", cwd=tmp_path)[0] == 1  # nothing written: still in the file
    assert run("fix", "app.py", cwd=tmp_path)[0] == 0  # fixed, nothing left
    assert run("fix", "app.py", cwd=tmp_path)[0] == 0


@pytest.mark.parametrize(("case", "expected"), [("findings", 0), ("syntax-error", 0), ("missing-file", 1),
                                                ("bad-option", 2), ("clean", 0)])
def test_check_exit_zero(tmp_path: Path, case: str, expected: int) -> None:
    args = CASES[case][0](tmp_path)
    assert run("check", "--exit-zero", *args, cwd=tmp_path)[0] == expected


def test_internal_error_in_a_file_is_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    write(tmp_path / "app.py", MANUAL)
    write(tmp_path / "clean.py", CLEAN)
    monkeypatch.setattr(checker, "analyse", explode)  # what check calls
    status, out, err = run("check", ".", cwd=tmp_path)
    assert status == 3 and "internal error: RuntimeError: boom" in err
    monkeypatch.setattr(fix_engine, "fix_text", explode)
    status, _, err = run("fix", ".", cwd=tmp_path)
    assert status == 3 and "internal error: RuntimeError: boom" in err
    monkeypatch.setattr(fix_engine, "classify", explode)
    status, out, err = run("report", ".", "--format", "json", cwd=tmp_path)
    assert status == 3 and "internal error: RuntimeError: boom" in out + err


@pytest.mark.parametrize("command", ["check", "fix", "report", "explain", "rules"])
def test_internal_error_of_a_command_is_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected")

    from flake8_pymongo_async import docs_render, plumbing

    monkeypatch.setattr(plumbing, "discover", explode)
    monkeypatch.setattr(docs_render, "render_text", explode)
    monkeypatch.setattr(cli, "_catalog", explode)
    args = {"explain": ["PMA101"], "rules": []}.get(command, ["."])
    status, _, err = run(command, *args, cwd=tmp_path)
    assert status == 3 and err == "flake8-pymongo-async: internal error: RuntimeError: unexpected\n"


@pytest.mark.parametrize(("command", "args", "expected"), [
    ("explain", ["PMA101"], 0), ("explain", ["PMA999"], 2), ("explain", [], 2),
    ("rules", [], 0), ("rules", ["--format", "nope"], 2), ("fix", [], 2), ("report", [], 2),
])
def test_explain_rules_and_usage(tmp_path: Path, command: str, args: List[str], expected: int) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert cli.main([command, *args]) == expected


@pytest.mark.parametrize(("command", "option"), [("check", "--output-file"), ("report", "-o")])
@pytest.mark.parametrize("source", [CLEAN, MANUAL], ids=["clean", "findings"])
def test_output_that_cannot_be_written_is_2(tmp_path: Path, command: str, option: str, source: str) -> None:
    write(tmp_path / "app.py", source)
    status, _, err = run(command, option, str(tmp_path / "no-such-dir" / "out"), "app.py", cwd=tmp_path)
    assert status == 2 and "no-such-dir" in err


def test_report_does_not_say_nothing_to_migrate_when_a_file_was_not_checked(tmp_path: Path) -> None:
    write(tmp_path / "broken.py", BROKEN)
    write(tmp_path / "clean.py", CLEAN)
    for fmt in ("markdown", "html"):
        status, out, err = run("report", "--format", fmt, ".", cwd=tmp_path)
        assert status == 1 and "nothing to migrate" not in out
        assert "No findings in the files checked, but 1 path was not checked" in out
        assert "broken.py: not checked: syntax error" in err
    status, out, _ = run("report", "--format", "markdown", "clean.py", cwd=tmp_path)
    assert status == 0 and "No findings: nothing to migrate." in out
