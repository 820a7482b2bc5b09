"""``flake8-pymongo-async fix PATH... [--diff] [--unsafe-fixes] [--select CODES] [--ignore CODES] [-j N]``.

Files are found, and diagnostics selected, exactly as ``check`` does it: the same directory walk
and excludes, ``[tool.flake8-pymongo-async]`` in ``pyproject.toml`` (select, ignore,
per-file-ignores, extend-exclude, extra-factories, max-file-size), ``--select``/``--ignore``
overriding it, and ``# noqa``. What ``check`` does not report, ``fix`` does not touch; a file over
``max-file-size`` is not read.
"""
from __future__ import annotations

import argparse
import difflib
import sys
from collections import Counter
from concurrent.futures import Future, as_completed, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from .. import exit_codes, plumbing, processes
from ..config import ConfigError, Selection
from ..files import TooLarge, display
from ..filesize import DEFAULT_MAX_FILE_SIZE
from ..fix.source import SourceError, SourceFile, read_source, write_source
from ..defaults import PROG
from ..plumbing import STDIN
from ..settings import Settings
from ..writes import WriteRefused

if TYPE_CHECKING:  # the engine (ast-grep-py, the checker) loads only when a file is fixed
    from ..diagnostics import Diagnostic, NoCounterpart
    from ..fix.edits import Refusal

# After Ctrl-C, how long the workers' files in progress may take to come back (written or not).
INTERRUPT_GRACE_SECONDS = 0.5


@dataclass
class FileOutcome:
    path: str
    changed: bool = False
    diff: str = ""
    applied: Counter[str] = field(default_factory=Counter)
    remaining: List[Diagnostic] = field(default_factory=list)
    unsafe_fixable: int = 0
    refusals: List[Refusal] = field(default_factory=list)
    suppressed: int = 0
    error: Optional[str] = None
    internal: bool = False  # the error is the tool's own failure (exit_codes.INTERNAL)
    skipped: Optional[str] = None
    converged: bool = True


@dataclass(frozen=True)
class Options:
    settings: Settings
    selection: Selection
    unsafe: bool
    diff: bool
    roots: Tuple[str, ...] = ()  # the paths given: a symlink is written through only to a file inside
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes, 0 for no limit
    cache_dir: Optional[str] = None  # where module summaries are cached; None: not on disk


# ---------------------------------------------------------------------- one file
def process_file(path: str, options: Options, index: int) -> FileOutcome:
    """Fix one file and write it (or compute its diff), in a worker; ``index``: its place in the run.
    Never raises: every problem becomes ``error``."""
    outcome, fixed = fix_file(path, options)
    with processes.deferred_signals():
        write_fixed(outcome, fixed, options)
        if fixed is not None and outcome.changed:
            processes.mark_written(index)
    return outcome


def fix_file(path: str, options: Options) -> Tuple[FileOutcome, Optional[Tuple[SourceFile, str]]]:
    """The outcome of fixing ``path``, and the source and fixed text still to be written (if any)."""
    from ..fix.engine import fix_text
    from ..project.index import shared_index

    outcome = FileOutcome(path=path)
    try:
        source = read_source(path, options.max_file_size)
    except TooLarge as exc:
        outcome.skipped = str(exc)
        return outcome, None
    except SourceError as exc:
        outcome.error = str(exc)
        return outcome, None
    try:
        result = fix_text(source.text, settings=options.settings, selection=options.selection,
                          filename=path, unsafe=options.unsafe,
                          project=shared_index(options.settings, options.cache_dir).view(path))
    except RecursionError:
        outcome.error, outcome.internal = "internal error: the file is nested too deeply to fix", True
        return outcome, None
    except Exception as exc:  # a fixer bug must not lose the other files' results
        outcome.error, outcome.internal = f"internal error: {type(exc).__name__}: {exc}", True
        return outcome, None
    outcome.applied = result.applied
    outcome.remaining = result.remaining
    outcome.unsafe_fixable = len(result.unsafe_fixable)
    outcome.refusals = result.refusals
    outcome.suppressed = result.suppressed
    outcome.error = result.error
    outcome.internal = result.error is not None  # the fixes broke the code: a fixer bug, file left as it was
    outcome.skipped = result.skipped
    outcome.converged = result.converged
    if not result.changed:
        return outcome, None
    outcome.changed = True
    if options.diff:
        outcome.diff = unified_diff(path, result.original, result.text)
        return outcome, None
    return outcome, (source, result.text)


def write_fixed(outcome: FileOutcome, fixed: Optional[Tuple[SourceFile, str]], options: Options) -> None:
    """Write what ``fix_file`` left to write; a refusal or failure becomes ``skipped`` or ``error``."""
    if fixed is None:
        return
    if processes.stop_requested():  # the parent was interrupted: start no new write
        _not_written(outcome)
        return
    source, text = fixed
    try:
        write_source(source, text, options.roots)
    except WriteRefused as exc:
        _not_written(outcome)
        outcome.skipped = str(exc)
    except (OSError, UnicodeEncodeError) as exc:
        _not_written(outcome)
        outcome.error = f"cannot write: {getattr(exc, 'strerror', None) or exc}"


def _not_written(outcome: FileOutcome) -> None:
    outcome.changed = False
    outcome.applied = Counter()  # nothing was fixed in this file


def unified_diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(_diff_lines(old), _diff_lines(new), fromfile=display(path), tofile=display(path))
    return "".join(lines)


def _diff_lines(text: str) -> List[str]:
    # Keep "\r\n" visible as "\n" in the diff; mark a missing final newline the way diff(1) does.
    lines = [line.replace("\r\n", "\n") for line in text.splitlines(keepends=True)]
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


# ---------------------------------------------------------------------- many files
class Interrupted(Exception):
    """SIGINT or SIGTERM stopped ``run_files``; ``outcomes`` are the files finished before it."""

    def __init__(self, signal_exit: int, outcomes: List[FileOutcome]) -> None:
        super().__init__(signal_exit)
        self.exit_status = signal_exit
        self.outcomes = outcomes


def run_files(files: Sequence[str], options: Options, jobs: int,
              progress: Optional[TextIO]) -> List[FileOutcome]:
    """Every file's outcome, in the order of ``files``; raises ``Interrupted`` on SIGINT/SIGTERM."""
    results: Dict[str, FileOutcome] = {}
    total = len(files)

    def tick(done: int, path: str) -> None:
        if progress is not None:
            shown = display(path)
            shown = shown if len(shown) <= 60 else "..." + shown[-57:]
            progress.write(f"\r\x1b[K[{done}/{total}] {shown}")
            progress.flush()

    try:
        if jobs <= 1 or total <= 1:
            for i, path in enumerate(files, 1):
                tick(i, path)
                outcome, fixed = fix_file(path, options)
                with processes.deferred_signals():  # written and recorded, or neither
                    write_fixed(outcome, fixed, options)
                    results[path] = outcome
        else:
            _run_parallel(files, options, min(jobs, total), results, tick)
    except (KeyboardInterrupt, processes.Terminated) as exc:
        raise Interrupted(processes.exit_status(exc), [results[p] for p in files if p in results]) from None
    finally:
        if progress is not None and total:
            progress.write("\r\x1b[K")
            progress.flush()
    return [results[path] for path in files]


def _run_parallel(files: Sequence[str], options: Options, jobs: int, results: Dict[str, FileOutcome],
                  tick: Callable[[int, str], None]) -> None:
    import multiprocessing

    stop = multiprocessing.Event()
    ledger = processes.WriteLedger(len(files))
    pool = processes.process_pool(jobs, stop, ledger)
    futures: Dict[Future[FileOutcome], str] = {}

    def collect(future: Future[FileOutcome]) -> None:
        path = futures.pop(future)
        tick(len(results) + 1, path)
        try:
            results[path] = future.result()
        except Exception as exc:  # a worker that died
            results[path] = FileOutcome(path=path, error=f"internal error: {type(exc).__name__}: {exc}",
                                        internal=True)

    try:
        with processes.signals_held_for_workers():
            futures.update((pool.submit(process_file, path, options, index), path)
                           for index, path in enumerate(files))
        for future in as_completed(list(futures)):
            collect(future)
    except BaseException:
        # Workers start no new write; the files they are writing come back within the grace period,
        # so that what was changed is known; the rest are abandoned unwritten.
        stop.set()
        processes.cancel_pending(pool)
        try:
            done, _ = wait(list(futures), timeout=INTERRUPT_GRACE_SECONDS)
            for future in done:
                if not future.cancelled():
                    collect(future)
        finally:
            processes.stop_pool(pool)
            # A file written by a worker whose result had not arrived yet is still changed.
            for index in ledger.written():
                results.setdefault(files[index], FileOutcome(path=files[index], changed=True))
        raise
    pool.shutdown(wait=True)


# ---------------------------------------------------------------------- the command
def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files and directories (walked for *.py)")
    parser.add_argument("--diff", action="store_true",
                        help="print a unified diff of the fixes and write nothing")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply the fixes that can change behaviour (see each rule's Fix safety)")
    plumbing.add_common_arguments(parser)
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="do not list the diagnostics left, only the summary")


def run(args: argparse.Namespace) -> int:
    if STDIN in args.paths:
        return plumbing.usage_error("'-' (stdin) is not supported: fix rewrites files", command="fix")
    try:
        found = plumbing.setup(args)
    except ConfigError as exc:
        return plumbing.usage_error(str(exc), command="fix")
    files, jobs = found.files, found.jobs
    options = Options(settings=found.settings, selection=found.selection, unsafe=args.unsafe_fixes,
                      diff=args.diff, roots=tuple(args.paths), max_file_size=found.max_file_size,
                      cache_dir=found.cache_dir)
    progress = sys.stderr if sys.stderr.isatty() else None
    out = sys.stdout
    summary_out = sys.stderr if args.diff else sys.stdout
    try:
        outcomes = run_files(files, options, jobs, progress)
    except Interrupted as stop:
        write_interrupted(summary_out, stop.outcomes, diff=args.diff)
        return stop.exit_status
    try:
        return _report(args, found, outcomes, out, summary_out)
    except (KeyboardInterrupt, processes.Terminated) as exc:
        # Every file was done when the signal came: say which were changed, as for an interrupt
        # while fixing, rather than leave the user with no word of what was written.
        write_interrupted(summary_out, outcomes, diff=args.diff)
        return processes.exit_status(exc)


def _report(args: argparse.Namespace, found: plumbing.Setup, outcomes: List[FileOutcome], out: TextIO,
            summary_out: TextIO) -> int:
    """What the run did and what is left; the exit status."""
    outcomes.extend(FileOutcome(path=path, error=reason) for path, reason in found.problems)
    for outcome in outcomes:
        if outcome.diff:
            out.write(outcome.diff)
    for outcome in outcomes:
        if outcome.error:
            print(display(f"{outcome.path}: error: {outcome.error}"), file=sys.stderr)
        elif outcome.skipped:
            print(display(f"{outcome.path}: skipped: {outcome.skipped}"), file=sys.stderr)
        elif not outcome.converged:
            print(display(f"{outcome.path}: warning: fixes still applied after the last pass; run fix again"),
                  file=sys.stderr)
    if not args.diff and not args.quiet:
        for outcome in outcomes:
            reasons = {(r.diagnostic.line, r.diagnostic.col, r.diagnostic.code): r.reason
                       for r in outcome.refusals}
            for d in outcome.remaining:
                why = reasons.get((d.line, d.col, d.code))
                if d.fix is not None and why:
                    note = f"  [not fixed: {why}]"
                elif d.fix is not None and not d.fix.safe and not args.unsafe_fixes:
                    note = "  [fixable with --unsafe-fixes]"
                else:
                    note = ""
                print(display(f"{outcome.path}:{d.line}:{d.col + 1}: {d.code} {d.message}{note}"), file=out)
    write_summary(summary_out, outcomes, diff=args.diff, unsafe=args.unsafe_fixes)
    out.flush()
    # --diff writes nothing: the diagnostics the diff fixes are still in the files.
    left = any(o.remaining for o in outcomes) or (args.diff and any(o.changed for o in outcomes))
    return exit_codes.status(found=left, not_checked=any(o.error or o.skipped for o in outcomes),
                             internal=any(o.internal for o in outcomes))


def write_summary(out: TextIO, outcomes: Sequence[FileOutcome], diff: bool, unsafe: bool) -> None:
    from ..rules.registry import RULES

    applied: Counter[str] = Counter()
    for outcome in outcomes:
        applied.update(outcome.applied)
    changed = [o for o in outcomes if o.changed]
    fixed = sum(applied.values())
    verb = "Would fix" if diff else "Fixed"
    checked = len(outcomes)
    if fixed:
        print(f"{verb} {_n(fixed, 'diagnostic')} in {_n(len(changed), 'file')} "
              f"({checked} checked):", file=out)
        width = max(len(RULES[c].name) if c in RULES else 0 for c in applied)
        for code in sorted(applied):
            name = RULES[code].name if code in RULES else ""
            print(f"  {code}  {name:<{width}}  {applied[code]}", file=out)
    else:
        print(f"Nothing to fix ({_n(checked, 'file')} checked).", file=out)
    left = sum(len(o.remaining) for o in outcomes)
    unsafe_left = sum(o.unsafe_fixable for o in outcomes)
    suppressed = sum(o.suppressed for o in outcomes)
    if left:
        parts = []
        if unsafe_left and not unsafe:
            parts.append(f"{unsafe_left} fixable with --unsafe-fixes")
        by_hand = left - (0 if unsafe else unsafe_left)
        if by_hand:
            parts.append(f"{by_hand} need{'s' if by_hand == 1 else ''} a change by hand")
        print(f"{_n(left, 'diagnostic')} left: " + ", ".join(parts) + ".", file=out)
    else:
        print("No diagnostics left.", file=out)
    if suppressed:
        print(f"({_n(suppressed, 'diagnostic')} silenced by # noqa.)", file=out)
    motor_left = [(o.path, d) for o in outcomes for d in o.remaining if d.code == "PMA101"]
    if motor_left:
        reasons = {(o.path, r.diagnostic.line, r.diagnostic.col, r.diagnostic.code): r.reason
                   for o in outcomes for r in o.refusals}
        print(f"Motor imports left ({len(motor_left)}):", file=out)
        for path, d in motor_left:
            if d.fix is None:
                why = _no_counterpart(d.unfixable)
            else:
                why = reasons.get((path, d.line, d.col, d.code),
                                  "needs --unsafe-fixes" if not d.fix.safe else "not fixable here")
            print(display(f"  {path}:{d.line}: {why}"), file=out)
    errors = sum(1 for o in outcomes if o.error)
    skipped = sum(1 for o in outcomes if o.skipped)
    if errors or skipped:
        print(f"{_n(errors, 'file')} with errors, {skipped} skipped (see above).", file=out)


def write_interrupted(out: TextIO, outcomes: Sequence[FileOutcome], diff: bool) -> None:
    """What was changed before SIGINT/SIGTERM (every other file is as it was)."""
    changed = [o.path for o in outcomes if o.changed and not diff]
    print(f"{PROG} fix: interrupted; {_n(len(changed), 'file')} changed before the interrupt"
          f"{':' if changed else '.'}", file=out)
    for path in changed:
        print(display(f"  {path}"), file=out)
    out.flush()


def _no_counterpart(missing: Optional[NoCounterpart]) -> str:
    """Why a Motor import is left: what in it has no PyMongo Async counterpart."""
    if missing is None:
        return "no PyMongo Async counterpart"
    if missing.names:
        return "no PyMongo Async counterpart for " + ", ".join(f"`{name}`" for name in missing.names)
    return f"`{missing.module}` has no PyMongo Async counterpart"


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
