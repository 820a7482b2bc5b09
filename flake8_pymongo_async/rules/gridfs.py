"""PMA5xx: GridFS behaviour that changed shape between Motor and PyMongo Async."""
from __future__ import annotations

import ast

from ..semantic.events import IterationSite
from ..semantic.values import Obj, Value
from ..semantic.view import ModelView
from .registry import Family, FixAvailability, Rule


PMA501 = Rule(
    code="PMA501",
    name="gridout-iteration-yields-lines",
    fix_availability=FixAvailability.NONE,
    message="{detail}",
    markdown=r"""
## What it does

Checks for `async for chunk in grid_out` over a GridFS file.

## Why is this bad?

Iterating a Motor GridFS file yielded its chunks; iterating an `AsyncGridOut` yields lines, split
after each `b"\n"`. This is silent: the bytes are the same, but a binary file with few newlines
arrives in large pieces, up to the whole file in memory at once, and code that expects chunk-sized
pieces gets something else.

## Example

```python
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
bucket = AsyncGridFSBucket(client.media)


async def copy_file(file_id, out):
    grid_out = await bucket.open_download_stream(file_id)
    async for chunk in grid_out:
        out.write(chunk)
```

Use instead:

```python
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
bucket = AsyncGridFSBucket(client.media)


async def copy_file(file_id, out):
    grid_out = await bucket.open_download_stream(file_id)
    while chunk := await grid_out.readchunk():
        out.write(chunk)
```

## Fix safety

There is no fix: whether lines or chunks are wanted depends on the code; the message shows the
`readchunk()` loop.

## References

- [Migrate to PyMongo Async: Migrate From Motor](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-motor)
- [PyMongo API: AsyncGridOut.readchunk()](
  https://pymongo.readthedocs.io/en/stable/api/gridfs/asynchronous/grid_file.html#gridfs.asynchronous.grid_file.AsyncGridOut.readchunk)
""",
)


PMA502 = Rule(
    code="PMA502",
    name="gridfs-find-items-not-subscriptable",
    fix_availability=FixAvailability.NONE,
    message="{detail}",
    markdown="""
## What it does

Checks for subscripting a GridFS file that comes from `bucket.find()`. An example is
`files[0]["filename"]` after `files = await bucket.find().to_list(None)`.

## Why is this bad?

Under Motor, `to_list()` on a GridFS cursor returned the raw file documents (dicts). PyMongo Async
returns `AsyncGridOut` objects, which expose the fields as attributes (`f.filename`, `f.length`,
`f.metadata`) and cannot be subscripted.

```text
TypeError: 'AsyncGridOut' object is not subscriptable
```

## Example

```python
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
bucket = AsyncGridFSBucket(client.media)


async def newest_file_name():
    files = await bucket.find().sort("uploadDate", -1).limit(1).to_list(None)
    return files[0]["filename"]
```

Use instead:

```python
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
bucket = AsyncGridFSBucket(client.media)


async def newest_file_name():
    files = await bucket.find().sort("uploadDate", -1).limit(1).to_list(None)
    return files[0].filename
```

## Fix safety

There is no fix: the file may also be used as a dict elsewhere (`dict(f)`, JSON encoding), and the
field names are not always valid attribute names.

## References

- [Migrate to PyMongo Async: Migrate From Motor](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-motor)
- [PyMongo API: AsyncGridOut](
  https://pymongo.readthedocs.io/en/stable/api/gridfs/asynchronous/grid_file.html)
""",
)


def _async_grid_out(value: Value) -> bool:
    return isinstance(value, Obj) and value.flavour != "sync" and value.kind == "grid_out"


class GridFSFamily(Family):
    def on_iterate(self, w: ModelView, node: IterationSite, iter_node: ast.expr, iterable: Value,
                   is_async: bool) -> None:
        if is_async and _async_grid_out(iterable):
            w.report(PMA501, iter_node,
                     detail="`async for` over an `AsyncGridOut` yields lines (split at b\"\\n\"), not chunks as "
                            "in Motor; read chunks with `while chunk := await grid_out.readchunk(): ...`")

    def on_subscript(self, w: ModelView, node: ast.Subscript, base: Value, is_store: bool) -> None:
        if _async_grid_out(base):
            w.report(PMA502, node,
                     detail="GridFS files from `bucket.find()` are `AsyncGridOut` objects, not dicts: "
                            "`TypeError: 'AsyncGridOut' object is not subscriptable`; use attributes "
                            "(`f.filename`, `f._id`, `f.metadata`)")
