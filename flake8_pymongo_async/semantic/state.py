"""The semantic model's state during its walk, shared by its parts.

``SemanticModel`` (``model.py``) is made of three parts, each a mixin over ``ModelState``:
``expressions.Expressions``, ``statements.Statements`` and ``definitions.Definitions``. The
methods one part calls on another are declared here for the type checker only; at run time each
exists once, in its part.
"""
from __future__ import annotations

import ast
from abc import abstractmethod
from typing import TYPE_CHECKING, Callable, Dict, Iterable, List, Optional, Sequence, Set

from ..diagnostics import Fix, NoCounterpart
from ..settings import Settings
from .events import Handlers, UseContext, subscribe
from .external import ProjectResolver
from .frameworks import FrameworkFacts
from .project import NO_PROJECT, ProjectView
from .scope import Scope
from .summary import FunctionSummary
from .values import ClassInfo, EventLoop, ExternalFunction, FunctionInfo, Pending, Value
from .view import DiagnosticSink, RuleLike, Site


class ModelState:
    def __init__(self, tree: ast.AST, lines: Sequence[str], settings: Settings, subscribers: Sequence[object],
                 sink: DiagnosticSink, project: ProjectView = NO_PROJECT) -> None:
        self.tree = tree
        self.lines = lines
        self.settings = settings
        self.sink = sink
        self.project = project  # what the other modules of the project export (NO_PROJECT: nothing)
        self.handlers: Handlers = subscribe(tuple(subscribers))
        self.module_scope = Scope("module", None)
        self.scope = self.module_scope
        self.depth = 0
        self.depth_limit_reached = False  # some code was nested past MAX_DEPTH and not analysed
        self.deferred: List[FunctionInfo] = []
        self.values: Dict[int, Value] = {}  # id(expression node) -> value, for rules that look back
        self.parents: Dict[int, ast.AST] = {}  # id(child expression) -> parent, filled as we go
        self.in_async_function = False
        self.current_function: Optional[FunctionInfo] = None
        self.dead = 0  # > 0 while walking a branch that never runs (`if False:`)
        self.current_stmt: Optional[ast.stmt] = None  # the statement whose expressions are being walked
        # The last attribute of every `a.b.c = value` seen: a read of `x.y` looks for a stored chain
        # only when `y` is one of them (most attribute reads are not).
        self.chain_attrs: Set[str] = set()
        # Module-level names holding async driver objects -> the name of the object they derive
        # from (`db = client.app` makes "db" -> "client"), so uses of either reach one client.
        self.module_roots: Dict[str, str] = {}
        self.default_loop = EventLoop(new=False)
        # > 0 while walking the arguments of asyncio.run_coroutine_threadsafe(): the coroutine runs
        # on the loop it is handed to, so what it uses is not used by the calling thread.
        self.handed_to_loop = 0
        # --pma-extra-factories: "kind:name" entries; calling `name` gives an async driver object.
        self.factories: Dict[str, str] = {}
        for entry in settings.extra_factories:
            kind, _, name = entry.partition(":")
            self.factories[name] = kind
        self.imports = ProjectResolver(project, self.factories)  # names of the project's other modules
        self.frameworks = FrameworkFacts()  # framework state stored, pytest fixtures found (frameworks.py)
        self._expression_handlers: Dict[type, Callable[..., Value]] = self.expression_handlers()

    # ------------------------------------------------------------------ what subscribers use (view.ModelView)
    def report(self, rule: RuleLike, node: Site, fix: Optional[Fix] = None,
               unfixable: Optional[NoCounterpart] = None, **fields: object) -> None:
        self.sink.report(rule, node, fix, fields, self.dead > 0, unfixable)

    def consume(self, value: Value, context: UseContext, node: ast.AST) -> None:
        """Tell the subscribers how an un-awaited driver coroutine is used (awaited, discarded, ...)."""
        if value.__class__ is not Pending:  # faster than isinstance() here, called for every use
            return
        if context == "await":
            value.awaited = True
        elif context in ("return", "yield", "store", "arg", "lambda"):
            value.escaped = True
        for on_pending_use in self.handlers.pending_use:
            on_pending_use(self, value, context, node)

    def is_bound(self, name: str) -> bool:
        return self.scope.is_bound(name)

    def is_builtin_call(self, node: ast.Call, func: Value) -> Optional[str]:
        """The builtin's name when `node` calls a builtin that no binding shadows."""
        if func is None and isinstance(node.func, ast.Name) and not self.scope.is_bound(node.func.id):
            return node.func.id
        return None

    def value_of(self, node: ast.AST) -> Value:
        """The value an already-walked expression had (None when unknown)."""
        return self.values.get(id(node))

    def external_function(self, func: ExternalFunction) -> Optional[FunctionSummary]:
        return self.imports.function(func)

    def parent_of(self, node: ast.AST) -> Optional[ast.AST]:
        return self.parents.get(id(node))

    if TYPE_CHECKING:  # implemented by the parts (see the module's docstring)
        @abstractmethod
        def expression_handlers(self) -> Dict[type, Callable[..., Value]]: ...

        @abstractmethod
        def visit(self, node: ast.AST) -> Value: ...

        @abstractmethod
        def expr(self, node: ast.expr) -> Value: ...

        @abstractmethod
        def annotation(self, node: Optional[ast.expr]) -> Value: ...

        @abstractmethod
        def item_value(self, iterable: Value, is_async: bool) -> Value: ...

        @abstractmethod
        def enter_value(self, value: Value) -> Value: ...

        @abstractmethod
        def block(self, stmts: Iterable[ast.stmt]) -> None: ...

        @abstractmethod
        def assign_name(self, name: str, value: Value) -> None: ...

        @abstractmethod
        def bind(self, target: ast.AST, value: Value, value_node: Optional[ast.AST]) -> None: ...

        @abstractmethod
        def walk_function(self, info: FunctionInfo) -> None: ...

        @abstractmethod
        def return_value(self, info: FunctionInfo) -> Value: ...

        @abstractmethod
        def declared_return(self, info: FunctionInfo) -> Value: ...

        @abstractmethod
        def call_result(self, func: Value, node: ast.Call) -> Value: ...

        @abstractmethod
        def instance_attribute(self, cls: ClassInfo, name: str, depth: int = 0) -> Value: ...

        @abstractmethod
        def _defaults(self, args: ast.arguments) -> None: ...
