"""PMA5xx: GridFS behaviour that changed shape between Motor and PyMongo Async."""
from __future__ import annotations

import ast

from ..semantic.values import Obj, Value
from . import catalog


def _async_grid_out(value: Value) -> bool:
    return isinstance(value, Obj) and value.flavour != "sync" and value.kind == "grid_out"


class GridFSFamily:
    def on_iterate(self, w, node: ast.AST, iter_node: ast.AST, iterable: Value, is_async: bool) -> None:
        if is_async and _async_grid_out(iterable):
            w.report(catalog.PMA501, iter_node,
                     detail="`async for` over an `AsyncGridOut` yields lines (split at b\"\\n\"), not chunks as "
                            "in Motor; read chunks with `while chunk := await grid_out.readchunk(): ...`")

    def on_subscript(self, w, node: ast.Subscript, base: Value, is_store: bool) -> None:
        if _async_grid_out(base):
            w.report(catalog.PMA502, node,
                     detail="GridFS files from `bucket.find()` are `AsyncGridOut` objects, not dicts: "
                            "`TypeError: 'AsyncGridOut' object is not subscriptable`; use attributes "
                            "(`f.filename`, `f._id`, `f.metadata`)")
