"""Writing a file without losing anything: what ``fix`` and ``report -o`` may write, and how.

- A source file is replaced only if it is unchanged since it was read (size, mtime, inode and a
  hash of the bytes read, checked again right before the replace); a deleted one is not recreated.
- A file the invoking user could not write is not written. Root passes every ``os.access`` check,
  so the permission bits decide as well: the owner's, group's or others' bits for the user's
  class, and for root at least one write bit (a 0444 file is refused even as root).
- Owner, group, mode and hard links are kept: the new text goes to a temp file next to the file,
  gets the original's owner and mode, and replaces it atomically; when that would break a hard link
  (st_nlink > 1) or the owner cannot be given back, the file is rewritten in place instead.
- A symlink stays a symlink: its target is written when it lies inside the paths given, otherwise
  the file is refused. Special files (``/dev/null``, a FIFO) are written through, never replaced.
- Temp files (``.pma-fix-*``) are removed on every error and interrupt; SIGINT and SIGTERM wait
  for a write to finish (``processes.deferred_signals``). Only SIGKILL mid-write can leave one.
"""
from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Optional, Sequence, Tuple

from .files import read_regular
from .processes import deferred_signals

TEMP_PREFIX = ".pma-fix-"


class WriteRefused(Exception):
    """Deliberately not written; the message says why (reported, the other files go on)."""


@dataclass(frozen=True)
class Snapshot:
    """What a file was when it was read."""

    size: int
    mtime_ns: int
    device: int
    inode: int
    sha256: bytes


def read_with_snapshot(path: str, max_size: int = 0) -> Tuple[bytes, Snapshot]:
    data, info = read_regular(path, max_size)  # never a FIFO or device: reading one would hang
    return data, Snapshot(size=info.st_size, mtime_ns=info.st_mtime_ns, device=info.st_dev,
                          inode=info.st_ino, sha256=hashlib.sha256(data).digest())


# ------------------------------------------------------------------------------- what may be written
def user_may_write(path: str, info: os.stat_result) -> bool:
    """The permission bits of the user's class allow a write (for root: any write bit), and so does the OS."""
    mode = info.st_mode
    if not hasattr(os, "geteuid"):  # Windows: only the read-only attribute
        allowed = bool(mode & stat.S_IWRITE)
    elif os.geteuid() == 0:
        allowed = bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    elif info.st_uid == os.geteuid():
        allowed = bool(mode & stat.S_IWUSR)
    elif info.st_gid == os.getegid() or info.st_gid in os.getgroups():
        allowed = bool(mode & stat.S_IWGRP)
    else:
        allowed = bool(mode & stat.S_IWOTH)
    return allowed and os.access(path, os.W_OK)  # ACLs, read-only mounts


def _inside(path: str, roots: Sequence[str]) -> bool:
    for root in roots:
        try:
            if os.path.commonpath([path, root]) == root:
                return True
        except ValueError:  # another drive
            continue
    return False


def resolve_target(path: str, roots: Sequence[str]) -> str:
    """The real file behind ``path``; refused when a symlink leads outside ``roots`` (if any)."""
    target = os.path.realpath(path)
    if roots and target != os.path.abspath(path):
        if not _inside(target, [os.path.realpath(root) for root in roots]):
            raise WriteRefused(f"symlink to {target}, outside the paths given; not written")
    return target


def _refuse_unwritable(path: str, info: os.stat_result) -> None:
    if not user_may_write(path, info):
        mode = stat.S_IMODE(info.st_mode)
        raise WriteRefused(f"not writable by you (mode {mode:04o}); not written")


# ------------------------------------------------------------------------------- source files
def replace_source(path: str, data: bytes, read: Snapshot, roots: Sequence[str] = ()) -> None:
    """Write ``data`` over the source file ``path`` read as ``read``.

    Raises ``WriteRefused`` (changed or deleted since read, not writable, symlink outside
    ``roots``, not a regular file) or ``OSError``. SIGINT/SIGTERM wait for it to finish.
    """
    with deferred_signals():
        target = resolve_target(path, roots)
        info = _current(target)
        if info is None:
            raise WriteRefused("deleted since it was read; not recreated")
        if not stat.S_ISREG(info.st_mode):
            raise WriteRefused("no longer a regular file; not written")
        if not _same_file(info, read):
            raise _changed()
        _refuse_unwritable(target, info)
        _write_regular(target, data, info, read)


def _changed() -> WriteRefused:
    return WriteRefused("changed since it was read; not written")


def _current(path: str) -> Optional[os.stat_result]:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _same_file(info: os.stat_result, read: Snapshot) -> bool:
    return (info.st_size, info.st_mtime_ns, info.st_dev, info.st_ino) == (
        read.size, read.mtime_ns, read.device, read.inode)


def _content_unchanged(handle: BinaryIO, read: Optional[Snapshot]) -> bool:
    if read is None:
        return True
    if not _same_file(os.fstat(handle.fileno()), read):
        return False
    handle.seek(0)
    return hashlib.sha256(handle.read()).digest() == read.sha256


def _write_regular(target: str, data: bytes, info: os.stat_result, read: Optional[Snapshot]) -> None:
    """Replace the existing regular file ``target``; ``read`` (if given) must still match it."""
    if info.st_nlink > 1:  # a rename would cut the other hard links off
        _write_in_place(target, data, read)
        return
    # A directory we may not write is an error (as it always was), not a reason to write in place.
    with _temp_copy(os.path.dirname(target), data) as tmp:
        if not _give_owner(tmp, info):
            _write_in_place(target, data, read)
            return
        os.chmod(tmp, stat.S_IMODE(info.st_mode))  # after chown, which clears set-id bits
        if read is not None:
            with open(target, "rb") as current:
                if not _content_unchanged(current, read):
                    raise _changed()
        os.replace(tmp, target)


@contextmanager
def _temp_copy(directory: str, data: bytes) -> Iterator[str]:
    """A synced temp file holding ``data`` in ``directory``; removed at the end unless renamed away."""
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        yield tmp
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:  # renamed over the target
            pass


def _give_owner(tmp: str, info: os.stat_result) -> bool:
    """Give ``tmp`` the original's owner and group; False when that is not permitted."""
    mine = os.stat(tmp)
    if (mine.st_uid, mine.st_gid) == (info.st_uid, info.st_gid):
        return True
    if not hasattr(os, "chown"):
        return False
    try:
        os.chown(tmp, info.st_uid, info.st_gid)
    except OSError:
        return False
    return True


def _write_in_place(target: str, data: bytes, read: Optional[Snapshot]) -> None:
    """Rewrite the existing inode: owner, group, mode and every hard link stay as they are."""
    with open(target, "r+b") as handle:
        if not _content_unchanged(handle, read):
            raise _changed()
        handle.seek(0)
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


# ------------------------------------------------------------------------------- output files
def write_output(path: str, data: bytes) -> None:
    """Write a command's output file (``report -o``).

    A device or FIFO is written through (opened for writing, as ``check --output-file`` does); a
    symlink's target is written; an existing regular file is replaced like a source file (owner,
    mode, links kept; refused if not writable); a new file is created atomically.
    """
    target = os.path.realpath(path)
    info = _current(target)
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", path)
        with open(target, "wb") as handle:  # a FIFO blocks here until a reader opens it
            handle.write(data)
        return
    with deferred_signals():
        if info is not None:
            _refuse_unwritable(target, info)
            _write_regular(target, data, info, None)
        else:
            _create(target, data)


def _create(target: str, data: bytes) -> None:
    umask = os.umask(0)
    os.umask(umask)
    with _temp_copy(os.path.dirname(target), data) as tmp:
        os.chmod(tmp, 0o666 & ~umask)  # the mode open() would give a new file
        os.replace(tmp, target)
