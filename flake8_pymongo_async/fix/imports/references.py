"""The references to what an import bound: reads of a name in the tree and in string annotations."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

from ..context import FixContext
from ..edits import Edit
from ..scopes import LexicalScope, ScopeModel


class Refused(Exception):
    """The Motor fix cannot be applied to these statements; the message says why."""


@dataclass(eq=False)
class Ref:
    """A read of a name: in the module's tree, or inside a string annotation."""

    node: ast.Name
    scope: LexicalScope
    parents: Dict[ast.AST, ast.AST]
    base: Optional[int] = None  # string annotations: offset of the string's first character
    value: str = ""  # string annotations: the string's contents

    def span(self, ctx: FixContext, node: ast.expr) -> Tuple[int, int]:
        if self.base is None:
            return ctx.span(node)
        raw = self.value.encode("utf-8")
        start = self.base + len(raw[:node.col_offset].decode("utf-8", errors="ignore"))
        end = self.base + len(raw[:node.end_col_offset].decode("utf-8", errors="ignore"))
        return start, end

    def line(self, ctx: FixContext) -> int:
        return ctx.pos.line_of(self.span(ctx, self.node)[0]) + 1

    def edit(self, ctx: FixContext, node: ast.expr, new: str) -> Edit:
        """Replace ``node`` (this name, or an attribute chain above it) with ``new``, after checking
        that the text there is what the tree says (positions inside f-strings were not always
        right before Python 3.12)."""
        start, end = self.span(ctx, node)
        text = ctx.text[start:end]
        last = node.attr if isinstance(node, ast.Attribute) else self.node.id
        if not (text.startswith(self.node.id) and text.endswith(last)):
            raise Refused(f"the reference at line {self.line(ctx)} could not be located exactly")
        return Edit(start, end, new)

    def chain(self) -> List[ast.Attribute]:
        """``motor.motor_asyncio.X``: the attribute nodes above the name, innermost first."""
        out = []
        current: ast.AST = self.node
        while True:
            parent = self.parents.get(current)
            if isinstance(parent, ast.Attribute) and parent.value is current:
                out.append(parent)
                current = parent
            else:
                return out


def collect_refs(ctx: FixContext, model: ScopeModel, names: Set[str]) -> Dict[str, List[Ref]]:
    refs: Dict[str, List[Ref]] = {}
    for node, scope in model.loads:
        if node.id in names:
            refs.setdefault(node.id, []).append(Ref(node, scope, model.parents))
    for string in model.strings:
        literal_start, literal_end = ctx.span(string.node)
        literal = ctx.text[literal_start:literal_end]
        quote = literal[:1]
        if quote not in ("'", '"') or literal != quote + string.value + quote:
            continue  # prefixes, escapes, implicit concatenation: positions would be guesses
        local_parents = {}
        for parent in ast.walk(string.expr):
            for child in ast.iter_child_nodes(parent):
                local_parents[child] = parent
        for sub in ast.walk(string.expr):
            if isinstance(sub, ast.Name) and sub.id in names:
                refs.setdefault(sub.id, []).append(
                    Ref(sub, string.scope, local_parents, base=literal_start + 1, value=string.value))
    return refs


def module_all(tree: ast.AST) -> Set[str]:
    names: Set[str] = set()
    for stmt in getattr(tree, "body", []):
        targets: List[ast.expr] = []
        value = None
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            targets, value = [stmt.target], stmt.value
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and isinstance(
                value, (ast.List, ast.Tuple, ast.Set)):
            names.update(e.value for e in value.elts
                         if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return names


def truth_test(ref: Ref) -> bool:
    """``if not motor:``, ``motor is None``, ``assert motor``: only whether the module imported."""
    parent = ref.parents.get(ref.node)
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and parent.test is ref.node:
        return True
    if isinstance(parent, ast.BoolOp):
        return True
    if (isinstance(parent, ast.Compare) and len(parent.ops) == 1
            and isinstance(parent.ops[0], (ast.Is, ast.IsNot))):
        other = parent.comparators[0] if parent.left is ref.node else parent.left
        return isinstance(other, ast.Constant) and other.value is None
    return False


def binds_package(binding: ast.AST, name: str) -> bool:
    """``import name`` / ``import name.sub``: binds ``name`` to the package itself."""
    return isinstance(binding, ast.Import) and any(
        a.asname is None and a.name.partition(".")[0] == name for a in binding.names)
