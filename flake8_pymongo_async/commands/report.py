"""``flake8-pymongo-async report PATH... [--format markdown|json|html] [-o FILE]``."""
from __future__ import annotations

import argparse
import sys

from .. import exit_codes, plumbing
from ..defaults import PROG
from ..plumbing import REPORT_FORMATS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files and directories (walked for *.py)")
    parser.add_argument("--format", choices=REPORT_FORMATS, default="markdown",
                        help="output format (default: markdown)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    plumbing.add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ..checker import DEPTH_LIMIT_WARNING
    from ..config import ConfigError
    from ..files import display
    from ..report.collect import SKIPPED_PREFIX, build_report
    from ..report.render import RENDERERS
    from ..writes import WriteRefused, write_output

    try:
        found = plumbing.setup(args)
    except ConfigError as exc:
        return plumbing.usage_error(str(exc), command="report")
    report = build_report(args.paths, settings=found.settings, selection=found.selection, jobs=found.jobs,
                          files=found.files, problems=found.problems, max_file_size=found.max_file_size,
                          cache_dir=found.cache_dir)
    text = RENDERERS[args.format](report)
    status = report.exit_status()
    for path in report.missing:
        print(display(f"{path}: error: no such file or directory"), file=sys.stderr)
    for file in report.files:
        if file.problem:
            what = "" if file.problem.startswith(SKIPPED_PREFIX) else "not checked: "  # "skipped: ..." says it
            print(display(f"{file.path}: {what}{file.problem}"), file=sys.stderr)
        elif file.depth_limit_reached:
            print(display(f"{file.path}: warning: {DEPTH_LIMIT_WARNING}"), file=sys.stderr)
    if args.output:
        try:
            write_output(args.output, text.encode("utf-8"))
        except (OSError, WriteRefused) as exc:
            print(display(f"{PROG} report: error: cannot write {args.output}: "
                          f"{getattr(exc, 'strerror', None) or exc}"), file=sys.stderr)
            return exit_codes.worst(status, exit_codes.USAGE)
        t = report.totals()
        print(display(f"Wrote {args.format} report to {args.output}: {t['findings']} findings in "
                      f"{t['files_with_findings']} of {t['files_checked']} files ({t['safe']} safe fixes, "
                      f"{t['unsafe']} unsafe fixes, {t['manual']} need a person)."), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return status
