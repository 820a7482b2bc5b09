"""The standalone command: ``flake8-pymongo-async <subcommand> ...``.

Each subcommand is one ``Command`` in ``COMMANDS``: ``configure`` adds its arguments to its
sub-parser, ``run`` does the work and returns the exit status (``exit_codes``). ``main`` parses,
dispatches, and turns anything unexpected into a one-line internal error (exit 3), never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence

from . import __version__, exit_codes
from .defaults import PROG

if TYPE_CHECKING:
    from .rules.registry import Rule


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
    # The whole catalog is always listed now; --all is kept so that old invocations still work.
    parser.add_argument("--all", action="store_true", help=argparse.SUPPRESS)


def _catalog() -> List[Rule]:
    """Every registered rule, by code.

    Imported here, not at module level, so that even a broken import is reported by ``main``
    as an internal error instead of a traceback.
    """
    from .rules.registry import RULES

    return list(RULES.values())


def _run_rules(args: argparse.Namespace) -> int:
    """Every registered rule. Every one is checked: ``implemented`` stays in the output for its readers."""
    from .docs_render import first_sentence

    rules = _catalog()
    if args.format == "json":
        print(json.dumps(
            [
                {"code": r.code, "name": r.name, "fix": r.fix_availability.value, "implemented": True,
                 "summary": first_sentence(r.docs.what)}
                for r in rules
            ],
            indent=2,
        ))
    elif args.format == "markdown":
        print("| code | name | fix | implemented | summary |")
        print("|---|---|---|---|---|")
        for r in rules:
            summary = " ".join(first_sentence(r.docs.what).split()).replace("|", "\\|")
            print(f"| {r.code} | {r.name} | {r.fix_availability.value} | yes | {summary} |")
    else:
        width = max((len(r.name) for r in rules), default=0)
        for r in rules:
            print(f"{r.code}  {r.name:<{width}}  fix: {r.fix_availability.value}")
    return exit_codes.OK


# --- check, fix, report, explain ---------------------------------------------------------------
# Their code lives in commands/; imported when the parser is built, inside ``main``, so that a
# broken import is an internal error reported by ``main``, never a traceback.


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"{__package__}.commands.{name}")


def _lazy(name: str, help: str) -> Command:
    """The command of ``commands/<name>.py``, whose ``configure`` and ``run`` load when called."""
    return Command(help=help, configure=lambda parser: _command_module(name).configure(parser),
                   run=lambda args: int(_command_module(name).run(args)))


def _configure_explain(parser: argparse.ArgumentParser) -> None:
    from .commands import explain

    explain.configure(parser)


def _run_explain(args: argparse.Namespace) -> int:
    from .commands import explain

    return explain.run(args)


# --- dispatch ----------------------------------------------------------------------------------

COMMANDS: Dict[str, Command] = {
    "check": _lazy("check", help="check files as `flake8 --select=PMA` does, without flake8 (text, json, sarif, "
                                 "github)"),
    "explain": Command(help="explain a rule: what it reports, why, the fix, references",
                       configure=_configure_explain, run=_run_explain),
    "fix": _lazy("fix", help="apply the fixes: safe ones by default, --unsafe-fixes for the rest; --diff to preview"),
    "report": _lazy("report", help="the migration picture of a codebase: findings per rule and file, what the fixer "
                                   "does, what needs a person (markdown, json, html)"),
    "rules": Command(help="list every rule (code, name, fix availability, summary)",
                     configure=_configure_rules, run=_run_rules),
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
    except SystemExit as exc:  # --help, --version (0), or argparse's usage error (2, already printed)
        return exc.code if isinstance(exc.code, int) else exit_codes.USAGE
    return int(args.run(args))


def main(argv: Optional[Sequence[str]] = None) -> int:
    from .processes import Terminated, exit_status, handle_interrupts

    try:
        with handle_interrupts():  # SIGTERM, like Ctrl-C, unwinds: temp files go, workers end
            return _main(argv)
    except (KeyboardInterrupt, Terminated) as interrupt:
        return exit_status(interrupt)
    except BrokenPipeError:
        # The reader went away (`... | head`): silence the final flush as well.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exit_codes.FOUND  # the output was cut short: not a clean run, not a bug either
    except Exception as exc:
        from .files import display

        print(display(f"{PROG}: internal error: {type(exc).__name__}: {exc}"), file=sys.stderr)
        return exit_codes.INTERNAL


if __name__ == "__main__":
    sys.exit(main())
