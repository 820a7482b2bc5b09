"""Fix one source text: check, plan, apply, re-check, until nothing more applies (bounded).

Pure: text in, text out, no file system. ``fix_text`` never returns output that does not parse:
if a pass produces a syntax error (or code that no longer compiles while the input did), the
result is the original text and an error.
"""
from __future__ import annotations

import ast
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Literal, Optional, Tuple, Type

from .. import checker, noqa
from ..config import Selection
from ..diagnostics import Diagnostic, FixAction
from ..project.index import ModuleView
from ..settings import DEFAULT_SETTINGS, Settings
from .actions import plan_all
from .context import FixContext
from .edits import EditSet, Plan, Refusal, apply_edits
from .source import has_lone_cr, split_lines

MAX_PASSES = 10


@dataclass
class TextResult:
    original: str
    text: str  # the fixed text (== original when nothing applied or on error)
    applied: Counter[str] = field(default_factory=Counter)  # code -> diagnostics fixed
    actions: Counter[Type[FixAction]] = field(default_factory=Counter)  # kind of fix -> diagnostics fixed
    remaining: List[Diagnostic] = field(default_factory=list)  # selected, not noqa'd, after fixing
    # Of the remaining ones: fixable by another run with --unsafe-fixes, and why the others are not.
    unsafe_fixable: List[Diagnostic] = field(default_factory=list)
    refusals: List[Refusal] = field(default_factory=list)
    suppressed: int = 0  # diagnostics silenced by `# noqa`
    error: Optional[str] = None  # the file was left untouched because of this
    skipped: Optional[str] = None  # the file was not fixed at all (syntax error, unsupported)
    passes: int = 0
    converged: bool = True

    @property
    def changed(self) -> bool:
        return self.text != self.original


def _parse(text: str) -> ast.AST:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes and the like
        return ast.parse(text)


# Deeper than this, the fixer's scope analysis (fix/scopes.py recurses per level) is not run and
# the file is left as it is: a partial scope table could rename the wrong references.
MAX_FIX_DEPTH = 150
# CPython 3.12.1 and 3.13.0 crash in compile() on about 21 nested comprehensions (gh-156091,
# fixed in later patch releases); past this many the compile check is skipped (ast.parse still runs).
MAX_COMPILE_COMPREHENSIONS = 16
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _nesting(tree: ast.AST) -> Tuple[int, int]:
    """(deepest node nesting, deepest comprehension nesting), computed without recursion."""
    deepest = deepest_comprehension = 0
    stack = [(tree, 0, 0)]
    while stack:
        node, depth, comprehensions = stack.pop()
        if isinstance(node, _COMPREHENSIONS):
            comprehensions += 1
        deepest = max(deepest, depth)
        deepest_comprehension = max(deepest_comprehension, comprehensions)
        stack.extend((child, depth + 1, comprehensions) for child in ast.iter_child_nodes(node))
    return deepest, deepest_comprehension


def compiles_safely(text: str) -> bool:
    """Whether ``text`` compiles, without calling compile() where CPython itself may crash."""
    try:
        if _nesting(ast.parse(text))[1] > MAX_COMPILE_COMPREHENSIONS:
            return False
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return _compiles(text)


def _compiles(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fix>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _lines(text: str) -> List[str]:
    # What flake8 hands a plugin: physical lines with universal newlines.
    return [line[:-2] + "\n" if line.endswith("\r\n") else line for line in split_lines(text)]


@dataclass(frozen=True)
class DiagnosticFilter:
    """Which diagnostics count, as ``check`` decides: select/ignore/per-file-ignores and ``# noqa``."""

    settings: Settings = DEFAULT_SETTINGS
    selection: Selection = Selection()
    filename: Optional[str] = None  # for per-file-ignores
    project: Optional[ModuleView] = None  # what the rest of the project tells the checker

    def extra_ignore(self) -> Tuple[str, ...]:
        return self.selection.extra_ignore_for(self.filename) if self.filename else ()


class _Pass:
    """One check of one text, with the diagnostics that count split by what can be done."""

    def __init__(self, text: str, tree: ast.AST, counts: DiagnosticFilter) -> None:
        lines = _lines(text)
        analysis = checker.analyse(tree, lines, counts.settings, counts.project)
        self.all = analysis.diagnostics
        # Never true for `fix`, which skips files nested past MAX_FIX_DEPTH (below the model's limit).
        self.depth_limit_reached = analysis.depth_limit_reached
        extra = counts.extra_ignore()
        silencer = noqa.NoqaLookup(lines)
        self.suppressed = 0
        self.counted: List[Diagnostic] = []
        for d in self.all:
            if not counts.selection.is_selected(d.code, extra):
                continue
            if silencer.is_silenced(d.code, d.line):
                self.suppressed += 1
                continue
            self.counted.append(d)
        self.ctx = FixContext(text, tree, self.all)


def fix_text(text: str, *, settings: Settings = DEFAULT_SETTINGS, selection: Selection = Selection(),
             filename: Optional[str] = None, unsafe: bool = False,
             max_passes: int = MAX_PASSES, project: Optional[ModuleView] = None) -> TextResult:
    """Fix ``text``. ``selection`` and ``filename`` (for per-file-ignores) decide which diagnostics
    count, exactly as for ``check``; ``# noqa`` comments are respected."""
    counts = DiagnosticFilter(settings=settings, selection=selection, filename=filename, project=project)
    result = TextResult(original=text, text=text)
    if has_lone_cr(text):
        result.skipped = "line endings with a lone carriage return are not supported"
        return result
    try:
        tree = _parse(text)
    except (SyntaxError, ValueError) as exc:
        result.skipped = f"syntax error: {_syntax_message(exc)}"
        return result
    if noqa.file_is_ignored(_lines(text)):
        return result  # flake8 reports nothing for such a file: neither does the fixer
    depth, comprehensions = _nesting(tree)
    if depth > MAX_FIX_DEPTH:
        result.skipped = f"nested too deeply to fix safely ({depth} levels; the limit is {MAX_FIX_DEPTH})"
        return result
    original_compiles = comprehensions <= MAX_COMPILE_COMPREHENSIONS and _compiles(text)  # tree already parsed
    current = text
    state = _Pass(current, tree, counts)
    for number in range(max_passes):
        eligible = [d for d in state.counted if d.fix is not None and (d.fix.safe or unsafe)]
        if not eligible:
            break
        plans = plan_all(state.ctx, eligible)
        accepted = _choose(plans.plans)
        if not accepted:
            break
        edits = [e for plan in accepted for e in plan.edits]
        new = apply_edits(current, edits)
        result.passes = number + 1
        del state, plans, tree  # the previous pass's trees go before the next text is parsed
        try:
            tree = _parse(new)
        except (SyntaxError, ValueError) as exc:
            fixed = ", ".join(sorted({f"{d.code} (line {d.line})" for p in accepted for d in p.diagnostics}))
            result.error = (f"the fixes for {fixed} produced invalid code ({_syntax_message(exc)}); "
                            f"the file was left unchanged")
            return _untouched(result, text, counts)
        for plan in accepted:
            for d in plan.diagnostics:
                result.applied[d.code] += 1
                if d.fix is not None:  # always: only fixable diagnostics are planned
                    result.actions[type(d.fix.action)] += 1
        current = new
        state = _Pass(current, tree, counts)
    else:
        eligible = [d for d in state.counted if d.fix is not None and (d.fix.safe or unsafe)]
        if eligible and _choose(plan_all(state.ctx, eligible).plans):
            result.converged = False
    if original_compiles and current != text and not _compiles(current):
        result.error = "the fixed code parses but no longer compiles; the file was left unchanged"
        return _untouched(result, text, counts)
    result.text = current
    _finish(result, state, unsafe)
    return result


def _untouched(result: TextResult, text: str, counts: DiagnosticFilter) -> TextResult:
    result.text = text
    result.applied = Counter()
    result.actions = Counter()
    state = _Pass(text, _parse(text), counts)
    _finish(result, state, unsafe=False)
    return result


def _finish(result: TextResult, state: _Pass, unsafe: bool) -> None:
    result.remaining = list(state.counted)
    result.suppressed = state.suppressed
    fixable = [d for d in state.counted if d.fix is not None]
    plans = plan_all(state.ctx, fixable) if fixable else None
    planned = {id(d) for p in (plans.plans if plans else []) for d in p.diagnostics}
    result.unsafe_fixable = [d for d in fixable if id(d) in planned and d.fix is not None and not d.fix.safe]
    result.refusals = list(plans.refusals) if plans else []


def _choose(plans: List[Plan]) -> List[Plan]:
    """Plans whose edits touch disjoint text; the others wait for the next pass."""
    accepted: List[Plan] = []
    taken = EditSet()
    for plan in plans:
        if not plan.edits or _self_overlapping(plan):
            continue
        if taken.conflicts(plan.edits):
            continue
        taken.add(plan.edits)
        accepted.append(plan)
    return accepted


def _self_overlapping(plan: Plan) -> bool:
    edits = sorted(plan.edits, key=lambda e: (e.start, e.end))
    return any(a.end > b.start for a, b in zip(edits, edits[1:]))


def _syntax_message(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        where = f" (line {exc.lineno})" if exc.lineno else ""
        return f"{exc.msg}{where}"
    return str(exc)


# How a diagnostic gets fixed: by default, with --unsafe-fixes, or by hand.
HowFixed = Literal["safe", "unsafe", "manual"]


def classify(text: str, *, settings: Settings = DEFAULT_SETTINGS, selection: Selection = Selection(),
             filename: Optional[str] = None,
             project: Optional[ModuleView] = None) -> Tuple[List[Tuple[Diagnostic, HowFixed, str]], int, bool]:
    """Each counted diagnostic of ``text`` with how it gets fixed: "safe" (by default), "unsafe"
    (with --unsafe-fixes) or "manual", and why when manual. Also the number suppressed by noqa, and
    whether code nested past the model's limit went unchecked.

    Used by the report. Raises SyntaxError/ValueError on unparsable text.
    """
    tree = _parse(text)
    if noqa.file_is_ignored(_lines(text)):
        return [], 0, False
    state = _Pass(text, tree, DiagnosticFilter(settings=settings, selection=selection, filename=filename,
                                               project=project))
    fixable = [d for d in state.counted if d.fix is not None]
    plans = plan_all(state.ctx, fixable) if fixable else None
    planned = {id(d) for p in (plans.plans if plans else []) for d in p.diagnostics}
    reasons: Dict[int, str] = {id(r.diagnostic): r.reason for r in (plans.refusals if plans else [])}
    out: List[Tuple[Diagnostic, HowFixed, str]] = []
    for d in state.counted:
        if d.fix is not None and id(d) in planned:
            out.append((d, "safe" if d.fix.safe else "unsafe", ""))
        elif d.fix is not None:
            out.append((d, "manual", reasons.get(id(d), "the fixer cannot apply this fix here")))
        else:
            out.append((d, "manual", ""))
    return out, state.suppressed, state.depth_limit_reached
