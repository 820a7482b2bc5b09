"""Rewriting the Motor import statements: each becomes the imports its entries need (merged into
an existing ``from pymongo import ...`` where one fits), or goes when nothing is left of it."""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from ..context import FixContext
from ..edits import Edit, list_item_removal
from .entries import Entry, is_motor
from .needs import ImportWriter, Need, render_statements, statement_deletion, statement_separator


class RefuseStatements(Exception):
    """These statements cannot be fixed (each with its reason); the others may still be."""

    def __init__(self, reasons: Dict[ast.stmt, str]) -> None:
        super().__init__("refused")
        self.reasons = reasons


@dataclass
class StatementChange:
    """One Motor import statement, its entries, and what its rewrite must still provide."""

    stmt: ast.stmt
    entries: List[Entry]
    block: List[ast.stmt]  # the statement list it is in
    kept: List[Need] = field(default_factory=list)  # written where the statement is
    merged: List[Tuple[ast.ImportFrom, Need]] = field(default_factory=list)  # into existing imports


class StatementRewriter:
    """Rewrites the statements of one fix, in source order: what one wrote, the next does not repeat."""

    def __init__(self, ctx: FixContext, entries: List[Entry]) -> None:
        self.ctx = ctx
        self.by_stmt: Dict[ast.stmt, List[Entry]] = {}
        for entry in entries:
            self.by_stmt.setdefault(entry.stmt, []).append(entry)
        self.writer = ImportWriter(ctx, set(self.by_stmt))
        self.emitted: Dict[int, List[Need]] = {}  # per block: needs written by earlier statements
        self.deleted: Dict[int, int] = {}  # per block: statements deleted so far

    def edits(self) -> List[Edit]:
        edits: List[Edit] = []
        for stmt in sorted(self.by_stmt, key=lambda s: (s.lineno, s.col_offset)):
            block_node, block = self.ctx.scopes.statement_block(stmt)
            done = self.emitted.setdefault(id(block_node), [])
            change = StatementChange(stmt, self.by_stmt[stmt], block)
            self._choose_needs(change, done)
            if isinstance(stmt, ast.Import):
                edits.extend(self._rewrite_import(stmt, change))
            elif isinstance(stmt, ast.ImportFrom):
                edits.extend(self._rewrite_from(stmt, change))
            done.extend(change.kept)
        edits.extend(self.writer.merge_edits())
        return edits

    def _choose_needs(self, change: StatementChange, done: List[Need]) -> None:
        """Which needs the statement writes itself, and which go into an existing import."""
        stmt, kept = change.stmt, change.kept
        for entry in change.entries:
            for need in entry.needs:
                if need in done or need in kept or self.writer.provided(stmt, need) or (
                        need.kind == "import" and not need.asname and any(
                            n.kind == "import" and not n.asname and n.module.startswith(need.module + ".")
                            for n in done)):
                    continue
                target = self.writer.merge_target(stmt, need)
                if target is not None:
                    change.merged.append((target, need))
                    continue
                kept.append(need)
        # `import pymongo` is implied by `import pymongo.asynchronous.database` beside it.
        plain = [n.module for n in kept if n.kind == "import" and not n.asname]
        change.kept = [n for n in kept if not (
            n.kind == "import" and not n.asname and any(m.startswith(n.module + ".") for m in plain))]

    def _deletion(self, change: StatementChange) -> Optional[Edit]:
        """Deleting the statement's lines, unless it is not alone on them or is the last of its block."""
        deletion = statement_deletion(self.ctx, change.stmt)
        key = id(change.block)
        if deletion is None or self.deleted.get(key, 0) + 1 >= len(change.block):
            return None
        self.deleted[key] = self.deleted.get(key, 0) + 1
        return Edit(*deletion, "")

    def _rewrite_import(self, stmt: ast.Import, change: StatementChange) -> List[Edit]:
        ctx = self.ctx
        node = ctx.sg.node_any(("import_statement",), ctx.span(stmt))
        if node is None:
            raise RefuseStatements({stmt: "the import statement could not be located"})
        items = [c for c in node.children() if c.kind() in ("dotted_name", "aliased_import")]
        if len(items) != len(stmt.names):
            raise RefuseStatements({stmt: "the import statement could not be located"})
        kept_left = list(change.kept)
        texts: List[Optional[str]] = []
        for alias, item in zip(stmt.names, items):
            if not is_motor(alias.name):
                texts.append(None)
                continue
            entry = next(e for e in change.entries if e.alias is alias)
            mine = [n for n in entry.needs if n in kept_left]
            for n in mine:
                kept_left.remove(n)
            texts.append(", ".join(n.alias_text() for n in mine))
        if all(t == "" for t in texts):
            deletion = self._deletion(change)
            if deletion is not None:
                return [deletion]
            # cannot delete: write the imports anyway (a harmless duplicate)
            first = change.entries[0]
            texts = [", ".join(n.alias_text() for n in first.needs) if t == "" and i == 0 else t
                     for i, t in enumerate(texts)]
            if texts[0] == "":
                texts[0] = first.home
        if len(texts) == 1 and texts[0] and ", " in texts[0]:
            # `import motor.motor_asyncio as ma` that now needs two modules: one statement each
            lines = ["import " + part for part in texts[0].split(", ")]
            return [Edit(*ctx.span(stmt), statement_separator(ctx, stmt).join(lines))]
        edits: List[Edit] = []
        for item, text in zip(items, texts):
            if text is None:
                continue
            if text == "":
                edits.extend(Edit(s, e, "") for s, e in list_item_removal(ctx.pos, node, item, closers=()))
            else:
                edits.append(Edit(*ctx.sg.span(item), text))
        return edits

    def _rewrite_from(self, stmt: ast.ImportFrom, change: StatementChange) -> List[Edit]:
        ctx = self.ctx
        node = ctx.sg.node_any(("import_from_statement",), ctx.span(stmt))
        if node is None:
            raise RefuseStatements({stmt: "the import statement could not be located"})
        kept, merged = change.kept, change.merged
        if not kept:
            deletion = self._deletion(change)
            if deletion is not None:
                for target, need in merged:
                    self.writer.add_merge(target, need)
                return [deletion]
            kept = [n for e in change.entries for n in e.needs]
            merged = []
        for target, need in merged:
            self.writer.add_merge(target, need)
        # Minimal edits when every name keeps its place: the module, then each changed name.
        modules = {n.module for n in kept}
        simple = (not merged and len(kept) == len(stmt.names) and len(modules) == 1
                  and all(n.kind == "from" for n in kept))
        if simple:
            kinds = ("dotted_name", "aliased_import", "relative_import")
            children = [c for c in node.children() if c.kind() in kinds]
            module_node, items = children[0], children[1:]
            if len(items) == len(stmt.names):
                edits = [Edit(*ctx.sg.span(module_node), kept[0].module)]
                for alias, item in zip(stmt.names, items):
                    entry = next(e for e in change.entries if e.alias is alias)
                    need = entry.needs[0]
                    keeps_alias = need.asname == alias.asname and need.name != need.asname
                    name_node = item.field("name") if item.kind() == "aliased_import" else None
                    if name_node is not None and keeps_alias:
                        edits.append(Edit(*ctx.sg.span(name_node), need.name))
                    elif need.alias_text() != ctx.text[slice(*ctx.sg.span(item))]:
                        edits.append(Edit(*ctx.sg.span(item), need.alias_text()))
                return edits
        text = render_statements(kept, statement_separator(ctx, stmt))
        return [Edit(*ctx.span(stmt), text)]
