"""Functions and classes: their definitions, their bodies' walks, return values and attributes.

A part of ``SemanticModel``: a mixin over ``state.ModelState``.
Function bodies are deferred to the end of the module (so they see later globals), and walked
earlier on demand when another function needs their return value or a class needs to know what
its methods store in ``self.x``.
"""
from __future__ import annotations

import ast
from typing import Dict, List, Optional, Set, Tuple, Union

from .expressions import all_args
from .frameworks import bind_framework_parameters
from .scope import Scope
from .statements import decorator_names, is_static, merge_optional
from .state import ModelState
from .external import MAX_BASES
from .values import (FALSE, NONE, ClassInfo, Conflict, ExternalClass, FuncRef, FunctionInfo, Instance, Obj, Pending,
                     UserClass, Value, merge)


class Definitions(ModelState):
    def _s_FunctionDef(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> None:
        for decorator in node.decorator_list:
            self.expr(decorator)
        self._defaults(node.args)  # the annotations are read when the return value is needed
        info = FunctionInfo(node, self.scope, self.scope.cls if self.scope.kind == "class" else None)
        info.is_property = any(_is_property_decorator(d) for d in node.decorator_list)
        if info.cls is not None:
            info.cls.methods[node.name] = info
        self.assign_name(node.name, FuncRef(info))
        self.deferred.append(info)

    _s_AsyncFunctionDef = _s_FunctionDef

    def _s_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in node.decorator_list:
            self.expr(expr)
        info = ClassInfo(node)
        for base in node.bases:
            value = self.expr(base)
            if not (isinstance(base, ast.Name) and base.id == "object" and not self.is_bound("object")):
                info.bases.append(None if isinstance(value, Conflict) else value)
        for keyword in node.keywords:
            self.expr(keyword.value)
        outer = self.scope
        self.scope = Scope("class", outer, cls=info)
        try:
            self.block(node.body)
        finally:
            info.class_env = self.scope.env
            info.defined = True
            self.scope = outer
        self.assign_name(node.name, UserClass(info))

    def walk_function(self, info: FunctionInfo) -> None:
        if info.walked or info.walking:
            return
        info.walking = True
        node = info.node
        saved = (self.scope, self.in_async_function, self.current_function, self.depth, self.dead)
        self.dead = 1 if self._sync_only(info) else 0
        self.scope = Scope("function", info.parent_scope, cls=info.cls, func=info)
        self.in_async_function = isinstance(node, ast.AsyncFunctionDef)
        self.current_function = info
        self.depth = 0
        try:
            for on_function_start in self.handlers.function_start:
                on_function_start(self, info)
            self._bind_parameters(info)
            self.block(node.body)
            for on_function_end in self.handlers.function_end:
                on_function_end(self, info)
        finally:
            (self.scope, self.in_async_function, self.current_function, self.depth, self.dead) = saved
            info.walking = False
            info.walked = True

    def _sync_only(self, info: FunctionInfo) -> bool:
        """A test that runs only under the sync API (`@client_context.require_sync`, PyMongo's test
        suites), or a function defined in one, in the async variant of an unasync'd module
        (`_IS_SYNC = False`): it never runs, as the `if _IS_SYNC:` branches there, so it reports nothing."""
        if self.module_scope.env.get("_IS_SYNC") != FALSE:
            return False
        if "require_sync" in decorator_names(info.node):
            return True
        scope: Optional[Scope] = info.parent_scope  # ends at the module (scopes have no cycles)
        while scope is not None:
            if scope.func is not None and "require_sync" in decorator_names(scope.func.node):
                return True
            scope = scope.parent
        return False

    def _bind_parameters(self, info: FunctionInfo) -> None:
        args = info.node.args
        positional = args.posonlyargs + args.args
        saved = self.scope
        self.scope = info.parent_scope
        try:
            declared = {a.arg: self.annotation(a.annotation) for a in all_args(args)}
        finally:
            self.scope = saved
        for arg in all_args(args):
            value = declared.get(arg.arg)
            self.scope.env[arg.arg] = None if isinstance(value, Conflict) or value is NONE else value
        bind_framework_parameters(self, info)  # pytest fixtures, FastAPI dependencies
        if info.cls is not None and positional and not is_static(info.node):
            first = positional[0].arg
            if positional[0].annotation is None:
                if "classmethod" in decorator_names(info.node):
                    self.scope.env[first] = UserClass(info.cls)
                else:
                    self.scope.env[first] = Instance(info.cls)

    def _defaults(self, args: ast.arguments) -> None:
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.expr(default)

    def declared_return(self, info: FunctionInfo) -> Value:
        """What the return annotation declares, read where the `def` is (None without one)."""
        if info.node.returns is None:
            return None
        saved = self.scope
        self.scope = info.parent_scope
        try:
            return self.annotation(info.node.returns)
        finally:
            self.scope = saved

    def return_value(self, info: FunctionInfo) -> Value:
        if info.node.returns is not None:
            return self.declared_return(info)
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

    def instance_attribute(self, cls: ClassInfo, name: str, depth: int = 0) -> Value:
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
        # `self.x` may be stored by a method not walked yet: walk the methods that store it first
        # (`__init__` first; each is still walked once). Only those: walking a method that merely
        # reads attributes now, while the method that stores them is half-way, would judge it on
        # what is not known yet, and it is never walked again.
        for info in self._storing_methods(cls, name):
            if not info.walked:
                self.walk_function(info)
        if name in cls.attr_annotations:
            return cls.attr_annotations[name]
        values = list(cls.attr_values.get(name, ()))
        if name in cls.class_env:  # a class attribute, unless an instance attribute shadows it
            values.append(cls.class_env[name])
        if not values:
            return self._inherited_attribute(cls, name, depth)
        result: Value = values[0]
        for other in values[1:]:
            result = merge_optional(result, other)
        return None if isinstance(result, Conflict) or result is NONE else result

    def _inherited_attribute(self, cls: ClassInfo, name: str, depth: int) -> Value:
        """`name` from the bases of `cls`, left to right; a base the model does not know makes it
        unknown. A class's bases exist before it does, so the chain has no cycle; MAX_BASES bounds it."""
        if depth >= MAX_BASES:
            return None
        for base in cls.bases:
            if isinstance(base, UserClass):
                found = self.instance_attribute(base.info, name, depth + 1)
                # Not there: the next base only if nothing unknown up this one's bases might have it.
                if found is not None or _defines(base.info, name) or not _fully_known(base.info):
                    return found
            elif isinstance(base, ExternalClass):
                return self.imports.member(base.module, base.name, name)
            else:
                return None
        return None

    def _storing_methods(self, cls: ClassInfo, name: str) -> List[FunctionInfo]:
        stores = cls.stores
        if stores is None:
            stores = {}
            for info in cls.methods.values():
                if info.self_stores is None:  # a class body asks again for each read until it is defined
                    info.self_stores = frozenset(_self_stores(info.node))
                for attr in info.self_stores:
                    stores.setdefault(attr, []).append(info)
            for infos in stores.values():
                infos.sort(key=lambda i: i.node.name != "__init__")
            if cls.defined:  # before that, methods defined later in the body are still missing
                cls.stores = stores
        return stores.get(name, [])


def _is_property_decorator(d: ast.expr) -> bool:
    target = d.func if isinstance(d, ast.Call) else d
    name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
    return name in ("property", "cached_property")


def _self_stores(node: ast.AST) -> Set[str]:
    """The attribute names a method's text stores on its first parameter (`self.x = ...`,
    `self.x: T = ...`, `for self.x in ...`, `del self.x`)."""
    args = getattr(node, "args", None)
    positional = (args.posonlyargs + args.args) if isinstance(args, ast.arguments) else []
    if not positional or is_static(node):
        return set()
    first = positional[0].arg
    found: Set[str] = set()
    pending: List[ast.AST] = [node]
    while pending:  # statements only (a store is a statement's target): each node once
        stmt = pending.pop()
        kind = type(stmt)
        how = _STORES.get(kind)
        if how == "items":
            targets = [item.optional_vars for item in getattr(stmt, "items") if item.optional_vars is not None]
        elif how == "targets":
            targets = list(getattr(stmt, "targets"))
        else:
            targets = [getattr(stmt, "target")] if how == "target" else []
        while targets:  # `self.x`, or one inside a tuple, a list or a starred target
            target = targets.pop()
            if isinstance(target, ast.Attribute):
                if isinstance(target.value, ast.Name) and target.value.id == first:
                    found.add(target.attr)
            elif isinstance(target, (ast.Tuple, ast.List)):
                targets.extend(target.elts)
            elif isinstance(target, ast.Starred):
                targets.append(target.value)
        for field in _BLOCKS.get(kind, ()):  # the nested statements (a def's, too), never expressions
            pending.extend(getattr(stmt, field))
    return found


# By statement type (a dict lookup per statement: this runs over every method of a class whose
# attributes are read): where it stores, and where it holds statements (bodies, `else:`,
# `finally:`, `except` handlers and `case`s). A type in neither does neither.
_STORES: Dict[type, str] = {
    ast.Assign: "targets", ast.Delete: "targets", ast.AnnAssign: "target", ast.AugAssign: "target",
    ast.For: "target", ast.AsyncFor: "target", ast.With: "items", ast.AsyncWith: "items",
}
_BLOCKS: Dict[type, Tuple[str, ...]] = {
    ast.FunctionDef: ("body",), ast.AsyncFunctionDef: ("body",), ast.ClassDef: ("body",),
    ast.If: ("body", "orelse"), ast.For: ("body", "orelse"), ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"), ast.With: ("body",), ast.AsyncWith: ("body",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"), ast.ExceptHandler: ("body",),
    **{getattr(ast, name): fields for name, fields in (  # the statements of newer Pythons
        ("TryStar", ("body", "handlers", "orelse", "finalbody")), ("Match", ("cases",)), ("match_case", ("body",)))
       if hasattr(ast, name)},
}


def _defines(cls: ClassInfo, name: str) -> bool:
    return (name in cls.methods or name in cls.class_env or name in cls.attr_values
            or name in cls.attr_annotations)


def _fully_known(cls: ClassInfo) -> bool:
    """Whether every base of `cls`, all the way up, is a class of this module (bases exist before
    the class that names them, so the walk ends; MAX_BASES bounds it anyway)."""
    todo, seen = [cls], 0
    while todo and seen < MAX_BASES:
        current = todo.pop()
        seen += 1
        for base in current.bases:
            if not isinstance(base, UserClass):
                return False
            todo.append(base.info)
    return not todo
