"""PMA2xx: await mistakes.

The model hands every un-awaited driver coroutine (``Pending``) to ``on_pending_use`` with the way
it is used. A coroutine awaited, returned, yielded, passed to another call, stored or wrapped in a
lambda is fine; any other use is one hazard, reported once at the call that made the coroutine,
by the most specific rule: PMA202/PMA204/PMA205/PMA206/PMA207/PMA208 before PMA201.
"""
from __future__ import annotations

import ast
from typing import Optional

from ..api import tables
from ..diagnostics import Fix
from ..semantic import kinds
from ..semantic.values import Method, Obj, Pending
from . import catalog

# Uses of a coroutine that are bugs right where they happen.
_MISUSES = frozenset({"discard", "attribute", "subscript", "call", "iterate", "async_iterate", "with",
                      "async_with", "compare", "truth", "builtin_arg", "value", "unpack", "future_arg"})
# Attributes of asyncio.Future that Motor's eager calls returned and a coroutine lacks.
_FUTURE_API = frozenset({"add_done_callback", "remove_done_callback", "result", "done", "cancel", "cancelled",
                         "exception", "set_result"})
# Kinds whose close()/aclose() Motor made sync (or that a user often forgets to await).
_CLOSABLE = frozenset({"client", "cursor", "raw_batch_cursor", "command_cursor", "raw_batch_command_cursor",
                       "change_stream", "grid_out", "grid_in", "grid_out_cursor"})
_CLOSE_MEMBERS = frozenset({"close", "aclose"})
_RUNTIME = {
    "async_iterate": "`TypeError: 'async for' requires an object with __aiter__ method, got coroutine`",
    "iterate": "`TypeError: 'coroutine' object is not iterable`",
    "async_with": "`TypeError: 'coroutine' object does not support the asynchronous context manager protocol`",
    "with": "`TypeError: 'coroutine' object does not support the context manager protocol`",
}


class AwaitFamily:
    def on_pending_use(self, w, pending: Pending, context: str, node: ast.AST) -> None:
        if context not in _MISUSES or pending.reported:
            return
        if pending.awaited and context != "discard":
            return
        if context == "with" and pending.member == "start_transaction":
            return  # a sync `with`: PMA302 reports it, with the `await` it also needs
        self._report(w, pending, context, node)

    def on_function_end(self, w, info) -> None:
        self._never_awaited(w)

    def on_module_end(self, w) -> None:
        self._never_awaited(w)

    def _never_awaited(self, w) -> None:
        for pending in w.bound_pending:
            if not (pending.awaited or pending.escaped or pending.reported):
                self._report(w, pending, "never_awaited", pending.node)

    # ---------------------------------------------------------------- choosing the rule
    def _report(self, w, pending: Pending, context: str, node: ast.AST) -> None:
        pending_node = pending.node
        call = _describe(pending)
        in_async = w.in_async_function
        if context == "attribute" and isinstance(node, ast.Attribute) and node.attr in _FUTURE_API:
            _mark(w, pending, catalog.PMA207, pending_node, None,
                  detail=f"`{call}` returns a coroutine under PyMongo Async, not Motor's `asyncio.Future`: "
                         f"`.{node.attr}()` fails with `AttributeError: 'coroutine' object has no attribute "
                         f"'{node.attr}'`; `await` it, or wrap it in `asyncio.create_task(...)`")
            return
        if _returns_cursor(pending) and context in ("attribute", "async_iterate", "iterate", "async_with", "with"):
            safe = in_async
            runtime = _RUNTIME.get(context, f"`AttributeError: 'coroutine' object has no attribute "
                                            f"'{getattr(node, 'attr', 'to_list')}'`")
            _mark(w, pending, catalog.PMA202, pending_node, Fix("insert-await", safe=True) if safe else None,
                  detail=f"`{call}` is a coroutine under PyMongo Async that returns the cursor "
                         f"(Motor returned the cursor itself): {runtime}; write `await {call}`"
                         + (" in parentheses before chaining" if context == "attribute" else ""))
            return
        if context == "future_arg":
            _mark(w, pending, catalog.PMA207, pending_node, None,
                  detail=f"`{call}` returns a coroutine under PyMongo Async, not Motor's `asyncio.Future`: "
                         f"`asyncio.wrap_future()` fails with `TypeError`; `await` it, or wrap it in "
                         f"`asyncio.create_task(...)`")
            return
        if context in ("attribute", "subscript", "call") and _awaited_through(w, node):
            _mark(w, pending, catalog.PMA208, pending_node, Fix("parenthesize-await", safe=True),
                  detail=f"`await` binds looser than `.`, `[]` and `()`: this awaits the {_what(node)} of the "
                         f"coroutine `{call}`, not its result; write `(await {call}){_tail(node)}`")
            return
        if pending.member == "start_transaction":
            safe = context == "async_with" and in_async
            fix = Fix("insert-await", safe=safe) if in_async else None
            effect = (_RUNTIME["async_with"] if context == "async_with"
                      else "the transaction never starts and the writes that follow run outside it, silently")
            _mark(w, pending, catalog.PMA204, pending_node, fix,
                  detail=f"`start_transaction()` is a coroutine under PyMongo Async: without `await`, {effect}; "
                         f"write `async with await session.start_transaction():`")
            return
        if isinstance(pending_node, ast.Attribute):  # an async property read
            _mark(w, pending, catalog.PMA205, pending_node, Fix("insert-await", safe=False) if in_async else None,
                  detail=f"`{call}` is an async property under PyMongo Async: without `await` it is a coroutine, "
                         f"always truthy and never `None`; write `(await {call})`")
            return
        if (pending.member in _CLOSE_MEMBERS and pending.owner.kind in _CLOSABLE) or pending.member == "end_session":
            _mark(w, pending, catalog.PMA206, pending_node, Fix("insert-await", safe=False) if in_async else None,
                  detail=f"`{call}` is a coroutine under PyMongo Async (Motor's `close()` was sync): without `await` "
                         f"nothing is closed, silently; write `await {call}`")
            return
        effect = {
            "discard": "it never runs, silently (Motor ran it even without `await`)",
            "never_awaited": "it is bound to a name that is never awaited, so it never runs, silently",
            "truth": "a coroutine is always true",
            "compare": "the comparison sees a coroutine, not the result",
        }.get(context, "the code uses the coroutine object, not its result")
        _mark(w, pending, catalog.PMA201, pending_node, Fix("insert-await", safe=False) if in_async else None,
              detail=f"`{call}` is a coroutine and is not awaited: {effect}; write `await {call}`")

    # ---------------------------------------------------------------- PMA203
    def on_await(self, w, node: ast.Await, inner) -> None:
        if not isinstance(inner, Obj) or inner.flavour == "sync" or not isinstance(node.value, ast.Call):
            return
        func = w.value_of(node.value.func)
        if not isinstance(func, Method) or func.how != "sync":
            return
        class_name = _class_name(inner.kind)
        w.report(catalog.PMA203, node, fix=Fix("remove-await", safe=True),
                 detail=f"`{func.name}()` is not a coroutine under PyMongo Async: `await` fails with "
                        f"`TypeError: object {class_name} can't be used in 'await' expression`; remove `await`")


def _mark(w, pending: Pending, rule, node: ast.AST, fix: Optional[Fix], detail: str) -> None:
    pending.reported = True
    w.report(rule, node, fix=fix, detail=detail)


def _awaited_through(w, node: ast.AST) -> bool:
    """Whether `node` (an attribute, subscript or call of a coroutine) sits under an `await`."""
    current = node
    while True:
        parent = w.parent_of(current)
        if isinstance(parent, ast.Await):
            return True
        if isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is current:
            current = parent
            continue
        if isinstance(parent, ast.Call) and parent.func is current:
            current = parent
            continue
        return False


def _what(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"attribute `.{node.attr}`"
    if isinstance(node, ast.Subscript):
        return "subscript"
    return "call"


def _tail(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f".{node.attr}"
    if isinstance(node, ast.Subscript):
        return "[...]"
    return "(...)"


def _returns_cursor(pending: Pending) -> bool:
    result = pending.result
    return isinstance(result, Obj) and result.kind in kinds.CURSOR_KINDS


def _describe(pending: Pending) -> str:
    if isinstance(pending.node, ast.Attribute):
        return f"{_receiver_word(pending.owner)}.{pending.member}"
    has_args = isinstance(pending.node, ast.Call) and (pending.node.args or pending.node.keywords)
    return f"{_receiver_word(pending.owner)}.{pending.member}({'...' if has_args else ''})"


def _receiver_word(owner: Obj) -> str:
    return {"client": "client", "database": "db", "collection": "coll", "session": "session",
            "gridfs_bucket": "bucket", "grid_out": "grid_out", "grid_in": "grid_in",
            "client_encryption": "client_encryption", "change_stream": "stream"}.get(owner.kind, "cursor")


def _class_name(kind: str) -> str:
    names = tables.ASYNC_CLASSES.get(kind)
    return names[0].rpartition(".")[2] if names else kind
