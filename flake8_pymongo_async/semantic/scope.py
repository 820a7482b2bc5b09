"""Scopes in the pyflakes manner: module, class, function, comprehension (and lambda).

A scope's ``env`` maps a name to the value of its latest binding on the path being walked. Class
scopes are invisible to the functions nested in them, as in Python.
"""
from __future__ import annotations

from typing import Dict, Literal, Optional, Set

from .values import ClassInfo, FunctionInfo, Value

# A lambda body is a "function" scope without a FunctionInfo.
ScopeKind = Literal["module", "class", "function", "comprehension"]


class Scope:
    __slots__ = ("kind", "env", "parent", "cls", "func", "global_names", "chains")

    def __init__(
        self,
        kind: ScopeKind,
        parent: Optional["Scope"],
        cls: Optional[ClassInfo] = None,
        func: Optional[FunctionInfo] = None,
    ) -> None:
        self.kind = kind
        self.env: Dict[str, Value] = {}
        # Set once, here, to a scope that already exists: the parent chains have no cycles, so
        # every walk up them ends at the module.
        self.parent = parent
        self.cls = cls  # the class whose body this is (class scope) or whose method this is
        self.func = func
        self.global_names: Set[str] = set()
        # Attribute chains assigned in this scope: "app.state.mongo" -> value (FastAPI lifespan shape)
        self.chains: Dict[str, Value] = {}

    def lookup(self, name: str) -> Value:
        """The value `name` has when read here (None: unknown, or a builtin).

        Every step goes to the parent, so the walk ends after one step per enclosing scope.
        """
        scope: Optional[Scope] = self
        first = True
        while scope is not None:
            if first or scope.kind != "class":
                if name in scope.global_names:
                    # `global NAME`, wherever it is (the module itself included): the module's binding.
                    return self.module().env.get(name)
                if name in scope.env:
                    return scope.env[name]
            first = False
            scope = scope.parent
        return None

    def is_bound(self, name: str) -> bool:
        """Whether any scope visible from here binds `name` (so it is not the builtin)."""
        scope: Optional[Scope] = self
        first = True
        while scope is not None:
            if (first or scope.kind != "class") and (name in scope.env or name in scope.global_names):
                return True
            first = False
            scope = scope.parent
        return False

    def module(self) -> "Scope":
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope
