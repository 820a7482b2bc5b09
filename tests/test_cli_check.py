"""`flake8-pymongo-async check`: the same findings as flake8, its text format, stdin, exit codes, -j.

flake8 runs in a subprocess with ``--isolated --select=PMA`` (the installed entry point, as the
flake8 integration tests need); our command runs in-process through ``cli.main`` unless the test is
about the installed console script.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

from flake8_pymongo_async import checker, cli

from flake8_alone import FLAKE8

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*.py") if p.is_file())
EXAMPLES = ROOT / "examples"
MOTOR_IMPORT = "from motor.motor_asyncio import AsyncIOMotorClient\n"
REPORT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<text>.+)$")

Key = Tuple[str, int, int, str]


def flake8(*args: str, cwd: Path, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    return subprocess.run([*FLAKE8, *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=300)


def run_cli(capsys, *args: str, stdin: Optional[bytes] = None, monkeypatch=None) -> Tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def keys(output: str) -> List[Key]:
    found = []
    for line in output.splitlines():
        m = REPORT.match(line)
        assert m, f"not a flake8-style report line: {line!r}"
        found.append((m["path"], int(m["line"]), int(m["col"]), m["code"]))
    return found


def write(directory: Path, name: str, source: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


# --- the same diagnostics as flake8 ------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_same_as_flake8_on_each_fixture(capsys, monkeypatch, path: Path) -> None:
    rel = str(path.relative_to(ROOT))
    expected = flake8("--isolated", "--select=PMA", rel, cwd=ROOT)
    assert "Traceback" not in expected.stderr, expected.stderr
    monkeypatch.chdir(ROOT)
    status, out, err = run_cli(capsys, "check", "--isolated", "-j", "1", rel)
    assert keys(out) == keys(expected.stdout)
    assert out == expected.stdout  # the very same lines, messages included, in the same order
    assert status == expected.returncode, err
    assert err == ""


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_same_as_flake8_on_directories(jobs: str) -> None:
    """Through the installed console script, on the fixture directory and examples/ together."""
    args = ["tests/fixtures", "examples/"]
    expected = flake8("--isolated", "--select=PMA", *args, cwd=ROOT)
    exe = shutil.which("flake8-pymongo-async")
    command = [exe] if exe else [sys.executable, "-m", "flake8_pymongo_async.cli"]
    ours = subprocess.run([*command, "check", "--isolated", "-j", jobs, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert set(keys(ours.stdout)) == set(keys(expected.stdout))
    assert ours.stdout == expected.stdout
    assert ours.returncode == expected.returncode == 1
    assert ours.stderr == ""


def test_examples_from_another_directory(capsys, tmp_path: Path, monkeypatch) -> None:
    """Paths print as given (absolute here), as flake8 prints them."""
    monkeypatch.chdir(tmp_path)
    expected = flake8("--isolated", "--select=PMA", str(EXAMPLES), cwd=tmp_path)
    status, out, _ = run_cli(capsys, "check", "--isolated", str(EXAMPLES))
    assert out == expected.stdout and status == 1
    assert all(Path(path).is_absolute() for path, *_ in keys(out))


def test_parallel_output_is_deterministic(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    outputs = set()
    for jobs in ("1", "2", "4", "auto"):
        status, out, err = run_cli(capsys, "check", "--isolated", "-j", jobs, "tests/fixtures", "examples")
        assert status == 1 and err == ""
        outputs.add(out)
    assert len(outputs) == 1


# --- stdin -----------------------------------------------------------------------------------------


def test_stdin_gives_the_same_report_as_flake8(capsys, monkeypatch, tmp_path: Path) -> None:
    source = (EXAMPLES / "motor_app" / "users.py").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    expected = flake8("--isolated", "--select=PMA", "-", "--stdin-display-name=pkg/users.py", cwd=tmp_path,
                      stdin=source)
    status, out, err = run_cli(capsys, "check", "--isolated", "-", "--stdin-display-name=pkg/users.py",
                               stdin=source.encode(), monkeypatch=monkeypatch)
    assert out == expected.stdout and out
    assert status == 1 and err == ""


def test_stdin_default_name_and_never_the_file_on_disk(capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "x.py", MOTOR_IMPORT)
    status, out, _ = run_cli(capsys, "check", "--isolated", "-", "--stdin-display-name=x.py",
                             stdin=b"import os\n", monkeypatch=monkeypatch)
    assert (status, out) == (0, "")
    status, out, _ = run_cli(capsys, "check", "--isolated", "-", stdin=MOTOR_IMPORT.encode(),
                             monkeypatch=monkeypatch)
    assert status == 1 and [k[0] for k in keys(out)] == ["stdin"]


def test_stdin_honours_a_coding_cookie(capsys, monkeypatch) -> None:
    source = "# -*- coding: latin-1 -*-\nx = 'caf\xe9'; import motor\n".encode("latin-1")
    status, out, _ = run_cli(capsys, "check", "--isolated", "-", stdin=source, monkeypatch=monkeypatch)
    assert status == 1 and [k[1:] for k in keys(out)] == [(2, 14, "PMA101")]  # flake8's byte column


# --- exit codes and problems with single files ------------------------------------------------------


def test_exit_codes(capsys, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.py", MOTOR_IMPORT)
    good = write(tmp_path, "good.py", "import os\n")
    assert run_cli(capsys, "check", "--isolated", str(good))[0] == 0
    assert run_cli(capsys, "check", "--isolated", str(bad))[0] == 1
    status, out, _ = run_cli(capsys, "check", "--isolated", "--exit-zero", str(bad))
    assert status == 0 and out  # still reported
    assert run_cli(capsys, "check", "--isolated", "--format", "nope", str(bad))[0] == 2
    assert run_cli(capsys, "check", "--isolated", "-j", "0", str(bad))[0] == 2


def test_syntax_error_is_reported_and_the_other_files_are_checked(capsys, tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.py", "def broken(:\n    pass\n")
    good = write(tmp_path, "good.py", MOTOR_IMPORT)
    for jobs in ("1", "2"):
        status, out, err = run_cli(capsys, "check", "--isolated", "-j", jobs, str(broken), str(good))
        assert status == 1
        assert [k[1:] for k in keys(out)] == [(1, 1, "PMA101")]
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{broken}: syntax error: "), err
        assert "(line 1, column" in lines[0]
        assert "Traceback" not in out + err
    # Only a syntax error: nothing found, but the run is not clean.
    status, out, err = run_cli(capsys, "check", "--isolated", str(broken))
    assert (status, out) == (1, "") and "syntax error" in err
    assert run_cli(capsys, "check", "--isolated", "--exit-zero", str(broken))[0] == 0


@pytest.mark.parametrize("source", [b"x = 1\x00\n", ("x = (" * 300 + ")" * 300 + "\n").encode()],
                         ids=["null-byte", "too-deep"])
def test_unparsable_sources_are_one_line(capsys, tmp_path: Path, source: bytes) -> None:
    path = tmp_path / "odd.py"
    path.write_bytes(source)
    status, out, err = run_cli(capsys, "check", "--isolated", str(path))
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"{path}: syntax error: ") and "Traceback" not in err


def test_missing_file_is_an_error_but_the_others_are_checked(capsys, tmp_path: Path) -> None:
    good = write(tmp_path, "good.py", MOTOR_IMPORT)
    status, out, err = run_cli(capsys, "check", "--isolated", str(tmp_path / "nope.py"), str(good))
    assert status == 1  # a file not checked
    assert [k[3] for k in keys(out)] == ["PMA101"]
    assert err == f"{tmp_path / 'nope.py'}: cannot read: No such file or directory\n"


def test_internal_error_in_one_file(capsys, monkeypatch, tmp_path: Path) -> None:
    real = checker.analyse  # what the command calls (checker.check gives only the diagnostics)

    def crash_on_boom(tree, lines, settings=None):
        if any("boom" in line for line in lines):
            raise ValueError("boom")
        return real(tree, lines, settings) if settings is not None else real(tree, lines)

    monkeypatch.setattr(checker, "analyse", crash_on_boom)
    boom = write(tmp_path, "boom.py", MOTOR_IMPORT + "boom = 1\n")
    good = write(tmp_path, "good.py", MOTOR_IMPORT)
    status, out, err = run_cli(capsys, "check", "--isolated", "-j", "1", str(boom), str(good))
    assert status == 3
    assert [(Path(k[0]).name, k[3]) for k in keys(out)] == [("good.py", "PMA101")]
    assert err == f"{boom}: internal error: ValueError: boom\n"


def test_crash_in_main_is_one_line(capsys, monkeypatch, tmp_path: Path) -> None:
    from flake8_pymongo_async.commands import engine

    def explode(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(engine, "check_paths", explode)
    status, out, err = run_cli(capsys, "check", "--isolated", str(tmp_path))
    assert status == 3 and out == ""
    assert err == "flake8-pymongo-async: internal error: RuntimeError: unexpected\n"


# --- select / ignore on the command line -------------------------------------------------------------

TWO_CODES = """\
from motor.motor_asyncio import AsyncIOMotorClient

client = AsyncIOMotorClient("mongodb://localhost:27017", io_loop=None)
"""


@pytest.mark.parametrize(
    ("select", "ignore"),
    [("PMA1", None), ("PMA102", None), (None, "PMA101"), ("PMA101,PMA2", "PMA1"), ("PMA10", "PMA10"),
     ("PMA", "PMA102"), ("E,W", None)],
)
def test_select_and_ignore_match_flake8(capsys, monkeypatch, tmp_path: Path, select, ignore) -> None:
    write(tmp_path, "app.py", TWO_CODES)
    monkeypatch.chdir(tmp_path)
    args = []
    if select is not None:
        args.append(f"--select={select}")
    if ignore is not None:
        args.append(f"--ignore={ignore}")
    expected = flake8("--isolated", *(args if select is not None else ["--select=PMA", *args]), "app.py",
                      cwd=tmp_path)
    expected_keys = [k for k in keys(expected.stdout) if k[3].startswith("PMA")]
    status, out, _ = run_cli(capsys, "check", "--isolated", *args, "app.py")
    assert keys(out) == expected_keys
    assert status == (1 if expected_keys else 0)


@pytest.mark.parametrize("value", ["pma101", "PMA1234", "PMA-1", "101"])
def test_bad_codes_on_the_command_line(capsys, tmp_path: Path, value: str) -> None:
    status, out, err = run_cli(capsys, "check", "--isolated", f"--select={value}", str(tmp_path))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and f"--select: {value!r} is not a code or code prefix" in err


# --- discovery ---------------------------------------------------------------------------------------


def test_directories_skip_virtualenvs_and_caches_but_named_files_are_checked(capsys, tmp_path: Path) -> None:
    write(tmp_path, "pkg/app.py", MOTOR_IMPORT)
    write(tmp_path, "pkg/notes.txt", MOTOR_IMPORT)
    write(tmp_path, ".venv/lib/site.py", MOTOR_IMPORT)
    write(tmp_path, "build/lib/pkg/app.py", MOTOR_IMPORT)
    write(tmp_path, "script", MOTOR_IMPORT)
    status, out, _ = run_cli(capsys, "check", "--isolated", str(tmp_path))
    assert sorted(Path(k[0]).relative_to(tmp_path).as_posix() for k in keys(out)) == ["pkg/app.py"]
    status, out, _ = run_cli(capsys, "check", "--isolated", str(tmp_path / "script"))
    assert [k[3] for k in keys(out)] == ["PMA101"]


def test_no_path_means_the_current_directory(capsys, monkeypatch, tmp_path: Path) -> None:
    write(tmp_path, "app.py", MOTOR_IMPORT)
    monkeypatch.chdir(tmp_path)
    status, out, _ = run_cli(capsys, "check", "--isolated")
    assert status == 1 and [k[0] for k in keys(out)] == ["./app.py"]  # flake8 prints ./app.py too


def test_output_file(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "app.py", MOTOR_IMPORT)
    target = tmp_path / "report.txt"
    status, out, _ = run_cli(capsys, "check", "--isolated", "--output-file", str(target), str(path))
    assert status == 1 and out == ""
    assert [k[3] for k in keys(target.read_text(encoding="utf-8"))] == ["PMA101"]
