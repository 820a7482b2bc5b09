"""The `fix` command end to end: files on disk, encodings, line endings, modes, exit codes, options."""
from __future__ import annotations

import ast
import codecs
import io
import os
import stat
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from flake8_pymongo_async import cli
from flake8_pymongo_async.config import Selection
from flake8_pymongo_async.fix import engine

MOTOR_APP = '''"""An app."""
from motor.motor_asyncio import AsyncIOMotorClient


async def main(uri):
    client = AsyncIOMotorClient(uri, io_loop=None)
    docs = await client.app.users.find().to_list(0)
    return docs
'''
FIXED_APP = '''"""An app."""
from pymongo import AsyncMongoClient


async def main(uri):
    client = AsyncMongoClient(uri)
    docs = await client.app.users.find().to_list(None)
    return docs
'''
LEFTOVER = '''from pymongo import AsyncMongoClient


async def main():
    client = AsyncMongoClient()
    client.app.users.insert_one({})
    return client.get_io_loop()
'''


def run(*args, cwd=None):
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(["fix", "-j", "1", *map(str, args)])
    finally:
        os.chdir(old)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


# ---------------------------------------------------------------------- basics and exit status
def test_fixes_in_place_and_exits_0_when_nothing_is_left(tmp_path):
    app = write(tmp_path / "app.py", MOTOR_APP)
    code, out, _ = run(app)
    assert code == 0
    assert app.read_text() == FIXED_APP
    assert "Fixed 3 diagnostics in 1 file" in out
    assert "PMA101" in out and "PMA102" in out and "PMA106" in out
    assert "No diagnostics left." in out


def test_exits_1_when_diagnostics_remain_and_counts_unsafe_ones(tmp_path):
    path = write(tmp_path / "left.py", LEFTOVER)
    code, out, _ = run(path)
    assert code == 1
    assert path.read_text() == LEFTOVER  # only an unsafe fix and a manual one here
    assert "left.py:6:5: PMA201" in out
    assert "2 diagnostics left: 1 fixable with --unsafe-fixes, 1 needs a change by hand." in out
    code, out, _ = run(path, "--unsafe-fixes")
    assert code == 1
    assert "    await client.app.users.insert_one({})\n" in path.read_text()
    assert "1 diagnostic left: 1 needs a change by hand." in out


def test_second_run_changes_nothing(tmp_path):
    app = write(tmp_path / "app.py", MOTOR_APP)
    run(app)
    before = app.read_bytes()
    mtime = app.stat().st_mtime_ns
    code, out, _ = run(app)
    assert code == 0 and app.read_bytes() == before and app.stat().st_mtime_ns == mtime
    assert "Nothing to fix" in out


def test_diff_prints_and_writes_nothing(tmp_path):
    app = write(tmp_path / "app.py", MOTOR_APP)
    code, out, err = run("--diff", "app.py", cwd=tmp_path)
    assert code == 1  # nothing was written, so the diagnostics are still in the file
    assert app.read_text() == MOTOR_APP
    assert out.startswith("--- app.py\n+++ app.py\n")
    assert "-from motor.motor_asyncio import AsyncIOMotorClient\n" in out
    assert "+from pymongo import AsyncMongoClient\n" in out
    assert "Would fix 3 diagnostics" in err  # the summary goes to stderr with --diff


def test_missing_path_exits_1_and_bad_options_exit_2(tmp_path):
    code, _, err = run(tmp_path / "nope.py")
    assert code == 1 and "no such file or directory" in err.lower()  # a file not checked
    code, _, err = run("--select", "PMA-1", tmp_path)
    assert code == 2 and "--select" in err
    code, _, err = run("-j", "zero", tmp_path)
    assert code == 2 and "--jobs" in err


def test_usage_error_exits_2():
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["fix"])
    assert code == 2


def test_syntax_error_file_is_skipped_with_a_message(tmp_path):
    bad = write(tmp_path / "bad.py", "from motor.motor_asyncio import AsyncIOMotorClient\ndef f(:\n")
    good = write(tmp_path / "good.py", MOTOR_APP)
    code, out, err = run(tmp_path)
    assert code == 1
    assert "bad.py: skipped: syntax error" in err
    assert bad.read_text().startswith("from motor")
    assert good.read_text() == FIXED_APP


def test_invalid_output_leaves_the_file_untouched_and_reports(tmp_path, monkeypatch):
    from flake8_pymongo_async.diagnostics import ToListNone
    from flake8_pymongo_async.fix import actions
    from flake8_pymongo_async.fix.edits import Edit, Plan

    def broken(ctx, d):
        start, _ = ctx.span(ctx.node_of(d, actions.ast.Call))
        return Plan([d], [Edit(start, start, "(((")])

    monkeypatch.setitem(actions.SINGLE, ToListNone, broken)
    app = write(tmp_path / "app.py", MOTOR_APP)
    code, _, err = run(app)
    assert code == 3  # the fixer's own bug
    assert "produced invalid code" in err and "left unchanged" in err
    assert app.read_text() == MOTOR_APP


def test_internal_error_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "fix_text", explode)
    write(tmp_path / "app.py", MOTOR_APP)
    write(tmp_path / "other.py", MOTOR_APP)
    code, _, err = run(tmp_path)
    assert code == 3
    assert err.count("internal error: RuntimeError: boom") == 2


# ---------------------------------------------------------------------- preservation
def test_crlf_line_endings_are_kept(tmp_path):
    app = tmp_path / "app.py"
    app.write_bytes(MOTOR_APP.replace("\n", "\r\n").encode())
    run(app)
    assert app.read_bytes() == FIXED_APP.replace("\n", "\r\n").encode()


def test_mixed_line_endings_are_kept_line_by_line(tmp_path):
    app = tmp_path / "app.py"
    lines = MOTOR_APP.splitlines(keepends=True)
    mixed = "".join(line.replace("\n", "\r\n") if i % 2 else line for i, line in enumerate(lines))
    app.write_bytes(mixed.encode())
    run(app)
    fixed = app.read_bytes().decode()
    assert fixed.replace("\r\n", "\n") == FIXED_APP
    assert fixed.count("\r\n") == mixed.count("\r\n")


def test_utf8_bom_is_kept(tmp_path):
    app = tmp_path / "app.py"
    app.write_bytes(codecs.BOM_UTF8 + MOTOR_APP.replace("An app", "Une appli é").encode())
    run(app)
    data = app.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and not data[3:].startswith(codecs.BOM_UTF8)
    assert data[3:].decode() == FIXED_APP.replace("An app", "Une appli é")


def test_coding_cookie_and_encoding_are_kept(tmp_path):
    source = "# -*- coding: latin-1 -*-\n" + MOTOR_APP.replace("An app", "Caf\xe9 \xe0 la cr\xe8me")
    app = tmp_path / "app.py"
    app.write_bytes(source.encode("latin-1"))
    code, _, err = run(app)
    assert code == 0, err
    data = app.read_bytes()
    expected = "# -*- coding: latin-1 -*-\n" + FIXED_APP.replace("An app", "Caf\xe9 \xe0 la cr\xe8me")
    assert data == expected.encode("latin-1")


def test_non_ascii_columns_before_the_edit(tmp_path):
    source = MOTOR_APP.replace("docs = await client", "données = await client")
    source = source.replace("return docs", "return données")
    app = write(tmp_path / "app.py", source)
    run(app)
    assert "    données = await client.app.users.find().to_list(None)\n" in app.read_text()


def test_missing_final_newline_is_kept(tmp_path):
    app = tmp_path / "app.py"
    app.write_bytes(MOTOR_APP.rstrip("\n").encode())
    run(app)
    assert app.read_bytes() == FIXED_APP.rstrip("\n").encode()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_file_mode_is_kept_and_no_temp_file_is_left(tmp_path):
    app = write(tmp_path / "app.py", MOTOR_APP)
    os.chmod(app, 0o751)
    run(app)
    assert stat.S_IMODE(app.stat().st_mode) == 0o751
    assert app.read_text() == FIXED_APP
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="POSIX permissions, not as root")
def test_unwritable_directory_is_an_error_not_a_traceback(tmp_path):
    sub = tmp_path / "ro"
    sub.mkdir()
    app = write(sub / "app.py", MOTOR_APP)
    os.chmod(sub, 0o555)
    try:
        code, _, err = run(app)
    finally:
        os.chmod(sub, 0o755)
    assert code == 1 and "cannot write" in err  # a file left unfixed, not a usage error
    assert app.read_text() == MOTOR_APP


# ---------------------------------------------------------------------- selection and noqa
def test_select_and_ignore_with_prefixes(tmp_path):
    app = write(tmp_path / "app.py", MOTOR_APP)
    run(app, "--select", "PMA106")
    text = app.read_text()
    assert "to_list(None)" in text and "AsyncIOMotorClient" in text and "io_loop" in text
    app = write(tmp_path / "app.py", MOTOR_APP)
    run(app, "--select", "PMA1", "--ignore", "PMA101,PMA106")
    text = app.read_text()
    assert "io_loop" not in text and "AsyncIOMotorClient" in text and "to_list(0)" in text
    app = write(tmp_path / "app.py", MOTOR_APP)
    run(app, "--ignore", "PMA1", "--select", "PMA10")  # the longer prefix wins, as in flake8
    assert app.read_text() == FIXED_APP


def test_selection_is_the_one_check_uses():
    assert Selection().is_selected("PMA101")
    assert Selection(select=("PMA2",)).is_selected("PMA203")
    assert not Selection(select=("PMA2",)).is_selected("PMA101")
    assert not Selection(ignore=("PMA",)).is_selected("PMA101")
    assert Selection(select=("PMA203",), ignore=("PMA2",)).is_selected("PMA203")


def test_pyproject_configuration_is_honoured(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flake8-pymongo-async]\nignore = ["PMA102"]\n'
        'per-file-ignores = { "legacy_*.py" = ["PMA106"] }\nextend-exclude = ["generated"]\n')
    app = write(tmp_path / "app.py", MOTOR_APP)
    legacy = write(tmp_path / "legacy_app.py", MOTOR_APP)
    (tmp_path / "generated").mkdir()
    generated = write(tmp_path / "generated" / "g.py", MOTOR_APP)
    code, out, _ = run(tmp_path)
    assert code == 0  # ignored codes are not "left"
    expected = FIXED_APP.replace("AsyncMongoClient(uri)", "AsyncMongoClient(uri, io_loop=None)")
    assert app.read_text() == expected
    assert "to_list(0)" in legacy.read_text() and "AsyncMongoClient" in legacy.read_text()
    assert generated.read_text() == MOTOR_APP
    code, _, _ = run(tmp_path / "app.py", "--isolated")
    assert app.read_text() == FIXED_APP  # without the configuration, io_loop= goes too
    code, _, err = run(tmp_path, "--config", tmp_path / "nope.toml")
    assert code == 2 and "no such file" in err


def test_stdin_is_refused(tmp_path):
    code, _, err = run("-")
    assert code == 2 and "stdin" in err


def test_noqa_matches_flake8_on_the_same_lines(tmp_path):
    source = ("async def f(coll):\n"
              "    a = await coll.find().to_list(0)  # noqa\n"
              "    b = await coll.find().to_list(0)  # noqa: PMA1\n"
              "    c = await coll.find().to_list(0)  # noqa:PMA203,E501\n"
              "    d = await coll.find().to_list(0)  # noqa: pma106\n"
              "    e = await coll.find().to_list(0)  # NOQA : PMA106\n")
    source = "from pymongo.asynchronous.collection import AsyncCollection\n\n\n" + source.replace(
        "(coll)", "(coll: AsyncCollection)")
    app = write(tmp_path / "app.py", source)
    run(app)
    fixed = app.read_text().splitlines()
    assert [("None" in line) for line in fixed[4:9]] == [False, False, True, True, False]


def test_noqa_is_respected_and_counted(tmp_path):
    source = MOTOR_APP.replace("to_list(0)", "to_list(0)  # noqa: PMA106")
    app = write(tmp_path / "app.py", source)
    code, out, _ = run(app)
    assert "to_list(0)  # noqa: PMA106" in app.read_text()
    assert code == 0  # a silenced diagnostic is not "left"
    assert "1 diagnostic silenced by # noqa" in out


def test_file_level_flake8_noqa_skips_the_file(tmp_path):
    app = write(tmp_path / "app.py", "# flake8: noqa\n" + MOTOR_APP)
    code, _, err = run(app)
    assert app.read_text() == "# flake8: noqa\n" + MOTOR_APP
    assert code == 0  # as flake8: nothing is reported for the file


# ---------------------------------------------------------------------- directories, jobs
def test_directories_are_walked_as_check_walks_them(tmp_path):
    """The same files as `check`: venvs, caches, build output and site-packages are skipped."""
    (tmp_path / "pkg").mkdir()
    write(tmp_path / "pkg" / "__init__.py", MOTOR_APP)
    skipped = (".git", "build", "dist", ".venv", "venv", "node_modules", "pkg.egg-info", "__pycache__",
               "env/lib/python3.11/site-packages")
    for name in skipped:
        (tmp_path / name).mkdir(parents=True)
        write(tmp_path / name / "m.py", MOTOR_APP)
    write(tmp_path / "notes.txt", MOTOR_APP)
    code, out, _ = run(tmp_path)
    assert code == 0
    assert (tmp_path / "pkg" / "__init__.py").read_text() == FIXED_APP
    for name in skipped:
        assert (tmp_path / name / "m.py").read_text() == MOTOR_APP
    assert (tmp_path / "notes.txt").read_text() == MOTOR_APP
    assert "(1 checked)" in out


def test_parallel_jobs_give_the_same_result(tmp_path):
    for i in range(6):
        write(tmp_path / f"m{i}.py", MOTOR_APP if i % 2 else LEFTOVER)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["fix", "-j", "3", str(tmp_path)])
    assert code == 1
    for i in range(6):
        assert (tmp_path / f"m{i}.py").read_text() == (FIXED_APP if i % 2 else LEFTOVER)
    assert "Fixed 9 diagnostics in 3 files (6 checked)" in out.getvalue()
    found = [line for line in out.getvalue().splitlines() if ": PMA" in line]
    assert found == sorted(found, key=lambda line: int(line.split("/m")[1][0]))  # files in input order


def test_motor_imports_without_counterpart_are_named_in_the_summary(tmp_path):
    source = "from motor.web import GridFSHandler\nfrom motor.motor_asyncio import AsyncIOMotorClient\n"
    app = write(tmp_path / "app.py", source)
    code, out, _ = run(app)
    assert code == 1
    assert app.read_text() == "from motor.web import GridFSHandler\nfrom pymongo import AsyncMongoClient\n"
    assert "Motor imports left (1):" in out
    assert "app.py:1: `motor.web` has no PyMongo Async counterpart" in out


def test_output_always_parses_on_tricky_layouts(tmp_path):
    source = '''import motor.motor_asyncio; import os
from motor.motor_asyncio import (  # the client
    AsyncIOMotorClient,  # comment
    AsyncIOMotorCursor as Cursor,
)


async def f(uri, loop):
    if True: c = motor.motor_asyncio.AsyncIOMotorClient(uri, io_loop=loop,)
    x = AsyncIOMotorClient(
        uri,
        io_loop=loop
    )
    y = f"{await c.app.users.find().to_list(0)}"
    return c, x, y, Cursor
'''
    app = write(tmp_path / "app.py", source)
    code, _, err = run(app, "--unsafe-fixes")
    fixed = app.read_text()
    ast.parse(fixed)
    assert "motor" not in fixed.replace("motor_", "")
    assert "io_loop" not in fixed and "to_list(None)" in fixed
    assert code == 0, err
