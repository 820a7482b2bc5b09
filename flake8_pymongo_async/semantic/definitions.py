"""Functions and classes: their definitions, their bodies' walks, return values and attributes.

A part of ``SemanticModel``: a mixin over ``state.ModelState``.
Function bodies are deferred to the end of the module (so they see later globals), and walked
earlier on demand when another function needs their return value or a class needs to know what
its methods store in ``self.x``.
"""
from __future__ import annotations

import ast
from typing import Union

from .expressions import all_args
from .frameworks import bind_framework_parameters
from .scope import Scope
from .statements import decorator_names, is_static, merge_optional
from .state import ModelState
from .values import NONE, ClassInfo, Conflict, FuncRef, FunctionInfo, Instance, Obj, Pending, UserClass, Value, merge


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

    def walk_function(self, info: FunctionInfo) -> None:
        if info.walked or info.walking:
            return
        info.walking = True
        node = info.node
        saved = (self.scope, self.in_async_function, self.current_function, self.depth, self.dead)
        self.dead = 0
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

    def return_value(self, info: FunctionInfo) -> Value:
        node = info.node
        if node.returns is not None:
            saved = self.scope
            self.scope = info.parent_scope
            try:
                return self.annotation(node.returns)
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


def _is_property_decorator(d: ast.expr) -> bool:
    target = d.func if isinstance(d, ast.Call) else d
    name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
    return name in ("property", "cached_property")
