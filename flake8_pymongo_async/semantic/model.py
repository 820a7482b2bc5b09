"""The semantic model: one walk over the tree that knows which expressions are driver objects.

``Walker.run()`` visits every node once. Expressions are evaluated bottom-up (``expr`` returns the
value of a node); statements update the current scope's environment, so a name's value is that of
its latest binding on the path. Branches are walked on copies of the environment and merged where
they join. Function bodies are deferred to the end of the module (so they see later globals), and
walked earlier on demand when another function needs their return value or a class needs to know
what its methods store in ``self.x``. Rules subscribe to events (import, call, attribute, await,
iteration, ...) through ``rules.base.Family`` and read values from the walker; nothing is ever
written to the AST.
"""
from __future__ import annotations

import ast
from typing import Callable, Dict, Iterable, List, Optional, Sequence

from ..diagnostics import Diagnostic, Fix, NoCounterpart
from ..rules.registry import Rule
from ..settings import Settings
from . import kinds
from .scope import Scope
from .values import (
    CONFLICT,
    EXECUTOR,
    EventLoop,
    FALSE,
    NONE,
    TRUE,
    ClassInfo,
    ClassRef,
    Conflict,
    FuncRef,
    FunctionInfo,
    Instance,
    ListOf,
    Method,
    Module,
    Obj,
    Pending,
    Special,
    UserClass,
    Value,
    merge,
)

# Nesting deeper than this is not analysed: real code never comes close, and it keeps a
# pathological file from exhausting the interpreter's stack. The walk records that it stopped
# there (``Walker.depth_limit_reached``) so the commands can say so.
MAX_DEPTH = 200

_TERMINAL = (ast.Return, ast.Raise, ast.Continue, ast.Break)

# Expressions whose operands are used as values (a coroutine there is a bug); the operands of any
# other expression we do not model (list/tuple/dict displays, starred...) are stored, not used.
_VALUE_USES = (ast.BinOp, ast.JoinedStr, ast.FormattedValue, ast.Slice)

# Functions that need an asyncio.Future, which a coroutine is not (Motor's calls returned Futures).
FUTURE_ONLY_FUNCTIONS = frozenset({"asyncio.wrap_future", "asyncio.isfuture"})

# Builtins that iterate their arguments (map/filter iterate all but the first).
ITERATING_BUILTINS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "dict", "enumerate", "zip", "sum",
                                "any", "all", "min", "max", "map", "filter", "iter", "reversed"})

# Builtins that use their arguments' values and never await them.
NON_AWAITING_BUILTINS = frozenset({
    "print", "len", "list", "tuple", "set", "frozenset", "dict", "str", "repr", "bool", "int", "float",
    "sorted", "sum", "any", "all", "min", "max", "enumerate", "zip", "map", "filter", "iter", "next",
    "isinstance", "type", "id", "hash", "format", "vars", "reversed",
})


# Statement type -> Walker's `_s_<Type>` function (or None), filled as types are first met.
_STATEMENT_HANDLERS: Dict[type, Optional[Callable]] = {}


class Awaitable:
    """The coroutine of a module-level `async def` call: awaiting it gives ``result``."""

    __slots__ = ("result",)

    def __init__(self, result: Value) -> None:
        self.result = result


class Walker:
    def __init__(self, tree: ast.AST, lines: Sequence[str], settings: Settings, families: Sequence[object]) -> None:
        self.tree = tree
        self.lines = lines
        self.settings = settings
        self.diagnostics: List[Diagnostic] = []
        self.module_scope = Scope("module", None)
        self.scope = self.module_scope
        self.depth = 0
        self.depth_limit_reached = False  # some code was nested past MAX_DEPTH and not analysed
        self.deferred: List[FunctionInfo] = []
        self.values: Dict[int, Value] = {}  # id(expression node) -> value, for rules that look back
        self.parents: Dict[int, ast.AST] = {}  # id(child expression) -> parent, filled as we go
        self._hooks: Dict[str, List[Callable]] = {}
        for family in families:
            for event in ("import", "call", "attribute", "subscript", "await", "expr_stmt", "iterate", "with",
                          "function_end", "module_end", "name_store", "compare", "yield", "pending_use",
                          "try_start", "try_end"):
                handler = getattr(family, "on_" + event, None)
                if handler is not None:
                    self._hooks.setdefault(event, []).append(handler)
        self._handlers = {
            ast.Name: self._name,
            ast.Attribute: self._attribute,
            ast.Subscript: self._subscript,
            ast.Call: self._call,
            ast.Await: self._await,
            ast.Constant: self._constant,
            ast.NamedExpr: self._namedexpr,
            ast.IfExp: self._ifexp,
            ast.Lambda: self._lambda,
            ast.ListComp: self._comprehension,
            ast.SetComp: self._comprehension,
            ast.GeneratorExp: self._comprehension,
            ast.DictComp: self._comprehension,
            ast.Compare: self._compare,
            ast.BoolOp: self._boolop,
            ast.UnaryOp: self._unaryop,
            ast.Yield: self._yield,
            ast.Starred: self._starred,
            ast.YieldFrom: self._yield,
        }
        self.in_async_function = False
        self.current_function: Optional[FunctionInfo] = None
        self.bound_pending: List[Pending] = []  # coroutines bound to names in the current function
        self.emitted: set = set()
        self.dead = 0  # > 0 while walking a branch that never runs (`if False:`)
        self.current_stmt: Optional[ast.stmt] = None  # the statement whose expressions are being walked
        self.chains_recorded = False  # whether any `a.b.c = value` was seen (else no chain lookups)
        # > 0 inside the body of a loop over run-time data (or a `while`) in the current function;
        # loops over a literal list or `range(<literal>)` run a fixed, chosen number of times.
        self.loop_depth = 0
        # Module-level names holding async driver objects -> the name of the object they derive
        # from (`db = client.app` makes "db" -> "client"), so uses of either reach one client.
        self.module_roots: Dict[str, str] = {}
        self.default_loop = EventLoop(new=False)
        # Which branch of which `if`/`match` the walk is in: ((branching statement id, index), ...).
        # Two sites whose paths differ at the same statement never both run.
        self.branch_path: tuple = ()
        # > 0 while walking the arguments of asyncio.run_coroutine_threadsafe(): the coroutine runs
        # on the loop it is handed to, so what it uses is not used by the calling thread.
        self.handed_to_loop = 0
        # --pma-extra-factories: "kind:name" entries; calling `name` gives an async driver object.
        self.factories: Dict[str, str] = {}
        for entry in settings.extra_factories:
            kind, _, name = entry.partition(":")
            self.factories[name] = kind

    # ------------------------------------------------------------------ reporting
    def report(self, rule: Rule, node: ast.AST, fix: Optional[Fix] = None,
               unfixable: Optional[NoCounterpart] = None, **fields: object) -> None:
        if self.dead:
            return
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        key = (rule.code, line, col)
        if key in self.emitted:
            return
        self.emitted.add(key)
        self.diagnostics.append(
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

    def emit(self, event: str, *args: object) -> None:
        for handler in self._hooks.get(event, ()):
            handler(self, *args)

    # ------------------------------------------------------------------ coroutine uses
    def consume(self, value: Value, context: str, node: ast.AST) -> None:
        """Tell the rules how an un-awaited driver coroutine is used (awaited, discarded, ...)."""
        if value.__class__ is not Pending:
            return
        if context == "await":
            value.awaited = True  # type: ignore[union-attr]
        elif context in ("return", "yield", "store", "arg", "lambda"):
            value.escaped = True  # type: ignore[union-attr]
        elif context == "bind":
            self.bound_pending.append(value)  # type: ignore[arg-type]
        self.emit("pending_use", value, context, node)

    def is_builtin_call(self, node: ast.Call, func: Value) -> Optional[str]:
        """The builtin's name when `node` calls a builtin that no binding shadows."""
        if func is None and isinstance(node.func, ast.Name) and not self.scope.is_bound(node.func.id):
            return node.func.id
        return None

    # ------------------------------------------------------------------ driver
    def run(self) -> List[Diagnostic]:
        body = getattr(self.tree, "body", None)
        if isinstance(body, list):
            self.block(body)
        else:  # ast.Expression, ast.Interactive...
            for child in ast.iter_child_nodes(self.tree):
                self.visit(child)
        # Function bodies, in source order, unless something needed them earlier. The list grows
        # while this runs, but only by the `def`s inside a body being walked, and each function
        # is walked once (`walked`): it ends after one round per `def` in the tree.
        i = 0
        while i < len(self.deferred):
            self.walk_function(self.deferred[i])
            i += 1
        self.emit("module_end")
        self.diagnostics.sort(key=lambda d: (d.line, d.col, d.code))
        return self.diagnostics

    def visit(self, node: ast.AST) -> Value:
        if isinstance(node, ast.stmt):
            self.stmt(node)
            return None
        if isinstance(node, ast.expr):
            return self.expr(node)
        for child in ast.iter_child_nodes(node):
            self.visit(child)
        return None

    # ------------------------------------------------------------------ statements
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
                handler = _STATEMENT_HANDLERS[kind] = getattr(Walker, "_s_" + kind.__name__, None)
            if handler is None:
                for child in ast.iter_child_nodes(node):
                    self.visit(child)
            else:
                handler(self, node)
        finally:
            self.depth -= 1

    def _s_Expr(self, node: ast.Expr) -> None:
        value = self.expr(node.value)
        self.consume(value, "discard", node.value)
        self.emit("expr_stmt", node, value)

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
            if (declared is not None and isinstance(node.target, ast.Attribute)
                    and self._self_attribute(node.target) is not None):
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
        for alias in node.names:
            if alias.asname:
                value = kinds.resolve_import(alias.name)
                self.assign_name(alias.asname, value)
            else:
                top = alias.name.split(".")[0]
                self.assign_name(top, kinds.resolve_import(top))
        self.emit("import", node)

    def _s_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                continue
            value = None
            if not node.level and node.module:
                dotted_name = node.module + "." + alias.name
                value = kinds.resolve_dotted(dotted_name)
                if value is None and dotted_name in self.factories:
                    value = ClassRef("async", self.factories[dotted_name])
            self.assign_name(alias.asname or alias.name, value)
        self.emit("import", node)

    def _s_If(self, node: ast.If) -> None:
        test = self.expr(node.test)
        self.consume(test, "truth", node.test)
        # `if _IS_SYNC:` with `_IS_SYNC = False`: the branch never runs, so it reports nothing.
        dead = {TRUE: node.orelse, FALSE: node.body}.get(test) if test in (TRUE, FALSE) else None
        self.branches([node.body, node.orelse], dead)

    def _s_Assert(self, node: ast.Assert) -> None:
        self.consume(self.expr(node.test), "truth", node.test)
        if node.msg is not None:
            self.consume(self.expr(node.msg), "value", node.msg)

    def _s_While(self, node: ast.While) -> None:
        self.consume(self.expr(node.test), "truth", node.test)
        self.loop(node.body, node.orelse)

    def _s_For(self, node: ast.AST) -> None:
        iterable = self.expr(node.iter)  # type: ignore[attr-defined]
        is_async = isinstance(node, ast.AsyncFor)
        self.consume(iterable, "async_iterate" if is_async else "iterate", node.iter)  # type: ignore
        self.emit("iterate", node, node.iter, iterable, is_async)  # type: ignore[attr-defined]
        before = dict(self.scope.env)
        self.bind(node.target, self.item_value(iterable, is_async), None)  # type: ignore[attr-defined]
        step = 0 if _fixed_iteration(node.iter) else 1  # type: ignore[attr-defined]
        self.loop_depth += step
        try:
            self.block(node.body)  # type: ignore[attr-defined]
        finally:
            self.loop_depth -= step
        self.scope.env = self._join([before, self.scope.env])
        self.block(node.orelse)  # type: ignore[attr-defined]

    _s_AsyncFor = _s_For

    def _s_With(self, node: ast.AST) -> None:
        is_async = isinstance(node, ast.AsyncWith)
        for item in node.items:  # type: ignore[attr-defined]
            value = self.expr(item.context_expr)
            self.consume(value, "async_with" if is_async else "with", item.context_expr)
            self.emit("with", node, item, value, is_async)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, self.enter_value(value), None)
        self.block(node.body)  # type: ignore[attr-defined]

    _s_AsyncWith = _s_With

    def _s_Try(self, node: ast.AST) -> None:
        before = dict(self.scope.env)
        self.emit("try_start", node)
        self.block(node.body)  # type: ignore[attr-defined]
        self.emit("try_end", node)
        after_body = self.scope.env
        ends = []
        if not self._terminates(node.body):  # type: ignore[attr-defined]
            self.scope.env = dict(after_body)
            self.block(node.orelse)  # type: ignore[attr-defined]
            if not self._terminates(node.orelse) or not node.orelse:  # type: ignore[attr-defined]
                ends.append(self.scope.env)
        for handler in node.handlers:  # type: ignore[attr-defined]
            self.scope.env = self._join([before, after_body])
            if handler.type is not None:
                self.expr(handler.type)
            if handler.name:
                self.assign_name(handler.name, None)
            self.block(handler.body)
            if not self._terminates(handler.body):
                ends.append(self.scope.env)
        self.scope.env = self._join(ends) if ends else self._join([before, after_body])
        self.block(node.finalbody)  # type: ignore[attr-defined]

    _s_TryStar = _s_Try

    def _s_Match(self, node: ast.AST) -> None:
        self.expr(node.subject)  # type: ignore[attr-defined]
        bodies = []
        for case in node.cases:  # type: ignore[attr-defined]
            bodies.append((case, case.body))
        before = dict(self.scope.env)
        ends = [before]
        path = self.branch_path
        for index, (case, body) in enumerate(bodies):
            self.branch_path = path + ((id(node), index),)
            self.scope.env = dict(before)
            self.visit(case.pattern)
            if case.guard is not None:
                self.expr(case.guard)
            self.block(body)
            if not self._terminates(body):
                ends.append(self.scope.env)
        self.branch_path = path
        self.scope.env = self._join(ends)

    def _s_FunctionDef(self, node: ast.AST) -> None:
        for decorator in node.decorator_list:  # type: ignore[attr-defined]
            self.expr(decorator)
        self._defaults(node.args)  # type: ignore[attr-defined]
        if node.returns is not None:  # type: ignore[attr-defined]
            pass  # read when the return value is needed
        info = FunctionInfo(node, self.scope, self.scope.cls if self.scope.kind == "class" else None)
        info.is_property = any(self._is_property_decorator(d) for d in node.decorator_list)  # type: ignore
        if info.cls is not None:
            info.cls.methods[node.name] = info  # type: ignore[attr-defined]
        self.assign_name(node.name, FuncRef(info))  # type: ignore[attr-defined]
        self.deferred.append(info)

    _s_AsyncFunctionDef = _s_FunctionDef

    def _s_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.expr(expr)
        info = ClassInfo(node)
        outer = self.scope
        self.scope = Scope("class", outer, cls=info)
        try:
            self.block(node.body)
        finally:
            info.class_env = self.scope.env
            self.scope = outer
        self.assign_name(node.name, UserClass(info))

    # ------------------------------------------------------------------ flow helpers
    @staticmethod
    def _terminates(body: Sequence[ast.stmt]) -> bool:
        return bool(body) and isinstance(body[-1], _TERMINAL)

    @staticmethod
    def _join(envs: Sequence[Dict[str, Value]]) -> Dict[str, Value]:
        if not envs:
            return {}
        if len(envs) == 1:
            return dict(envs[0])
        # Start from the first path and fold in only what the others changed: branches usually
        # rebind a few names, so this avoids visiting every name of a large environment.
        first = envs[0]
        joined: Dict[str, Value] = dict(first)
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

    def branches(self, bodies: Sequence[Sequence[ast.stmt]], dead: Optional[Sequence[ast.stmt]] = None) -> None:
        before = self.scope.env
        ends = []
        path = self.branch_path
        for index, body in enumerate(bodies):
            # keyed by the first body's list, which the AST owns (a temporary's id could be reused)
            self.branch_path = path + ((id(bodies[0]), index),)
            self.scope.env = dict(before)
            if body is dead:
                self.dead += 1
                try:
                    self.block(body)
                finally:
                    self.dead -= 1
                continue
            self.block(body)
            if not self._terminates(body):
                ends.append(self.scope.env)
        self.branch_path = path
        self.scope.env = self._join(ends) if ends else dict(before)

    def loop(self, body: Sequence[ast.stmt], orelse: Sequence[ast.stmt]) -> None:
        before = dict(self.scope.env)
        self.loop_depth += 1
        try:
            self.block(body)
        finally:
            self.loop_depth -= 1
        self.scope.env = self._join([before, self.scope.env])
        self.block(orelse)

    # ------------------------------------------------------------------ binding
    def assign_name(self, name: str, value: Value) -> None:
        scope = self.scope
        if name in scope.global_names:
            module = scope.module()
            module.env[name] = merge_optional(module.env[name], value) if name in module.env else value
            return
        scope.env[name] = value
        self.emit("name_store", name, value)

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
            self.target_expr(target)
            cls = self._self_attribute(target)
            if cls is not None:
                cls.attr_values.setdefault(target.attr, []).append(value)
            chain = dotted(target)
            if chain is not None:
                self.scope.chains[chain] = value
                self.chains_recorded = True
        else:
            self.target_expr(target)

    def target_expr(self, target: ast.AST) -> None:
        """Evaluate the parts of an assignment target that are read (`a.b` in `a.b.c = x`)."""
        if isinstance(target, ast.Attribute):
            base = self.expr(target.value)
            self.emit("attribute", target, base, True)
        elif isinstance(target, ast.Subscript):
            base = self.expr(target.value)
            self.expr(target.slice)
            self.emit("subscript", target, base, True)
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
        args = func.node.args.posonlyargs + func.node.args.args  # type: ignore[attr-defined]
        if args and args[0].arg == target.value.id and not self._is_static(func.node):
            return func.cls
        return None

    # ------------------------------------------------------------------ expressions
    def expr(self, node: ast.expr) -> Value:
        if self.depth > MAX_DEPTH:
            self.depth_limit_reached = True
            return None
        # No try/finally: an exception aborts the whole walk, so the depth needs no restoring.
        self.depth += 1
        handler = self._handlers.get(type(node))
        if handler is None:
            context = "value" if isinstance(node, _VALUE_USES) else "store"
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.parents[id(child)] = node
                    self.consume(self.expr(child), context, child)
                else:
                    self.visit(child)
            value: Value = None
        else:
            value = handler(node)
        self.depth -= 1
        if value is not None:
            self.values[id(node)] = value
        return value

    def value_of(self, node: ast.AST) -> Value:
        """The value an already-walked expression had (None when unknown)."""
        return self.values.get(id(node))

    def parent_of(self, node: ast.AST) -> Optional[ast.AST]:
        return self.parents.get(id(node))

    def _child(self, parent: ast.AST, child: ast.expr) -> Value:
        self.parents[id(child)] = parent
        return self.expr(child)

    def _name(self, node: ast.Name) -> Value:
        if not isinstance(node.ctx, ast.Load):
            return None
        value = self.scope.lookup(node.id)
        func = self.current_function
        if func is not None and not self.handed_to_loop:
            if isinstance(value, Obj) and node.id in self.module_roots and node.id not in self.scope.env:
                func.reaches.add(self.module_roots[node.id])
            elif isinstance(value, FuncRef):
                func.calls.append(value.info)
        return None if isinstance(value, Conflict) else value

    def _constant(self, node: ast.Constant) -> Value:
        if node.value is None:
            return NONE
        if node.value is True or node.value is False:
            return TRUE if node.value else FALSE
        return None

    def _attribute(self, node: ast.Attribute) -> Value:
        base = self._child(node, node.value)
        # `coro.__await__()` (inside a class's own __await__) is awaiting it by another spelling.
        self.consume(base, "await" if node.attr == "__await__" else "attribute", node)
        self.emit("attribute", node, base, False)
        chain = dotted(node) if self.chains_recorded else None
        if chain is not None:
            scope: Optional[Scope] = self.scope
            while scope is not None:
                if chain in scope.chains:
                    return scope.chains[chain]
                scope = scope.parent if scope.kind != "class" else None
        return self.attribute_of(base, node.attr, node)

    def attribute_of(self, base: Value, name: str, node: ast.AST) -> Value:
        if isinstance(base, Obj):
            found = kinds.member(base, name)
            if found is None:
                if name.startswith("_") or kinds.is_motor_only(base, name):
                    return None
                getattr_entry = kinds.member(base, "__getattr__")
                return Obj(base.flavour, getattr_entry[1]) if getattr_entry and getattr_entry[1] else None
            how, returns = found
            if how == "property":
                return Obj(base.flavour, returns) if returns else None
            if how == "async_property":
                return Pending(Obj(base.flavour, returns) if returns else None, base, name, node)
            return Method(base, name, how, returns)
        if isinstance(base, Module):
            return kinds.resolve_dotted(base.name + "." + name)
        if isinstance(base, Instance):
            return self.instance_attribute(base.info, name)
        if isinstance(base, UserClass):
            method = base.info.methods.get(name)
            if method is not None:
                return FuncRef(method)
            value = base.info.class_env.get(name)
            if (isinstance(value, Obj) and value.is_async and self.current_function is not None
                    and not self.handed_to_loop):
                self.current_function.reaches.add(f"{base.info.name}.{name}")
            return None if isinstance(value, Conflict) else value
        return None

    def instance_attribute(self, cls: ClassInfo, name: str) -> Value:
        method = cls.methods.get(name)
        if method is not None and self.current_function is not None:
            self.current_function.calls.append(method)
        class_value = cls.class_env.get(name)
        if (isinstance(class_value, Obj) and class_value.is_async and self.current_function is not None
                and not self.handed_to_loop):
            self.current_function.reaches.add(f"{cls.name}.{name}")
        if method is not None:
            if method.is_property:
                return self.return_value(method)
            return FuncRef(method)
        if name in cls.attr_annotations:
            return cls.attr_annotations[name]
        if name not in cls.attr_values:
            # `self.x` may be assigned in a method not walked yet: walk the class's methods now
            # (each is still walked once), `__init__` first.
            for method_name in sorted(cls.methods, key=lambda m: m != "__init__"):
                info = cls.methods[method_name]
                if not info.walked:
                    self.walk_function(info)
        values = list(cls.attr_values.get(name, ()))
        if name in cls.class_env:  # a class attribute, unless an instance attribute shadows it
            values.append(cls.class_env[name])
        if not values:
            return None
        result: Value = values[0]
        for other in values[1:]:
            result = merge_optional(result, other)
        return None if isinstance(result, Conflict) or result is NONE else result

    def _subscript(self, node: ast.Subscript) -> Value:
        base = self._child(node, node.value)
        self.consume(base, "subscript", node)
        self.consume(self._child(node, node.slice), "value", node.slice)
        self.emit("subscript", node, base, False)
        if isinstance(base, ClassRef):
            return base  # a generic alias: AsyncCollection[dict]
        if isinstance(base, Obj):
            entry = kinds.member(base, "__getitem__")
            if entry and entry[1] and base.kind in ("client", "database", "collection"):
                return Obj(base.flavour, entry[1])
            return None
        if isinstance(base, ListOf):
            return base.item
        return None

    def _call(self, node: ast.Call) -> Value:
        func = self._child(node, node.func)
        self.consume(func, "call", node)
        if self.is_builtin_call(node, func) in NON_AWAITING_BUILTINS:
            context = "builtin_arg"
        elif isinstance(func, Special) and func.name in FUTURE_ONLY_FUNCTIONS:
            context = "future_arg"
        else:
            context = "arg"
        to_loop = 1 if isinstance(func, Special) and func.name == "asyncio.run_coroutine_threadsafe" else 0
        self.handed_to_loop += to_loop
        try:
            for arg in node.args:
                self.consume(self._child(node, arg), context, arg)
            for keyword in node.keywords:
                self.consume(self._child(node, keyword.value), context, keyword.value)
        finally:
            self.handed_to_loop -= to_loop
        self.emit("call", node, func)
        return self.call_result(func, node)

    def call_result(self, func: Value, node: ast.Call) -> Value:
        if self.factories and not isinstance(func, ClassRef):
            name = dotted(node.func) or (node.func.id if isinstance(node.func, ast.Name) else None)
            if name is not None and name in self.factories:
                return Obj("async", self.factories[name])
        if isinstance(func, ClassRef):
            return Obj(func.flavour, func.kind)
        if isinstance(func, Method):
            owner = func.owner
            if func.name == "to_list" and owner.kind in kinds.CURSOR_KINDS | {"grid_out_cursor"}:
                result: Value = ListOf(kinds.item_of(owner))
            elif func.name == "next" and func.how == "coroutine":
                result = kinds.item_of(owner)
            elif (owner.kind, func.name) in kinds.RESULT_OVERRIDES:
                result = Obj(owner.flavour, kinds.RESULT_OVERRIDES[(owner.kind, func.name)])
            else:
                result = Obj(owner.flavour, func.returns) if func.returns else None
            if func.how == "coroutine":
                return Pending(result, owner, func.name, node)
            return result
        if isinstance(func, Special):
            if func.name == "cast" and node.args:
                return self.annotation(node.args[0])
            if func.name in ("concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor"):
                return EXECUTOR
            if func.name == "asyncio.new_event_loop":
                return EventLoop(new=True)
            if func.name in ("asyncio.get_event_loop", "asyncio.get_running_loop"):
                return self.default_loop
            return None
        if isinstance(func, UserClass):
            return Instance(func.info)
        if isinstance(func, FuncRef):
            result = self.return_value(func.info)
            return Awaitable(result) if func.info.is_async else result
        if func is None:
            return self._builtin_call(node)
        return None

    def _builtin_call(self, node: ast.Call) -> Value:
        if isinstance(node.func, ast.Name) and node.func.id in ("anext",) and node.args:
            value = self.value_of(node.args[0])
            if isinstance(value, Obj) and value.kind in kinds.CURSOR_KINDS:
                return Awaitable(kinds.item_of(value))
        return None

    def return_value(self, info: FunctionInfo) -> Value:
        node = info.node
        if node.returns is not None:  # type: ignore[attr-defined]
            saved = self.scope
            self.scope = info.parent_scope  # type: ignore[assignment]
            try:
                return self.annotation(node.returns)  # type: ignore[attr-defined]
            finally:
                self.scope = saved
        if not info.walked:
            self.walk_function(info)
        if info.is_generator:  # calling it gives a generator, not what it yields
            return None
        values = [v for v in info.returns if v is not NONE]
        if not values:
            return None
        result = values[0]
        for other in values[1:]:
            result = merge(result, other)
        return None if isinstance(result, (Conflict, Pending)) else result

    def _await(self, node: ast.Await) -> Value:
        inner = self._child(node, node.value)
        self.consume(inner, "await", node.value)
        self.emit("await", node, inner)
        if isinstance(inner, Pending):
            inner.awaited = True
            return inner.result
        if isinstance(inner, Awaitable):
            return inner.result
        if isinstance(inner, Obj):  # awaiting a non-awaitable (PMA203): keep following the object
            return inner
        return None

    def _namedexpr(self, node: ast.NamedExpr) -> Value:
        value = self._child(node, node.value)
        self.consume(value, "bind", node.value)
        # The walrus binds in the enclosing function, not in a comprehension.
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        saved, self.scope = self.scope, scope
        try:
            self.assign_name(node.target.id, value)
        finally:
            self.scope = saved
        return value

    def _ifexp(self, node: ast.IfExp) -> Value:
        self.consume(self._child(node, node.test), "truth", node.test)
        body, orelse = self._child(node, node.body), self._child(node, node.orelse)
        self.consume(body, "store", node.body)
        self.consume(orelse, "store", node.orelse)
        return merge(body, orelse)

    def _compare(self, node: ast.Compare) -> Value:
        left = self._child(node, node.left)
        rights = [self._child(node, c) for c in node.comparators]
        for value, operand in zip([left, *rights], [node.left, *node.comparators]):
            self.consume(value, "compare", operand)
        self.emit("compare", node, left, rights)
        return None

    def _boolop(self, node: ast.BoolOp) -> Value:
        for value in node.values:
            self.consume(self._child(node, value), "truth", value)
        return None

    def _unaryop(self, node: ast.UnaryOp) -> Value:
        value = self._child(node, node.operand)
        self.consume(value, "truth" if isinstance(node.op, ast.Not) else "value", node.operand)
        if isinstance(node.op, ast.Not) and value in (TRUE, FALSE):
            return FALSE if value == TRUE else TRUE
        return None

    def _starred(self, node: ast.Starred) -> Value:
        value = self._child(node, node.value)
        if isinstance(node.ctx, ast.Load):
            self.consume(value, "unpack", node.value)
            self.emit("iterate", node, node.value, value, False)
        return None

    def _yield(self, node: ast.AST) -> Value:
        if self.current_function is not None and self.scope.func is self.current_function:
            self.current_function.is_generator = True
        if node.value is not None:  # type: ignore[attr-defined]
            value = self._child(node, node.value)  # type: ignore[attr-defined]
            self.consume(value, "yield", node.value)  # type: ignore[attr-defined]
            if isinstance(node, ast.YieldFrom):
                self.emit("iterate", node, node.value, value, False)
        self.emit("yield", node)
        return None

    def _lambda(self, node: ast.Lambda) -> Value:
        self._defaults(node.args)
        outer, outer_async = self.scope, self.in_async_function
        self.scope = Scope("function", outer, func=None)
        self.in_async_function = False  # a lambda body is a sync function (often run in a thread)
        try:
            for arg in _all_args(node.args):
                self.scope.env[arg.arg] = None
            self.consume(self._child(node, node.body), "lambda", node.body)
        finally:
            self.scope, self.in_async_function = outer, outer_async
        return None

    def _comprehension(self, node: ast.AST) -> Value:
        generators = node.generators  # type: ignore[attr-defined]
        first_iter = self._child(node, generators[0].iter)
        outer = self.scope
        self.scope = Scope("comprehension", outer)
        try:
            for i, gen in enumerate(generators):
                iterable = first_iter if i == 0 else self._child(node, gen.iter)
                self.consume(iterable, "async_iterate" if gen.is_async else "iterate", gen.iter)
                self.emit("iterate", gen, gen.iter, iterable, bool(gen.is_async))
                self.bind(gen.target, self.item_value(iterable, bool(gen.is_async)), None)
                for condition in gen.ifs:
                    self.consume(self._child(node, condition), "truth", condition)
            if isinstance(node, ast.DictComp):
                self.consume(self._child(node, node.key), "store", node.key)
                self.consume(self._child(node, node.value), "store", node.value)
            else:
                self.consume(self._child(node, node.elt), "store", node.elt)  # type: ignore[attr-defined]
        finally:
            self.scope = outer
        return None

    # ------------------------------------------------------------------ protocols
    def item_value(self, iterable: Value, is_async: bool) -> Value:
        if isinstance(iterable, Obj) and is_async:
            return kinds.item_of(iterable)
        if isinstance(iterable, ListOf) and not is_async:
            return iterable.item
        return None

    def enter_value(self, value: Value) -> Value:
        if value is EXECUTOR:
            return EXECUTOR
        if isinstance(value, Obj):
            entry = kinds.member(value, "__aenter__") or kinds.member(value, "__enter__")
            if entry is not None and entry[1]:
                return Obj(value.flavour, entry[1])
            return value if entry is not None else None
        return None

    # ------------------------------------------------------------------ annotations
    def annotation(self, node: Optional[ast.expr]) -> Value:
        """The value an annotation declares: an instance of what it names, or None."""
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            if node.value is None:
                return NONE
            if isinstance(node.value, str):
                try:
                    parsed = ast.parse(node.value.strip(), mode="eval").body
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    return None
                return self.annotation(parsed)
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return _union([self.annotation(node.left), self.annotation(node.right)])
        if isinstance(node, ast.Subscript):
            base = self._type_ref(node.value)
            if isinstance(base, Special):
                elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                if base.name in ("Optional", "Final", "ClassVar"):
                    return _union([self.annotation(e) for e in elements])
                if base.name == "Union":
                    return _union([self.annotation(e) for e in elements])
                if base.name == "Annotated":
                    return self.annotation(elements[0])
                return None
            return _instance(base)
        return _instance(self._type_ref(node))

    def _type_ref(self, node: ast.expr) -> Value:
        """What a name or dotted name inside an annotation refers to, without reporting anything."""
        if isinstance(node, ast.Name):
            value = self.scope.lookup(node.id)
            return None if isinstance(value, Conflict) else value
        if isinstance(node, ast.Attribute):
            base = self._type_ref(node.value)
            if isinstance(base, Module):
                return kinds.resolve_dotted(base.name + "." + node.attr)
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                return self._type_ref(ast.parse(node.value.strip(), mode="eval").body)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None
        return None

    # ------------------------------------------------------------------ functions and classes
    def walk_function(self, info: FunctionInfo) -> None:
        if info.walked or info.walking:
            return
        info.walking = True
        node = info.node
        saved = (self.scope, self.in_async_function, self.current_function, self.depth, self.bound_pending,
                 self.loop_depth, self.dead)
        self.bound_pending = []
        self.loop_depth = 0
        self.dead = 0
        self.scope = Scope("function", info.parent_scope, cls=info.cls, func=info)  # type: ignore[arg-type]
        self.in_async_function = isinstance(node, ast.AsyncFunctionDef)
        self.current_function = info
        self.depth = 0
        try:
            self._bind_parameters(info)
            self.block(node.body)  # type: ignore[attr-defined]
            self.emit("function_end", info)
        finally:
            (self.scope, self.in_async_function, self.current_function, self.depth, self.bound_pending,
             self.loop_depth, self.dead) = saved
            info.walking = False
            info.walked = True

    def _bind_parameters(self, info: FunctionInfo) -> None:
        args = info.node.args  # type: ignore[attr-defined]
        positional = args.posonlyargs + args.args
        saved = self.scope
        self.scope = info.parent_scope  # type: ignore[assignment]
        try:
            declared = {a.arg: self.annotation(a.annotation) for a in _all_args(args)}
        finally:
            self.scope = saved
        for arg in _all_args(args):
            value = declared.get(arg.arg)
            self.scope.env[arg.arg] = None if isinstance(value, Conflict) or value is NONE else value
        if info.cls is not None and positional and not self._is_static(info.node):
            first = positional[0].arg
            if positional[0].annotation is None:
                if self._is_classmethod(info.node):
                    self.scope.env[first] = UserClass(info.cls)
                else:
                    self.scope.env[first] = Instance(info.cls)

    def _defaults(self, args: ast.arguments) -> None:
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.expr(default)

    @staticmethod
    def _decorator_names(node: ast.AST) -> List[str]:
        names = []
        for d in getattr(node, "decorator_list", ()):
            target = d.func if isinstance(d, ast.Call) else d
            if isinstance(target, ast.Name):
                names.append(target.id)
            elif isinstance(target, ast.Attribute):
                names.append(target.attr)
        return names

    def _is_static(self, node: ast.AST) -> bool:
        return "staticmethod" in self._decorator_names(node)

    def _is_classmethod(self, node: ast.AST) -> bool:
        return "classmethod" in self._decorator_names(node)

    @staticmethod
    def _is_property_decorator(d: ast.expr) -> bool:
        target = d.func if isinstance(d, ast.Call) else d
        name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
        return name in ("property", "cached_property")


def _fixed_iteration(node: ast.AST) -> bool:
    """A loop over a literal display or `range()` of literals: a fixed set chosen in the code."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return True
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"
            and all(isinstance(a, ast.Constant) for a in node.args))


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


def _target_context(target: ast.AST) -> str:
    if isinstance(target, ast.Name):
        return "bind"
    if isinstance(target, (ast.Tuple, ast.List)):
        return "unpack"  # iterates the value
    return "store"


def _all_args(args: ast.arguments) -> List[ast.arg]:
    result = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if args.vararg is not None:
        result.append(args.vararg)
    if args.kwarg is not None:
        result.append(args.kwarg)
    return result


def _instance(ref: Value) -> Value:
    if isinstance(ref, ClassRef):
        return Obj(ref.flavour, ref.kind)
    if isinstance(ref, UserClass):
        return Instance(ref.info)
    if isinstance(ref, Special) and ref.name == "None":
        return NONE
    return None


def _union(members: List[Value]) -> Value:
    """Optional[X], X | None, Union[X, None]: X. Anything else mixed in: unknown."""
    known = [m for m in members if m is not NONE]
    if len(known) != 1 or known[0] is None:
        return None
    return known[0]


def merge_optional(a: Value, b: Value) -> Value:
    """Join two values where None (the constant) stands for "not set yet": Optional[X] is X."""
    if a is NONE:
        return b
    if b is NONE:
        return a
    return merge(a, b)


def dotted(node: ast.AST) -> Optional[str]:
    """`a.b.c` as a string when it is a plain attribute chain on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and parts:
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


__all__ = ["Walker", "Awaitable", "dotted", "CONFLICT"]
