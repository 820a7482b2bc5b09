"""Writing import statements: the bindings an import must provide (``Need``), rendering them, and
merging them into imports the module already has."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Dict, List, Literal, Optional, Sequence, Set, Tuple

from ...api import tables
from ..context import FixContext
from ..edits import Edit

ImportForm = Literal["from", "import"]  # `from module import name` or `import module`


@dataclass(frozen=True)
class Need:
    """One binding an import statement must provide."""

    kind: ImportForm
    module: str
    name: str = ""  # for "from"
    asname: Optional[str] = None

    def alias_text(self) -> str:
        base = self.name if self.kind == "from" else self.module
        return f"{base} as {self.asname}" if self.asname and self.asname != base else base

    def statement(self) -> str:
        if self.kind == "from":
            return f"from {self.module} import {self.alias_text()}"
        return f"import {self.alias_text()}"


def render_statements(needs: Sequence[Need], separator: str) -> str:
    """``from M import a, b`` per module (first-seen order) and ``import X`` lines."""
    groups: Dict[str, List[Need]] = {}
    order: List[Tuple[ImportForm, str]] = []
    for need in needs:
        if need.kind == "from":
            if need.module not in groups:
                groups[need.module] = []
                order.append(("from", need.module))
            if need not in groups[need.module]:
                groups[need.module].append(need)
        elif ("import", need.statement()) not in order:
            order.append(("import", need.statement()))
    # `import pymongo` is implied by `import pymongo.asynchronous.database` in the same place.
    plain = [key for kind, key in order if kind == "import" and " as " not in key]
    order = [(kind, key) for kind, key in order
             if not (kind == "import" and " as " not in key and any(p.startswith(key + ".") for p in plain))]
    lines = []
    for kind, key in order:
        if kind == "from":
            lines.append(f"from {key} import " + ", ".join(n.alias_text() for n in groups[key]))
        else:
            lines.append(key)
    return separator.join(lines)


class ImportWriter:
    """Finds imports that already provide a binding, and merges new names into them."""

    def __init__(self, ctx: FixContext, skip: Set[ast.stmt]) -> None:
        self.ctx = ctx
        self.skip = skip  # statements being rewritten: never a merge target
        self.merges: Dict[ast.ImportFrom, List[Need]] = {}

    def _candidates(self, stmt: ast.stmt) -> List[ast.stmt]:
        """Imports of the same block that bind their names before anything can use ``stmt``'s:
        every earlier one, and the later ones up to the first statement that is not an import."""
        _, block = self.ctx.scopes.statement_block(stmt)
        found: List[ast.stmt] = []
        seen = False
        for other in block:
            if other is stmt:
                seen = True
                continue
            if not isinstance(other, (ast.Import, ast.ImportFrom)):
                if seen:
                    break
                continue
            future = isinstance(other, ast.ImportFrom) and other.module == "__future__"
            if other not in self.skip and not future:
                found.append(other)
        return found

    def provided(self, stmt: ast.stmt, need: Need) -> bool:
        """An earlier import of the same block already binds what ``need`` binds, to the same object."""
        for other in self._candidates(stmt):
            if need.kind == "import" and isinstance(other, ast.Import):
                for alias in other.names:
                    if need.asname:
                        if alias.name == need.module and alias.asname == need.asname:
                            return True
                    elif alias.asname is None and (alias.name == need.module or (
                            "." not in need.module and alias.name.startswith(need.module + "."))):
                        return True
            elif need.kind == "from" and isinstance(other, ast.ImportFrom) and not other.level:
                homes = tables.ASYNC_NAME_IMPORTABLE.get(need.name, ()) + (need.module,)
                if other.module in homes:
                    for alias in other.names:
                        same_binding = (alias.asname or alias.name) == (need.asname or need.name)
                        if alias.name == need.name and same_binding:
                            return True
        return False

    def merge_target(self, stmt: ast.stmt, need: Need) -> Optional[ast.ImportFrom]:
        if need.kind != "from":
            return None
        for other in self._candidates(stmt):
            if (isinstance(other, ast.ImportFrom) and not other.level and other.module == need.module
                    and not any(a.name == "*" for a in other.names)):
                return other
        return None

    def add_merge(self, target: ast.ImportFrom, need: Need) -> None:
        needs = self.merges.setdefault(target, [])
        if need not in needs:
            needs.append(need)

    def merge_edits(self) -> List[Edit]:
        edits = []
        for target, needs in self.merges.items():
            edit = append_to_from_import(self.ctx, target, needs)
            if edit is None:
                return []
            edits.append(edit)
        return edits


def append_to_from_import(ctx: FixContext, stmt: ast.ImportFrom, needs: Sequence[Need]) -> Optional[Edit]:
    node = ctx.sg.node_any(("import_from_statement",), ctx.span(stmt))
    if node is None:
        return None
    children = [c for c in node.children() if c.kind() != "comment"]
    names = [c for c in children if c.kind() in ("dotted_name", "aliased_import")][1:]  # [0] is the module
    if not names:
        return None
    last = names[-1]
    index = next(i for i, c in enumerate(children) if ctx.sg.span(c) == ctx.sg.span(last))
    texts = [n.alias_text() for n in needs]
    after = children[index + 1] if index + 1 < len(children) else None
    pos = ctx.pos
    if after is not None and after.kind() == ",":  # trailing comma inside parentheses
        at = ctx.sg.span(after)[1]
        last_start = ctx.sg.span(last)[0]
        if pos.starts_line(last_start):
            sep = pos.newline() + pos.indent_of(last_start)
            return Edit(at, at, "".join(sep + t + "," for t in texts))
        return Edit(at, at, "".join(" " + t + "," for t in texts))
    at = ctx.sg.span(last)[1]
    return Edit(at, at, "".join(", " + t for t in texts))


def statement_deletion(ctx: FixContext, stmt: ast.stmt) -> Optional[Tuple[int, int]]:
    """The whole lines of ``stmt`` when it stands alone on them, else None."""
    start, end = ctx.span(stmt)
    pos = ctx.pos
    if not pos.starts_line(start) or not pos.ends_line(end):
        return None  # `x = 1; import motor`: not alone on its lines
    return pos.line_start(start), pos.next_line_start(end)


def statement_separator(ctx: FixContext, stmt: ast.stmt) -> str:
    start, _ = ctx.span(stmt)
    if ctx.pos.starts_line(start):
        return ctx.pos.newline() + ctx.pos.indent_of(start)
    return "; "
