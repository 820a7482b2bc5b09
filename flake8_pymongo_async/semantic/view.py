"""What a rule may read from the semantic model, and where what it reports goes.

Handlers receive the model typed as ``ModelView``: read-only properties and queries, plus
``report``. The model passes each report on to a ``DiagnosticSink`` (owned by the checker) with
whether the site is dead code; it keeps no diagnostics itself.
"""
from __future__ import annotations

import ast
from typing import Mapping, Optional, Protocol, Sequence, Union

from ..diagnostics import Fix, Located, NoCounterpart
from .summary import FunctionSummary
from .values import ExternalFunction, FunctionInfo, Value


class RuleLike(Protocol):
    """What reporting needs of a rule: its code and its message for the given fields."""

    @property
    def code(self) -> str: ...

    def format(self, **fields: object) -> str: ...


Site = Union[ast.AST, Located]


class DiagnosticSink(Protocol):
    def report(self, rule: RuleLike, node: Site, fix: Optional[Fix], fields: Mapping[str, object],
               dead: bool, unfixable: Optional[NoCounterpart] = None) -> None:
        """Record one finding; ``dead``: the site is in a branch that never runs (`if False:`);
        ``unfixable``: why it has no fix, when that is worth saying in the fix summary."""


class ModelView(Protocol):
    """The model as its subscribers see it, while it walks and at MODULE_END."""

    @property
    def lines(self) -> Sequence[str]: ...

    @property
    def in_async_function(self) -> bool:
        """Whether the code being walked runs inside `async def` (a lambda's body does not)."""

    @property
    def current_function(self) -> Optional[FunctionInfo]: ...

    @property
    def current_stmt(self) -> Optional[ast.stmt]:
        """The statement whose expressions are being walked."""

    @property
    def module_roots(self) -> Mapping[str, str]:
        """Module-level names holding async driver objects -> the name they derive from."""

    def value_of(self, node: ast.AST) -> Value:
        """The value an already-walked expression had (None when unknown)."""

    def external_function(self, func: ExternalFunction) -> Optional[FunctionSummary]:
        """The summary of a function of another module of the project (None when not known)."""

    def declared_return(self, info: FunctionInfo) -> Value:
        """What a function's return annotation declares it gives (None without one, or unknown)."""

    def parent_of(self, node: ast.AST) -> Optional[ast.AST]:
        """The expression an already-walked expression is a direct part of."""

    def is_bound(self, name: str) -> bool:
        """Whether a binding visible where the walk is shadows the builtin `name`."""

    def is_builtin_call(self, node: ast.Call, func: Value) -> Optional[str]:
        """The builtin's name when `node` calls a builtin that no binding shadows."""

    def report(self, rule: RuleLike, node: Site, fix: Optional[Fix] = None,
               unfixable: Optional[NoCounterpart] = None, **fields: object) -> None: ...
