"""Value inference: what each expression evaluates to, bottom-up, and what the driver protocols give.

A part of ``SemanticModel``: a mixin over ``state.ModelState``.
"""
from __future__ import annotations

import ast
import sys
from typing import Callable, Dict, List, Optional, Union

from ..api import kinds
from .builtin_names import NON_AWAITING_BUILTINS
from .events import UseContext
from .frameworks import is_item_read, is_state_read, merged, state_value
from .resolve import blocks_on_io, item_of, resolve_dotted
from .scope import Scope
from .state import ModelState
from .values import (
    EXECUTOR,
    FALSE,
    NONE,
    TRUE,
    EXTERNAL_VALUES,
    Awaitable,
    ClassRef,
    Conflict,
    EventLoop,
    ExternalClass,
    ExternalFunction,
    ExternalInstance,
    FuncRef,
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
# there (``SemanticModel.depth_limit_reached``) so the commands can say so.
MAX_DEPTH = 200

# Expressions whose operands are used as values (a coroutine there is a bug); the operands of any
# other expression we do not model (list/tuple/dict displays, starred...) are stored, not used.
_VALUE_USES = (ast.BinOp, ast.JoinedStr, ast.FormattedValue, ast.Slice)

Comprehension = Union[ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp]
# Each takes its own node type: the table below is keyed by that type.
ExpressionHandler = Callable[..., Value]


class Expressions(ModelState):
    def expression_handlers(self) -> Dict[type, ExpressionHandler]:
        """Expression type -> the bound method that evaluates it (the others: `expr`'s generic walk)."""
        handlers: Dict[type, ExpressionHandler] = {
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
        return handlers

    def expr(self, node: ast.expr) -> Value:
        if self.depth > MAX_DEPTH:
            self.depth_limit_reached = True
            return None
        # No try/finally: an exception aborts the whole walk, so the depth needs no restoring.
        self.depth += 1
        handler = self._expression_handlers.get(type(node))
        if handler is None:
            context: UseContext = "value" if isinstance(node, _VALUE_USES) else "store"
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

    def _child(self, parent: ast.AST, child: ast.expr) -> Value:
        self.parents[id(child)] = parent
        return self.expr(child)

    def _name(self, node: ast.Name) -> Value:
        if not isinstance(node.ctx, ast.Load):
            return None
        value = self.scope.lookup(node.id)
        if value is None:  # most names: a builtin, a parameter, anything unknown
            return None
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
        for on_attribute in self.handlers.attribute:
            on_attribute(self, node, base, False)
        chain = dotted(node) if node.attr in self.chain_attrs else None
        if chain is not None:
            scope: Optional[Scope] = self.scope
            while scope is not None:
                if chain in scope.chains:
                    return scope.chains[chain]
                scope = scope.parent if scope.kind != "class" else None
        value = self.attribute_of(base, node.attr, node)
        holder = node.value
        if (value is None and base is None and isinstance(holder, ast.Attribute) and holder.attr == "state"
                and is_state_read(self, node)):
            return state_value(self, "state." + node.attr, project_wide=True)  # `request.app.state.mongo`
        return value

    def attribute_of(self, base: Value, name: str, node: ast.AST) -> Value:
        if base is None:
            return None
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
            return resolve_dotted(base.name + "." + name)
        if isinstance(base, EXTERNAL_VALUES):  # defined in another module of the project
            return self.imports.attribute(base, name)
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

    def _subscript(self, node: ast.Subscript) -> Value:
        base = self._child(node, node.value)
        self.consume(base, "subscript", node)
        self.consume(self._child(node, node.slice), "value", node.slice)
        for on_subscript in self.handlers.subscript:
            on_subscript(self, node, base, False)
        if isinstance(base, ClassRef):
            return base  # a generic alias: AsyncCollection[dict]
        if isinstance(base, Special) and base.name in _TYPE_FORMS:
            return _class_of(self.type_form(node))  # an alias: `X = Optional[AsyncCollection]`
        if base is None:
            key = is_item_read(self, node)  # aiohttp `request.app["mongo"]`
            return None if key is None else state_value(self, "item:" + key, not isinstance(node.value, ast.Name))
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
        context: UseContext = "builtin_arg" if self.is_builtin_call(node, func) in NON_AWAITING_BUILTINS else "arg"
        to_loop = 1 if isinstance(func, Special) and func.name == "asyncio.run_coroutine_threadsafe" else 0
        self.handed_to_loop += to_loop
        try:
            for arg in node.args:
                self.consume(self._child(node, arg), context, arg)
            for keyword in node.keywords:
                self.consume(self._child(node, keyword.value), context, keyword.value)
        finally:
            self.handed_to_loop -= to_loop
        if isinstance(func, Method) and self.current_function is not None and self.current_function.blocks is None:
            if blocks_on_io(func):
                self.current_function.blocks = func.name
        for on_call in self.handlers.call:
            on_call(self, node, func)
        return self.call_result(func, node)

    def call_result(self, func: Value, node: ast.Call) -> Value:
        if self.factories and not isinstance(func, ClassRef):
            name = dotted(node.func) or (node.func.id if isinstance(node.func, ast.Name) else None)
            if name is not None and name in self.factories:
                return Obj("async", self.factories[name])
        if func is None:
            return self._builtin_call(node)
        if isinstance(func, ClassRef):
            return Obj(func.flavour, func.kind)
        if isinstance(func, Method):
            owner = func.owner
            if func.name == "to_list" and owner.kind in kinds.CURSOR_KINDS | {"grid_out_cursor"}:
                result: Value = ListOf(item_of(owner))
            elif func.name == "next" and func.how == "coroutine":
                result = item_of(owner)
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
        if isinstance(func, (ExternalFunction, ExternalClass)):
            return self.imports.call(func)
        return None

    def _builtin_call(self, node: ast.Call) -> Value:
        if isinstance(node.func, ast.Name) and node.func.id in ("anext",) and node.args:
            value = self.value_of(node.args[0])
            if isinstance(value, Obj) and value.kind in kinds.CURSOR_KINDS:
                return Awaitable(item_of(value))
        return None

    def _await(self, node: ast.Await) -> Value:
        inner = self._child(node, node.value)
        self.consume(inner, "await", node.value)
        for on_await in self.handlers.await_:
            on_await(self, node, inner)
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
        for on_compare in self.handlers.compare:
            on_compare(self, node, left, rights)
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
            for on_iterate in self.handlers.iterate:
                on_iterate(self, node, node.value, value, False)
        return None

    def _yield(self, node: Union[ast.Yield, ast.YieldFrom]) -> Value:
        value: Value = NONE
        if node.value is not None:
            value = self._child(node, node.value)
            self.consume(value, "yield", node.value)
            if isinstance(node, ast.YieldFrom):
                for on_iterate in self.handlers.iterate:
                    on_iterate(self, node, node.value, value, False)
        if self.current_function is not None and self.scope.func is self.current_function:
            self.current_function.is_generator = True
            self.current_function.yields.append(None if isinstance(node, ast.YieldFrom) else value)
        return None

    def _lambda(self, node: ast.Lambda) -> Value:
        self._defaults(node.args)
        outer, outer_async = self.scope, self.in_async_function
        self.scope = Scope("function", outer, func=None)
        self.in_async_function = False  # a lambda body is a sync function (often run in a thread)
        try:
            for arg in all_args(node.args):
                self.scope.env[arg.arg] = None
            self.consume(self._child(node, node.body), "lambda", node.body)
        finally:
            self.scope, self.in_async_function = outer, outer_async
        return None

    def _comprehension(self, node: Comprehension) -> Value:
        generators = node.generators
        first_iter = self._child(node, generators[0].iter)
        outer = self.scope
        self.scope = Scope("comprehension", outer)
        try:
            for i, gen in enumerate(generators):
                iterable = first_iter if i == 0 else self._child(node, gen.iter)
                self.consume(iterable, "async_iterate" if gen.is_async else "iterate", gen.iter)
                for on_iterate in self.handlers.iterate:
                    on_iterate(self, gen, gen.iter, iterable, bool(gen.is_async))
                self.bind(gen.target, self.item_value(iterable, bool(gen.is_async)), None)
                for condition in gen.ifs:
                    self.consume(self._child(node, condition), "truth", condition)
            if isinstance(node, ast.DictComp):
                self.consume(self._child(node, node.key), "store", node.key)
                self.consume(self._child(node, node.value), "store", node.value)
            else:
                self.consume(self._child(node, node.elt), "store", node.elt)
        finally:
            self.scope = outer
        return None

    # ------------------------------------------------------------------ protocols
    def item_value(self, iterable: Value, is_async: bool) -> Value:
        if isinstance(iterable, Obj) and is_async:
            return item_of(iterable)
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
        return None if node is None else _instance(self.type_form(node))

    def type_form(self, node: ast.expr) -> Value:
        """The class a type expression denotes (a driver class, a class of the module, or NONE for
        None), else None: a name or alias of one, a string, `Optional[X]`, `X | None`, `Annotated[X, ...]`,
        `Final[X]`, and a `Union` whose members are one class (Motor and PyMongo Async alike)."""
        if isinstance(node, ast.Constant):
            if node.value is None:
                return NONE
            parsed = _parse_string_annotation(node.value)
            return None if parsed is None else self.type_form(parsed)  # each level strips one string
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return _union([self.type_form(node.left), self.type_form(node.right)])
        if isinstance(node, ast.Subscript):
            base = self._type_ref(node.value)
            if isinstance(base, Special):
                elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                if base.name in ("Optional", "Final", "ClassVar", "Union"):
                    return _union([self.type_form(e) for e in elements])
                if base.name == "Annotated":
                    return self.type_form(elements[0])
                return None
            return _class_of(base)  # a generic class: AsyncCollection[dict]
        ref = self._type_ref(node)
        return NONE if ref is NONE else _class_of(ref)

    if sys.version_info >= (3, 12):
        def _s_TypeAlias(self, node: ast.TypeAlias) -> None:
            """`type Coll = AsyncCollection`: the name denotes what the alias does (a generic alias
            `type C[T] = ...` stays unknown: its parameters could shadow any name)."""
            self.expr(node.value)
            value = None if node.type_params else _class_of(self.type_form(node.value))
            self.assign_name(node.name.id, value)

    def _type_ref(self, node: ast.expr) -> Value:
        """What a name or dotted name inside an annotation refers to, without reporting anything."""
        if isinstance(node, ast.Name):
            value = self.scope.lookup(node.id)
            return None if isinstance(value, Conflict) else value
        if isinstance(node, ast.Attribute):
            base = self._type_ref(node.value)
            if isinstance(base, Module):
                return resolve_dotted(base.name + "." + node.attr)
            if base is None or isinstance(base, (Obj, Instance)):
                return None  # an object's attribute is no type (and reading an instance's walks its methods)
            # `Outer.Inner`, `deps.Coll` of another module of the project: looked up, nothing reported.
            return self.attribute_of(base, node.attr, node)
        if isinstance(node, ast.Constant):
            parsed = _parse_string_annotation(node.value)
            return None if parsed is None else self._type_ref(parsed)
        return None


def all_args(args: ast.arguments) -> List[ast.arg]:
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
    if isinstance(ref, ExternalClass):
        return ExternalInstance(ref.module, ref.name)
    if isinstance(ref, Special) and ref.name == "None":
        return NONE
    return None


# Typing forms whose subscript is a type (so `X = Optional[Coll]` makes X an alias of a class).
_TYPE_FORMS = frozenset({"Optional", "Union", "Annotated", "Final", "ClassVar"})


def _class_of(ref: Value) -> Value:
    return ref if isinstance(ref, (ClassRef, UserClass)) else None


def _parse_string_annotation(text: object) -> Optional[ast.expr]:
    if not isinstance(text, str):
        return None
    try:
        return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _union(members: List[Value]) -> Value:
    """Optional[X], X | None, Union[X, None]: X; Union[X, Y] when X and Y merge (a Motor class and
    its PyMongo Async counterpart). Anything else mixed in: unknown."""
    return merged(members)


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
