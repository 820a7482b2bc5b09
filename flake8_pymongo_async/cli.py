"""The standalone command: ``flake8-pymongo-async <subcommand> ...``.

Each subcommand is one ``Command`` in ``COMMANDS``: ``configure`` adds its arguments to its
sub-parser, ``run`` does the work and returns the exit status. ``main`` parses, dispatches, and
turns anything unexpected into a one-line internal error (exit 2), never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple

from . import __version__

if TYPE_CHECKING:
    from .rules.registry import Rule

PROG = "flake8-pymongo-async"

EXIT_OK = 0
EXIT_ERROR = 2  # usage errors (argparse's own code) and internal errors


@dataclass(frozen=True)
class Command:
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --- rules -------------------------------------------------------------------------------------

RULE_FORMATS = ("text", "json", "markdown")


def _configure_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=RULE_FORMATS, default="text", help="output format (default: text)",
    )
    parser.add_argument(
        "--all", action="store_true",
        help="also list the catalog's codes whose check is not implemented yet",
    )


def _catalog() -> Tuple[List[Rule], FrozenSet[str]]:
    """Every registered rule by code, and the codes whose check exists.

    Imported here, not at module level, so that even a broken import is reported by ``main``
    as an internal error instead of a traceback.
    """
    from . import checker
    from .rules import catalog  # noqa: F401  (importing the catalog registers every rule)
    from .rules.registry import RULES

    return [RULES[code] for code in sorted(RULES)], frozenset(checker.IMPLEMENTED_CODES)


def _run_rules(args: argparse.Namespace) -> int:
    every, implemented = _catalog()
    rules = [r for r in every if args.all or r.code in implemented]
    if args.format == "json":
        print(json.dumps(
            [
                {"code": r.code, "name": r.name, "fix": r.fix, "implemented": r.code in implemented}
                for r in rules
            ],
            indent=2,
        ))
    elif args.format == "markdown":
        print("| code | name | fix |")
        print("|---|---|---|")
        for r in rules:
            pending = "" if r.code in implemented else " (not implemented yet)"
            print(f"| {r.code} | {r.name}{pending} | {r.fix} |")
    else:
        width = max((len(r.name) for r in rules), default=0)
        for r in rules:
            pending = "" if r.code in implemented else "  (not implemented yet)"
            print(f"{r.code}  {r.name:<{width}}  fix: {r.fix}{pending}")
        if not rules:
            print(f"{PROG}: no rule is implemented yet (--all lists the catalog)", file=sys.stderr)
    return EXIT_OK


# --- dispatch ----------------------------------------------------------------------------------

COMMANDS: Dict[str, Command] = {
    "rules": Command(help="list the rules (code, name, fix applicability)", configure=_configure_rules,
                     run=_run_rules),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Find what breaks when Motor (or sync PyMongo) code moves to PyMongo Async.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=command.help, description=command.help)
        command.configure(sub_parser)
        sub_parser.set_defaults(run=command.run)
    return parser


def _main(argv: Optional[Sequence[str]]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or argparse's usage error (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    return int(args.run(args))


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): silence the final flush as well.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        print(f"{PROG}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
