"""The file-size limit of ``check``, ``fix`` and ``report`` (``max-file-size``).

Checking costs memory in proportion to the file: CPython's ``ast`` of a file takes about 80 times
its size and parsing peaks near 170 times, so a 20 MB generated file needs several GB. A file
larger than the limit is not read: one line says so, and it counts as a file not checked (never
as a clean one). The size comes from ``os.fstat`` on a descriptor opened without blocking (a FIFO
is not waited for) before anything is read (``files.read_regular``). ``0`` means no limit.
"""
from __future__ import annotations

import argparse
from typing import Any, Optional

MB = 1024 * 1024
DEFAULT_MAX_FILE_SIZE_MB = 10
DEFAULT_MAX_FILE_SIZE = DEFAULT_MAX_FILE_SIZE_MB * MB  # bytes
KEY = "max-file-size"


def parse_max_file_size(value: Any, where: str) -> int:
    """Megabytes (a number, ``0`` for no limit) from the configuration or ``--max-file-size``, in bytes.

    Raises ``ValueError`` with a one-line message starting with ``where``.
    """
    number: Any = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if isinstance(number, bool) or not isinstance(number, (int, float)) or not number >= 0 \
            or number == float("inf"):
        raise ValueError(f"{where}: expected a size in megabytes (a number such as 10 or 0.5, "
                         f"0 for no limit), got {value!r}")
    return int(number * MB)


def add_max_file_size_argument(parser: argparse.ArgumentParser) -> None:
    """``--max-file-size MB`` for ``check``, ``fix`` and ``report``."""
    parser.add_argument("--max-file-size", metavar="MB",
                        help=f"do not check files larger than this many megabytes, 0 for no limit "
                             f"(overrides {KEY} in the configuration; default: {DEFAULT_MAX_FILE_SIZE_MB})")


def oversize_message(size: int, limit: int) -> Optional[str]:
    """``"21.3 MB is over the 10 MB limit (max-file-size)"`` when ``size`` bytes is over ``limit``
    (``0``: no limit); ``None`` otherwise. ``files.read_regular`` asks it on the open descriptor."""
    if limit <= 0 or size <= limit:
        return None
    return f"{format_size(size)} is over the {format_size(limit)} limit ({KEY})"


def format_size(size: int) -> str:
    """``21.3 MB``, ``10 MB``, ``512.5 KB``, ``300 bytes``: one decimal at most."""
    for unit, scale in (("MB", MB), ("KB", 1024)):
        if size >= scale:
            return f"{_one_decimal(size / scale)} {unit}"
    return f"{size} bytes"


def _one_decimal(value: float) -> str:
    shown = f"{value:.1f}"
    return shown[:-2] if shown.endswith(".0") else shown
