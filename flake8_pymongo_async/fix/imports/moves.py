"""PMA110: ``from pymongo.collection import AsyncCollection`` -> ``from pymongo.asynchronous.collection ...``."""
from __future__ import annotations

import ast
from typing import Dict, List, Optional

from ...diagnostics import Diagnostic, ImportFrom
from ..context import FixContext
from ..edits import Edit, Plan, PlanSet, Refusal, list_item_removal
from .needs import ImportWriter, Need, render_statements, statement_separator


def _move_of(d: Diagnostic) -> Optional[ImportFrom]:
    return d.fix.action if d.fix is not None and isinstance(d.fix.action, ImportFrom) else None


def plan_import_from(ctx: FixContext, diagnostics: List[Diagnostic]) -> PlanSet:
    result = PlanSet()
    by_stmt: Dict[ast.ImportFrom, List[Diagnostic]] = {}
    moves_of: Dict[ast.ImportFrom, Dict[str, str]] = {}
    for d in diagnostics:
        move = _move_of(d)
        stmt = _enclosing_import_from(ctx, d, move) if move is not None else None
        if stmt is None or move is None:
            result.refusals.append(Refusal(d, "the import statement could not be located"))
            continue
        by_stmt.setdefault(stmt, []).append(d)
        moves_of.setdefault(stmt, {})[move.imported] = move.module
    for stmt, diags in by_stmt.items():
        node = ctx.sg.node_any(("import_from_statement",), ctx.span(stmt))
        if node is None:
            result.refusals.extend(Refusal(d, "the import statement could not be located") for d in diags)
            continue
        moves = moves_of[stmt]
        children = [c for c in node.children() if c.kind() in ("dotted_name", "aliased_import")]
        module_node, items = children[0], children[1:]
        if len(items) != len(stmt.names):
            result.refusals.extend(Refusal(d, "the import statement could not be located") for d in diags)
            continue
        homes = {moves.get(a.name) for a in stmt.names}
        if None not in homes and len(homes) == 1:
            home = str(homes.pop())
            result.plans.append(Plan(diags, [Edit(*ctx.sg.span(module_node), home)]))
            continue
        writer = ImportWriter(ctx, {stmt})
        needs = [Need("from", moves[a.name], a.name, a.asname) for a in stmt.names if a.name in moves]
        edits: List[Edit] = []
        if None not in homes:  # every name moves, to several modules
            edits.append(Edit(*ctx.span(stmt), render_statements(needs, statement_separator(ctx, stmt))))
        else:
            for alias, item in zip(stmt.names, items):
                if alias.name in moves:
                    edits.extend(Edit(s, e, "") for s, e in list_item_removal(ctx.pos, node, item))
            new: List[Need] = []
            for need in needs:
                if writer.provided(stmt, need):
                    continue
                target = writer.merge_target(stmt, need)
                if target is not None:
                    writer.add_merge(target, need)
                else:
                    new.append(need)
            edits.extend(writer.merge_edits())
            if new:
                start, end = ctx.span(stmt)
                if ctx.pos.starts_line(start) and ctx.pos.ends_line(end):
                    at = ctx.pos.line_end(end)
                    sep = ctx.pos.newline() + ctx.pos.indent_of(start)
                    edits.append(Edit(at, at, sep + render_statements(new, sep)))
                else:
                    edits.append(Edit(end, end, "; " + render_statements(new, "; ")))
        result.plans.append(Plan(diags, edits))
    return result


def _enclosing_import_from(ctx: FixContext, d: Diagnostic, move: ImportFrom) -> Optional[ast.ImportFrom]:
    for stmt in ast.walk(ctx.tree):
        if isinstance(stmt, ast.ImportFrom) and stmt.lineno <= d.line <= (stmt.end_lineno or stmt.lineno):
            if any(a.name == move.imported for a in stmt.names):
                return stmt
    return None
