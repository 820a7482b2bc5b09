"""PMA3xx: sync protocols (iteration, `with`, `next`, `len`, indexing) on async driver objects.

Which objects are async iterables or async context managers comes from the API tables: a kind
iterates asynchronously when PyMongo Async gives it ``__anext__``, and is an async context manager
when it has ``__aenter__``.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Dict, List, Optional

if TYPE_CHECKING:  # only in annotations: typing_extensions is not needed at run time
    from typing_extensions import TypeGuard

from ..api import kinds, tables
from ..diagnostics import AsyncFor, AsyncWith, Fix, ListToList, NextToAnext, StopIterationToAsync
from ..semantic.builtin_names import ITERATING_BUILTINS
from ..semantic.events import IterationSite, TryStatement, UseContext, WithStatement
from ..semantic.values import Obj, Pending, Value
from ..semantic.view import ModelView
from .registry import Family, FixAvailability, Rule


PMA301 = Rule(
    code="PMA301",
    name="sync-iteration-over-async-cursor",
    fix_availability=FixAvailability.SOMETIMES,
    message="{detail}",
    markdown="""
## What it does

Checks for synchronous iteration over an async cursor, command cursor, change stream, GridFS cursor
or GridFS file. This covers `for`, a comprehension's `for`, `list()`, `tuple()`, `set()`,
`sorted()`, `any()`, `sum()` and other consumers, `x in cursor`, `*cursor` and `yield from cursor`.

## Why is this bad?

Over an `AsyncCursor` or a GridFS cursor this is silent: the loop runs zero times, with no error and
no query sent, because `AsyncCursor.__getitem__` raises `IndexError`, which ends Python's fallback
iteration protocol. Under Motor the same code raised `TypeError`. Over a command cursor or change
stream it raises `TypeError: 'AsyncCommandCursor' object is not iterable`.

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def active_names() -> list:
    return [user["name"] for user in client.app.users.find({"active": True})]
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def active_names() -> list:
    return [user["name"] async for user in client.app.users.find({"active": True})]
```

## Fix safety

Inside `async def` the fix turns `for` into `async for` and `list(cursor)` into `await
cursor.to_list(None)`. It is unsafe: the loop body now runs once per document where it ran zero
times, and the query is now sent. Outside `async def` there is no fix.

## Options

`--pma-extra-factories`: names of your own functions whose call returns an async client, database or
collection, as `kind:name` pairs (for example `collection:app.db.get_users`). The rule fires only on
objects known to come from the driver; a value returned by a helper the linter cannot see is
unknown, and unknown stays silent until the helper is listed here.

## References

- [Migrate to PyMongo Async: Migrate from PyMongo](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-pymongo)
- [PyMongo API: AsyncCursor](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/cursor.html)
""",
)


PMA302 = Rule(
    code="PMA302",
    name="sync-with-on-async-object",
    fix_availability=FixAvailability.SOMETIMES,
    message="{detail}",
    markdown="""
## What it does

Checks for a synchronous `with` on an async client, session, cursor, change stream or transaction.

## Why is this bad?

These objects implement only the asynchronous context manager protocol, so `with` raises before the
block runs.

```text
TypeError: 'AsyncClientSession' object does not support the context manager protocol
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def rename_user(user_id, name):
    with client.start_session() as session:
        await client.app.users.update_one(
            {"_id": user_id}, {"$set": {"name": name}}, session=session
        )
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def rename_user(user_id, name):
    async with client.start_session() as session:
        await client.app.users.update_one(
            {"_id": user_id}, {"$set": {"name": name}}, session=session
        )
```

## Fix safety

Inside `async def` the fix turns `with` into `async with` (and `with s.start_transaction()` into
`async with await s.start_transaction()`). It is safe: the synchronous form always raises. Outside
`async def` there is no fix.

## Options

`--pma-extra-factories`: names of your own functions whose call returns an async client, database or
collection, as `kind:name` pairs (for example `collection:app.db.get_users`). The rule fires only on
objects known to come from the driver; a value returned by a helper the linter cannot see is
unknown, and unknown stays silent until the helper is listed here.

## References

- [Migrate to PyMongo Async: Migrate from PyMongo](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-pymongo)
- [PyMongo API: AsyncClientSession](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/client_session.html)
""",
)


PMA303 = Rule(
    code="PMA303",
    name="sync-next-on-async-cursor",
    fix_availability=FixAvailability.SOMETIMES,
    message="{detail}",
    markdown="""
## What it does

Checks for `next(cursor)` on an async cursor, and for `except StopIteration` around `await
cursor.next()`.

## Why is this bad?

Async cursors are not iterators, so `next()` raises, with or without a default. `await
cursor.next()` signals the end of the cursor with `StopAsyncIteration`, which an `except
StopIteration` clause does not catch, so the exception escapes.

```text
TypeError: 'AsyncCursor' object is not an iterator
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def first_active_user():
    cursor = client.app.users.find({"active": True})
    return next(cursor, None)
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def first_active_user():
    cursor = client.app.users.find({"active": True})
    return await anext(cursor, None)
```

## Fix safety

The fix rewrites `next(cursor)` as `await anext(cursor)` (Python 3.10+). It is unsafe: the end of
the cursor is now `StopAsyncIteration`, which surrounding `except StopIteration` handlers do not
catch. Outside `async def` `next(cursor)` has no fix. An `except StopIteration` around
`await cursor.next()` becomes `except StopAsyncIteration`, also unsafe: the handler, which never
ran, now runs at the end of the cursor.

## Options

`--pma-extra-factories`: names of your own functions whose call returns an async client, database or
collection, as `kind:name` pairs (for example `collection:app.db.get_users`). The rule fires only on
objects known to come from the driver; a value returned by a helper the linter cannot see is
unknown, and unknown stays silent until the helper is listed here.

## References

- [Migrate to PyMongo Async: Migrate from PyMongo](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-pymongo)
- [PyMongo API: AsyncCursor.next()](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/cursor.html#pymongo.asynchronous.cursor.AsyncCursor.next)
- [Python: anext()](https://docs.python.org/3/library/functions.html#anext)
""",
)


PMA304 = Rule(
    code="PMA304",
    name="async-cursor-len-or-index",
    fix_availability=FixAvailability.NONE,
    message="{detail}",
    markdown="""
## What it does

Checks for `len(cursor)`, `cursor[i]`, `cursor[a:b]` and `cursor.count()` on an async cursor.

## Why is this bad?

An async cursor cannot be indexed, sliced or measured: `cursor[i]` raises, `len(cursor)` raises
`TypeError: object of type 'AsyncCursor' has no len()`, and `count()` does not exist. Use
`skip()`/`limit()`, `find_one()` or `count_documents()` instead.

```text
IndexError: AsyncCursor does not support indexing
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def newest_post():
    return client.blog.posts.find().sort("created", -1)[0]
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def newest_post():
    return await client.blog.posts.find_one(sort=[("created", -1)])
```

## Fix safety

There is no fix: the replacement depends on what the index or length was for.

## Options

`--pma-extra-factories`: names of your own functions whose call returns an async client, database or
collection, as `kind:name` pairs (for example `collection:app.db.get_users`). The rule fires only on
objects known to come from the driver; a value returned by a helper the linter cannot see is
unknown, and unknown stays silent until the helper is listed here.

## References

- [Migrate to PyMongo Async: Migrate from PyMongo](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-pymongo)
- [PyMongo API: AsyncCursor.__getitem__()](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/cursor.html#pymongo.asynchronous.cursor.AsyncCursor.__getitem__)
""",
)


# "transaction" is the context `await session.start_transaction()` returns (kinds.RESULT_OVERRIDES).
_ASYNC_CONTEXT_KINDS = frozenset(k for k, m in tables.ASYNC_MEMBERS.items() if "__aenter__" in m) | {"transaction"}
# Cursors whose `__getitem__` exists only to refuse indexing (which is why sync `for` is silent).
_INDEX_REFUSING = frozenset(k for k in kinds.CURSOR_KINDS if "__getitem__" in tables.ASYNC_MEMBERS.get(k, {}))


def _async_iterable(value: Value) -> TypeGuard[Obj]:
    return isinstance(value, Obj) and value.flavour != "sync" and value.kind in kinds.CURSOR_KINDS


def _silent_iteration(obj: Obj) -> bool:
    return obj.kind in _INDEX_REFUSING


def _class(obj: Obj) -> str:
    names = tables.ASYNC_CLASSES.get(obj.kind)
    return names[0].rpartition(".")[2] if names else obj.kind


class ProtocolFamily(Family):
    def __init__(self) -> None:
        self._try_frames: List[Dict[str, List[ast.AST]]] = []

    # ---------------------------------------------------------------- PMA301
    def on_iterate(self, w: ModelView, node: IterationSite, iter_node: ast.expr, iterable: Value,
                   is_async: bool) -> None:
        if is_async or not _async_iterable(iterable):
            return
        how = {ast.YieldFrom: "`yield from`", ast.Starred: "`*` unpacking"}.get(type(node), "`for`")
        self._sync_iteration(w, iter_node, iterable, how, fixable=isinstance(node, (ast.For, ast.comprehension)))

    def _sync_iteration(self, w: ModelView, iter_node: ast.AST, obj: Obj, how: str, fixable: bool) -> None:
        if _silent_iteration(obj):
            effect = "iterates zero times, silently (no error, no query)"
        else:
            effect = f"fails with `TypeError: '{_class(obj)}' object is not iterable`"
        fix = Fix.unsafe_edit(AsyncFor()) if fixable and w.in_async_function else None
        w.report(PMA301, iter_node, fix=fix,
                 detail=f"sync {how} over an `{_class(obj)}` {effect}; use `async for` "
                        f"or `await cursor.to_list(None)`")

    def on_call(self, w: ModelView, node: ast.Call, func: Value) -> None:
        builtin = w.is_builtin_call(node, func)
        if builtin is None:
            return
        if builtin in ITERATING_BUILTINS:
            args = node.args[1:] if builtin in ("map", "filter") else node.args
            for arg in args:
                value = w.value_of(arg)
                if _async_iterable(value):
                    # A change stream has no to_list(): the fixer says so instead of fixing.
                    to_list = ListToList(change_stream=value.kind == "change_stream")
                    fix = Fix.unsafe_edit(to_list) if builtin == "list" and w.in_async_function else None
                    if _silent_iteration(value):
                        effect = "returns nothing, silently (no error, no query)"
                    else:
                        effect = f"fails with `TypeError: '{_class(value)}' object is not iterable`"
                    w.report(PMA301, arg, fix=fix,
                             detail=f"`{builtin}()` iterates an `{_class(value)}` synchronously and {effect}; "
                                    f"use `await cursor.to_list(None)` or `async for`")
        elif builtin == "next" and node.args and _async_iterable(obj := w.value_of(node.args[0])):
            w.report(PMA303, node, fix=Fix.unsafe_edit(NextToAnext()) if w.in_async_function else None,
                     detail=f"`next()` on an `{_class(obj)}` fails with `TypeError: '{_class(obj)}' object is not "
                            f"an iterator`; use `await anext(cursor)` (or `await cursor.next()`)")
        elif builtin == "len" and node.args and _async_iterable(obj := w.value_of(node.args[0])):
            w.report(PMA304, node,
                     detail=f"`len()` of an `{_class(obj)}` fails with `TypeError: object of type '{_class(obj)}' "
                            f"has no len()`; count with `await coll.count_documents(filter)` or `len(await "
                            f"cursor.to_list(None))`")

    def on_compare(self, w: ModelView, node: ast.Compare, left: Value, rights: List[Value]) -> None:
        for op, right, operand in zip(node.ops, rights, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)) and _async_iterable(right):
                self._sync_iteration(w, operand, right, "`in`", fixable=False)

    # ---------------------------------------------------------------- PMA302
    def on_with(self, w: ModelView, node: WithStatement, item: ast.withitem, value: Value, is_async: bool) -> None:
        if is_async:
            return
        expr = item.context_expr
        if isinstance(value, Pending) and value.member == "start_transaction":
            value.reported = True
            w.report(PMA302, expr, fix=Fix.safe_edit(AsyncWith()) if w.in_async_function else None,
                     detail="sync `with` on `start_transaction()`: under PyMongo Async it is a coroutine that returns "
                            "an async context manager; write `async with await session.start_transaction():`")
            return
        if isinstance(value, Obj) and value.flavour != "sync" and value.kind in _ASYNC_CONTEXT_KINDS:
            w.report(PMA302, expr, fix=Fix.safe_edit(AsyncWith()) if w.in_async_function else None,
                     detail=f"sync `with` on an `{_class(value)}` fails with `TypeError: '{_class(value)}' object does "
                            f"not support the context manager protocol`; use `async with`")

    # ---------------------------------------------------------------- PMA304
    def on_subscript(self, w: ModelView, node: ast.Subscript, base: Value, is_store: bool) -> None:
        if isinstance(base, Obj) and base.flavour != "sync" and base.kind in _INDEX_REFUSING:
            w.report(PMA304, node,
                     detail=f"indexing an `{_class(base)}` fails with `IndexError: {_class(base)} does not support "
                            f"indexing`; use `.skip(n).limit(1)` or `(await cursor.to_list(None))[n]`")

    def on_attribute(self, w: ModelView, node: ast.Attribute, base: Value, is_store: bool) -> None:
        if (node.attr == "count" and _async_iterable(base) and not is_store
                and kinds.member(base, "count") is None and isinstance(w.parent_of(node), ast.Call)):
            w.report(PMA304, node,
                     detail=f"`{_class(base)}` has no `count()` (`AttributeError`); use "
                            f"`await coll.count_documents(filter)`")

    # ---------------------------------------------------------------- PMA303 (StopIteration)
    def on_try_start(self, w: ModelView, node: TryStatement) -> None:
        self._try_frames.append({"next": []})

    def on_pending_use(self, w: ModelView, pending: Pending, context: UseContext, node: ast.AST) -> None:
        if (context == "await" and pending.member in ("next", "__anext__") and self._try_frames
                and pending.owner.kind in kinds.CURSOR_KINDS):
            self._try_frames[-1]["next"].append(node)

    def on_try_end(self, w: ModelView, node: TryStatement) -> None:
        frame = self._try_frames.pop() if self._try_frames else {"next": []}
        if not frame["next"]:
            return
        if self._try_frames:  # an outer try's handlers also see these awaits
            self._try_frames[-1]["next"].extend(frame["next"])
        for handler in node.handlers:
            for name_node in _caught_names(handler.type):
                if name_node.id == "StopIteration" and not w.is_bound("StopIteration"):
                    w.report(PMA303, name_node, fix=Fix.unsafe_edit(StopIterationToAsync()),
                             detail="`await cursor.next()` raises `StopAsyncIteration`, not `StopIteration`, at the "
                                    "end: this handler never runs; catch `StopAsyncIteration`")


def _caught_names(expr: Optional[ast.expr]) -> List[ast.Name]:
    if isinstance(expr, ast.Name):
        return [expr]
    if isinstance(expr, ast.Tuple):
        return [e for e in expr.elts if isinstance(e, ast.Name)]
    return []
