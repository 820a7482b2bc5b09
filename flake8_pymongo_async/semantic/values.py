"""What the model knows about an expression's value. ``None`` everywhere means "unknown".

Driver objects are ``Obj(flavour, kind)``: the ``Flavour`` says which driver made it; kind is one
of ``api.tables.OBJECT_KINDS``.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Literal, NamedTuple, Optional, Set, Union

if TYPE_CHECKING:
    from .scope import Scope

# "async": PyMongo Async; "motor": Motor, judged as its PyMongo Async counterpart; "sync": PyMongo.
Flavour = Literal["async", "motor", "sync"]
FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]


class Obj(NamedTuple):
    """An instance of a driver class."""

    flavour: Flavour
    kind: str

    @property
    def is_async(self) -> bool:
        return self.flavour != "sync"


class ClassRef(NamedTuple):
    """A driver class itself (imported name, attribute of a module, or a generic alias of one)."""

    flavour: Flavour
    kind: str


class Module(NamedTuple):
    """An imported module we know of (pymongo, gridfs, motor, typing, asyncio...)."""

    name: str


class Special(NamedTuple):
    """A typing form or helper whose meaning the model knows: Optional, Union, cast, ..."""

    name: str


class Method(NamedTuple):
    """A bound method of a driver object, before it is called."""

    owner: Obj
    name: str
    how: str  # "coroutine" or "sync"
    returns: Optional[str]


class ListOf(NamedTuple):
    """A list whose items have a known kind (``await gridfs_cursor.to_list(None)``)."""

    item: "Value"


class Pending:
    """A coroutine from a driver coroutine method or async property that has not been awaited.

    Identity matters: each call makes its own, so the await rules can follow it through names.
    """

    __slots__ = ("result", "owner", "member", "node", "awaited", "escaped", "reported")

    def __init__(self, result: "Value", owner: Obj, member: str, node: ast.AST) -> None:
        self.result = result
        self.owner = owner
        self.member = member
        self.node = node
        self.awaited = False  # awaited somewhere (directly or through a name)
        self.escaped = False  # handed to something that may await it (returned, passed, stored)
        self.reported = False  # a rule already reported this coroutine (one diagnostic per hazard)

    def __repr__(self) -> str:
        return f"Pending({self.owner.kind}.{self.member} -> {self.result!r})"


class FunctionInfo:
    """A function or method defined in the module: its node, scope and (lazily) return value."""

    __slots__ = ("node", "parent_scope", "cls", "walked", "walking", "returns", "is_property", "is_generator",
                 "reaches", "calls", "yields", "blocks", "self_stores")

    def __init__(self, node: FunctionNode, parent_scope: "Scope", cls: Optional["ClassInfo"]) -> None:
        self.node = node
        self.parent_scope = parent_scope
        self.cls = cls
        self.walked = False
        self.walking = False
        self.returns: List["Value"] = []  # values of its `return` statements, once walked
        self.is_property = False
        self.is_generator = False
        self.yields: List["Value"] = []  # values of its `yield` expressions, once walked (None: `yield from`)
        # The first sync PyMongo call in its own body that waits for the server (`find_one`), if any.
        self.blocks: Optional[str] = None
        self.self_stores: Optional[FrozenSet[str]] = None  # the `self.x` it stores (read from its text once)
        # Module- or class-level async driver objects this function uses (by root name, e.g.
        # "client" or "Repo.client"), and the module's functions it calls or hands on.
        self.reaches: Set[str] = set()
        self.calls: List["FunctionInfo"] = []

    @property
    def is_async(self) -> bool:
        return isinstance(self.node, ast.AsyncFunctionDef)


class ClassInfo:
    """A class defined in the module: its methods and what ``self.x`` holds."""

    __slots__ = ("node", "name", "methods", "attr_values", "attr_annotations", "class_env", "bases", "defined",
                 "stores")

    def __init__(self, node: ast.ClassDef) -> None:
        self.node = node
        self.name = node.name
        self.methods: Dict[str, FunctionInfo] = {}
        self.attr_values: Dict[str, List["Value"]] = {}  # self.x = <value>, from walked methods
        self.attr_annotations: Dict[str, "Value"] = {}  # class-level `x: T` and `self.x: T = ...`
        self.class_env: Dict[str, "Value"] = {}  # names bound in the class body
        # The values of its bases, in order (`object` left out; None: a base the model does not know).
        self.bases: List["Value"] = []
        self.defined = False  # its body has been walked: `methods` is complete
        # Attribute name -> the methods whose text stores `self.<name>` (found once, when first needed).
        self.stores: Optional[Dict[str, List[FunctionInfo]]] = None


class FuncRef(NamedTuple):
    info: FunctionInfo


class UserClass(NamedTuple):
    info: ClassInfo


class Instance(NamedTuple):
    info: ClassInfo


class ExternalModule(NamedTuple):
    """A first-party module, read from its summary (``ProjectView.module``): its attributes are the
    names the summary lists, else its submodules."""

    name: str


class ExternalFunction(NamedTuple):
    """A function or method defined in another module of the project (``Repo.find`` for a method)."""

    module: str
    qualname: str


class ExternalClass(NamedTuple):
    """A class defined in another module of the project."""

    module: str
    name: str


class ExternalInstance(NamedTuple):
    """An instance of a class defined in another module of the project."""

    module: str
    name: str


EXTERNAL_VALUES = (ExternalModule, ExternalFunction, ExternalClass, ExternalInstance)


class EventLoop:
    """An event loop value: `asyncio.new_event_loop()` makes a new one each call; the running or
    default loop (`get_event_loop()`, `get_running_loop()`) is one shared object per module."""

    __slots__ = ("new",)

    def __init__(self, new: bool) -> None:
        self.new = new


class Awaitable:
    """The coroutine of a module-level `async def` call: awaiting it gives ``result``."""

    __slots__ = ("result",)

    def __init__(self, result: "Value") -> None:
        self.result = result


class Conflict(NamedTuple):
    """A name bound to different values on different paths: treated as unknown."""


CONFLICT = Conflict()
NONE = Special("None")  # the constant None: neutral when merging attribute assignments
EXECUTOR = Special("executor")  # a concurrent.futures thread or process pool
TRUE = Special("True")
FALSE = Special("False")

Value = Union[Obj, ClassRef, Module, Special, Method, ListOf, Pending, FuncRef, UserClass, Instance, EventLoop,
              Awaitable, ExternalModule, ExternalFunction, ExternalClass, ExternalInstance, Conflict, None]


def merge(a: "Value", b: "Value") -> "Value":
    """The value of a name after two paths join."""
    # Named tuples of different kinds with equal fields compare equal (`ExternalClass("m", "C")` and
    # `ExternalInstance("m", "C")`): the same value is the same kind of value too.
    if a is b or (a == b and type(a) is type(b)):
        return a
    # A Motor object and a PyMongo Async object of the same kind (a compatibility import in
    # `try`/`except ImportError`) are judged alike: keep the PyMongo Async one.
    if isinstance(a, (Obj, ClassRef)) and isinstance(b, type(a)) and a.kind == b.kind:
        if {a.flavour, b.flavour} == {"motor", "async"}:
            return a if a.flavour == "async" else b
    return CONFLICT
