"""PMA2xx: await mistakes.

The model hands every un-awaited driver coroutine (``Pending``) to ``on_pending_use`` with the way
it is used. A coroutine awaited, returned, yielded, passed to another call, stored or wrapped in a
lambda is fine; any other use is one hazard, reported once at the call that made the coroutine,
by the most specific rule: PMA202/PMA204/PMA205/PMA206/PMA207/PMA208 before PMA201.
"""
from __future__ import annotations

import ast
from typing import List, Optional

from ..api import kinds, tables
from ..diagnostics import Applicability, Fix, InsertAwait, ParenthesizeAwait, RemoveAwait
from ..semantic.events import UseContext
from ..semantic.values import FunctionInfo, Method, Obj, Pending, Special, Value
from ..semantic.view import ModelView, RuleLike
from .registry import Family, FixAvailability, Rule


PMA201 = Rule("PMA201", "missing-await", FixAvailability.SOMETIMES, message="{detail}", markdown="""
## What it does

Checks for a call of a driver coroutine method whose result is never awaited. This covers methods
such as `insert_one()`, `find_one()`, `update_many()`, `drop()` and `to_list()` whose result is
discarded, used as a value (attribute, subscript, truth test, `print()`, `len()`...), or bound to a
name that is never awaited. It is not reported when the coroutine is awaited later, returned,
yielded, passed to a call or stored in a container.

## Why is this bad?

In PyMongo Async these methods are coroutines: without `await` nothing is sent to the server.
Motor's methods returned Futures that ran at call time, so fire-and-forget writes that worked under
Motor now silently do nothing. The only trace is `RuntimeWarning: coroutine
'AsyncCollection.insert_one' was never awaited`, printed when the coroutine is garbage-collected.

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
events = client.app.events


async def record(event: dict) -> None:
    events.insert_one(event)
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
events = client.app.events


async def record(event: dict) -> None:
    await events.insert_one(event)
```

## Fix safety

The fix inserts `await`, only inside `async def`. It is unsafe: the operation now runs, the function
waits for the server, and errors are raised where the call is. To keep fire-and-forget behaviour,
use `asyncio.create_task(...)` and keep a reference to the task.

## Options

{{extra-factories}}

## References

- {{guide:asynchronous-methods}}
- {{api:AsyncCollection}}
""")


PMA202 = Rule("PMA202", "unawaited-cursor-coroutine", FixAvailability.SOMETIMES, message="{detail}", markdown="""
## What it does

Checks for a driver coroutine that returns a cursor, used as a cursor without `await`. The methods
are `aggregate()`, `aggregate_raw_batches()`, `watch()`, `list_indexes()`, `list_search_indexes()`,
`list_collections()`, `list_databases()` and `cursor_command()`; the uses are `async for doc in
coll.aggregate(p)`, `coll.aggregate(p).to_list()`, `async with coll.watch()`, a chained
`.batch_size()`, and `return coll.aggregate(p)` in a function whose return annotation declares the
cursor (every caller then receives a coroutine).

## Why is this bad?

In PyMongo Async these methods are coroutines that run the command when awaited and return the
cursor; in Motor `aggregate()` and `watch()` returned the cursor directly. Used as a cursor, the
coroutine raises at once. `.to_list()` on it raises `AttributeError: 'coroutine' object has no
attribute 'to_list'`, and `async with` raises `TypeError: 'coroutine' object does not support the
asynchronous context manager protocol`.

```text
TypeError: 'async for' requires an object with __aiter__ method, got coroutine
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def main():
    async for doc in client.db.users.aggregate([]):
        print(doc)
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def main():
    async for doc in await client.db.users.aggregate([]):
        print(doc)
```

## Fix safety

Inside `async def` the fix inserts `await`, with parentheses when a call is chained (`(await
coll.aggregate(p)).to_list()`). It is safe: the un-awaited form always raises. Note that the command
now runs at the `await` (Motor ran it at the first iteration), so a `$out` or `$merge` stage runs
even if the cursor is never read. Outside `async def` there is no fix.

## Options

{{extra-factories}}

## References

- {{guide:asynchronous-methods}}
- {{api:AsyncCollection.aggregate()}}
""")


PMA203 = Rule("PMA203", "await-on-non-awaitable", FixAvailability.ALWAYS, message="{detail}", markdown="""
## What it does

Checks for `await` on a call that is synchronous in PyMongo Async. These are `find()`,
`find_raw_batches()`, `start_session()`, `get_database()`, `get_collection()`, `with_options()`,
cursor chaining (`sort()`, `limit()`...) and `client_encryption.get_keys()`.

## Why is this bad?

These calls return their object directly, and the object is not awaitable, so the `await` raises.
Motor's `start_session()` had to be awaited (`async with await client.start_session()`), so Motor
code hits this on every session. `await coll.find()` raises `TypeError: object AsyncCursor can't be
used in 'await' expression`. Python 3.14 words it as `'AsyncClientSession' object can't be awaited`.

```text
TypeError: object AsyncClientSession can't be used in 'await' expression
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def rename_user(user_id, name):
    async with await client.start_session() as session:
        await client.app.users.update_one(
            {"_id": user_id}, {"$set": {"name": name}}, session=session
        )
```

Use instead:

{{rename-user-in-session}}

## Fix safety

The fix removes the `await`. It is safe: awaiting these objects always raises.

## Options

{{extra-factories}}

## References

- {{guide:asynchronous-methods}}
- {{api:AsyncMongoClient.start_session()}}
""")


PMA204 = Rule("PMA204", "unawaited-start-transaction", FixAvailability.SOMETIMES, message="{detail}", markdown="""
## What it does

Checks for `session.start_transaction()` without `await`.

## Why is this bad?

In PyMongo Async `start_transaction()` is a coroutine, while Motor's returned the transaction
context directly. `async with session.start_transaction():` raises. A bare
`session.start_transaction()` statement is silent: the session never enters a transaction
(`session.in_transaction` stays `False`) and the following writes are applied one by one, outside
any transaction.

```text
TypeError: 'coroutine' object does not support the asynchronous context manager protocol
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
accounts = client.bank.accounts


async def transfer(source, target, amount):
    async with client.start_session() as session:
        async with session.start_transaction():
            await accounts.update_one(
                {"_id": source}, {"$inc": {"balance": -amount}}, session=session
            )
            await accounts.update_one(
                {"_id": target}, {"$inc": {"balance": amount}}, session=session
            )
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
accounts = client.bank.accounts


async def transfer(source, target, amount):
    async with client.start_session() as session:
        async with await session.start_transaction():
            await accounts.update_one(
                {"_id": source}, {"$inc": {"balance": -amount}}, session=session
            )
            await accounts.update_one(
                {"_id": target}, {"$inc": {"balance": amount}}, session=session
            )
```

## Fix safety

In `async with` the fix inserts `await` and is safe: the un-awaited form always raises. For a bare
call the fix is unsafe: once awaited, the session really starts a transaction, so the following
writes are committed only by `await session.commit_transaction()` and are aborted when the session
ends without it. Outside `async def` there is no fix.

## Options

{{extra-factories}}

## References

- {{guide:asynchronous-methods}}
- {{api:AsyncClientSession.start_transaction()}}
""")


PMA205 = Rule("PMA205", "unawaited-async-property", FixAvailability.SOMETIMES, message="{detail}", markdown="""
## What it does

Checks for `client.address`, `primary`, `secondaries`, `arbiters`, `is_primary` or `is_mongos` read
without `await`, also into a dict, list, tuple or set literal (`{"primary": client.primary}`), unless
the literal is unpacked into or passed to a call (`asyncio.gather(*(c.primary, c.address))`).

## Why is this bad?

On `AsyncMongoClient` these are async properties: reading one returns a coroutine. A coroutine is
always true and never `None`, so `if client.is_primary:` always takes the branch and `client.address
is None` is always false. This is silent apart from `RuntimeWarning: coroutine
'AsyncMongoClient.is_primary' was never awaited`.

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def role() -> str:
    if client.is_primary:
        return "primary"
    return "secondary"
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def role() -> str:
    if await client.is_primary:
        return "primary"
    return "secondary"
```

## Fix safety

The fix rewrites the read as `(await client.address)`. It is unsafe: the property now selects a
server, which can wait up to `serverSelectionTimeoutMS` and raise `ServerSelectionTimeoutError`, and
conditions that were always true now depend on the real value. Outside `async def` there is no fix.

## Options

{{extra-factories}}

## References

- {{guide:asynchronous-methods}}
- {{api:AsyncMongoClient.address}}
""")


PMA206 = Rule("PMA206", "unawaited-close", FixAvailability.SOMETIMES, message="{detail}", markdown="""
## What it does

Checks for `close()` or `aclose()` on a client, cursor, change stream or GridFS file, and
`end_session()`, without `await`.

## Why is this bad?

In PyMongo Async these are coroutines; Motor's `client.close()` was a plain method. Without `await`
nothing is closed, silently: connections and server sessions stay open until the process exits.
Python prints `RuntimeWarning: coroutine 'AsyncMongoClient.close' was never awaited` and later
`ResourceWarning: Unclosed AsyncMongoClient`.

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def shutdown() -> None:
    client.close()
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def shutdown() -> None:
    await client.close()
```

## Fix safety

The fix inserts `await`, only inside `async def`. It is unsafe: the object is now really closed, so
later code that still uses it (and worked because the close never ran) fails, and closing a client
from another event loop raises `RuntimeError`.

## Options

{{extra-factories}}

## References

- {{guide:asynchronous-methods}}
- {{api:AsyncMongoClient.close()}}
""")


PMA207 = Rule("PMA207", "motor-future-api", FixAvailability.NONE, message="{detail}", markdown="""
## What it does

Checks for Future-only API used on the result of a driver call. This covers `.add_done_callback()`,
`.result()`, `.done()`, `.cancel()`, `asyncio.wrap_future(...)`, and `yield` of a driver call in a
`tornado.gen` coroutine.

## Why is this bad?

Motor's methods returned `asyncio.Future` objects that were already running; PyMongo Async returns
coroutines, which have none of these methods and do not run until awaited. The call raises, and the
operation never runs (`.result()` raises `AttributeError: 'coroutine' object has no attribute
'result'`).

```text
AttributeError: 'coroutine' object has no attribute 'add_done_callback'
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


def log_user(user_id):
    future = client.app.users.find_one({"_id": user_id})
    future.add_done_callback(lambda f: print(f.result()))
```

Use instead:

```python
import asyncio

from pymongo import AsyncMongoClient

client = AsyncMongoClient()


def log_user(user_id):
    task = asyncio.create_task(client.app.users.find_one({"_id": user_id}))
    task.add_done_callback(lambda t: print(t.result()))
```

## Fix safety

There is no fix: `await` the call, or wrap it in `asyncio.create_task()` (which needs a running
event loop) where a Future is really needed.

## Options

{{extra-factories}}

## References

- {{guide:migrate-from-motor}}
- [Python: asyncio.create_task()](
  https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task)
""")


PMA208 = Rule("PMA208", "await-precedence", FixAvailability.ALWAYS, message="{detail}", markdown="""
## What it does

Checks for `await` applied to an attribute, subscript or call of a driver coroutine's result.
Examples are `await coll.insert_one(doc).inserted_id` and `await coll.find_one(query)["name"]`.

## Why is this bad?

`await` binds more loosely than `.`, `[]` and calls, so the attribute is looked up on the coroutine
before anything is awaited. The expression raises, and the operation never runs. `await
coll.find_one(q)["name"]` raises `TypeError: 'coroutine' object is not subscriptable`.

```text
AttributeError: 'coroutine' object has no attribute 'inserted_id'
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
users = client.app.users


async def create_user(doc: dict):
    return await users.insert_one(doc).inserted_id
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
users = client.app.users


async def create_user(doc: dict):
    return (await users.insert_one(doc)).inserted_id
```

## Fix safety

The fix adds parentheses: `(await coll.insert_one(doc)).inserted_id`. It is safe: the original
expression always raises.

## Options

{{extra-factories}}

## References

- {{guide:migrate-from-pymongo}}
- {{api:AsyncCollection.insert_one()}}
""")


# Uses of a coroutine that are bugs right where they happen.
_DISPLAYS = (ast.Dict, ast.List, ast.Tuple, ast.Set)
_MISUSES = frozenset({"discard", "attribute", "subscript", "call", "iterate", "async_iterate", "with",
                      "async_with", "compare", "truth", "builtin_arg", "value", "unpack", "future_arg"})
# Attributes of asyncio.Future that Motor's eager calls returned and a coroutine lacks.
_FUTURE_API = frozenset({"add_done_callback", "remove_done_callback", "result", "done", "cancel", "cancelled",
                         "exception", "set_result"})
# Kinds whose close()/aclose() Motor made sync (or that a user often forgets to await).
_CLOSABLE = frozenset({"client", "cursor", "raw_batch_cursor", "command_cursor", "raw_batch_command_cursor",
                       "change_stream", "grid_out", "grid_in", "grid_out_cursor"})
_CLOSE_MEMBERS = frozenset({"close", "aclose"})
# Functions that need an asyncio.Future, which a coroutine is not (Motor's calls returned Futures).
_FUTURE_ONLY_FUNCTIONS = frozenset({"asyncio.wrap_future", "asyncio.isfuture"})
_RUNTIME = {
    "async_iterate": "`TypeError: 'async for' requires an object with __aiter__ method, got coroutine`",
    "iterate": "`TypeError: 'coroutine' object is not iterable`",
    "async_with": "`TypeError: 'coroutine' object does not support the asynchronous context manager protocol`",
    "with": "`TypeError: 'coroutine' object does not support the context manager protocol`",
}


class AwaitFamily(Family):
    def __init__(self) -> None:
        # Coroutines bound to a name, per function being walked (the module's first): a function
        # walked on demand inside another gets its own list on top.
        self._bound: List[List[Pending]] = [[]]

    def on_function_start(self, w: ModelView, info: FunctionInfo) -> None:
        self._bound.append([])

    def on_pending_use(self, w: ModelView, pending: Pending, context: UseContext, node: ast.AST) -> None:
        if context == "bind":
            self._bound[-1].append(pending)
            return
        if context == "return":
            self._returned(w, pending, node)
            return
        use: str = "future_arg" if context == "arg" and _future_only_argument(w, node) else context
        if use == "store" and isinstance(pending.node, ast.Attribute) and _in_kept_display(w, node):
            # An async property written into a literal (`{"primary": client.primary}`): the coroutine
            # method calls a list may gather later are calls; a property read there wanted the value.
            use = "value"
        if use not in _MISUSES or pending.reported:
            return
        if pending.awaited and use != "discard":
            return
        if use == "with" and pending.member == "start_transaction":
            return  # a sync `with`: PMA302 reports it, with the `await` it also needs
        self._report(w, pending, use, node)

    def _returned(self, w: ModelView, pending: Pending, node: ast.AST) -> None:
        """A cursor coroutine returned, un-awaited, by a function whose annotation promises the cursor:
        Motor's call gave the cursor itself; now every caller receives a coroutine."""
        function = w.current_function
        if function is None or pending.reported or pending.awaited or not _returns_cursor(pending):
            return
        declared = w.declared_return(function)
        if not (isinstance(declared, Obj) and declared.kind in kinds.CURSOR_KINDS):
            return
        call = _describe(pending)
        in_async = w.in_async_function
        _mark(w, pending, PMA202, pending.node, Fix.safe_edit(InsertAwait()) if in_async else None,
              detail=f"`{call}` is a coroutine under PyMongo Async that returns the cursor (Motor returned the "
                     f"cursor itself): this function, declared to return the cursor, gives its callers a "
                     f"coroutine, and their `async for` fails with "
                     f"`TypeError: 'async for' requires an object with __aiter__ method, got coroutine`; "
                     + (f"write `return await {call}`" if in_async else
                        f"make the function `async def` and `return await {call}`"))

    def on_function_end(self, w: ModelView, info: FunctionInfo) -> None:
        self._never_awaited(w, self._bound.pop())

    def on_module_end(self, w: ModelView) -> None:
        self._never_awaited(w, self._bound[0])

    def _never_awaited(self, w: ModelView, bound: List[Pending]) -> None:
        for pending in bound:
            if not (pending.awaited or pending.escaped or pending.reported):
                self._report(w, pending, "never_awaited", pending.node)

    # ---------------------------------------------------------------- choosing the rule
    def _report(self, w: ModelView, pending: Pending, context: str, node: ast.AST) -> None:
        """`context`: the use (a ``UseContext``), or "future_arg" (passed to a function that needs
        an ``asyncio.Future``) or "never_awaited" (bound to a name never awaited)."""
        pending_node = pending.node
        call = _describe(pending)
        in_async = w.in_async_function
        if context == "attribute" and isinstance(node, ast.Attribute) and node.attr in _FUTURE_API:
            _mark(w, pending, PMA207, pending_node, None,
                  detail=f"`{call}` returns a coroutine under PyMongo Async, not Motor's `asyncio.Future`: "
                         f"`.{node.attr}()` fails with `AttributeError: 'coroutine' object has no attribute "
                         f"'{node.attr}'`; `await` it, or wrap it in `asyncio.create_task(...)`")
            return
        if _returns_cursor(pending) and context in ("attribute", "async_iterate", "iterate", "async_with", "with"):
            safe = in_async
            runtime = _RUNTIME.get(context, f"`AttributeError: 'coroutine' object has no attribute "
                                            f"'{getattr(node, 'attr', 'to_list')}'`")
            _mark(w, pending, PMA202, pending_node, Fix.safe_edit(InsertAwait()) if safe else None,
                  detail=f"`{call}` is a coroutine under PyMongo Async that returns the cursor "
                         f"(Motor returned the cursor itself): {runtime}; write `await {call}`"
                         + (" in parentheses before chaining" if context == "attribute" else ""))
            return
        if context == "future_arg":
            _mark(w, pending, PMA207, pending_node, None,
                  detail=f"`{call}` returns a coroutine under PyMongo Async, not Motor's `asyncio.Future`: "
                         f"`asyncio.wrap_future()` fails with `TypeError`; `await` it, or wrap it in "
                         f"`asyncio.create_task(...)`")
            return
        if context in ("attribute", "subscript", "call") and _awaited_through(w, node):
            _mark(w, pending, PMA208, pending_node, Fix.safe_edit(ParenthesizeAwait()),
                  detail=f"`await` binds looser than `.`, `[]` and `()`: this awaits the {_what(node)} of the "
                         f"coroutine `{call}`, not its result; write `(await {call}){_tail(node)}`")
            return
        if pending.member == "start_transaction":
            safe = context == "async_with" and in_async
            fix = Fix(InsertAwait(), Applicability.SAFE if safe else Applicability.UNSAFE) if in_async else None
            effect = (_RUNTIME["async_with"] if context == "async_with"
                      else "the transaction never starts and the writes that follow run outside it, silently")
            _mark(w, pending, PMA204, pending_node, fix,
                  detail=f"`start_transaction()` is a coroutine under PyMongo Async: without `await`, {effect}; "
                         f"write `async with await session.start_transaction():`")
            return
        if isinstance(pending_node, ast.Attribute):  # an async property read
            _mark(w, pending, PMA205, pending_node, Fix.unsafe_edit(InsertAwait()) if in_async else None,
                  detail=f"`{call}` is an async property under PyMongo Async: without `await` it is a coroutine, "
                         f"always truthy and never `None`; write `(await {call})`")
            return
        if (pending.member in _CLOSE_MEMBERS and pending.owner.kind in _CLOSABLE) or pending.member == "end_session":
            _mark(w, pending, PMA206, pending_node, Fix.unsafe_edit(InsertAwait()) if in_async else None,
                  detail=f"`{call}` is a coroutine under PyMongo Async (Motor's `close()` was sync): without `await` "
                         f"nothing is closed, silently; write `await {call}`")
            return
        effect = {
            "discard": "it never runs, silently (Motor ran it even without `await`)",
            "never_awaited": "it is bound to a name that is never awaited, so it never runs, silently",
            "truth": "a coroutine is always true",
            "compare": "the comparison sees a coroutine, not the result",
        }.get(context, "the code uses the coroutine object, not its result")
        _mark(w, pending, PMA201, pending_node, Fix.unsafe_edit(InsertAwait()) if in_async else None,
              detail=f"`{call}` is a coroutine and is not awaited: {effect}; write `await {call}`")

    # ---------------------------------------------------------------- PMA203
    def on_await(self, w: ModelView, node: ast.Await, inner: Value) -> None:
        if not isinstance(inner, Obj) or inner.flavour == "sync" or not isinstance(node.value, ast.Call):
            return
        func = w.value_of(node.value.func)
        if not isinstance(func, Method) or func.how != "sync":
            return
        class_name = _class_name(inner.kind)
        w.report(PMA203, node, fix=Fix.safe_edit(RemoveAwait()),
                 detail=f"`{func.name}()` is not a coroutine under PyMongo Async: `await` fails with "
                        f"`TypeError: object {class_name} can't be used in 'await' expression`; remove `await`")


def _mark(w: ModelView, pending: Pending, rule: RuleLike, node: ast.AST, fix: Optional[Fix], detail: str) -> None:
    pending.reported = True
    w.report(rule, node, fix=fix, detail=detail)


def _in_kept_display(w: ModelView, node: ast.AST) -> bool:
    """`node` is an item of a dict, list, tuple or set display that is not unpacked into, or
    handed to, a call (`gather(*(c.primary, c.address))` awaits its items)."""
    display = w.parent_of(node)
    return isinstance(display, _DISPLAYS) and not isinstance(w.parent_of(display), (ast.Starred, ast.Call))


def _future_only_argument(w: ModelView, node: ast.AST) -> bool:
    """Whether `node`, an argument of a call, is passed to a function that needs a Future."""
    call = w.parent_of(node)
    if not isinstance(call, ast.Call):
        return False
    func = w.value_of(call.func)
    return isinstance(func, Special) and func.name in _FUTURE_ONLY_FUNCTIONS


def _awaited_through(w: ModelView, node: ast.AST) -> bool:
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
