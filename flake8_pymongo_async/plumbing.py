"""What the commands ``check``, ``fix`` and ``report`` share, defined once.

- the names of the output formats of ``check`` and ``report``;
- ``-j``/``--jobs``: parsing it (``parse_jobs``) and how many processes it means (``resolve_jobs``);
- the configuration (``load_config``: ``--isolated``, ``--config`` or the nearest pyproject.toml)
  and the selection it gives with ``--select``/``--ignore`` (``selection``);
- finding the files, as flake8 walks directories (``discover``), and what fix and report set up
  from their common options (``add_common_arguments``, ``setup``);
- what checking one file gives (``Finding``, ``FileResult``, ``ErrorKind``), for ``check`` and the
  output formats;
- a usage error, printed the way every command prints it (``usage_error``).

It sits in the foundation layer, so that fix/, report/ and output/ use it without importing a
command; the process pool itself is in ``processes``.
"""
from __future__ import annotations

import argparse
import fnmatch
import os
import sys
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import List, Literal, Optional, Sequence, Set, Tuple, get_args

from . import exit_codes
from .config import Config, ConfigError, Selection, common_start, find_pyproject, load, max_file_size, parse_codes
from .defaults import DEFAULT_EXCLUDE, PROG, default_cache_dir, matches_filename
from .diagnostics import Diagnostic
from .files import display, identity
from .filesize import add_max_file_size_argument
from .settings import Settings

CheckFormat = Literal["text", "json", "sarif", "github"]
CHECK_FORMATS: Tuple[CheckFormat, ...] = get_args(CheckFormat)
ReportFormat = Literal["markdown", "json", "html"]
REPORT_FORMATS: Tuple[ReportFormat, ...] = get_args(ReportFormat)

STDIN = "-"


def usage_error(message: str, command: str = "") -> int:
    """Print ``PROG[ command]: error: message`` on stderr; the exit status of a usage error."""
    where = f"{PROG} {command}" if command else PROG
    print(display(f"{where}: error: {message}"), file=sys.stderr)
    return exit_codes.USAGE


# --- the cache of module summaries ------------------------------------------------------------------


def cache_directory(config: Config, no_cache: bool = False, option: Optional[str] = None) -> Optional[str]:
    """Where the commands cache module summaries: ``--cache-dir``, else ``cache-dir``, else the
    default (outside the project); None with ``--no-cache`` or ``no-cache = true``."""
    if no_cache or config.no_cache:
        return None
    if option:
        return os.path.abspath(os.path.expanduser(option))
    return config.cache_dir or default_cache_dir()


# --- -j / --jobs ---------------------------------------------------------------------------------


def parse_jobs(value: str) -> Optional[int]:
    """A number of processes, or ``None`` for ``auto`` (one per CPU); ``ValueError`` says what is wrong."""
    if value == "auto":
        return None
    try:
        jobs = int(value)
    except ValueError:
        raise ValueError(f"expected a number of processes or 'auto', got {value!r}") from None
    if jobs < 1:
        raise ValueError(f"expected at least 1 process, got {jobs}")
    return jobs


def resolve_jobs(jobs: Optional[int], n_files: int) -> int:
    """The number of processes for ``n_files`` files: ``None`` means one per CPU (flake8's ``--jobs=auto``)."""
    if jobs is None:
        jobs = os.cpu_count() or 1
    return max(1, min(jobs, n_files))


# --- configuration -------------------------------------------------------------------------------


def load_config(isolated: bool, config_path: Optional[str], starts: Sequence[str]) -> Config:
    """No configuration with ``--isolated``, the ``--config`` file, or the nearest pyproject.toml
    above the common start of ``starts`` (the working directory when there is none)."""
    if isolated:
        return Config()
    if config_path:
        path = Path(config_path)
        if not path.is_file():
            raise ConfigError(f"--config: {config_path}: no such file")
        return load(path)
    found = find_pyproject(common_start(starts) if starts else Path.cwd())
    return load(found) if found else Config()


def selection(args: argparse.Namespace, config: Config) -> Selection:
    """``--select``/``--ignore`` where given, else the configuration's, with its per-file-ignores."""
    select = parse_codes(args.select, "--select") if args.select is not None else config.select
    ignore = parse_codes(args.ignore, "--ignore") if args.ignore is not None else config.ignore
    return Selection(select=select, ignore=ignore, per_file_ignores=config.per_file_ignores)


# --- discovery -----------------------------------------------------------------------------------

FILENAME_PATTERNS = ("*.py",)


@dataclass(frozen=True)
class Discovery:
    files: List[str]  # each file once, in the order found
    # What could not be walked (an unreadable directory, a path over the OS limit), with a
    # one-line reason: never checked, so every command reports it and counts it as not checked.
    problems: List[Tuple[str, str]]


def discover(paths: Sequence[str], extend_exclude: Sequence[str] = ()) -> Discovery:
    """The files to check, as flake8's ``expand_paths`` finds them (``-`` stays ``-``).

    A directory is walked for ``*.py`` files (flake8's default ``filename``), skipping the
    directories of ``DEFAULT_EXCLUDE`` and ``extend_exclude``; a file named on the command line is
    always checked, whatever its extension. A file reached twice (named twice, inside a walked
    directory and named again, or a hard link or symlink to one already found) is kept once:
    ``files.identity`` decides.
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
                    if any(fnmatch.fnmatch(name, p) for p in FILENAME_PATTERNS):
                        add(joined)  # a FIFO or device among them is refused when read
        else:
            add(arg)  # named explicitly: checked whatever its extension (or an error later)
    return Discovery(files=found, problems=problems)


# --- what fix and report set up --------------------------------------------------------------------


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """--select/--ignore/--config/--isolated/-j/--max-file-size of fix and report, meaning what they
    mean for ``check``."""
    parser.add_argument("--select", metavar="CODES",
                        help="comma-separated codes or prefixes (overrides the configuration), "
                             "e.g. PMA1,PMA203")
    parser.add_argument("--ignore", metavar="CODES",
                        help="comma-separated codes or prefixes to leave alone (overrides the configuration)")
    parser.add_argument("--config", metavar="PYPROJECT", help="read this pyproject.toml instead of searching")
    parser.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    parser.add_argument("-j", "--jobs", default="auto", metavar="N",
                        help="files processed in parallel, or 'auto' for one per CPU (default: auto)")
    add_max_file_size_argument(parser)
    add_cache_arguments(parser)


def add_cache_arguments(parser: argparse.ArgumentParser) -> None:
    """--cache-dir/--no-cache: where the summaries of the project's modules are cached."""
    parser.add_argument("--cache-dir", metavar="DIR",
                        help="cache the summaries of the project's modules here (overrides cache-dir in "
                             "the configuration; default: ~/.cache/flake8-pymongo-async or $XDG_CACHE_HOME)")
    parser.add_argument("--no-cache", action="store_true",
                        help="do not read or write the cache of module summaries")


@dataclass(frozen=True)
class Setup:
    config: Config
    selection: Selection
    settings: Settings
    jobs: int
    files: List[str]
    max_file_size: int  # bytes, 0 for no limit
    # (path, reason) for what the directory walk could not read: reported, counted as not checked
    problems: List[Tuple[str, str]] = field(default_factory=list)
    cache_dir: Optional[str] = None  # where module summaries are cached; None: not on disk


def setup(args: argparse.Namespace) -> Setup:
    """Configuration, selection and the files to process, as ``check`` finds them (fix, report).

    Raises ``ConfigError`` with a one-line message for every bad option or configuration value.
    """
    paths = list(args.paths)
    config = load_config(args.isolated, args.config, paths)
    chosen = selection(args, config)
    try:
        jobs = parse_jobs(args.jobs)
    except ValueError as exc:
        raise ConfigError(f"-j/--jobs: {exc}") from None
    found = discover(paths, config.extend_exclude)
    return Setup(config=config, selection=chosen, settings=config.settings(),
                 jobs=jobs if jobs is not None else os.cpu_count() or 1, files=found.files,
                 max_file_size=max_file_size(args.max_file_size, config), problems=found.problems,
                 cache_dir=cache_directory(config, args.no_cache, args.cache_dir))


# --- what checking a file gives --------------------------------------------------------------------


class ErrorKind(Enum):
    """Why a file has no findings but an error."""

    SYNTAX = "syntax"  # it does not parse (flake8's E999: a finding, for the exit status)
    READ = "read"  # it could not be read, or its directory walked
    INTERNAL = "internal"  # the checker failed on it
    SKIPPED = "skipped"  # over max-file-size: not read, not checked


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
    error_kind: Optional[ErrorKind] = None
    error: str = ""  # one line: "syntax error: invalid syntax (line 3, column 5)"
    error_line: int = 0  # 1-based, 0 when unknown
    error_col: int = 0  # 1-based, 0 when unknown
    depth_limit_reached: bool = False  # code nested too deep was not checked (checker.DEPTH_LIMIT_WARNING)
