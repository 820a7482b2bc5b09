"""``flake8-pymongo-async report PATH... [--format markdown|json|html] [-o FILE]``."""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .collect import Report

PROG = "flake8-pymongo-async"
FORMATS = ("markdown", "json", "html")


def configure(parser: argparse.ArgumentParser) -> None:
    from ..fix.command import add_common_arguments

    parser.add_argument("paths", nargs="+", metavar="PATH", help="files and directories (walked for *.py)")
    parser.add_argument("--format", choices=FORMATS, default="markdown",
                        help="output format (default: markdown)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ..config import ConfigError
    from ..fix.command import setup
    from ..fix.source import SourceFile, write_atomic
    from .collect import build_report
    from .render import RENDERERS

    try:
        found = setup(args)
    except ConfigError as exc:
        print(f"{PROG} report: error: {exc}", file=sys.stderr)
        return 2
    report = build_report(args.paths, settings=found.settings, selection=found.selection, jobs=found.jobs,
                          files=found.files, max_file_size=found.max_file_size)
    text = RENDERERS[args.format](report)
    for path in report.missing:
        print(f"{path}: error: no such file or directory", file=sys.stderr)
    skipped = report_skipped(report)
    if args.output:
        try:
            write_atomic(SourceFile(path=args.output, text="", encoding="utf-8", bom=False), text)
        except OSError as exc:
            print(f"{PROG} report: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        t = report.totals()
        print(f"Wrote {args.format} report to {args.output}: {t['findings']} findings in "
              f"{t['files_with_findings']} of {t['files_checked']} files ({t['safe']} safe fixes, "
              f"{t['unsafe']} unsafe fixes, {t['manual']} need a person).", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 2 if report.missing else 1 if skipped else 0


def report_skipped(report: Report) -> int:
    """Say which files were over max-file-size, one line each; how many (they were not checked)."""
    from .collect import SKIPPED_PREFIX

    skipped = [f for f in report.files if f.problem and f.problem.startswith(SKIPPED_PREFIX)]
    for file in skipped:
        print(f"{file.path}: {file.problem}", file=sys.stderr)
    return len(skipped)
