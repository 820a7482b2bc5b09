"""PMA102, PMA106, PMA107 and PMA111: constructor and call arguments Motor took and PyMongo Async refuses."""
from __future__ import annotations

import ast
from typing import Optional

from ...diagnostics import Applicability, Fix, RemoveKeyword, RenameKeyword, ToListNone
from ...semantic.values import ClassRef, Method, Value
from ...semantic.view import ModelView
from ..registry import Family, FixAvailability, Rule

PMA102 = Rule(
    code="PMA102",
    name="io-loop-argument",
    fix_availability=FixAvailability.ALWAYS,
    message=(
        "`io_loop=` passed to {callee}: PyMongo Async raises `{error}`; "
        "remove it (PyMongo Async uses the running event loop)"
    ),
    # The runtime error is quoted verbatim, as long as the driver prints it.
    markdown="""
## What it does

Checks for an `io_loop=` argument passed to a client or client-encryption constructor. This covers
`AsyncMongoClient`, `AsyncIOMotorClient`, `MotorClient` and the client-encryption classes of both
libraries.

## Why is this bad?

PyMongo Async has no `io_loop` parameter: the client uses the event loop that runs its first
operation. The constructor raises at once, for any value including `None`. The client-encryption
constructor raises `TypeError: AsyncClientEncryption.__init__() got an unexpected keyword argument
'io_loop'`.

```text
pymongo.errors.ConfigurationError: Unknown option: io_loop. Did you mean one of (auto_encryption_opts, minpoolsize, tzinfo) or maybe a camelCase version of one? Refer to docstring.
```

## Example

```python
import asyncio

from pymongo import AsyncMongoClient


async def main():
    client = AsyncMongoClient("mongodb://localhost:27017", io_loop=asyncio.get_running_loop())
    await client.admin.command("ping")
```

Use instead:

```python
from pymongo import AsyncMongoClient


async def main():
    client = AsyncMongoClient("mongodb://localhost:27017")
    await client.admin.command("ping")
```

## Fix safety

The fix removes the argument. It is safe when the value has no side effects (a literal, a name, an
attribute of a name, or a container or unary operation of those): the constructor always raises with
the argument present, so removing it cannot change code that worked. When the value may have side
effects (`io_loop=start_loop()`: a call, subscript, `await`...), removing the argument also removes
evaluating it, and the fix is unsafe.

## References

- [Migrate to PyMongo Async: Method Signature Changes](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#method-signature-changes)
- [PyMongo API: AsyncMongoClient](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/mongo_client.html)
""",  # noqa: E501
)


PMA106 = Rule(
    code="PMA106",
    name="to-list-zero-length",
    fix_availability=FixAvailability.ALWAYS,
    message=(
        "`to_list({arg})` raises `ValueError: to_list() length must be greater than 0` under PyMongo Async "
        "(Motor returned `[]`); use `to_list(None)` for every document"
    ),
    markdown="""
## What it does

Checks for `to_list(0)`, `to_list(length=0)` or `to_list()` with a negative literal on a driver
cursor.

## Why is this bad?

PyMongo Async accepts only `None` (every document) or a length of at least 1, and raises when the
call is awaited, before any I/O. Motor 3 accepted 0 and returned `[]` after running the query. The
migration guide says to use `to_list(None)`.

```text
ValueError: to_list() length must be greater than 0
```

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def all_users():
    return await client.app.users.find().to_list(0)
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def all_users():
    return await client.app.users.find().to_list(None)
```

## Fix safety

The fix replaces the argument with `None`. It is safe: the original call always raises.
`to_list(None)` returns every document; if the code relied on Motor returning `[]`, remove the call
instead.

## Options

`--pma-extra-factories`: names of your own functions whose call returns an async client, database or
collection, as `kind:name` pairs (for example `collection:app.db.get_users`). The rule fires only on
objects known to come from the driver; a value returned by a helper the linter cannot see is
unknown, and unknown stays silent until the helper is listed here.

## References

- [Migrate to PyMongo Async: Method Signature Changes](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#method-signature-changes)
- [PyMongo API: AsyncCursor.to_list()](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/cursor.html#pymongo.asynchronous.cursor.AsyncCursor.to_list)
""",
)


PMA107 = Rule(
    code="PMA107",
    name="connect-argument",
    fix_availability=FixAvailability.ALWAYS,
    message=(
        "`connect=` is accepted and ignored by `AsyncMongoClient`; remove it and "
        "`await client.aconnect()` to connect eagerly"
    ),
    markdown="""
## What it does

Checks for a `connect=` argument passed to an async client constructor.

## Why is this bad?

`AsyncMongoClient` accepts `connect=` and ignores it: the constructor never does I/O, even with
`connect=True`, and the client connects at its first operation. This is silent: code that expects an
early connection (or an early error for a bad address) gets neither. `await client.aconnect()`
connects eagerly.

## Example

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient("mongodb://localhost:27017", connect=True)
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient("mongodb://localhost:27017")


async def startup():
    await client.aconnect()
```

## Fix safety

The fix removes the argument. It is safe when the value has no side effects (a literal, a name, an
attribute of a name, or a container or unary operation of those): the argument has no effect. When
the value may have side effects (`connect=should_connect()`: a call, subscript, `await`...),
removing the argument also removes evaluating it, and the fix is unsafe. Add `await
client.aconnect()` where the application starts if it must connect early.

## References

- [Migrate to PyMongo Async: Migrate from PyMongo](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-pymongo)
- [PyMongo API: AsyncMongoClient.aconnect()](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/mongo_client.html#pymongo.asynchronous.mongo_client.AsyncMongoClient.aconnect)
""",
)


PMA111 = Rule(
    code="PMA111",
    name="gridfs-bucket-collection-argument",
    fix_availability=FixAvailability.ALWAYS,
    message="`collection=` was removed from the GridFS bucket constructor (`TypeError`); use `bucket_name=`",
    markdown="""
## What it does

Checks for a `collection=` argument passed to a GridFS bucket constructor.

## Why is this bad?

Motor accepted `collection=` as a deprecated alias of `bucket_name=`. `AsyncGridFSBucket` does not,
and the constructor raises.

```text
TypeError: AsyncGridFSBucket.__init__() got an unexpected keyword argument 'collection'
```

## Example

```python
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
images = AsyncGridFSBucket(client.media, collection="images")
```

Use instead:

```python
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
images = AsyncGridFSBucket(client.media, bucket_name="images")
```

## Fix safety

The fix renames the keyword to `bucket_name=`. It is safe: the original call always raises, and
`bucket_name=` is what Motor's alias meant.

## References

- [Migrate to PyMongo Async: Migrate From Motor](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-motor)
- [PyMongo API: gridfs.asynchronous (AsyncGridFSBucket)](
  https://pymongo.readthedocs.io/en/stable/api/gridfs/asynchronous/index.html)
""",
)


class MotorArgumentFamily(Family):
    # ---------------------------------------------------------------- constructors
    def on_call(self, w: ModelView, node: ast.Call, func: Value) -> None:
        if isinstance(func, ClassRef):
            if func.flavour != "sync":
                self._constructor(w, node, func)
            return
        if isinstance(func, Method) and func.name == "to_list" and func.owner.flavour != "sync":
            self._to_list(w, node, func)

    def _constructor(self, w: ModelView, node: ast.Call, cls: ClassRef) -> None:
        for keyword in node.keywords:
            if keyword.arg == "io_loop" and cls.kind in ("client", "client_encryption"):
                error = ("ConfigurationError: Unknown option: io_loop" if cls.kind == "client" else
                         "TypeError: ... got an unexpected keyword argument 'io_loop'")
                w.report(PMA102, keyword, fix=_remove_keyword_fix(keyword, "io_loop"),
                         callee=_callee_text(node), error=error)
            elif keyword.arg == "connect" and cls.kind == "client" and not _is_false(keyword.value):
                # connect=False asks for the lazy connection AsyncMongoClient makes anyway; only a
                # request to connect eagerly (connect=True, or a variable) is silently not honoured.
                w.report(PMA107, keyword, fix=_remove_keyword_fix(keyword, "connect"))
            elif keyword.arg == "collection" and cls.kind == "gridfs_bucket":
                w.report(PMA111, keyword,
                         fix=Fix.safe_edit(RenameKeyword("collection", "bucket_name")))

    def _to_list(self, w: ModelView, node: ast.Call, method: Method) -> None:
        arg: Optional[ast.expr] = node.args[0] if node.args else None
        shown = "{}"
        for keyword in node.keywords:
            if keyword.arg == "length":
                arg, shown = keyword.value, "length={}"
        number = _int_literal(arg)
        if number is not None and number <= 0:
            w.report(PMA106, node, fix=Fix.safe_edit(ToListNone()), arg=shown.format(number))


def _remove_keyword_fix(keyword: ast.keyword, name: str) -> Fix:
    # Removing the argument also removes evaluating its value: safe only when that does nothing
    # (`io_loop=start_loop()` would no longer start the loop).
    safe = has_no_side_effects(keyword.value)
    return Fix(RemoveKeyword(name), Applicability.SAFE if safe else Applicability.UNSAFE)


# Nodes whose evaluation runs no user code worth keeping: literals, names, attribute chains,
# displays and unary operators of those (and the contexts and operators inside them).
_INERT_NODES = (ast.Constant, ast.Name, ast.Attribute, ast.Tuple, ast.List, ast.Set, ast.Dict,
                ast.UnaryOp, ast.unaryop, ast.expr_context)


def has_no_side_effects(expr: ast.expr) -> bool:
    """Conservatively, whether evaluating ``expr`` has no effect: anything with a call, subscript,
    ``await``, walrus, lambda, comprehension, f-string, operator or unpacking may have one."""
    for node in ast.walk(expr):  # iterative: no recursion limit on deep displays
        if not isinstance(node, _INERT_NODES):
            return False
        if isinstance(node, ast.Dict) and None in node.keys:  # `{**mapping}` unpacks
            return False
    return True


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _int_literal(node: Optional[ast.expr]) -> Optional[int]:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) is int):
        return -node.operand.value
    return None


def _callee_text(node: ast.Call) -> str:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "the constructor")
    return f"`{name}()`"
