"""Find, read and check files exactly as ``flake8 --select=PMA`` would, without flake8.

- discovery (``plumbing.discover``, shared with fix and report): a directory is walked for ``*.py``
  files, skipping the excluded directories; a file reached twice is checked once; a directory that
  cannot be read (permissions, a path over the OS limit) is a problem of the run;
- reading: only regular files (``files.read_regular``: a FIFO or device is an error, never opened
  for reading); the encoding comes from the coding cookie or BOM (``tokenize``), falling back to
  latin-1, with universal newlines, as flake8 reads files; ``-`` reads stdin the same way;
- checking: ``checker.check`` on ``ast.parse`` of those lines; then select/ignore/per-file-ignores
  (``config.Selection``) and ``# noqa`` (``noqa``) exactly as flake8 applies them;
- a file that does not parse, cannot be read or crashes the checker gets an ``error`` instead of
  findings: the other files are still checked; one over ``max-file-size`` is not even read;
- ``-j N`` checks files in N worker processes (chunks of files per task); results come back in a
  deterministic order, sorted by path like flake8's report, then by line and column.
"""
from __future__ import annotations

import ast
import functools
import sys
from dataclasses import dataclass
from typing import List, Optional, Sequence

from .. import checker, noqa
from ..columns import ByteColumns
from ..config import Selection
from ..diagnostics import Diagnostic
from ..files import TooLarge, decode_lines, read_regular
from ..filesize import DEFAULT_MAX_FILE_SIZE, format_size
from ..plumbing import STDIN, ErrorKind, FileResult, Finding, resolve_jobs
from ..processes import map_in_pool
from ..project.index import shared_index
from ..settings import DEFAULT_SETTINGS, Settings

DEFAULT_STDIN_NAME = "stdin"  # flake8's default --stdin-display-name


@dataclass(frozen=True)
class Options:
    """Everything a worker needs (picklable)."""

    settings: Settings = DEFAULT_SETTINGS
    selection: Selection = Selection()
    disable_noqa: bool = False
    stdin_display_name: str = DEFAULT_STDIN_NAME
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes, 0 for no limit
    cache_dir: Optional[str] = None  # where module summaries are cached; None: not on disk


# --- reading -------------------------------------------------------------------------------------


def read_file_lines(path: str, max_size: int = 0) -> List[str]:
    """flake8's ``read_lines_from_filename``: coding cookie / BOM, else latin-1; universal newlines.

    Only a regular file is read (``files.read_regular``): a FIFO or device is an ``OSError``, one
    over ``max_size`` bytes a ``TooLarge``.
    """
    data, _ = read_regular(path, max_size)
    return decode_lines(data)


def decode_stdin(data: bytes) -> List[str]:
    """flake8's ``stdin_get_value`` + ``stdin_get_lines``, with the latin-1 fallback of a file
    (flake8 decodes stdin without a cookie as strict UTF-8 and fails on other bytes)."""
    return decode_lines(data)


# --- checking ------------------------------------------------------------------------------------


def check_lines(path: str, lines: List[str], options: Options) -> FileResult:
    """Check one file's ``lines``; ``path`` is the displayed name (also used for per-file-ignores)."""
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError as exc:
        line, col = exc.lineno or 0, exc.offset or 0
        where = f" (line {line}, column {col})" if line else ""
        return FileResult(path, error_kind=ErrorKind.SYNTAX, error=f"syntax error: {exc.msg}{where}",
                          error_line=line, error_col=col)
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes; nesting the parser refuses
        return FileResult(path, error_kind=ErrorKind.SYNTAX, error=f"syntax error: {_one_line(exc)}")
    if not options.disable_noqa and noqa.file_is_ignored(lines):
        return FileResult(path)
    try:
        project = shared_index(options.settings, options.cache_dir).view(path)
        analysis = checker.analyse(tree, lines, options.settings, project)
    except Exception as exc:  # includes RecursionError: never a traceback, the other files go on
        return FileResult(path, error_kind=ErrorKind.INTERNAL,
                          error=f"internal error: {type(exc).__name__}: {_one_line(exc)}")
    extra_ignore = options.selection.extra_ignore_for(path)
    kept = [d for d in analysis.diagnostics if options.selection.is_selected(d.code, extra_ignore)]
    if not options.disable_noqa:
        kept = noqa.filter_silenced(kept, lines)
    kept.sort(key=lambda d: (d.line, d.col))  # stable, like flake8's report
    columns = ByteColumns(lines)
    return FileResult(path, findings=tuple(_finding(path, d, columns) for d in kept),
                      depth_limit_reached=analysis.depth_limit_reached)


def check_path(path: str, options: Options) -> FileResult:
    """Read and check one file (not stdin)."""
    try:
        lines = read_file_lines(path, options.max_file_size)
    except TooLarge as exc:
        return FileResult(path, error_kind=ErrorKind.SKIPPED, error=f"skipped: {exc}")
    except OSError as exc:
        return FileResult(path, error_kind=ErrorKind.READ, error=f"cannot read: {exc.strerror or exc}")
    return check_lines(path, lines, options)


def check_stdin(data: bytes, options: Options) -> FileResult:
    if 0 < options.max_file_size < len(data):  # read_stdin stops one byte past the limit
        return FileResult(options.stdin_display_name, error_kind=ErrorKind.SKIPPED,
                          error=f"skipped: over the {format_size(options.max_file_size)} limit (max-file-size)")
    return check_lines(options.stdin_display_name, decode_stdin(data), options)


def _finding(path: str, diagnostic: Diagnostic, columns: ByteColumns) -> Finding:
    return Finding(
        path=path,
        diagnostic=diagnostic,
        char_col=_char_offset(columns, diagnostic.line, diagnostic.col),
        char_end_col=_char_offset(columns, diagnostic.end_line, diagnostic.end_col),
    )


def _char_offset(columns: ByteColumns, line: int, byte_offset: int) -> int:
    if not 1 <= line <= columns.line_count:
        return byte_offset
    return columns.char_col(line - 1, byte_offset)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# --- running over many files -----------------------------------------------------------------------


def read_stdin(limit: int) -> bytes:
    """stdin, but no more than one byte past ``limit`` (bytes, 0 for no limit): enough to know it is over."""
    return sys.stdin.buffer.read(limit + 1) if limit > 0 else sys.stdin.buffer.read()


def check_paths(paths: Sequence[str], options: Options, jobs: Optional[int] = 1,
                stdin: Optional[bytes] = None) -> List[FileResult]:
    """Check every path (``-`` means ``stdin``), sorted by displayed path like flake8's report."""
    files = [p for p in paths if p != STDIN]
    results: List[FileResult] = []
    if any(p == STDIN for p in paths):
        data = stdin if stdin is not None else read_stdin(options.max_file_size)
        results.append(check_stdin(data, options))
    processes = resolve_jobs(jobs, len(files))
    parallel = None
    if processes > 1:
        # Several files per task: a worker round trip costs more than checking a small file.
        chunksize = max(1, len(files) // (processes * 4))
        parallel = map_in_pool(functools.partial(check_path, options=options), files, processes, chunksize)
    results.extend(parallel if parallel is not None else (check_path(p, options) for p in files))
    results.sort(key=lambda r: r.path)
    return results
