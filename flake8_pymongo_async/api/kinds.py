"""Questions about driver objects, answered from the generated API tables (never from name lists).

A Motor object is judged as its PyMongo Async counterpart; a sync PyMongo object by the sync tables.
What a name denotes as a value of the semantic model is ``semantic.resolve``'s business.
"""
from __future__ import annotations

from typing import Dict, FrozenSet, Optional, Protocol, Tuple

from . import tables

Member = Tuple[str, Optional[str]]  # (how, returns-kind)


class DriverObject(Protocol):
    """Anything that says which driver made an object and of which kind it is."""

    @property
    def flavour(self) -> str: ...

    @property
    def kind(self) -> str: ...


# Kinds that are iterated with `async for` and hold documents (or GridFS files).
CURSOR_KINDS: FrozenSet[str] = frozenset(
    k for k, members in tables.ASYNC_MEMBERS.items() if "__anext__" in members
)
# What one item of an iterable driver object is. Only GridFS cursors yield driver objects.
ITEM_KIND: Dict[str, str] = {"grid_out_cursor": "grid_out"}

# What a call returns where the annotation does not say: `start_transaction()` is annotated as
# returning an AbstractAsyncContextManager; at run time it is a transaction context (async only).
RESULT_OVERRIDES: Dict[Tuple[str, str], str] = {("session", "start_transaction"): "transaction"}

# Functions of the standard library that rules recognise by what they are, not by their name
# alone: the import (or module attribute) must resolve to them.
KNOWN_FUNCTIONS = frozenset({
    "asyncio.wrap_future", "asyncio.isfuture", "asyncio.run", "asyncio.to_thread", "asyncio.gather",
    "asyncio.create_task", "asyncio.ensure_future", "asyncio.run_coroutine_threadsafe", "asyncio.new_event_loop",
    "asyncio.get_event_loop", "asyncio.get_running_loop", "threading.Thread", "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor",
    # Frameworks that hand values to the functions they call (pytest fixtures, FastAPI dependencies).
    "pytest.fixture", "pytest_asyncio.fixture", "fastapi.Depends",
})

# Every dotted prefix of a module that defines a driver class, so `import pymongo.asynchronous`
# and `pymongo.asynchronous.collection.AsyncCollection` resolve step by step.
DRIVER_MODULES: FrozenSet[str] = frozenset(
    ".".join(parts[:i])
    for name in tables.CLASS_NAMES
    for parts in [name.split(".")[:-1]]
    for i in range(1, len(parts) + 1)
) | frozenset(tables.MOTOR_MODULES)

# The driver's top-level packages: their modules are never read as the project's own (the API
# tables describe them), even when the project checked is the driver itself.
DRIVER_PACKAGES: FrozenSet[str] = frozenset(name.split(".")[0] for name in DRIVER_MODULES)

# Modules whose attributes the model understands beyond driver classes.
TYPING_MODULES = frozenset({"typing", "typing_extensions"})
TYPING_FORMS = frozenset({"Optional", "Union", "Annotated", "cast", "Final", "ClassVar", "TYPE_CHECKING"})
OTHER_MODULES = frozenset({"asyncio", "threading", "concurrent", "concurrent.futures", "functools", "pytest",
                           "pytest_asyncio", "fastapi"})


def member(obj: DriverObject, name: str) -> Optional[Member]:
    table = tables.SYNC_MEMBERS if obj.flavour == "sync" else tables.ASYNC_MEMBERS
    return table.get(obj.kind, {}).get(name)


def motor_member(kind: str, name: str) -> Optional[str]:
    return tables.MOTOR_MEMBERS.get(kind, {}).get(name)


def is_motor_only(obj: DriverObject, name: str) -> bool:
    """A member Motor had on this kind of object that PyMongo Async does not have."""
    if obj.flavour == "sync":
        return False
    return motor_member(obj.kind, name) is not None and name not in tables.ASYNC_MEMBERS.get(obj.kind, {})
