"""PMA101's fix: plan the Motor imports of a module together, and resolve conflicts between them:
refusing one statement can make another unsafe (they share a name), so planning repeats without
the refused ones until what is left can be fixed."""
from __future__ import annotations

import ast
from typing import Dict, List, Tuple

from ...diagnostics import Diagnostic
from ..context import FixContext
from ..edits import Edit, Plan, PlanSet, Refusal
from .entries import Entry, motor_entries
from .references import Refused, collect_refs, module_all
from .renames import Group, RenameContext, rename_group
from .rewrite import RefuseStatements, StatementRewriter


def plan_motor_imports(ctx: FixContext, diagnostics: List[Diagnostic]) -> PlanSet:
    result = PlanSet()
    statements: Dict[ast.stmt, Diagnostic] = {}
    for d in diagnostics:
        stmt = ctx.node_of(d, (ast.Import, ast.ImportFrom))
        if stmt is None:
            result.refusals.append(Refusal(d, "the import statement could not be located"))
        else:
            statements[stmt] = d
    refused: Dict[ast.stmt, str] = {}
    for _ in range(len(statements) + 1):
        active = {s: d for s, d in statements.items() if s not in refused}
        if not active:
            break
        try:
            edits, notes = _plan(ctx, list(active))
        except RefuseStatements as exc:
            refused.update(exc.reasons)
            continue
        if edits:
            result.plans.append(Plan(diagnostics=list(active.values()), edits=edits, note=notes))
        break
    for stmt, reason in refused.items():
        result.refusals.append(Refusal(statements[stmt], reason))
    return result


def _plan(ctx: FixContext, statements: List[ast.stmt]) -> Tuple[List[Edit], str]:
    """The edits that fix ``statements`` together, and the modules they import (for the summary)."""
    model = ctx.scopes
    entries: List[Entry] = []
    problems: Dict[ast.stmt, str] = {}
    for stmt in statements:
        scope = model.scope_of_stmt.get(stmt, model.module)
        try:
            entries.extend(motor_entries(stmt, scope))
        except Refused as exc:
            problems[stmt] = str(exc)
    if problems:
        raise RefuseStatements(problems)
    fixing = {id(e.stmt) for e in entries}
    names = {e.bound for e in entries} | {e.target[1] for e in entries if e.target}
    refs = collect_refs(ctx, model, names)
    rc = RenameContext(ctx, model, exported=module_all(ctx.tree), fixing=fixing)
    edits: List[Edit] = []
    by_binding: Dict[Tuple[int, str], List[Entry]] = {}
    for entry in entries:
        by_binding.setdefault((id(entry.scope), entry.bound), []).append(entry)
    for (_, bound), group_entries in by_binding.items():
        scope = group_entries[0].scope
        group = Group(
            entries=group_entries,
            refs=[r for r in refs.get(bound, []) if model.resolve(bound, r.scope) is scope],
            others=[b for b in scope.bindings.get(bound, []) if id(b) not in fixing],
        )
        try:
            edits.extend(rename_group(rc, group))
        except Refused as exc:
            raise RefuseStatements({e.stmt: str(exc) for e in group_entries})
    edits.extend(StatementRewriter(ctx, entries).edits())
    modules = sorted({n.module for e in entries for n in e.needs})
    return edits, ", ".join(modules)
