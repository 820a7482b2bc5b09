"""The exit status of every command: one table (README, "Exit codes"), imported by all of them.

The codes are ordered by severity, so that a run with several outcomes exits with the worst one
(``worst``): an internal error is never hidden by findings, a file not checked never by a clean run.
"""
from __future__ import annotations

OK = 0  # every file was checked and nothing was found (nothing left to fix)
FOUND = 1  # findings (diagnostics left by fix), or a file that could not be checked
USAGE = 2  # a bad option, configuration or output file: the command could not do what was asked
INTERNAL = 3  # a bug: the tool failed on a file or as a whole (the message says where)
INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)
TERMINATED = 143  # SIGTERM (128 + 15)


def worst(*codes: int) -> int:
    """The most severe of ``codes`` (``OK`` for none)."""
    return max((OK, *codes))


def status(*, found: bool = False, not_checked: bool = False, internal: bool = False) -> int:
    """The exit status of a run from what happened to its files."""
    if internal:
        return INTERNAL
    return FOUND if found or not_checked else OK
