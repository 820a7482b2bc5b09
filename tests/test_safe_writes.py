"""What `fix` and `report -o` write, and what they refuse to (issue 10, defects 3 and 4).

Everything happens in tmp_path: /dev/null is only ever reached through a symlink in tmp_path (or a
device node made there), so a regression can never replace a real system file.
"""
from __future__ import annotations

import io
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest

from flake8_pymongo_async import cli, exit_codes, processes, writes
from flake8_pymongo_async.fix import engine as fix_engine
from flake8_pymongo_async.fix.source import read_source, write_source

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files")

MOTOR_APP = '''from motor.motor_asyncio import AsyncIOMotorClient


async def main(uri):
    client = AsyncIOMotorClient(uri)
    return await client.app.users.find().to_list(0)
'''
FIXED_APP = '''from pymongo import AsyncMongoClient


async def main(uri):
    client = AsyncMongoClient(uri)
    return await client.app.users.find().to_list(None)
'''


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main([command, "-j", "1", *map(str, args)])
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def make_app(path: Path, text: str = MOTOR_APP) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def temp_files(root: Path):
    return sorted(p.name for p in root.rglob(f"{writes.TEMP_PREFIX}*"))


# ------------------------------------------------------------------ defect 3: report -o
@posix_only
def test_report_output_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    make_app(tmp_path / "src" / "app.py")
    real = tmp_path / "out" / "report.md"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "report-link.md"
    link.symlink_to(real)
    code, _, err = run("report", tmp_path / "src", "-o", link)
    assert code == exit_codes.FOUND, err  # the report has findings
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "PMA101" in real.read_text()
    assert temp_files(tmp_path) == []


@posix_only
def test_report_output_to_dev_null_through_a_symlink_leaves_dev_null_a_device(tmp_path):
    make_app(tmp_path / "src" / "app.py")
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    code, _, err = run("report", tmp_path / "src", "-o", link)
    assert code == exit_codes.FOUND, err  # the report has findings
    assert link.is_symlink()
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert temp_files(tmp_path) == []


@posix_only
def test_report_output_to_a_device_node_writes_through(tmp_path):
    node = tmp_path / "null"
    try:  # a node of its own, the same device as /dev/null: replacing it would harm nothing
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("cannot make a device node here")
    make_app(tmp_path / "src" / "app.py")
    code, _, err = run("report", tmp_path / "src", "-o", node)
    assert code == exit_codes.FOUND, err  # the report has findings
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert temp_files(tmp_path) == []


@posix_only
def test_report_output_to_a_fifo_writes_to_its_reader(tmp_path):
    make_app(tmp_path / "src" / "app.py")
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    code, _, err = run("report", tmp_path / "src", "-o", fifo)
    thread.join(10)
    assert code == exit_codes.FOUND, err  # the report has findings
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and b"PMA101" in received[0]


@posix_only
def test_report_output_read_only_file_is_refused_and_hard_links_are_kept(tmp_path):
    make_app(tmp_path / "src" / "app.py")
    locked = tmp_path / "locked.md"
    locked.write_text("keep\n")
    locked.chmod(0o444)
    code, _, err = run("report", tmp_path / "src", "-o", locked)
    assert code == 2 and "not writable" in err
    assert locked.read_text() == "keep\n"

    linked = tmp_path / "linked.md"
    linked.write_text("old\n")
    other = tmp_path / "other-name.md"
    os.link(linked, other)
    code, _, err = run("report", tmp_path / "src", "-o", linked)
    assert code == exit_codes.FOUND, err  # the report has findings
    assert os.stat(linked).st_ino == os.stat(other).st_ino
    assert "PMA101" in other.read_text()


# ------------------------------------------------------------------ defect 4: fix
def _fix_with(monkeypatch, side_effect):
    """Run `side_effect(filename)` after the fixer computed the new text, before it is written."""
    original = fix_engine.fix_text

    def fix_then(text, **kwargs):
        result = original(text, **kwargs)
        side_effect(kwargs["filename"])
        return result

    monkeypatch.setattr(fix_engine, "fix_text", fix_then)


def test_file_edited_while_fix_runs_keeps_the_edit(tmp_path, monkeypatch):
    app = make_app(tmp_path / "app.py")
    edited = MOTOR_APP + "# the user's edit\n"
    _fix_with(monkeypatch, lambda name: Path(name).write_text(edited))
    code, out, err = run("fix", app)
    assert app.read_text() == edited
    assert f"{app}: skipped: changed since it was read; not written" in err
    assert code == 1
    assert out.startswith("Nothing to fix") and "1 skipped" in out  # nothing counted as fixed


def test_same_size_same_mtime_edit_is_caught_by_the_content_hash(tmp_path, monkeypatch):
    app = make_app(tmp_path / "app.py")
    edited = MOTOR_APP.replace("uri", "url")  # same length
    before = os.stat(app)

    def edit(name: str) -> None:
        Path(name).write_text(edited)
        os.utime(name, ns=(before.st_atime_ns, before.st_mtime_ns))

    _fix_with(monkeypatch, edit)
    run("fix", app)
    assert app.read_text() == edited


def test_file_deleted_while_fix_runs_is_not_recreated(tmp_path, monkeypatch):
    app = make_app(tmp_path / "app.py")
    _fix_with(monkeypatch, lambda name: os.unlink(name))
    code, _, err = run("fix", app)
    assert not app.exists()
    assert "deleted since it was read" in err and code != 0
    assert temp_files(tmp_path) == []


@posix_only
def test_read_only_file_is_not_written_even_as_root(tmp_path):
    app = make_app(tmp_path / "app.py")
    app.chmod(0o444)
    code, _, err = run("fix", app)
    assert app.read_text() == MOTOR_APP
    assert "not writable by you (mode 0444); not written" in err and code != 0


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX users")
@pytest.mark.parametrize("euid, groups, uid, gid, mode, allowed", [
    (1000, [100], 1000, 100, 0o644, True),    # owner, owner bit
    (1000, [100], 1000, 100, 0o464, False),   # owner without the owner bit: group bit does not count
    (1000, [100], 2000, 100, 0o464, True),    # group member, group bit
    (1000, [100], 2000, 100, 0o646, False),   # group member without the group bit
    (1000, [100], 2000, 300, 0o446, True),    # other, other bit
    (1000, [100], 2000, 300, 0o664, False),   # other without the other bit
    (0, [0], 2000, 300, 0o400 | 0o020, True),  # root: any write bit
    (0, [0], 2000, 300, 0o444, False),        # root: no write bit at all
])
def test_writability_follows_the_bits_of_the_users_class(monkeypatch, euid, groups, uid, gid, mode, allowed):
    monkeypatch.setattr(os, "geteuid", lambda: euid)
    monkeypatch.setattr(os, "getegid", lambda: groups[0])
    monkeypatch.setattr(os, "getgroups", lambda: groups)
    monkeypatch.setattr(os, "access", lambda path, how: True)  # root's view: the OS says yes
    info = SimpleNamespace(st_mode=stat.S_IFREG | mode, st_uid=uid, st_gid=gid)
    assert writes.user_may_write("x.py", info) is allowed  # type: ignore[arg-type]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give files away")
def test_owner_and_group_are_kept(tmp_path):
    app = make_app(tmp_path / "app.py")
    os.chown(app, 12345, 23456)
    app.chmod(0o640)
    run("fix", app)
    info = os.stat(app)
    assert app.read_text() == FIXED_APP
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (12345, 23456, 0o640)


@posix_only
def test_owner_that_cannot_be_given_back_means_writing_in_place(tmp_path, monkeypatch):
    app = make_app(tmp_path / "app.py")
    inode = os.stat(app).st_ino

    def refuse(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    # As a user writing someone else's group-writable file: the temp file would be ours.
    monkeypatch.setattr(writes, "_give_owner", lambda tmp, info: False)
    monkeypatch.setattr(os, "chown", refuse)
    run("fix", app)
    assert app.read_text() == FIXED_APP
    assert os.stat(app).st_ino == inode
    assert temp_files(tmp_path) == []


@posix_only
def test_hard_links_are_kept(tmp_path):
    app = make_app(tmp_path / "app.py")
    other = tmp_path / "elsewhere.txt"
    os.link(app, other)
    run("fix", app)
    assert app.read_text() == FIXED_APP and other.read_text() == FIXED_APP
    assert os.stat(app).st_ino == os.stat(other).st_ino and os.stat(app).st_nlink == 2


@posix_only
def test_symlink_inside_the_tree_is_written_through_and_stays_a_link(tmp_path):
    tree = tmp_path / "tree"
    real = make_app(tree / "real_app.txt")  # not *.py: only the link is found by the walk
    link = tree / "app.py"
    link.symlink_to("real_app.txt")
    code, _, err = run("fix", tree)
    assert link.is_symlink() and os.readlink(link) == "real_app.txt"
    assert real.read_text() == FIXED_APP, err


@posix_only
def test_symlink_to_a_file_outside_the_paths_is_skipped_and_named(tmp_path):
    outside = make_app(tmp_path / "outside" / "app.py")
    tree = tmp_path / "tree"
    tree.mkdir()
    link = tree / "app.py"
    link.symlink_to(outside)
    code, _, err = run("fix", tree)
    assert link.is_symlink()
    assert outside.read_text() == MOTOR_APP
    assert f"{link}: skipped: symlink to {outside}, outside the paths given; not written" in err
    assert code != 0


# ------------------------------------------------------------------ signals during a write
@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or sys.platform == "win32", reason="POSIX signals")
def test_sigterm_during_a_write_lets_it_finish_then_stops_with_no_temp_file(tmp_path, monkeypatch):
    app = make_app(tmp_path / "app.py")
    source = read_source(str(app))
    give_owner = writes._give_owner

    def signalled(tmp: str, info: os.stat_result) -> bool:
        os.kill(os.getpid(), signal.SIGTERM)
        return give_owner(tmp, info)

    monkeypatch.setattr(writes, "_give_owner", signalled)
    with processes.handle_interrupts():
        with pytest.raises(processes.Terminated):
            write_source(source, FIXED_APP)
    assert app.read_text() == FIXED_APP
    assert temp_files(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_failed_write_interrupted_removes_its_temp_file(tmp_path, monkeypatch):
    app = make_app(tmp_path / "app.py")
    source = read_source(str(app))

    def failing_replace(src: str, dst: str) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writes.os, "replace", failing_replace)
    with processes.handle_interrupts():
        with pytest.raises(KeyboardInterrupt):
            write_source(source, FIXED_APP)
    assert app.read_text() == MOTOR_APP
    assert temp_files(tmp_path) == []


def test_ctrl_c_in_fix_prints_what_was_changed_so_far(tmp_path, monkeypatch):
    apps = [make_app(tmp_path / f"app{i}.py") for i in range(4)]
    original = fix_engine.fix_text
    calls = []

    def interrupt_third(text, **kwargs):
        calls.append(kwargs["filename"])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(text, **kwargs)

    monkeypatch.setattr(fix_engine, "fix_text", interrupt_third)
    code, out, err = run("fix", tmp_path)
    assert code == exit_codes.INTERRUPTED
    assert "interrupted; 2 files changed before the interrupt:" in out
    assert f"  {apps[0]}\n  {apps[1]}\n" in out
    assert [a.read_text() for a in apps] == [FIXED_APP, FIXED_APP, MOTOR_APP, MOTOR_APP]
    assert temp_files(tmp_path) == []


# ------------------------------------------------------------------ as another user
NOBODY = 65534


def _fix_as(uid: int, gid: int, path: Path) -> "tuple[int, str]":
    """`fix -j1 path` in a forked child running as uid/gid (modules are already imported)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, run, report through the pipe
        code = 99
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            out = io.StringIO()
            with redirect_stdout(out), redirect_stderr(out):
                code = cli.main(["fix", "-j", "1", str(path)])
            os.write(write_end, out.getvalue().encode())
        finally:
            os._exit(code)
    os.close(write_end)
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("fix as another user did not finish")
        time.sleep(0.02)
    with os.fdopen(read_end, "rb") as pipe:
        output = pipe.read().decode()
    return os.waitstatus_to_exitcode(status), output


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not hasattr(os, "fork"),
                    reason="needs root to run fix as another user")
def test_another_users_files_in_a_writable_directory(tmp_path):
    run("fix", make_app(tmp_path / "warm-up" / "app.py"))  # every module fix needs, imported
    shared = Path(tempfile.mkdtemp(prefix="pma-shared-"))  # tmp_path's parents are root-only
    try:
        shared.chmod(0o777)  # anyone may create and rename files here
        theirs = make_app(shared / "theirs.py")
        theirs.chmod(0o644)
        code, output = _fix_as(NOBODY, NOBODY, theirs)
        assert code != 0 and "not writable by you (mode 0644); not written" in output, output
        assert theirs.read_text() == MOTOR_APP and os.stat(theirs).st_uid == 0

        group = make_app(shared / "group.py")
        os.chown(group, 0, NOBODY)
        group.chmod(0o664)
        code, output = _fix_as(NOBODY, NOBODY, group)
        info = os.stat(group)
        assert group.read_text() == FIXED_APP, output
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (0, NOBODY, 0o664)
        assert temp_files(shared) == []
    finally:
        shutil.rmtree(shared)
