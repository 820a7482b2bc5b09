"""Statements and scopes: how each statement binds names, and how branches and loops join.

A part of ``SemanticModel``: a mixin over ``state.ModelState``.
Branches are walked on copies of the environment and merged where they join.
"""
from __future__ import annotations

import ast
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Union

from .events import Loop, TryStatement, UseContext
from .expressions import MAX_DEPTH, dotted
from .external import absolute_module
from .frameworks import record_store
from .resolve import resolve_dotted, resolve_import
from .state import ModelState
from .values import FALSE, NONE, TRUE, ClassInfo, Conflict, Obj, Value, merge

_TERMINAL = (ast.Return, ast.Raise, ast.Continue, ast.Break)

# Statement type -> the model's `_s_<Type>` method (or None), filled as types are first met.
_STATEMENT_HANDLERS: Dict[type, Optional[Callable[..., None]]] = {}

Env = Dict[str, Value]


class Statements(ModelState):
    def block(self, stmts: Iterable[ast.stmt]) -> None:
        for stmt in stmts:
            self.stmt(stmt)

    def stmt(self, node: ast.stmt) -> None:
        if self.depth > MAX_DEPTH:
            self.depth_limit_reached = True
            return
        self.depth += 1
        self.current_stmt = node
        try:
            kind = type(node)
            try:
                handler = _STATEMENT_HANDLERS[kind]
            except KeyError:  # resolved once per statement type per process, not per statement
                handler = _STATEMENT_HANDLERS[kind] = getattr(type(self), "_s_" + kind.__name__, None)
            if handler is None:
                for child in ast.iter_child_nodes(node):
                    self.visit(child)
            else:
                handler(self, node)
        finally:
            self.depth -= 1

    def _s_Expr(self, node: ast.Expr) -> None:
        self.consume(self.expr(node.value), "discard", node.value)

    def _s_Assign(self, node: ast.Assign) -> None:
        value = self.expr(node.value)
        for target in node.targets:
            self.consume(value, _target_context(target), node.value)
            self.bind(target, value, node.value)

    def _s_AnnAssign(self, node: ast.AnnAssign) -> None:
        declared = self.annotation(node.annotation)
        value = self.expr(node.value) if node.value is not None else None
        if node.value is not None:
            self.consume(value, _target_context(node.target), node.value)
        if isinstance(node.target, ast.Name):
            if declared is not None and not isinstance(declared, Conflict):
                self.bind(node.target, declared, node.value)
                if self.scope.kind == "class" and self.scope.cls is not None:
                    self.scope.cls.attr_annotations[node.target.id] = declared
            elif node.value is not None:
                self.bind(node.target, value, node.value)
        else:
            if declared is not None and isinstance(node.target, ast.Attribute):
                cls = self._self_attribute(node.target)
                if cls is not None:
                    cls.attr_annotations[node.target.attr] = declared
            self.bind(node.target, value if node.value is not None else declared, node.value)

    def _s_AugAssign(self, node: ast.AugAssign) -> None:
        self.consume(self.expr(node.value), "value", node.value)
        if isinstance(node.target, ast.Name):
            self.expr(node.target)  # reads the name first; value unknown afterwards
            self.assign_name(node.target.id, None)
        else:
            self.target_expr(node.target)

    def _s_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.scope.env.pop(target.id, None)
            else:
                self.target_expr(target)

    def _s_Return(self, node: ast.Return) -> None:
        value = self.expr(node.value) if node.value is not None else NONE
        if node.value is not None:
            self.consume(value, "return", node.value)
        if self.current_function is not None:
            self.current_function.returns.append(value)

    def _s_Global(self, node: ast.Global) -> None:
        # At module level (also in a module-level `if` or `try`) `global` changes nothing: the
        # names stay plain module names, rebound by each assignment.
        if self.scope is not self.module_scope:
            self.scope.global_names.update(node.names)

    def _s_Import(self, node: ast.Import) -> None:
        # A library module the model knows first; else a module of the project (ProjectView).
        for alias in node.names:
            if alias.asname:
                self.assign_name(alias.asname, resolve_import(alias.name) or self.imports.import_module(alias.name))
            else:
                top = alias.name.split(".")[0]
                self.assign_name(top, resolve_import(top) or self.imports.import_package(alias.name))
        for on_import in self.handlers.import_:
            on_import(self, node)

    def _s_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                continue
            value = None
            if not node.level and node.module:
                value = resolve_dotted(node.module + "." + alias.name)
            if value is None:
                module = absolute_module(node.level, node.module, self.project.package)
                if module is not None:
                    value = self.imports.name_in(module, alias.name)
                    if isinstance(value, Obj) and value.is_async and self.scope is self.module_scope:
                        # One object of the module it comes from, whatever this module calls it:
                        # the functions that use it reach it (PMA402 follows it across event loops).
                        self.module_roots[alias.asname or alias.name] = alias.asname or alias.name
            self.assign_name(alias.asname or alias.name, value)
        for on_import in self.handlers.import_:
            on_import(self, node)

    def _s_If(self, node: ast.If) -> None:
        test = self.expr(node.test)
        self.consume(test, "truth", node.test)
        # `if _IS_SYNC:` with `_IS_SYNC = False`: the branch never runs, so it reports nothing.
        dead = node.orelse if test == TRUE else node.body if test == FALSE else None
        self.branches([node.body, node.orelse], dead)

    def _s_Assert(self, node: ast.Assert) -> None:
        self.consume(self.expr(node.test), "truth", node.test)
        if node.msg is not None:
            self.consume(self.expr(node.msg), "value", node.msg)

    def _s_While(self, node: ast.While) -> None:
        self.consume(self.expr(node.test), "truth", node.test)
        self.loop(node, dict(self.scope.env))

    def _s_For(self, node: Union[ast.For, ast.AsyncFor]) -> None:
        iterable = self.expr(node.iter)
        is_async = isinstance(node, ast.AsyncFor)
        self.consume(iterable, "async_iterate" if is_async else "iterate", node.iter)
        for on_iterate in self.handlers.iterate:
            on_iterate(self, node, node.iter, iterable, is_async)
        before = dict(self.scope.env)
        self.bind(node.target, self.item_value(iterable, is_async), None)
        self.loop(node, before)

    _s_AsyncFor = _s_For

    def _s_With(self, node: Union[ast.With, ast.AsyncWith]) -> None:
        is_async = isinstance(node, ast.AsyncWith)
        for item in node.items:
            value = self.expr(item.context_expr)
            self.consume(value, "async_with" if is_async else "with", item.context_expr)
            for on_with in self.handlers.with_:
                on_with(self, node, item, value, is_async)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, self.enter_value(value), None)
        # `with self.assertRaises(TypeError):` / `with pytest.raises(...):`: a test asserting that
        # the body fails; a hazard there either is that failure or stops the test passing.
        expected_to_fail = 1 if any(_asserts_raising(item.context_expr) for item in node.items) else 0
        self.dead += expected_to_fail
        try:
            self.block(node.body)
        finally:
            self.dead -= expected_to_fail

    _s_AsyncWith = _s_With

    def _s_Try(self, node: TryStatement) -> None:
        before = dict(self.scope.env)
        for on_try_start in self.handlers.try_start:
            on_try_start(self, node)
        self.block(node.body)
        for on_try_end in self.handlers.try_end:
            on_try_end(self, node)
        after_body = self.scope.env
        ends = []
        if not _terminates(node.body):
            self.scope.env = dict(after_body)
            self.block(node.orelse)
            if not _terminates(node.orelse) or not node.orelse:
                ends.append(self.scope.env)
        for handler in node.handlers:
            self.scope.env = _join([before, after_body])
            if handler.type is not None:
                self.expr(handler.type)
            if handler.name:
                self.assign_name(handler.name, None)
            self.block(handler.body)
            if not _terminates(handler.body):
                ends.append(self.scope.env)
        self.scope.env = _join(ends) if ends else _join([before, after_body])
        self.block(node.finalbody)

    _s_TryStar = _s_Try

    def _s_Match(self, node: "ast.Match") -> None:
        self.expr(node.subject)
        before = dict(self.scope.env)
        ends = [before]
        key = id(node)
        for index, case in enumerate(node.cases):
            for on_branch in self.handlers.branch:
                on_branch(self, key, index)
            self.scope.env = dict(before)
            self.visit(case.pattern)
            if case.guard is not None:
                self.expr(case.guard)
            self.block(case.body)
            if not _terminates(case.body):
                ends.append(self.scope.env)
        for on_branches_end in self.handlers.branches_end:
            on_branches_end(self, key)
        self.scope.env = _join(ends)

    # ------------------------------------------------------------------ flow
    def branches(self, bodies: Sequence[List[ast.stmt]],
                 dead: Optional[List[ast.stmt]] = None) -> None:
        before = self.scope.env
        ends = []
        # keyed by the first body's list, which the AST owns (a temporary's id could be reused)
        key = id(bodies[0])
        for index, body in enumerate(bodies):
            for on_branch in self.handlers.branch:
                on_branch(self, key, index)
            self.scope.env = dict(before)
            if body is dead:
                self.dead += 1
                try:
                    self.block(body)
                finally:
                    self.dead -= 1
                continue
            self.block(body)
            if not _terminates(body):
                ends.append(self.scope.env)
        for on_branches_end in self.handlers.branches_end:
            on_branches_end(self, key)
        self.scope.env = _join(ends) if ends else dict(before)

    def loop(self, node: Loop, before: Env) -> None:
        """The body, run zero or more times (what it binds joins with `before`), then the `else`."""
        for on_loop_start in self.handlers.loop_start:
            on_loop_start(self, node)
        self.block(node.body)
        for on_loop_end in self.handlers.loop_end:
            on_loop_end(self, node)
        self.scope.env = _join([before, self.scope.env])
        self.block(node.orelse)

    # ------------------------------------------------------------------ binding
    def assign_name(self, name: str, value: Value) -> None:
        scope = self.scope
        if name in scope.global_names:
            module = scope.module()
            module.env[name] = merge_optional(module.env[name], value) if name in module.env else value
            return
        scope.env[name] = value

    def bind(self, target: ast.AST, value: Value, value_node: Optional[ast.AST]) -> None:
        if isinstance(target, ast.Name):
            if self.scope.kind == "module" and isinstance(value, Obj) and value.is_async:
                root = _leftmost_name(value_node) if value_node is not None else None
                self.module_roots[target.id] = self.module_roots.get(root, target.id) if root else target.id
            self.assign_name(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind(element.value if isinstance(element, ast.Starred) else element, None, None)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, None, None)
        elif isinstance(target, ast.Attribute):
            record_store(self, target, value)  # `app.state.mongo = client`
            self.target_expr(target)
            cls = self._self_attribute(target)
            if cls is not None:
                cls.attr_values.setdefault(target.attr, []).append(value)
            chain = dotted(target)
            if chain is not None:
                self.scope.chains[chain] = value
                self.chain_attrs.add(target.attr)
        else:
            record_store(self, target, value)  # aiohttp `app["mongo"] = client`
            self.target_expr(target)

    def target_expr(self, target: ast.AST) -> None:
        """Evaluate the parts of an assignment target that are read (`a.b` in `a.b.c = x`)."""
        if isinstance(target, ast.Attribute):
            base = self.expr(target.value)
            for on_attribute in self.handlers.attribute:
                on_attribute(self, target, base, True)
        elif isinstance(target, ast.Subscript):
            base = self.expr(target.value)
            self.expr(target.slice)
            for on_subscript in self.handlers.subscript:
                on_subscript(self, target, base, True)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.target_expr(element)
        elif isinstance(target, ast.Starred):
            self.target_expr(target.value)

    def _self_attribute(self, target: ast.Attribute) -> Optional[ClassInfo]:
        """The class whose instance attribute `self.x` this is, inside one of its methods."""
        if not isinstance(target.value, ast.Name):
            return None
        func = self.current_function
        if func is None or func.cls is None:
            return None
        args = func.node.args.posonlyargs + func.node.args.args
        if args and args[0].arg == target.value.id and not is_static(func.node):
            return func.cls
        return None


def _asserts_raising(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = dotted(node.func)
    return name is not None and (name == "pytest.raises" or name.rpartition(".")[2].startswith("assertRaises"))


def _terminates(body: Sequence[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], _TERMINAL)


def _join(envs: Sequence[Env]) -> Env:
    if not envs:
        return {}
    if len(envs) == 1:
        return dict(envs[0])
    # Start from the first path and fold in only what the others changed: branches usually
    # rebind a few names, so this avoids visiting every name of a large environment.
    first = envs[0]
    joined: Env = dict(first)
    for env in envs[1:]:
        if env is first:
            continue
        for name, value in env.items():
            if name in joined:
                old = joined[name]
                if old is not value and old != value:
                    joined[name] = merge_optional(old, value)
            else:
                joined[name] = value
    return joined


def merge_optional(a: Value, b: Value) -> Value:
    """Join two values where None (the constant) stands for "not set yet": Optional[X] is X."""
    if a is NONE:
        return b
    if b is NONE:
        return a
    return merge(a, b)


def _leftmost_name(node: ast.AST) -> Optional[str]:
    """`client` for `client.app.users`, `client["app"]`, `client.get_database("x").c`, `await ...`."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Await)):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return None


def _target_context(target: ast.AST) -> UseContext:
    if isinstance(target, ast.Name):
        return "bind"
    if isinstance(target, (ast.Tuple, ast.List)):
        return "unpack"  # iterates the value
    return "store"


def decorator_names(node: ast.AST) -> List[str]:
    names = []
    for d in getattr(node, "decorator_list", ()):
        target = d.func if isinstance(d, ast.Call) else d
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, ast.Attribute):
            names.append(target.attr)
    return names


def is_static(node: ast.AST) -> bool:
    return "staticmethod" in decorator_names(node)
