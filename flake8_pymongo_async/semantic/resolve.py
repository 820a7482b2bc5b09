"""What an imported or dotted name denotes as a value of the semantic model."""
from __future__ import annotations

from typing import cast

from ..api import kinds, tables
from .values import ClassRef, Flavour, Method, Module, Obj, Special, Value


def blocks_on_io(method: Method) -> bool:
    """A call of a sync PyMongo method that waits for the server: its PyMongo Async twin is a
    coroutine or an async property (``find()``, ``sort()``, ``get_collection()`` only build objects)."""
    if method.owner.flavour != "sync":
        return False
    twin = tables.ASYNC_MEMBERS.get(method.owner.kind, {}).get(method.name)
    return twin is not None and twin[0] in ("coroutine", "async_property")


def resolve_dotted(dotted: str) -> Value:
    """What `module.attr` (or an imported `from module import attr`) denotes."""
    found = tables.CLASS_NAMES.get(dotted)
    if found is not None:
        # The generator writes only the three flavour words into CLASS_NAMES.
        return ClassRef(cast(Flavour, found[0]), found[1])
    if dotted in kinds.DRIVER_MODULES or dotted in kinds.OTHER_MODULES:
        return Module(dotted)
    if dotted in kinds.KNOWN_FUNCTIONS:
        return Special(dotted)
    module, _, attr = dotted.rpartition(".")
    if module in kinds.TYPING_MODULES and attr in kinds.TYPING_FORMS:
        return Special(attr)
    return None


def resolve_import(module: str) -> Value:
    if module in kinds.TYPING_MODULES:
        return Module(module)
    return resolve_dotted(module)


def item_of(obj: Obj) -> Value:
    kind = kinds.ITEM_KIND.get(obj.kind)
    return Obj(obj.flavour, kind) if kind else None
