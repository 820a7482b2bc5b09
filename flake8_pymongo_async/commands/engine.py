"""Find, read and check files exactly as ``flake8 --select=PMA`` would, without flake8.

- discovery: a directory is walked for ``*.py`` files (flake8's default ``filename``), skipping the
  directories of ``DEFAULT_EXCLUDE`` and the configured ``extend-exclude``; a file named on the
  command line is always checked, whatever its extension; a file reached twice is checked once; a
  directory that cannot be read (permissions, a path over the OS limit) is a problem of the run;
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
import io
import multiprocessing
import os
import sys
import tokenize
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Set, Tuple

from .. import checker, noqa
from ..columns import ByteColumns
from ..config import Selection, matches_filename
from ..diagnostics import Diagnostic
from ..files import TooLarge, identity, read_regular
from ..processes import init_worker as init_pool_worker
from ..filesize import DEFAULT_MAX_FILE_SIZE, format_size
from ..settings import DEFAULT_SETTINGS, Settings

STDIN = "-"
DEFAULT_STDIN_NAME = "stdin"  # flake8's default --stdin-display-name

# flake8's default exclude, plus the virtualenv, cache and build directories a project rarely wants
# linted (ruff skips them too). Patterns match a directory's basename or its absolute path.
FLAKE8_EXCLUDE = (".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs", "*.egg")
DEFAULT_EXCLUDE = FLAKE8_EXCLUDE + (
    ".venv", "venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", "node_modules", "site-packages",
    "build", "dist", "*.egg-info",
)
FILENAME_PATTERNS = ("*.py",)

# Error kinds of a file that could not be checked.
SYNTAX = "syntax"
READ = "read"
INTERNAL = "internal"
SKIPPED = "skipped"  # over max-file-size: not read, not checked


@dataclass(frozen=True)
class Options:
    """Everything a worker needs (picklable)."""

    settings: Settings = DEFAULT_SETTINGS
    selection: Selection = Selection()
    disable_noqa: bool = False
    stdin_display_name: str = DEFAULT_STDIN_NAME
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes, 0 for no limit


@dataclass(frozen=True)
class Finding:
    path: str  # as displayed (as given on the command line or found while walking)
    diagnostic: Diagnostic
    # 0-based columns in characters (code points) of the line, for formats read by editors/CI;
    # diagnostic.col / end_col stay UTF-8 byte offsets as flake8 prints them.
    char_col: int
    char_end_col: int

    @property
    def code(self) -> str:
        return self.diagnostic.code

    @property
    def line(self) -> int:
        return self.diagnostic.line


@dataclass(frozen=True)
class FileResult:
    path: str
    findings: Tuple[Finding, ...] = ()
    error_kind: Optional[str] = None  # SYNTAX, READ or INTERNAL
    error: str = ""  # one line: "syntax error: invalid syntax (line 3, column 5)"
    error_line: int = 0  # 1-based, 0 when unknown
    error_col: int = 0  # 1-based, 0 when unknown
    depth_limit_reached: bool = False  # code nested too deep was not checked (checker.DEPTH_LIMIT_WARNING)


# --- discovery -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discovery:
    files: List[str]  # each file once, in the order found
    # What could not be walked (an unreadable directory, a path over the OS limit), with a
    # one-line reason: never checked, so every command reports it and counts it as not checked.
    problems: List[Tuple[str, str]]


def discover(paths: Sequence[str], extend_exclude: Sequence[str] = ()) -> Discovery:
    """The files to check, as flake8's ``expand_paths`` finds them (``-`` stays ``-``).

    A file reached twice (named twice, inside a walked directory and named again, or a hard link
    or symlink to one already found) is kept once: ``files.identity`` decides.
    """
    exclude = tuple(DEFAULT_EXCLUDE) + tuple(extend_exclude)
    found: List[str] = []
    problems: List[Tuple[str, str]] = []
    seen: Set[Tuple[object, ...]] = set()

    def add(path: str) -> None:
        key = identity(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    def unwalkable(exc: OSError) -> None:
        problems.append((str(exc.filename), f"cannot read directory: {exc.strerror or exc}"))

    for arg in paths:
        if arg == STDIN:
            found.append(arg)
            continue
        if matches_filename(arg, exclude):
            continue
        if os.path.isdir(arg):
            for root, dirs, files in os.walk(arg, onerror=unwalkable):
                dirs[:] = sorted(d for d in dirs if not matches_filename(os.path.join(root, d), exclude))
                for name in sorted(files):
                    joined = os.path.join(root, name)
                    if matches_filename(joined, exclude):
                        continue
                    if any(_fnmatch(name, p) for p in FILENAME_PATTERNS):
                        add(joined)  # a FIFO or device among them is refused when read
        else:
            add(arg)  # named explicitly: checked whatever its extension (or an error later)
    return Discovery(files=found, problems=problems)


def _fnmatch(name: str, pattern: str) -> bool:
    import fnmatch

    return fnmatch.fnmatch(name, pattern)


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


# --- checking ------------------------------------------------------------------------------------


def check_lines(path: str, lines: List[str], options: Options) -> FileResult:
    """Check one file's ``lines``; ``path`` is the displayed name (also used for per-file-ignores)."""
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError as exc:
        line, col = exc.lineno or 0, exc.offset or 0
        where = f" (line {line}, column {col})" if line else ""
        return FileResult(path, error_kind=SYNTAX, error=f"syntax error: {exc.msg}{where}",
                          error_line=line, error_col=col)
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes; nesting the parser refuses
        return FileResult(path, error_kind=SYNTAX, error=f"syntax error: {_one_line(exc)}")
    if not options.disable_noqa and noqa.file_is_ignored(lines):
        return FileResult(path)
    try:
        analysis = checker.analyse(tree, lines, options.settings)
    except Exception as exc:  # includes RecursionError: never a traceback, the other files go on
        return FileResult(path, error_kind=INTERNAL,
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
        return FileResult(path, error_kind=SKIPPED, error=f"skipped: {exc}")
    except OSError as exc:
        return FileResult(path, error_kind=READ, error=f"cannot read: {exc.strerror or exc}")
    return check_lines(path, lines, options)


def check_stdin(data: bytes, options: Options) -> FileResult:
    if 0 < options.max_file_size < len(data):  # read_stdin stops one byte past the limit
        return FileResult(options.stdin_display_name, error_kind=SKIPPED,
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

_WORKER_OPTIONS: Optional[Options] = None


def _init_worker(options: Options, parent_pid: int) -> None:
    global _WORKER_OPTIONS
    _WORKER_OPTIONS = options
    init_pool_worker(parent_pid)  # ignore Ctrl-C, end with the parent


def _worker(path: str) -> FileResult:
    assert _WORKER_OPTIONS is not None
    return check_path(path, _WORKER_OPTIONS)


def resolve_jobs(jobs: Optional[int], n_files: int) -> int:
    """The number of processes to use: ``None`` means one per CPU (flake8's ``--jobs=auto``)."""
    if jobs is None:
        jobs = os.cpu_count() or 1
    return max(1, min(jobs, n_files))


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
    if processes > 1:
        parallel = _check_parallel(files, options, processes)
        results.extend(parallel if parallel is not None else (check_path(p, options) for p in files))
    else:
        results.extend(check_path(p, options) for p in files)
    results.sort(key=lambda r: r.path)
    return results


def _check_parallel(files: Sequence[str], options: Options, processes: int) -> Optional[List[FileResult]]:
    """``None`` when no process pool can be created here (then the caller checks serially)."""
    try:
        pool = multiprocessing.get_context().Pool(processes, initializer=_init_worker,
                                                  initargs=(options, os.getpid()))
    except (OSError, ImportError, ValueError):  # e.g. no semaphores in a sandbox
        return None
    try:
        # Several files per task: a worker round trip costs more than checking a small file.
        chunksize = max(1, len(files) // (processes * 4))
        results = pool.map(_worker, files, chunksize)  # map keeps the input order
        pool.close()
    finally:
        pool.terminate()
        pool.join()
    return results


def iter_findings(results: Sequence[FileResult]) -> Iterator[Finding]:
    for result in results:
        yield from result.findings
