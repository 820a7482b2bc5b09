"""Odd things on disk and on stdin: FIFOs and devices named *.py, names that are not UTF-8, directories
that cannot be walked, the same file named twice, stdin that is not UTF-8, a pyproject.toml nested
too deeply. Nothing may hang, crash or be lost; what is not checked is said and counted (exit 1).

Where a regression would hang (a FIFO), the command runs in a subprocess with a timeout.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from urllib.parse import unquote_to_bytes

import pytest

from flake8_pymongo_async import cli
from flake8_pymongo_async.files import display

MOTOR = "import motor\n"
CLEAN = "import pymongo\n"
TIMEOUT = 120  # generous: only there to turn a hang into a failure
POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")


def run_subprocess(*args: str, cwd: Path, stdin: Optional[bytes] = None) -> subprocess.CompletedProcess:
    """The command in a fresh interpreter, UTF-8 mode (stdout then passes undecodable bytes through
    as they are: the case where a lone surrogate in a name became a raw 0xFF byte)."""
    env = dict(os.environ, PYTHONUTF8="1")
    code = "import sys; from flake8_pymongo_async.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, input=stdin, capture_output=True,
                          timeout=TIMEOUT, env=env)


def run(*args: str, cwd: Path) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = cli.main(list(args))
    finally:
        os.chdir(old)
    assert "Traceback" not in err.getvalue()
    return status, out.getvalue(), err.getvalue()


def lines_of(data: bytes) -> List[str]:
    return data.decode("utf-8").splitlines()  # strict: every output must be valid UTF-8


COMMANDS: Dict[str, List[str]] = {
    "check": ["check", "--isolated", "-j", "1"],
    "fix": ["fix", "--isolated", "-j", "1"],
    "report": ["report", "--isolated", "-j", "1", "--format", "json"],
}


# ---------------------------------------------------------------------- FIFOs and other non-regular files
@POSIX
@pytest.mark.parametrize("named", [False, True], ids=["walked", "named"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_fifo_named_py_is_not_opened_and_counted_as_not_checked(tmp_path: Path, command: str,
                                                                  named: bool) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "app.py").write_text(MOTOR, encoding="utf-8")
    paths = ["pipe.py", "app.py"] if named else ["."]
    done = run_subprocess(*COMMANDS[command], *paths, cwd=tmp_path)  # before the fix: a hang
    err = lines_of(done.stderr)
    assert done.returncode == 1, err
    about_the_fifo = [line for line in err if "pipe.py" in line]
    assert len(about_the_fifo) == 1 and "not a regular file (a FIFO)" in about_the_fifo[0], err
    if command == "check":
        assert "PMA101" in done.stdout.decode()  # the other file is still checked
    elif command == "fix":
        assert (tmp_path / "app.py").read_text(encoding="utf-8") == CLEAN
    else:
        data = json.loads(done.stdout)
        assert data["summary"]["files_checked"] == 1 and data["summary"]["files_not_checked"] == 1
        assert [f["problem"] for f in data["files"] if f["path"].endswith("pipe.py")] == [
            "cannot read: not a regular file (a FIFO)"]


@POSIX
def test_a_device_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    done = run_subprocess("check", "--isolated", os.devnull, cwd=tmp_path)
    assert done.returncode == 1
    assert lines_of(done.stderr) == [f"{os.devnull}: cannot read: not a regular file (a character device)"]


@POSIX
def test_a_file_swapped_for_a_fifo_after_the_check_cannot_hang(tmp_path: Path) -> None:
    # The file is regular when stat() looks and a FIFO when open() comes: the open must not block,
    # and the descriptor's own fstat must refuse it.
    script = textwrap.dedent("""
        import os, sys
        from flake8_pymongo_async import files
        real = files._require_regular
        calls = []

        def swap_after_first_look(path, st):
            real(path, st)
            if not calls:
                calls.append(path)
                os.unlink(path)
                os.mkfifo(path)

        files._require_regular = swap_after_first_look
        try:
            files.read_regular(sys.argv[1])
        except files.NotRegularFile as exc:
            print(exc.strerror)
        """)
    target = tmp_path / "swapped.py"
    target.write_text(MOTOR, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert (done.returncode, done.stdout, done.stderr) == (0, "not a regular file (a FIFO)\n", "")


# ---------------------------------------------------------------------- names that are not UTF-8
ODD = b"caf\xff.py"  # latin-1 "café.py" with a byte that is not UTF-8
SHOWN = "caf\\xff.py"  # its one displayed form


@pytest.fixture
def odd_tree(tmp_path: Path) -> Path:
    try:
        with open(os.path.join(os.fsencode(tmp_path), ODD), "wb") as handle:
            handle.write(MOTOR.encode())
        with open(os.path.join(os.fsencode(tmp_path), b"broken\xfe.py"), "wb") as handle:
            handle.write(b"import motor\ndef f(:\n")
    except (OSError, UnicodeError):  # a filesystem that only takes UTF-8 names (macOS, Windows)
        pytest.skip("this filesystem does not take file names that are not UTF-8")
    return tmp_path


def test_the_displayed_form() -> None:
    assert display(os.fsdecode(ODD)) == SHOWN
    assert display("plain é ✓") == "plain é ✓"
    assert display("a\ud800b") == "a\\ud800b"  # not from a name on POSIX, but never unencodable


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output-file"])
def test_check_formats_stay_valid_with_a_name_that_is_not_utf8(odd_tree: Path, fmt: str, to_file: bool) -> None:
    args = ["check", "--isolated", "-j", "1", "--format", fmt, "."]
    if to_file:
        args += ["--output-file", "out.txt"]
    done = run_subprocess(*args, cwd=odd_tree)
    assert done.returncode == 1
    err = lines_of(done.stderr)
    assert err == ["./broken\\xfe.py: syntax error: invalid syntax (line 2, column 7)"], err
    data = (odd_tree / "out.txt").read_bytes() if to_file else done.stdout
    text = data.decode("utf-8")  # strict: no raw 0xFF, no surrogate
    if fmt == "text":
        assert text.startswith(f"./{SHOWN}:1:1: PMA101 ")
    elif fmt == "github":
        assert f"::warning file=./{SHOWN},line=1," in text
        assert "::error file=./broken\\xfe.py,line=2," in text
    elif fmt == "json":
        assert [item["filename"] for item in json.loads(text)] == [f"./{SHOWN}"]
    else:
        run_ = json.loads(text)["runs"][0]
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]]
        assert uris == ["caf%FF.py"] and unquote_to_bytes(uris[0]) == ODD  # the bytes on disk
        notes = run_["invocations"][0]["toolExecutionNotifications"]
        assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == ["broken%FE.py"]
        assert notes[0]["message"]["text"].startswith("./broken\\xfe.py: syntax error")


def test_check_absolute_name_that_is_not_utf8_is_a_file_uri(odd_tree: Path) -> None:
    done = run_subprocess("check", "--isolated", "--format", "sarif", os.fsdecode(os.path.join(
        os.fsencode(odd_tree), ODD)), cwd=odd_tree)
    uri = json.loads(done.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"]
    assert uri.startswith("file:///") and unquote_to_bytes(uri[len("file://"):]) == os.path.join(
        os.fsencode(odd_tree), ODD)


@pytest.mark.parametrize("fmt", ["markdown", "json", "html"])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
def test_report_formats_stay_valid_with_a_name_that_is_not_utf8(odd_tree: Path, fmt: str, to_file: bool) -> None:
    args = ["report", "--isolated", "-j", "1", "--format", fmt, "."]
    if to_file:
        args += ["-o", "report.out"]
    done = run_subprocess(*args, cwd=odd_tree)
    assert done.returncode == 1  # a finding, and a file not checked
    err = lines_of(done.stderr)
    assert "./broken\\xfe.py: not checked: syntax error: invalid syntax (line 2)" in err, err
    text = ((odd_tree / "report.out").read_bytes() if to_file else done.stdout).decode("utf-8")
    if fmt == "json":
        data = json.loads(text)
        assert sorted(f["path"] for f in data["files"]) == ["./broken\\xfe.py", f"./{SHOWN}"]
    else:
        assert SHOWN in text and "broken\\xfe.py" in text


def test_fix_messages_and_diff_show_a_name_that_is_not_utf8(odd_tree: Path) -> None:
    done = run_subprocess("fix", "--isolated", "-j", "1", "--diff", ".", cwd=odd_tree)
    assert done.returncode == 1
    assert lines_of(done.stdout)[:2] == [f"--- ./{SHOWN}", f"+++ ./{SHOWN}"]
    assert "./broken\\xfe.py: skipped: syntax error: invalid syntax (line 2)" in lines_of(done.stderr)


# ---------------------------------------------------------------------- directories that cannot be walked
def _deep_tree(root: Path) -> None:
    """Directories nested past PATH_MAX (4096 on Linux): os.walk cannot open the deepest ones."""
    parent = os.open(root, os.O_RDONLY)
    try:
        for _ in range(25):
            os.mkdir("d" * 200, dir_fd=parent)
            child = os.open("d" * 200, os.O_RDONLY, dir_fd=parent)
            os.close(parent)
            parent = child
        fd = os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=parent)
        os.write(fd, MOTOR.encode())
        os.close(fd)
    finally:
        os.close(parent)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PATH_MAX and dir_fd as on Linux")
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_path_over_the_os_limit_is_reported(tmp_path: Path, command: str) -> None:
    _deep_tree(tmp_path)
    (tmp_path / "app.py").write_text(CLEAN, encoding="utf-8")
    status, out, err = run(*COMMANDS[command], ".", cwd=tmp_path)
    assert status == 1  # before the fix: 0, the deep directory silently skipped
    problems = [line for line in err.splitlines() if "cannot read directory" in line]
    assert len(problems) == 1 and problems[0].endswith("cannot read directory: File name too long")
    if command == "report":
        assert json.loads(out)["summary"]["files_not_checked"] == 1


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_named_path_over_the_os_limit_says_so(tmp_path: Path, command: str) -> None:
    too_long = "x" * 300 + ".py"  # a name past NAME_MAX (255)
    status, _, err = run(*COMMANDS[command], too_long, cwd=tmp_path)
    assert status == 1 and too_long in err and "File name too long" in err, err
    assert "no such file" not in err.lower()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="POSIX permissions; root reads any directory (the path-length case covers root)")
def test_an_unreadable_directory_is_reported(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_text(MOTOR, encoding="utf-8")
    os.chmod(locked, 0)
    try:
        for command in COMMANDS.values():
            status, _, err = run(*command, ".", cwd=tmp_path)
            assert status == 1 and "locked: cannot read directory: Permission denied" in err
    finally:
        os.chmod(locked, 0o755)


# ---------------------------------------------------------------------- the same file twice
@pytest.mark.parametrize("paths", [["a.py", "a.py"], [".", "./a.py"], ["a.py", "link.py"], ["a.py", "hard.py"]],
                         ids=["twice", "walked-and-named", "symlink", "hard-link"])
def test_the_same_file_named_twice_is_checked_once(tmp_path: Path, paths: List[str]) -> None:
    (tmp_path / "a.py").write_text(MOTOR, encoding="utf-8")
    try:
        os.symlink("a.py", tmp_path / "link.py")
        os.link(tmp_path / "a.py", tmp_path / "hard.py")
    except (OSError, NotImplementedError):
        pytest.skip("no symlinks or hard links here")
    if paths == [".", "./a.py"]:
        (tmp_path / "link.py").unlink()
        (tmp_path / "hard.py").unlink()
    status, out, _ = run("report", "--isolated", "-j", "1", "--format", "json", *paths, cwd=tmp_path)
    summary = json.loads(out)["summary"]
    assert (status, summary["files_checked"], summary["findings"]) == (1, 1, 1)
    status, out, _ = run("fix", "--isolated", "-j", "1", "--diff", *paths, cwd=tmp_path)
    assert status == 1 and out.count("+++ ") == 1
    status, out, err = run("fix", "--isolated", "-j", "1", *paths, cwd=tmp_path)
    assert status == 0 and "Fixed 1 diagnostic in 1 file (1 checked)" in out, out + err
    assert (tmp_path / "a.py").read_text(encoding="utf-8") == CLEAN


def test_different_files_with_the_same_content_are_both_checked(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(MOTOR, encoding="utf-8")
    (tmp_path / "b.py").write_text(MOTOR, encoding="utf-8")
    status, out, _ = run("check", "--isolated", "a.py", "b.py", "a.py", cwd=tmp_path)
    assert status == 1 and [line.split(":")[0] for line in out.splitlines()] == ["a.py", "b.py"]


# ---------------------------------------------------------------------- stdin, pyproject.toml
def test_stdin_that_is_not_utf8_falls_back_to_latin1(tmp_path: Path) -> None:
    done = run_subprocess("check", "--isolated", "-", cwd=tmp_path, stdin=b"x = '\xe9'\nimport motor\n")
    assert (done.returncode, done.stderr) == (1, b"")
    assert done.stdout.decode().startswith("stdin:2:1: PMA101 ")


@pytest.mark.parametrize("nesting", ["array", "inline-table"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_deeply_nested_pyproject_is_a_configuration_error_naming_it(tmp_path: Path, command: str,
                                                                      nesting: str) -> None:
    value = "[" * 5000 + "]" * 5000 if nesting == "array" else "{a = " * 5000 + "1" + "}" * 5000
    (tmp_path / "pyproject.toml").write_text(f"[tool.flake8-pymongo-async]\nselect = {value}\n",
                                             encoding="utf-8")
    (tmp_path / "app.py").write_text(MOTOR, encoding="utf-8")
    args = [a for a in COMMANDS[command] if a != "--isolated"]
    status, out, err = run(*args, "app.py", cwd=tmp_path)
    assert status == 2 and out == ""
    assert err == (f"flake8-pymongo-async{'' if command == 'check' else ' ' + command}: error: "
                   f"{tmp_path / 'pyproject.toml'}: invalid TOML: arrays or tables nested too deeply to read\n")
