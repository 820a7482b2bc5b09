"""A module as other modules see it: what the finished walk of the semantic model knows of its names.

``summarize(model)`` reads a model after ``run()`` (it walks nothing again) and returns an
immutable ``ModuleSummary``: the module-level names and their values, the module's functions and
what they return, its classes with their bases and attributes. The values are described by
``ValueSummary``, which holds no AST node and no model object, so a summary can outlive the walk.
"""
from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Tuple

from .frameworks import module_fixtures, module_state
from .scope import Scope
from .values import (FALSE, NONE, TRUE, Awaitable, ClassInfo, ClassRef, Conflict, EventLoop, ExternalClass,
                     ExternalFunction, ExternalInstance, ExternalModule, Flavour, FuncRef, FunctionInfo, Instance,
                     ListOf, Method, Module, Obj, Pending, Special, UserClass, Value)

if TYPE_CHECKING:
    from .model import SemanticModel


class ValueKind(enum.Enum):
    UNKNOWN = "unknown"  # not known, or different on different paths
    DRIVER_OBJECT = "driver_object"  # an instance of a driver class (flavour, driver_kind)
    DRIVER_CLASS = "driver_class"  # a driver class itself (flavour, driver_kind)
    DRIVER_METHOD = "driver_method"  # a bound method of a driver object (flavour, driver_kind, name)
    COROUTINE = "coroutine"  # an un-awaited coroutine; `result` is what awaiting it gives
    LIST = "list"  # a list whose items are `result`
    MODULE = "module"  # an imported module the model knows (name)
    KNOWN_NAME = "known_name"  # a typing form or library function the model knows (name)
    CONSTANT = "constant"  # None, True or False (name)
    EVENT_LOOP = "event_loop"
    FUNCTION = "function"  # a function of this module or `module` (name: its qualified name)
    CLASS = "class"  # a class of this module or `module` (name)
    INSTANCE = "instance"  # an instance of a class of this module or `module` (name)


@dataclass(frozen=True)
class ValueSummary:
    kind: ValueKind
    name: Optional[str] = None
    flavour: Optional[Flavour] = None
    driver_kind: Optional[str] = None
    result: Optional["ValueSummary"] = None
    # FUNCTION, CLASS, INSTANCE: the dotted name of the module that defines it, when that is not
    # the module summarised (an imported first-party function or class); None for its own.
    module: Optional[str] = None


UNKNOWN = ValueSummary(ValueKind.UNKNOWN)
_CONSTANTS = (NONE, TRUE, FALSE)


@dataclass(frozen=True)
class FunctionSummary:
    qualname: str  # as Python's __qualname__
    line: int
    is_async: bool
    is_generator: bool
    returns: ValueSummary  # what calling it gives (for `async def`: what awaiting the call gives)
    reaches: Tuple[str, ...]  # module- or class-level async driver objects it uses, sorted
    blocks: Optional[str] = None  # the sync PyMongo method it calls that waits for the server, if any


@dataclass(frozen=True)
class ClassSummary:
    name: str
    line: int
    bases: Tuple[str, ...]  # as written: `Base`, `mod.Base` (other expressions are left out)
    attributes: Mapping[str, ValueSummary]  # class-level names and `self.x` of its methods
    methods: Mapping[str, FunctionSummary]


@dataclass(frozen=True)
class ModuleSummary:
    names: Mapping[str, ValueSummary]  # module-level names, as bound at the end of the module
    functions: Mapping[str, FunctionSummary]  # module-level `def`s still bound to their name
    classes: Mapping[str, ClassSummary]  # module-level classes still bound to their name
    # pytest fixtures defined at module level: fixture name -> what a test requesting it receives
    # (the return value, or what a generator fixture yields).
    fixtures: Mapping[str, ValueSummary] = field(default_factory=lambda: MappingProxyType({}))
    # Framework state this module stores: "state.mongo" for Starlette/FastAPI `app.state.mongo = x`,
    # "item:mongo" for aiohttp `app["mongo"] = x` -> the value stored.
    state: Mapping[str, ValueSummary] = field(default_factory=lambda: MappingProxyType({}))


class _Summarizer:
    """Describes values; each function and class once (the value graph may have cycles)."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.qualnames: Dict[int, str] = {}
        self.functions: Dict[int, FunctionSummary] = {}

    def value(self, value: Value) -> ValueSummary:
        if isinstance(value, Obj):
            return ValueSummary(ValueKind.DRIVER_OBJECT, flavour=value.flavour, driver_kind=value.kind)
        if isinstance(value, ClassRef):
            return ValueSummary(ValueKind.DRIVER_CLASS, flavour=value.flavour, driver_kind=value.kind)
        if isinstance(value, Method):
            return ValueSummary(ValueKind.DRIVER_METHOD, name=value.name, flavour=value.owner.flavour,
                                driver_kind=value.owner.kind)
        if isinstance(value, (Pending, Awaitable)):
            return ValueSummary(ValueKind.COROUTINE, result=self.value(value.result))
        if isinstance(value, ListOf):
            return ValueSummary(ValueKind.LIST, result=self.value(value.item))
        if isinstance(value, Module):
            return ValueSummary(ValueKind.MODULE, name=value.name)
        if isinstance(value, Special):
            kind = ValueKind.CONSTANT if value in _CONSTANTS else ValueKind.KNOWN_NAME
            return ValueSummary(kind, name=value.name)
        if isinstance(value, EventLoop):
            return ValueSummary(ValueKind.EVENT_LOOP)
        if isinstance(value, FuncRef):
            return ValueSummary(ValueKind.FUNCTION, name=self.qualname(value.info))
        if isinstance(value, UserClass):
            return ValueSummary(ValueKind.CLASS, name=value.info.name)
        if isinstance(value, Instance):
            return ValueSummary(ValueKind.INSTANCE, name=value.info.name)
        # Imported from another module of the project (and maybe re-exported from here): `module`
        # keeps them resolvable by whoever reads this summary.
        if isinstance(value, ExternalModule):
            return ValueSummary(ValueKind.MODULE, name=value.name)
        if isinstance(value, ExternalFunction):
            return ValueSummary(ValueKind.FUNCTION, name=value.qualname, module=value.module)
        if isinstance(value, ExternalClass):
            return ValueSummary(ValueKind.CLASS, name=value.name, module=value.module)
        if isinstance(value, ExternalInstance):
            return ValueSummary(ValueKind.INSTANCE, name=value.name, module=value.module)
        if value is None or isinstance(value, Conflict):
            return UNKNOWN
        raise TypeError(f"no summary for the value {value!r}")  # a new kind of Value needs one

    def qualname(self, info: FunctionInfo) -> str:
        found = self.qualnames.get(id(info))
        if found is None:
            found = self.qualnames[id(info)] = _qualname(info)
        return found

    def function(self, info: FunctionInfo) -> FunctionSummary:
        found = self.functions.get(id(info))
        if found is None:
            returned = self.model.return_value(info)
            found = self.functions[id(info)] = FunctionSummary(
                qualname=self.qualname(info),
                line=info.node.lineno,
                is_async=info.is_async,
                is_generator=info.is_generator,
                returns=self.value(returned),
                reaches=tuple(sorted(info.reaches)),
                blocks=info.blocks,
            )
        return found

    def cls(self, info: ClassInfo) -> ClassSummary:
        names = list(dict.fromkeys([*info.class_env, *info.attr_annotations, *info.attr_values]))
        attributes = {name: self.value(self.model.instance_attribute(info, name))
                      for name in names if name not in info.methods}
        for name, method in info.methods.items():
            if method.is_property:  # read as an attribute: what the getter returns
                attributes[name] = self.value(self.model.return_value(method))
        return ClassSummary(
            name=info.name,
            line=info.node.lineno,
            bases=tuple(text for text in (_base_text(b) for b in info.node.bases) if text is not None),
            attributes=MappingProxyType(attributes),
            methods=MappingProxyType({name: self.function(m) for name, m in info.methods.items()}),
        )


def summarize(model: SemanticModel) -> ModuleSummary:
    """The summary of the module whose walk `model` has finished (after ``run()``): every function
    has been walked then, so this only reads what the walk recorded."""
    summarizer = _Summarizer(model)
    env = model.module_scope.env
    functions: Dict[str, FunctionSummary] = {}
    classes: Dict[str, ClassSummary] = {}
    for name, value in env.items():
        if isinstance(value, FuncRef) and value.info.cls is None and _named(value.info.node, name):
            functions[name] = summarizer.function(value.info)
        elif isinstance(value, UserClass) and value.info.name == name:
            classes[name] = summarizer.cls(value.info)
    return ModuleSummary(
        names=MappingProxyType({name: summarizer.value(value) for name, value in env.items()}),
        functions=MappingProxyType(functions),
        classes=MappingProxyType(classes),
        fixtures=MappingProxyType({name: summarizer.value(value) for name, value in module_fixtures(model).items()}),
        state=MappingProxyType({key: summarizer.value(value) for key, value in module_state(model).items()}),
    )


def _named(node: ast.AST, name: str) -> bool:
    return getattr(node, "name", None) == name


def _qualname(info: FunctionInfo) -> str:
    """As Python's ``__qualname__``: `f`, `Repo.find`, `outer.<locals>.inner`."""
    parts: List[str] = [info.node.name]
    scope: Optional[Scope] = info.parent_scope
    while scope is not None and scope.kind != "module":
        if scope.kind == "class" and scope.cls is not None:
            parts.insert(0, scope.cls.name)
        elif scope.kind == "function" and scope.func is not None:
            parts.insert(0, scope.func.node.name + ".<locals>")
        scope = scope.parent
    return ".".join(parts)


def _base_text(node: ast.expr) -> Optional[str]:
    # Imported here: the model's state imports this module (through project.py), and expressions.py
    # imports the state.
    from .expressions import dotted

    if isinstance(node, ast.Name):
        return node.id
    return dotted(node)
