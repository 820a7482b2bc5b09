"""Reading the files the commands check, and showing their names.

- ``read_regular``: the bytes of a regular file, and only of one. A FIFO, socket or device named
  ``*.py`` is refused without being opened (opening a FIFO blocks until a writer comes); the file is
  opened non-blocking and checked again on the open descriptor, so one swapped for a FIFO between
  the two looks cannot hang either.
- ``decode_lines``: a source's lines as flake8 reads them (coding cookie / BOM, else latin-1;
  universal newlines), for the commands and for the project's other modules alike.
- ``display``: the one form in which every output shows a name or message that may hold bytes that
  are not UTF-8 (``os.fsdecode`` turns them into lone surrogates, which no UTF-8 output can carry):
  each such byte becomes ``\\xNN``, as Python's ``backslashreplace`` shows it.
"""
from __future__ import annotations

import io
import os
import re
import stat
import tokenize
from typing import Callable, List, Tuple

from .filesize import oversize_message

_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no FIFOs to open by name
_OPEN_FLAGS = os.O_RDONLY | _O_NONBLOCK | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)

_KINDS: Tuple[Tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


class NotRegularFile(OSError):
    """The path is a FIFO, socket, device or directory: never read (``strerror`` says which)."""

    def __init__(self, path: str, mode: int) -> None:
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        super().__init__(None, f"not a regular file ({kind})", path)


def _require_regular(path: str, st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(path, st.st_mode)


class TooLarge(Exception):
    """The file is over ``max-file-size``: never read (the message says by how much)."""


def read_regular(path: str, max_size: int = 0) -> Tuple[bytes, os.stat_result]:
    """The whole content of the regular file ``path`` and its ``fstat``; ``OSError`` otherwise,
    ``TooLarge`` when it is over ``max_size`` bytes (``0``: no limit), checked before reading."""
    _require_regular(path, os.stat(path))
    with open(os.open(path, _OPEN_FLAGS), "rb") as handle:
        st = os.fstat(handle.fileno())
        _require_regular(path, st)  # replaced by something else since the stat above
        oversize = oversize_message(st.st_size, max_size)
        if oversize:
            raise TooLarge(oversize)
        if _O_NONBLOCK:
            os.set_blocking(handle.fileno(), True)
        return handle.read(), st


def identity(path: str) -> Tuple[object, ...]:
    """What makes two names the same file: (device, inode) for a regular file (hard links and
    symlinks to it included), else the normalised absolute path."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        return ("file", st.st_dev, st.st_ino)
    return ("path", os.path.normcase(os.path.abspath(path)))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's undecodable byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def display(text: str) -> str:
    """``text`` with every undecodable byte of a name shown as ``\\xNN``: always valid UTF-8."""
    return _SURROGATE.sub(_escape, text)


def decode_lines(data: bytes) -> List[str]:
    """The lines of a source: coding cookie / BOM (``tokenize``), else latin-1; universal newlines."""
    try:
        coding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        lines = io.TextIOWrapper(io.BytesIO(data), coding).readlines()
    except (LookupError, SyntaxError, UnicodeError):
        lines = io.TextIOWrapper(io.BytesIO(data), "latin-1").readlines()
    return _strip_bom(lines)


def _strip_bom(lines: List[str]) -> List[str]:
    if lines and lines[0][:1] == "\ufeff":
        lines[0] = lines[0][1:]
    elif lines and lines[0][:3] == "\xef\xbb\xbf":
        lines[0] = lines[0][3:]
    return lines
