"""What the semantic model tells its subscribers as it walks, and how they subscribe.

A subscriber is any object with ``on_<event>`` methods, one per ``Event`` it wants; ``subscribe``
refuses an ``on_*`` method that names no event (a misspelt handler would otherwise never run).
Each handler receives the model's read-only ``ModelView`` first, then the event's arguments:

========================  ==================================================================
event                     arguments after the view
========================  ==================================================================
IMPORT                    the ``Import`` / ``ImportFrom`` statement
CALL                      the ``Call``, the value of its callee
ATTRIBUTE                 the ``Attribute``, the value of its base, whether it is assigned to
SUBSCRIPT                 the ``Subscript``, the value of its base, whether it is assigned to
AWAIT                     the ``Await``, the value awaited
ITERATE                   the iterating node (``for``, comprehension, ``*``, ``yield from``),
                          the iterable expression, its value, whether it is ``async``
WITH                      the ``With`` / ``AsyncWith``, the item, its value, whether ``async``
COMPARE                   the ``Compare``, the left operand's value, the others' values
PENDING_USE               the un-awaited driver coroutine, how it is used, the use's node
TRY_START / TRY_END       the ``Try`` statement, before and after its body
LOOP_START / LOOP_END     the ``For`` / ``AsyncFor`` / ``While``, before and after its body
BRANCH                    the branching statement's key and the branch's index, as each branch
                          of an ``if`` / ``match`` starts; BRANCHES_END (the key) when all did
FUNCTION_START / _END     the function's ``FunctionInfo``, around the walk of its body
MODULE_END                nothing: every function body has been walked
========================  ==================================================================
"""
from __future__ import annotations

import ast
import sys
import enum
from typing import TYPE_CHECKING, Callable, Dict, List, Literal, Tuple, Union

from .values import FunctionInfo, Pending, Value

if TYPE_CHECKING:
    from .view import ModelView


class Event(enum.Enum):
    IMPORT = "import"
    CALL = "call"
    ATTRIBUTE = "attribute"
    SUBSCRIPT = "subscript"
    AWAIT = "await"
    ITERATE = "iterate"
    WITH = "with"
    COMPARE = "compare"
    PENDING_USE = "pending_use"
    TRY_START = "try_start"
    TRY_END = "try_end"
    LOOP_START = "loop_start"
    LOOP_END = "loop_end"
    BRANCH = "branch"
    BRANCHES_END = "branches_end"
    FUNCTION_START = "function_start"
    FUNCTION_END = "function_end"
    MODULE_END = "module_end"


# How an un-awaited driver coroutine is used (PENDING_USE): awaited ("await"), handed on to
# something that may await it ("return", "yield", "store", "arg", "lambda"), bound to a name
# ("bind"), or used as if it were its result (all the others).
UseContext = Literal[
    "await", "return", "yield", "store", "arg", "lambda", "bind",
    "discard", "attribute", "subscript", "call", "iterate", "async_iterate", "with", "async_with",
    "compare", "truth", "builtin_arg", "value", "unpack",
]

Loop = Union[ast.For, ast.AsyncFor, ast.While]
if sys.version_info >= (3, 11):  # `try: ... except* ...` is ast.TryStar from 3.11 on
    TryStatement = Union[ast.Try, ast.TryStar]
else:
    TryStatement = ast.Try
WithStatement = Union[ast.With, ast.AsyncWith]
IterationSite = Union[ast.For, ast.AsyncFor, ast.comprehension, ast.Starred, ast.YieldFrom, ast.Call]

ImportHandler = Callable[["ModelView", Union[ast.Import, ast.ImportFrom]], None]
CallHandler = Callable[["ModelView", ast.Call, Value], None]
AttributeHandler = Callable[["ModelView", ast.Attribute, Value, bool], None]
SubscriptHandler = Callable[["ModelView", ast.Subscript, Value, bool], None]
AwaitHandler = Callable[["ModelView", ast.Await, Value], None]
IterateHandler = Callable[["ModelView", IterationSite, ast.expr, Value, bool], None]
WithHandler = Callable[["ModelView", WithStatement, ast.withitem, Value, bool], None]
CompareHandler = Callable[["ModelView", ast.Compare, Value, List[Value]], None]
PendingUseHandler = Callable[["ModelView", Pending, UseContext, ast.AST], None]
TryHandler = Callable[["ModelView", TryStatement], None]
LoopHandler = Callable[["ModelView", Loop], None]
BranchHandler = Callable[["ModelView", int, int], None]
BranchesEndHandler = Callable[["ModelView", int], None]
FunctionHandler = Callable[["ModelView", FunctionInfo], None]
ModuleEndHandler = Callable[["ModelView"], None]


class UnknownEventError(TypeError):
    """A subscriber has an ``on_*`` method that names no ``Event``."""


_EVENT_NAMES = frozenset(event.value for event in Event)


class Handlers:
    """The subscribers' handlers, one tuple per event, in subscription order.

    One attribute per event (named by its value) so that an emit site is an attribute read and a
    loop, typed by the handler's signature.
    """

    __slots__ = ("import_", "call", "attribute", "subscript", "await_", "iterate", "with_", "compare", "pending_use",
                 "try_start", "try_end", "loop_start", "loop_end", "branch", "branches_end", "function_start",
                 "function_end", "module_end")

    import_: Tuple[ImportHandler, ...]
    call: Tuple[CallHandler, ...]
    attribute: Tuple[AttributeHandler, ...]
    subscript: Tuple[SubscriptHandler, ...]
    await_: Tuple[AwaitHandler, ...]
    iterate: Tuple[IterateHandler, ...]
    with_: Tuple[WithHandler, ...]
    compare: Tuple[CompareHandler, ...]
    pending_use: Tuple[PendingUseHandler, ...]
    try_start: Tuple[TryHandler, ...]
    try_end: Tuple[TryHandler, ...]
    loop_start: Tuple[LoopHandler, ...]
    loop_end: Tuple[LoopHandler, ...]
    branch: Tuple[BranchHandler, ...]
    branches_end: Tuple[BranchesEndHandler, ...]
    function_start: Tuple[FunctionHandler, ...]
    function_end: Tuple[FunctionHandler, ...]
    module_end: Tuple[ModuleEndHandler, ...]


def _slot(event: Event) -> str:
    """The ``Handlers`` attribute of an event: `import`, `await` and `with` are keywords."""
    return event.value + "_" if event.value in ("import", "await", "with") else event.value


# Each event's Handlers slot and handler method name, computed once: reading an Enum member's
# value costs microseconds, and subscribe() runs for every module checked.
_SLOTS: Tuple[Tuple[str, str], ...] = tuple((_slot(event), "on_" + event.value) for event in Event)
# Subscriber class -> (slot, method name) of each event it handles, checked once per class.
_HANDLED: Dict[type, Tuple[Tuple[str, str], ...]] = {}


def _handled(subscriber_class: type) -> Tuple[Tuple[str, str], ...]:
    found = _HANDLED.get(subscriber_class)
    if found is None:
        for name in dir(subscriber_class):
            if name.startswith("on_") and name[3:] not in _EVENT_NAMES:
                raise UnknownEventError(
                    f"{subscriber_class.__name__}.{name} handles no event: {name[3:]!r} is not one of "
                    f"{', '.join(sorted(_EVENT_NAMES))}"
                )
        found = _HANDLED[subscriber_class] = tuple(pair for pair in _SLOTS if hasattr(subscriber_class, pair[1]))
    return found


def subscribe(subscribers: Tuple[object, ...]) -> Handlers:
    """Each subscriber's ``on_<event>`` methods, by event, in the subscribers' order. Raises
    ``UnknownEventError`` for an ``on_*`` attribute of a subscriber's class that names no event."""
    found: Dict[str, List[Callable[..., None]]] = {slot: [] for slot, _ in _SLOTS}
    for subscriber in subscribers:
        for slot, method in _handled(type(subscriber)):
            found[slot].append(getattr(subscriber, method))
    handlers = Handlers()
    for slot, methods in found.items():
        setattr(handlers, slot, tuple(methods))
    return handlers
