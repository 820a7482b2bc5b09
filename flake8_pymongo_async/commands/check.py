"""``flake8-pymongo-async check PATH...``: flake8's findings without flake8.

Exit status: ``exit_codes`` (README, "Exit codes"): 0 when every file was checked and nothing was
found, 1 for findings or a file not checked, 2 for usage and configuration errors, 3 for an internal
error; a file over ``max-file-size`` is a file not checked. ``--exit-zero`` turns the 1 of findings
and of files that do not parse into 0 (flake8 counts those as findings, E999), never that of a file
that could not be read or was skipped, nor 2 or 3.
Problems with a file (syntax errors...) are one line each on stderr; the other files are checked.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, Sequence, TextIO

from .. import exit_codes, plumbing
from ..config import Config, ConfigError, max_file_size
from ..files import display
from ..filesize import add_max_file_size_argument
from ..defaults import PROG
from ..plumbing import CHECK_FORMATS, STDIN, ErrorKind, FileResult
from . import engine


def _jobs_argument(value: str) -> Optional[int]:
    try:
        return plumbing.parse_jobs(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Check Python files for what breaks when Motor or sync PyMongo code moves to PyMongo Async: "
        "the same findings as `flake8 --select=PMA`, without flake8. Configuration comes from "
        "[tool.flake8-pymongo-async] in the nearest pyproject.toml (select, ignore, per-file-ignores, "
        "extend-exclude, extra-factories, max-file-size, source-roots, cache-dir, no-cache); `# noqa` comments work as in flake8."
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories to check (default: .); '-' reads stdin")
    parser.add_argument("--format", choices=CHECK_FORMATS, default="text",
                        help="text (flake8's path:row:col: CODE message), json, sarif (2.1.0) or "
                             "github (workflow annotations); default: text")
    parser.add_argument("--select", metavar="CODES",
                        help="comma-separated codes or prefixes to report (overrides the configuration)")
    parser.add_argument("--ignore", metavar="CODES",
                        help="comma-separated codes or prefixes not to report (overrides the configuration)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when something was found")
    parser.add_argument("-j", "--jobs", type=_jobs_argument, default=None, metavar="N",
                        help="number of processes, or 'auto' for one per CPU (default: auto)")
    parser.add_argument("--stdin-display-name", default=engine.DEFAULT_STDIN_NAME, metavar="NAME",
                        help="the name reported for '-' (and matched by per-file-ignores); default: stdin")
    parser.add_argument("--disable-noqa", action="store_true", help="report findings silenced by # noqa too")
    parser.add_argument("--config", metavar="PYPROJECT", help="read this pyproject.toml instead of searching")
    parser.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    add_max_file_size_argument(parser)
    plumbing.add_cache_arguments(parser)


def _load_config(args: argparse.Namespace, paths: Sequence[str]) -> Config:
    starts = [p for p in paths if p != STDIN]
    if not starts and args.stdin_display_name != engine.DEFAULT_STDIN_NAME:
        starts = [os.path.dirname(os.path.abspath(args.stdin_display_name))]
    return plumbing.load_config(args.isolated, args.config, starts)


def build_options(args: argparse.Namespace, config: Config) -> engine.Options:
    return engine.Options(
        settings=config.settings(),
        selection=plumbing.selection(args, config),
        disable_noqa=args.disable_noqa,
        stdin_display_name=args.stdin_display_name,
        max_file_size=max_file_size(args.max_file_size, config),
        cache_dir=plumbing.cache_directory(config, args.no_cache, args.cache_dir),
    )


def exit_status(results: Sequence[FileResult], exit_zero: bool) -> int:
    found = any(r.findings or r.error_kind is ErrorKind.SYNTAX for r in results)
    return exit_codes.status(found=found and not exit_zero,
                             not_checked=any(r.error_kind in (ErrorKind.READ, ErrorKind.SKIPPED) for r in results),
                             internal=any(r.error_kind is ErrorKind.INTERNAL for r in results))


def run(args: argparse.Namespace) -> int:
    from .. import checker
    from ..output import Context, formatters
    from ..output.github import escape_data, escape_property
    from ..rules.registry import RULES

    paths: List[str] = list(args.paths) or ["."]
    if paths.count(STDIN) > 1:
        return plumbing.usage_error("'-' (stdin) given more than once")
    try:
        config = _load_config(args, paths)
        options = build_options(args, config)
    except ConfigError as exc:
        return plumbing.usage_error(str(exc))

    found = plumbing.discover(paths, config.extend_exclude)
    results = engine.check_paths(found.files, options, jobs=args.jobs)
    results.extend(FileResult(path, error_kind=ErrorKind.READ, error=reason) for path, reason in found.problems)
    results.sort(key=lambda r: r.path)
    status = exit_status(results, args.exit_zero)

    for result in results:
        if result.error_kind:
            print(display(f"{result.path}: {result.error}"), file=sys.stderr)
        elif result.depth_limit_reached:
            print(display(f"{result.path}: warning: {checker.DEPTH_LIMIT_WARNING}"), file=sys.stderr)

    context = Context(rules=RULES, cwd=os.getcwd(), exit_code=status)
    report = formatters()[args.format](results, context)
    if args.format == "github":
        for result in results:
            if result.error_kind:
                where = f"file={escape_property(display(result.path))}"
                if result.error_line:
                    where += f",line={result.error_line}"
                    if result.error_col:
                        where += f",col={result.error_col}"
                report += f"::error {where},title={escape_property(PROG)}::{escape_data(display(result.error))}\n"

    if args.output_file:
        try:
            with open(args.output_file, "w", encoding="utf-8", newline="\n") as out:
                out.write(report)
        except OSError as exc:
            print(display(f"{PROG}: error: --output-file: {args.output_file}: {exc.strerror or exc}"),
                  file=sys.stderr)
            return exit_codes.worst(status, exit_codes.USAGE)
    else:
        _write(sys.stdout, report)
    return status


def _write(stream: TextIO, text: str) -> None:
    if not text:
        return
    try:
        stream.write(text)
    except UnicodeEncodeError:  # a console that cannot show a character of a path or message
        stream.write(text.encode(stream.encoding or "ascii", errors="backslashreplace")
                     .decode(stream.encoding or "ascii"))
    stream.flush()
