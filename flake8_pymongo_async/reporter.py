"""Where the rules' findings for one module go: the checker's ``Reporter``.

It drops what the semantic model says is dead code (a branch that never runs), keeps one finding
per code and position, and hands them out sorted by position.
"""
from __future__ import annotations

from typing import List, Mapping, Optional, Set, Tuple

from .diagnostics import Diagnostic, Fix, NoCounterpart
from .semantic.view import RuleLike, Site


class Reporter:
    """A ``semantic.view.DiagnosticSink`` that collects ``Diagnostic``s."""

    __slots__ = ("_diagnostics", "_seen")

    def __init__(self) -> None:
        self._diagnostics: List[Diagnostic] = []
        self._seen: Set[Tuple[str, int, int]] = set()

    def report(self, rule: RuleLike, node: Site, fix: Optional[Fix], fields: Mapping[str, object],
               dead: bool, unfixable: Optional[NoCounterpart] = None) -> None:
        if dead:
            return
        line: int = getattr(node, "lineno", 1)
        col: int = getattr(node, "col_offset", 0)
        key = (rule.code, line, col)
        if key in self._seen:  # two paths to one site (a node walked twice, two events)
            return
        self._seen.add(key)
        self._diagnostics.append(
            Diagnostic(
                code=rule.code,
                line=line,
                col=col,
                end_line=getattr(node, "end_lineno", None) or line,
                end_col=getattr(node, "end_col_offset", None) or col,
                message=rule.format(**fields),
                fix=fix,
                unfixable=unfixable,
            )
        )

    def diagnostics(self) -> List[Diagnostic]:
        """What was reported, by position (then code)."""
        return sorted(self._diagnostics, key=lambda d: (d.line, d.col, d.code))
