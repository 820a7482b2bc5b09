"""What the names of the project's other modules denote, read from their summaries (``ProjectView``).

The inverse of ``summary.py``: a ``ValueSummary`` of another module becomes a model value again.
Functions, classes and modules of the project stay references (``ExternalFunction``...) that are
looked up in their module's summary only when called or read, so nothing here walks anything.
"""
from __future__ import annotations

from typing import List, Mapping, Optional, Set, Tuple

from ..api import kinds
from .project import ProjectView
from .resolve import resolve_import
from .summary import FunctionSummary, ModuleSummary, ValueKind, ValueSummary
from .values import (Awaitable, ClassRef, ExternalClass, ExternalFunction, ExternalInstance, ExternalModule, ListOf,
                     Method, Obj, Special, Value)

# Base classes followed from one class (through other modules) before giving up: real hierarchies
# are a few levels deep; this bounds a pathological or cyclic one (`a.A(b.B)`, `b.B(a.A)`).
MAX_BASES = 20

# Base-class names that define no attribute a program sets (`class Repo(object)`).
_NEUTRAL_BASES = frozenset({"object"})


def absolute_name(level: int, module: Optional[str], package: Optional[str]) -> Optional[str]:
    """The absolute dotted name of ``from <level dots><module> import ...`` in a module whose package
    is ``package`` (``""``: the package root itself, for ``from . import x`` at the top); None when
    it reaches above the package root or the package is unknown. Shared with the project index."""
    if level == 0:
        return module
    if package is None:
        return None
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[:len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base)


def absolute_module(level: int, module: Optional[str], package: Optional[str]) -> Optional[str]:
    """The module `from <level dots><module> import ...` names (None also for the package root)."""
    return absolute_name(level, module, package) or None


class ProjectResolver:
    """What names of the project's other modules denote, as model values, read from their summaries.

    Every lookup is one step (an attribute of a module, the result of a call) except base classes,
    which are followed at most MAX_BASES classes deep and never twice: each answer ends.
    """

    def __init__(self, project: ProjectView, factories: Mapping[str, str]) -> None:
        self.project = project
        self.factories = factories  # --pma-extra-factories: dotted name -> kind

    def import_module(self, name: str) -> Value:
        """`import name` (or `import name as x`): a first-party module, if the project has it."""
        return ExternalModule(name) if self.project.module(name) is not None else None

    def import_package(self, dotted_name: str) -> Value:
        """`import app.db` binds `app`: a first-party package if it or the submodule is known."""
        top = dotted_name.split(".")[0]
        if self.project.module(top) is not None or self.project.module(dotted_name) is not None:
            return ExternalModule(top)
        return None

    def name_in(self, module: str, name: str) -> Value:
        """`from module import name`, or `module.name` on an imported first-party module."""
        summary = self.project.module(module)
        found = summary.names.get(name) if summary is not None else None
        kind = self.factories.get(f"{module}.{name}")
        if kind is not None:
            # --pma-extra-factories names a function or class (calling it gives the object), or,
            # when the module says it is neither, the object itself.
            if summary is None or (found is not None and found.kind in _CALLABLE):
                return ClassRef("async", kind)
            return Obj("async", kind)
        if found is not None:
            return self.value(found, module)
        return self.import_module(f"{module}.{name}")  # a submodule (`from app import db`)

    def value(self, summary: Optional[ValueSummary], module: str) -> Value:
        """A summarised value of `module` as a model value (the inverse of summary.py's ``value``)."""
        if summary is None:
            return None
        kind = summary.kind
        flavour, driver_kind, name = summary.flavour, summary.driver_kind, summary.name
        if kind is ValueKind.DRIVER_OBJECT and flavour and driver_kind:
            return Obj(flavour, driver_kind)
        if kind is ValueKind.DRIVER_CLASS and flavour and driver_kind:
            return ClassRef(flavour, driver_kind)
        if kind is ValueKind.DRIVER_METHOD and flavour and driver_kind and name:
            owner = Obj(flavour, driver_kind)
            found = kinds.member(owner, name)
            if found is None or found[0] not in ("coroutine", "sync"):
                return None
            return Method(owner, name, found[0], found[1])
        if kind is ValueKind.COROUTINE:
            return Awaitable(self.value(summary.result, module))
        if kind is ValueKind.LIST:
            return ListOf(self.value(summary.result, module))
        if kind is ValueKind.MODULE and name:
            return resolve_import(name) or ExternalModule(name)
        if kind in (ValueKind.KNOWN_NAME, ValueKind.CONSTANT) and name:
            return Special(name)
        if kind is ValueKind.FUNCTION and name:
            return ExternalFunction(summary.module or module, name)
        if kind is ValueKind.CLASS and name:
            return ExternalClass(summary.module or module, name)
        if kind is ValueKind.INSTANCE and name:
            return ExternalInstance(summary.module or module, name)
        return None  # UNKNOWN, EVENT_LOOP (one object per module: not shared across modules)

    def attribute(self, base: Value, name: str) -> Value:
        if isinstance(base, ExternalModule):
            return self.name_in(base.name, name)
        if isinstance(base, (ExternalClass, ExternalInstance)):
            return self.member(base.module, base.name, name)
        return None

    def call(self, func: Value) -> Value:
        if isinstance(func, ExternalClass):
            return ExternalInstance(func.module, func.name)
        if isinstance(func, ExternalFunction):
            function = self.function(func)
            if function is None or function.is_generator:
                return None
            result = self.value(function.returns, func.module)
            return Awaitable(result) if function.is_async else result
        return None

    def function(self, func: ExternalFunction) -> Optional[FunctionSummary]:
        summary = self.project.module(func.module)
        if summary is None:
            return None
        owner, _, method = func.qualname.rpartition(".")
        if not owner:
            return summary.functions.get(method)
        cls = summary.classes.get(owner)  # a method of a module-level class; nested ones stay unknown
        return cls.methods.get(method) if cls is not None else None

    def member(self, module: str, cls_name: str, name: str) -> Value:
        """`name` on a class of `module` or its instance: its own attributes, its methods, then its
        bases' (left to right, depth first). A base the model does not know makes it unknown."""
        todo: List[Tuple[str, str]] = [(module, cls_name)]
        seen: Set[Tuple[str, str]] = set()
        while todo and len(seen) < MAX_BASES:
            module, cls_name = todo.pop(0)
            if (module, cls_name) in seen:
                continue
            seen.add((module, cls_name))
            summary = self.project.module(module)
            cls = summary.classes.get(cls_name) if summary is not None else None
            if summary is None or cls is None:
                return None
            if name in cls.attributes:
                return self.value(cls.attributes[name], module)
            method = cls.methods.get(name)
            if method is not None:
                return ExternalFunction(module, method.qualname)
            bases: List[Tuple[str, str]] = []
            for text in cls.bases:
                if text in _NEUTRAL_BASES and text not in summary.names:
                    continue
                base = self._dotted_in(summary, module, text)
                if not isinstance(base, ExternalClass):
                    return None
                bases.append((base.module, base.name))
            todo[:0] = bases
        return None

    def _dotted_in(self, summary: ModuleSummary, module: str, text: str) -> Value:
        """What `a.b.c`, read at the end of `module`, denotes."""
        first, *rest = text.split(".")
        value = self.value(summary.names.get(first), module)
        for part in rest:
            value = self.attribute(value, part)
        return value


_CALLABLE = (ValueKind.FUNCTION, ValueKind.CLASS, ValueKind.DRIVER_CLASS)
