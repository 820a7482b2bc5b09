"""PMA103, PMA104, PMA105, PMA108 and PMA109: Motor members that PyMongo Async objects do not have.

A member fires only when the API tables confirm that Motor had it on that kind of object and
PyMongo Async has not.
"""
from __future__ import annotations

import ast
from typing import Dict

from ...api import kinds
from ...semantic.values import Obj, Value
from ...semantic.view import ModelView
from ..registry import Family, FixAvailability, Rule

PMA103 = Rule(
    code="PMA103",
    name="motor-io-loop-accessor",
    fix_availability=FixAvailability.NONE,
    message="`{attr}` does not exist on PyMongo Async objects{silent}; use `asyncio.get_running_loop()`",
    markdown="""
## What it does

Checks for `.get_io_loop()` and `.io_loop` on a driver object. This includes clients, databases,
collections, cursors and GridFS objects, and assignments to `.io_loop`.

## Why is this bad?

PyMongo Async objects do not expose an event loop. On a client, database or collection the name is
taken as a sub-database or sub-collection: `client.io_loop` silently returns `AsyncDatabase(...,
'io_loop')`, and calling `get_io_loop()` raises a `TypeError` saying the object is not callable. On
a cursor it raises `AttributeError: 'AsyncCursor' object has no attribute 'get_io_loop'`.

```text
TypeError: 'AsyncDatabase' object is not callable
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def main():
    loop = client.get_io_loop()
    loop.call_later(60, print, "still running")
```

Use instead:

```python
import asyncio

from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def main():
    loop = asyncio.get_running_loop()
    loop.call_later(60, print, "still running")
```

## Fix safety

There is no fix. `asyncio.get_running_loop()` works only while a loop is running, so the replacement
depends on where the code runs; the message suggests it.

## Options

`--pma-extra-factories`: names of your own functions whose call returns an async client, database or
collection, as `kind:name` pairs (for example `collection:app.db.get_users`). The rule fires only on
objects known to come from the driver; a value returned by a helper the linter cannot see is
unknown, and unknown stays silent until the helper is listed here.

## References

- [Migrate to PyMongo Async: Method Signature Changes](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#method-signature-changes)
- [Python: asyncio.get_running_loop()](
  https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.get_running_loop)
""",
)


PMA104 = Rule(
    code="PMA104",
    name="motor-cursor-each",
    fix_availability=FixAvailability.NONE,
    message=(
        "`cursor.each()` was removed: `AttributeError: ... object has no attribute 'each'`; "
        "iterate with `async for doc in cursor:` or `await cursor.to_list(None)`"
    ),
    markdown="""
## What it does

Checks for `cursor.each(callback)` on a driver cursor.

## Why is this bad?

`each()` was Motor's callback API: it scheduled the callback for every document and returned at
once. PyMongo Async cursors have no `each()`, so the call raises when it is reached and no callback
runs.

```text
AttributeError: 'AsyncCursor' object has no attribute 'each'
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


def on_user(user, error):
    if user is not None:
        print(user["name"])


def print_users():
    client.app.users.find().each(on_user)
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def print_users():
    async for user in client.app.users.find():
        print(user["name"])
```

## Fix safety

There is no fix: the callback, the calling function and its callers have to become `async` code.

## Options

`--pma-extra-factories`: names of your own functions whose call returns an async client, database or
collection, as `kind:name` pairs (for example `collection:app.db.get_users`). The rule fires only on
objects known to come from the driver; a value returned by a helper the linter cannot see is
unknown, and unknown stays silent until the helper is listed here.

## References

- [Migrate to PyMongo Async: Method Signature Changes](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#method-signature-changes)
- [PyMongo API: AsyncCursor](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/cursor.html)
""",
)


PMA105 = Rule(
    code="PMA105",
    name="motor-stream-to-handler",
    fix_availability=FixAvailability.NONE,
    message=(
        "`stream_to_handler()` was removed from GridFS files; write the chunks yourself: "
        "`while chunk := await grid_out.readchunk(): ...`"
    ),
    markdown="""
## What it does

Checks for `grid_out.stream_to_handler(...)` on a GridFS file.

## Why is this bad?

`stream_to_handler()` wrote a GridFS file to a Tornado `RequestHandler`. PyMongo Async has no
Tornado integration and `AsyncGridOut` has no such method, so the call raises.

```text
AttributeError: GridOut object has no attribute 'stream_to_handler'
```

## Example

```python
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
bucket = AsyncGridFSBucket(client.media)


async def send_file(handler, file_id):
    grid_out = await bucket.open_download_stream(file_id)
    await grid_out.stream_to_handler(handler)
```

Use instead:

```python
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
bucket = AsyncGridFSBucket(client.media)


async def send_file(handler, file_id):
    grid_out = await bucket.open_download_stream(file_id)
    while chunk := await grid_out.readchunk():
        handler.write(chunk)
        await handler.flush()
```

## Fix safety

There is no fix: the loop that writes the chunks depends on the web framework.

## References

- [Migrate to PyMongo Async: Method Signature Changes](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#method-signature-changes)
- [PyMongo API: AsyncGridOut.readchunk()](
  https://pymongo.readthedocs.io/en/stable/api/gridfs/asynchronous/grid_file.html#gridfs.asynchronous.grid_file.AsyncGridOut.readchunk)
""",
)


PMA108 = Rule(
    code="PMA108",
    name="motor-fetch-next",
    fix_availability=FixAvailability.NONE,
    message=(
        "`{attr}` was removed: `AttributeError: ... object has no attribute '{name}'`; "
        "use `async for doc in cursor:`"
    ),
    markdown="""
## What it does

Checks for `cursor.fetch_next` and `cursor.next_object()` on a driver cursor.

## Why is this bad?

`fetch_next` and `next_object()` were Motor's pre-`async for` iteration API. PyMongo Async cursors
do not have them, so the loop raises on its first test.

```text
AttributeError: 'AsyncCursor' object has no attribute 'fetch_next'
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def print_users():
    cursor = client.app.users.find()
    while await cursor.fetch_next:
        user = cursor.next_object()
        print(user["name"])
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def print_users():
    async for user in client.app.users.find():
        print(user["name"])
```

## Fix safety

There is no fix: the `while` loop has to be rewritten as `async for`.

## Options

`--pma-extra-factories`: names of your own functions whose call returns an async client, database or
collection, as `kind:name` pairs (for example `collection:app.db.get_users`). The rule fires only on
objects known to come from the driver; a value returned by a helper the linter cannot see is
unknown, and unknown stays silent until the helper is listed here.

## References

- [Migrate to PyMongo Async: Migrate From Motor](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-motor)
- [PyMongo API: AsyncCursor](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/cursor.html)
""",
)


PMA109 = Rule(
    code="PMA109",
    name="motor-delegate-access",
    fix_availability=FixAvailability.NONE,
    message="`{attr}` is Motor-only{silent}; use the PyMongo Async object itself",
    markdown="""
## What it does

Checks for `.delegate` and `.wrap(...)` on a driver object.

## Why is this bad?

Motor objects wrapped a synchronous PyMongo object, reachable as `.delegate`. PyMongo Async objects
wrap nothing. On a client, database or collection the attribute is silently taken as a sub-database
or sub-collection: `users.delegate.full_name` is `'app.users.delegate'`. Calling `.wrap(...)` raises
`TypeError: 'AsyncCollection' object is not callable. If you meant to call the 'wrap' method on a
'AsyncCollection' object it is failing because no such method exists.`

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
users = client.app.users


def users_namespace():
    return users.delegate.full_name
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
users = client.app.users


def users_namespace():
    return users.full_name
```

## Fix safety

There is no fix: code that used the wrapped synchronous object needs either the async object itself
or a separate `MongoClient`.

## Options

`--pma-extra-factories`: names of your own functions whose call returns an async client, database or
collection, as `kind:name` pairs (for example `collection:app.db.get_users`). The rule fires only on
objects known to come from the driver; a value returned by a helper the linter cannot see is
unknown, and unknown stays silent until the helper is listed here.

## References

- [Migrate to PyMongo Async: Migrate From Motor](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-motor)
- [PyMongo API: AsyncCollection](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/collection.html)
""",
)


# Motor members that PyMongo Async dropped, and the rule that reports each. A member fires only
# when the tables confirm that Motor had it on that kind of object and PyMongo Async has not.
_REMOVED_MEMBER_RULES = {
    "get_io_loop": PMA103,
    "io_loop": PMA103,
    "each": PMA104,
    "stream_to_handler": PMA105,
    "fetch_next": PMA108,
    "next_object": PMA108,
    "delegate": PMA109,
    "wrap": PMA109,
}
# Members that PyMongo Async client/database/collection objects answer with a sub-database or
# sub-collection (through __getattr__) instead of an AttributeError: the silent variant.
_NAVIGABLE = ("client", "database", "collection")


class MotorRemovedMemberFamily(Family):
    # ---------------------------------------------------------------- removed members
    def on_attribute(self, w: ModelView, node: ast.Attribute, base: Value, is_store: bool) -> None:
        rule = _REMOVED_MEMBER_RULES.get(node.attr)
        if rule is None or not isinstance(base, Obj) or base.flavour == "sync":
            return
        if not _motor_had_it(base, node.attr) or kinds.member(base, node.attr) is not None:
            return
        silent = base.kind in _NAVIGABLE
        fields: Dict[str, str] = {}
        if rule is PMA108:
            fields = {"attr": f".{node.attr}", "name": node.attr}
        elif rule in (PMA103, PMA109):
            parent = w.parent_of(node)
            suffix = "()" if isinstance(parent, ast.Call) and parent.func is node else ""
            fields = {
                "attr": f".{node.attr}{suffix}",
                "silent": (f": on an `Async{_class_word(base.kind)}` it silently returns a sub-"
                           f"{'database' if base.kind == 'client' else 'collection'} named {node.attr!r}"
                           if silent else ""),
            }
        w.report(rule, node, None, None, **fields)


def _motor_had_it(obj: Obj, name: str) -> bool:
    # `delegate` and `io_loop` are instance attributes in Motor, so not in its class declarations.
    return kinds.motor_member(obj.kind, name) is not None or name in ("delegate", "io_loop")


def _class_word(kind: str) -> str:
    return {"client": "MongoClient", "database": "Database", "collection": "Collection"}.get(kind, kind)
