"""Which binding each name refers to, for renaming Motor names module-wide without touching the
wrong ones (a parameter or a local that happens to share the name).

A small pyflakes-style model: one scope per module, class, function, lambda and comprehension;
the names each scope binds; where every name is read; the string annotations (``"AsyncIOMotorClient"``)
whose names are read too. Lookup follows Python: a function's names are local if bound anywhere in
it, ``global``/``nonlocal`` redirect, class scopes are invisible from nested functions.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Literal, Optional, Set, Tuple

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


ScopeKind = Literal["module", "class", "function", "lambda", "comprehension"]


@dataclass(eq=False)
class LexicalScope:
    """A module, class, function, lambda or comprehension body: the names it binds."""

    node: ast.AST
    kind: ScopeKind
    parent: Optional[LexicalScope]
    bindings: Dict[str, List[ast.AST]] = field(default_factory=dict)
    globals: Set[str] = field(default_factory=set)
    nonlocals: Set[str] = field(default_factory=set)

    def bind(self, name: str, node: ast.AST) -> None:
        self.bindings.setdefault(name, []).append(node)


@dataclass(frozen=True, eq=False)
class StringAnnotation:
    node: ast.Constant  # the string literal (its value is a str)
    value: str
    scope: LexicalScope
    expr: ast.expr  # its parsed contents (positions relative to the string's text)


class ScopeModel:
    def __init__(self, tree: ast.AST) -> None:
        self.module = LexicalScope(tree, "module", None)
        self.scopes: List[LexicalScope] = [self.module]
        self.loads: List[Tuple[ast.Name, LexicalScope]] = []
        self.strings: List[StringAnnotation] = []
        self.parents: Dict[ast.AST, ast.AST] = {}
        self.scope_of_stmt: Dict[ast.AST, LexicalScope] = {}
        self._visit_body(getattr(tree, "body", []), self.module, tree)

    # ------------------------------------------------------------------ lookup
    def resolve(self, name: str, scope: LexicalScope) -> Optional[LexicalScope]:
        """The scope whose binding ``name`` refers to when read in ``scope`` (None: builtin/undefined)."""
        if name in scope.globals:
            return self.module if name in self.module.bindings else None
        current: Optional[LexicalScope] = scope
        if name in scope.nonlocals:
            current = scope.parent
            while current is not None and current.kind == "class":
                current = current.parent
        first = current is scope
        while current is not None:
            visible = first or current.kind != "class"
            if visible and name in current.bindings and name not in current.globals \
                    and (current is scope or name not in current.nonlocals):
                return current
            if name in current.globals and current is not scope:
                return self.module if name in self.module.bindings else None
            first = False
            current = current.parent
        return None

    def chain(self, scope: LexicalScope, stop: LexicalScope) -> Iterator[LexicalScope]:
        """The scopes a lookup from ``scope`` passes through before reaching ``stop``."""
        current: Optional[LexicalScope] = scope
        while current is not None and current is not stop:
            yield current
            current = current.parent

    def statement_block(self, stmt: ast.stmt) -> Tuple[Optional[ast.AST], List[ast.stmt]]:
        """The node and the statement list that contain ``stmt`` (every statement of the module has
        a parent; None only for one that is not in the tree)."""
        parent = self.parents.get(stmt)
        for name in ("body", "orelse", "finalbody", "handlers"):
            block: object = getattr(parent, name, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                return parent, block
        return parent, [stmt]

    # ------------------------------------------------------------------ walk
    def _new_scope(self, node: ast.AST, kind: ScopeKind, parent: LexicalScope) -> LexicalScope:
        scope = LexicalScope(node, kind, parent)
        self.scopes.append(scope)
        return scope

    def _visit_body(self, body: List[ast.stmt], scope: LexicalScope, parent: ast.AST) -> None:
        for stmt in body:
            self.parents[stmt] = parent
            self._stmt(stmt, scope)

    def _link(self, node: ast.AST, parent: ast.AST) -> None:
        self.parents[node] = parent

    def _stmt(self, node: ast.stmt, scope: LexicalScope) -> None:
        self.scope_of_stmt[node] = scope
        if isinstance(node, _FUNCTIONS):
            scope.bind(node.name, node)
            for deco in node.decorator_list:
                self._expr(deco, scope, node)
            self._arguments_outer(node.args, scope, node)
            if node.returns is not None:
                self._expr(node.returns, scope, node, annotation=True)
            inner = self._new_scope(node, "function", scope)
            self._bind_arguments(node.args, inner)
            self._visit_body(node.body, inner, node)
            return
        if isinstance(node, ast.ClassDef):
            scope.bind(node.name, node)
            for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
                self._expr(expr, scope, node)
            inner = self._new_scope(node, "class", scope)
            self._visit_body(node.body, inner, node)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                scope.bind(alias.asname or alias.name.partition(".")[0], node)
            return
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    scope.bind(alias.asname or alias.name, node)
            return
        if isinstance(node, ast.Global):
            scope.globals.update(node.names)
            return
        if isinstance(node, ast.Nonlocal):
            scope.nonlocals.update(node.names)
            return
        if isinstance(node, ast.AnnAssign):
            self._expr(node.annotation, scope, node, annotation=True)
            if node.value is not None:
                self._expr(node.value, scope, node)
            self._expr(node.target, scope, node)
            return
        for name, value in ast.iter_fields(node):
            if isinstance(value, list):
                if value and all(isinstance(v, ast.stmt) for v in value):
                    self._visit_body(value, scope, node)
                    continue
                for item in value:
                    self._child(item, scope, node)
            elif isinstance(value, ast.AST):
                self._child(value, scope, node)

    def _child(self, item: ast.AST, scope: LexicalScope, parent: ast.AST) -> None:
        if isinstance(item, ast.stmt):
            self._link(item, parent)
            self._stmt(item, scope)
        elif isinstance(item, ast.expr):
            self._expr(item, scope, parent)
        elif isinstance(item, ast.ExceptHandler):
            self._link(item, parent)
            if item.name:
                scope.bind(item.name, item)
            if item.type is not None:
                self._expr(item.type, scope, item)
            self._visit_body(item.body, scope, item)
        elif isinstance(item, ast.AST):
            self._link(item, parent)
            if type(item).__name__ in ("MatchAs", "MatchStar") and getattr(item, "name", None):
                scope.bind(item.name, item)  # type: ignore[attr-defined]
            if type(item).__name__ == "MatchMapping" and getattr(item, "rest", None):
                scope.bind(item.rest, item)  # type: ignore[attr-defined]
            for _, value in ast.iter_fields(item):
                values = value if isinstance(value, list) else [value]
                if values and all(isinstance(v, ast.stmt) for v in values):
                    self._visit_body(values, scope, item)
                    continue
                for v in values:
                    if isinstance(v, ast.AST):
                        self._child(v, scope, item)

    def _arguments_outer(self, args: ast.arguments, scope: LexicalScope, owner: ast.AST) -> None:
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self._expr(default, scope, owner)
        for arg in self._all_args(args):
            if arg.annotation is not None:
                self._expr(arg.annotation, scope, arg, annotation=True)

    @staticmethod
    def _all_args(args: ast.arguments) -> List[ast.arg]:
        found = [*getattr(args, "posonlyargs", []), *args.args, *args.kwonlyargs]
        if args.vararg:
            found.append(args.vararg)
        if args.kwarg:
            found.append(args.kwarg)
        return found

    def _bind_arguments(self, args: ast.arguments, scope: LexicalScope) -> None:
        for arg in self._all_args(args):
            scope.bind(arg.arg, arg)

    def _expr(self, node: ast.expr, scope: LexicalScope, parent: ast.AST, annotation: bool = False) -> None:
        self._link(node, parent)
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                self.loads.append((node, scope))
            else:
                target = self.module if node.id in scope.globals else scope
                target.bind(node.id, node)
            return
        if isinstance(node, ast.NamedExpr):
            owner = scope
            while owner.kind == "comprehension" and owner.parent is not None:
                owner = owner.parent
            self._link(node.target, node)
            (self.module if node.target.id in owner.globals else owner).bind(node.target.id, node.target)
            self._expr(node.value, scope, node)
            return
        if isinstance(node, ast.Lambda):
            self._arguments_outer(node.args, scope, node)
            inner = self._new_scope(node, "lambda", scope)
            self._bind_arguments(node.args, inner)
            self._expr(node.body, inner, node)
            return
        if isinstance(node, _COMPREHENSIONS):
            generators = node.generators
            self._expr(generators[0].iter, scope, node)
            inner = self._new_scope(node, "comprehension", scope)
            for i, gen in enumerate(generators):
                self._link(gen, node)
                self._expr(gen.target, inner, gen)
                if i:
                    self._expr(gen.iter, inner, gen)
                for cond in gen.ifs:
                    self._expr(cond, inner, gen)
            if isinstance(node, ast.DictComp):
                self._expr(node.key, inner, node)
                self._expr(node.value, inner, node)
            else:
                self._expr(node.elt, inner, node)
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and annotation:
            self._string_annotation(node, scope)
            return
        if isinstance(node, ast.Call) and _is_cast(node.func) and node.args:
            first = node.args[0]
            self._expr(node.func, scope, node)
            self._expr(first, scope, node, annotation=True)
            for rest in [*node.args[1:], *(k.value for k in node.keywords)]:
                self._expr(rest, scope, node)
            for kw in node.keywords:
                self._link(kw, node)
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                # Inside an annotation, subscripts and operators keep the annotation context:
                # `Optional["AsyncIOMotorClient"]`, `"A" | None`.
                self._expr(child, scope, node, annotation=annotation)
            else:
                self._child(child, scope, node)

    def _string_annotation(self, node: ast.Constant, scope: LexicalScope) -> None:
        text = node.value
        if not isinstance(text, str) or "\n" in text or "\r" in text or not text.strip():
            return
        try:
            parsed = ast.parse(text, mode="eval").body
        except SyntaxError:
            return
        self.strings.append(StringAnnotation(node, text, scope, parsed))


def _is_cast(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "cast") or (
        isinstance(func, ast.Attribute) and func.attr == "cast")


def parent_map(tree: ast.AST) -> Dict[ast.AST, ast.AST]:
    parents: Dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents
