"""PMA3xx: sync protocols (iteration, `with`, `next`, `len`, indexing) on async driver objects.

Which objects are async iterables or async context managers comes from the API tables: a kind
iterates asynchronously when PyMongo Async gives it ``__anext__``, and is an async context manager
when it has ``__aenter__``.
"""
from __future__ import annotations

import ast
from typing import Dict, List

from ..api import tables
from ..diagnostics import Fix
from ..semantic import kinds
from ..semantic.model import ITERATING_BUILTINS
from ..semantic.values import Obj, Pending
from . import catalog

# "transaction" is the context `await session.start_transaction()` returns (kinds.RESULT_OVERRIDES).
_ASYNC_CONTEXT_KINDS = frozenset(k for k, m in tables.ASYNC_MEMBERS.items() if "__aenter__" in m) | {"transaction"}
# Cursors whose `__getitem__` exists only to refuse indexing (which is why sync `for` is silent).
_INDEX_REFUSING = frozenset(k for k in kinds.CURSOR_KINDS if "__getitem__" in tables.ASYNC_MEMBERS.get(k, {}))


def _async_iterable(value) -> bool:
    return isinstance(value, Obj) and value.flavour != "sync" and value.kind in kinds.CURSOR_KINDS


def _silent_iteration(obj: Obj) -> bool:
    return obj.kind in _INDEX_REFUSING


def _class(obj: Obj) -> str:
    names = tables.ASYNC_CLASSES.get(obj.kind)
    return names[0].rpartition(".")[2] if names else obj.kind


class ProtocolFamily:
    def __init__(self) -> None:
        self._try_frames: List[Dict[str, List[ast.AST]]] = []

    # ---------------------------------------------------------------- PMA301
    def on_iterate(self, w, node: ast.AST, iter_node: ast.AST, iterable, is_async: bool) -> None:
        if is_async or not _async_iterable(iterable):
            return
        how = {ast.YieldFrom: "`yield from`", ast.Starred: "`*` unpacking"}.get(type(node), "`for`")
        self._sync_iteration(w, iter_node, iterable, how, fixable=isinstance(node, (ast.For, ast.comprehension)))

    def _sync_iteration(self, w, iter_node: ast.AST, obj: Obj, how: str, fixable: bool) -> None:
        if _silent_iteration(obj):
            effect = "iterates zero times, silently (no error, no query)"
        else:
            effect = f"fails with `TypeError: '{_class(obj)}' object is not iterable`"
        fix = Fix("async-for", safe=False) if fixable and w.in_async_function else None
        w.report(catalog.PMA301, iter_node, fix=fix,
                 detail=f"sync {how} over an `{_class(obj)}` {effect}; use `async for` "
                        f"or `await cursor.to_list(None)`")

    def on_call(self, w, node: ast.Call, func) -> None:
        builtin = w.is_builtin_call(node, func)
        if builtin is None:
            return
        if builtin in ITERATING_BUILTINS:
            args = node.args[1:] if builtin in ("map", "filter") else node.args
            for arg in args:
                value = w.value_of(arg)
                if _async_iterable(value):
                    fix = Fix("list-to-list", safe=False) if builtin == "list" and w.in_async_function else None
                    if _silent_iteration(value):
                        effect = "returns nothing, silently (no error, no query)"
                    else:
                        effect = f"fails with `TypeError: '{_class(value)}' object is not iterable`"
                    w.report(catalog.PMA301, arg, fix=fix,
                             detail=f"`{builtin}()` iterates an `{_class(value)}` synchronously and {effect}; "
                                    f"use `await cursor.to_list(None)` or `async for`")
        elif builtin == "next" and node.args and _async_iterable(w.value_of(node.args[0])):
            obj = w.value_of(node.args[0])
            w.report(catalog.PMA303, node, fix=Fix("anext", safe=False) if w.in_async_function else None,
                     detail=f"`next()` on an `{_class(obj)}` fails with `TypeError: '{_class(obj)}' object is not "
                            f"an iterator`; use `await anext(cursor)` (or `await cursor.next()`)")
        elif builtin == "len" and node.args and _async_iterable(w.value_of(node.args[0])):
            obj = w.value_of(node.args[0])
            w.report(catalog.PMA304, node,
                     detail=f"`len()` of an `{_class(obj)}` fails with `TypeError: object of type '{_class(obj)}' "
                            f"has no len()`; count with `await coll.count_documents(filter)` or `len(await "
                            f"cursor.to_list(None))`")

    def on_compare(self, w, node: ast.Compare, left, rights) -> None:
        for op, right, operand in zip(node.ops, rights, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)) and _async_iterable(right):
                self._sync_iteration(w, operand, right, "`in`", fixable=False)

    # ---------------------------------------------------------------- PMA302
    def on_with(self, w, node: ast.AST, item: ast.withitem, value, is_async: bool) -> None:
        if is_async:
            return
        expr = item.context_expr
        if isinstance(value, Pending) and value.member == "start_transaction":
            value.reported = True  # type: ignore[attr-defined]
            w.report(catalog.PMA302, expr, fix=Fix("async-with", safe=True) if w.in_async_function else None,
                     detail="sync `with` on `start_transaction()`: under PyMongo Async it is a coroutine that returns "
                            "an async context manager; write `async with await session.start_transaction():`")
            return
        if isinstance(value, Obj) and value.flavour != "sync" and value.kind in _ASYNC_CONTEXT_KINDS:
            w.report(catalog.PMA302, expr, fix=Fix("async-with", safe=True) if w.in_async_function else None,
                     detail=f"sync `with` on an `{_class(value)}` fails with `TypeError: '{_class(value)}' object does "
                            f"not support the context manager protocol`; use `async with`")

    # ---------------------------------------------------------------- PMA304
    def on_subscript(self, w, node: ast.Subscript, base, is_store: bool) -> None:
        if isinstance(base, Obj) and base.flavour != "sync" and base.kind in _INDEX_REFUSING:
            w.report(catalog.PMA304, node,
                     detail=f"indexing an `{_class(base)}` fails with `IndexError: {_class(base)} does not support "
                            f"indexing`; use `.skip(n).limit(1)` or `(await cursor.to_list(None))[n]`")

    def on_attribute(self, w, node: ast.Attribute, base, is_store: bool) -> None:
        if (node.attr == "count" and _async_iterable(base) and not is_store
                and kinds.member(base, "count") is None and isinstance(w.parent_of(node), ast.Call)):
            w.report(catalog.PMA304, node,
                     detail=f"`{_class(base)}` has no `count()` (`AttributeError`); use "
                            f"`await coll.count_documents(filter)`")

    # ---------------------------------------------------------------- PMA303 (StopIteration)
    def on_try_start(self, w, node: ast.AST) -> None:
        self._try_frames.append({"next": []})

    def on_pending_use(self, w, pending: Pending, context: str, node: ast.AST) -> None:
        if (context == "await" and pending.member in ("next", "__anext__") and self._try_frames
                and pending.owner.kind in kinds.CURSOR_KINDS):
            self._try_frames[-1]["next"].append(node)

    def on_try_end(self, w, node: ast.AST) -> None:
        frame = self._try_frames.pop() if self._try_frames else {"next": []}
        if not frame["next"]:
            return
        if self._try_frames:  # an outer try's handlers also see these awaits
            self._try_frames[-1]["next"].extend(frame["next"])
        for handler in node.handlers:  # type: ignore[attr-defined]
            for name_node in _caught_names(handler.type):
                if name_node.id == "StopIteration" and not w.scope.is_bound("StopIteration"):
                    w.report(catalog.PMA303, name_node, fix=Fix("stop-async-iteration", safe=False),
                             detail="`await cursor.next()` raises `StopAsyncIteration`, not `StopIteration`, at the "
                                    "end: this handler never runs; catch `StopAsyncIteration`")


def _caught_names(expr) -> List[ast.Name]:
    if isinstance(expr, ast.Name):
        return [expr]
    if isinstance(expr, ast.Tuple):
        return [e for e in expr.elts if isinstance(e, ast.Name)]
    return []
