"""PMA101 and PMA110: imports of Motor modules, and imports of names a PyMongo Async module lacks."""
from __future__ import annotations

import ast
import re
from typing import List, Optional, Union

from ...api import tables
from ...diagnostics import Fix, ImportFrom, MotorImport, NoCounterpart
from ...semantic.view import ModelView, Site
from ..registry import Family, FixAvailability, Rule

PMA101 = Rule(
    code="PMA101",
    name="motor-import",
    fix_availability=FixAvailability.SOMETIMES,
    message="{detail}",
    markdown="""
## What it does

Checks for imports from Motor. This covers `motor.motor_asyncio`, `motor.motor_tornado`, the
`motor.core` and `motor.motor_gridfs` `Agnostic*` classes, `motor.aiohttp` and `motor.web`. The
message names the PyMongo Async replacement of each imported name, or says that there is none
(`motor.aiohttp`, `motor.web`).

## Why is this bad?

Motor is deprecated from May 14, 2026 and is replaced by PyMongo Async, which runs on `asyncio`
directly instead of a thread pool. The import itself keeps working while Motor is installed, so
nothing fails here; the other rules report the lines whose behaviour changes once the import is
swapped. Motor and PyMongo Async objects cannot be mixed: `AsyncGridFSBucket(motor_db)` raises
`TypeError: database must be an instance of AsyncDatabase`.

## Example

```python
from motor.motor_asyncio import AsyncIOMotorClient

client = AsyncIOMotorClient("mongodb://localhost:27017")
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient("mongodb://localhost:27017")
```

## Fix safety

The fix is safe, and available when every imported name has a PyMongo Async counterpart: it rewrites
the import and renames every reference in the module (annotations, `isinstance` checks, calls). It
does not change the calls themselves: run the linter again after fixing, the other PMA rules then
report what behaves differently. There is no fix for `motor.aiohttp` and `motor.web`, which have no
counterpart.

## References

- [Migrate to PyMongo Async: Migrate From Motor](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-motor)
- [PyMongo API: AsyncMongoClient](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/mongo_client.html)
""",
)


PMA110 = Rule(
    code="PMA110",
    name="nonexistent-async-import",
    fix_availability=FixAvailability.ALWAYS,
    message="`{module}` does not define `{name}` (`ImportError`); import it from `{home}`",
    markdown="""
## What it does

Checks for an import of a PyMongo Async name from a module that does not define it. Examples are
`from pymongo.collection import AsyncCollection` and `from pymongo import AsyncDatabase`.

## Why is this bad?

The async classes live in `pymongo.asynchronous.*` and `gridfs`; `pymongo` itself re-exports only
`AsyncMongoClient`. The import fails when the module is loaded, even when the name is used only in
annotations.

```text
ImportError: cannot import name 'AsyncCollection' from 'pymongo.collection'
```

## Example

```python
from pymongo.collection import AsyncCollection


async def count_users(users: AsyncCollection) -> int:
    return await users.count_documents({})
```

Use instead:

```python
from pymongo.asynchronous.collection import AsyncCollection


async def count_users(users: AsyncCollection) -> int:
    return await users.count_documents({})
```

## Fix safety

The fix imports the name from the module that defines it. It is safe: the original import always
fails.

## References

- [Migrate to PyMongo Async: Migrate From Motor](
  https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/#migrate-from-motor)
- [PyMongo API: pymongo.asynchronous.collection](
  https://pymongo.readthedocs.io/en/stable/api/pymongo/asynchronous/collection.html)
""",
)


class MotorImportFamily(Family):
    def on_import(self, w: ModelView, node: Union[ast.Import, ast.ImportFrom]) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_motor(alias.name):
                    self._motor_module_import(w, node, alias.name, alias.asname)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if _is_motor(node.module):
                self._motor_from_import(w, node)
            elif node.module in tables.SCANNED_MODULES:
                self._check_async_names(w, node)

    def _motor_module_import(self, w: ModelView, node: ast.Import, module: str, asname: Optional[str]) -> None:
        target = tables.MOTOR_MODULES.get(module)
        if target is None:
            w.report(PMA101, node, unfixable=NoCounterpart(module), detail=_no_counterpart(module))
            return
        w.report(
            PMA101, node, fix=Fix.safe_edit(MotorImport()),
            detail=f"`import {module}`: Motor is deprecated (end of life 14 May 2026); import `{target}` and use "
                   f"its PyMongo Async names (`AsyncIOMotorClient` becomes `pymongo.AsyncMongoClient`)",
        )

    def _motor_from_import(self, w: ModelView, node: ast.ImportFrom) -> None:
        module = node.module or ""
        replacements: List[str] = []
        missing: List[str] = []
        for alias in node.names:
            dotted = f"{module}.{alias.name}"
            if dotted in tables.MOTOR_RENAMES:
                new = tables.MOTOR_RENAMES[dotted]
                if new is None:
                    missing.append(alias.name)
                else:
                    replacements.append(f"`from {new[0]} import {new[1]}`")
            elif dotted in tables.MOTOR_MODULES:  # from motor import motor_asyncio
                target = tables.MOTOR_MODULES[dotted]
                if target is None:
                    missing.append(alias.name)
                else:
                    replacements.append(f"`import {target}`")
            else:
                missing.append(alias.name)
        if missing and not replacements and tables.MOTOR_MODULES.get(module, "") is None:
            w.report(PMA101, node, unfixable=NoCounterpart(module), detail=_no_counterpart(module))
            return
        detail = f"`from {module} import ...`: Motor is deprecated (end of life 14 May 2026)"
        if replacements:
            detail += "; use " + ", ".join(dict.fromkeys(replacements))
        if missing:
            detail += "; no PyMongo Async counterpart for " + ", ".join(f"`{m}`" for m in missing)
        if missing:
            w.report(PMA101, node, unfixable=NoCounterpart(module, tuple(missing)), detail=detail)
        else:
            w.report(PMA101, node, fix=Fix.safe_edit(MotorImport()), detail=detail)

    def _check_async_names(self, w: ModelView, node: ast.ImportFrom) -> None:
        for alias in node.names:
            homes = tables.ASYNC_NAME_HOMES.get(alias.name)
            # Fire only on a real ImportError: modules that merely import the name (AsyncCollection
            # inside pymongo.asynchronous.database) are not homes but still import fine.
            if homes and node.module not in tables.ASYNC_NAME_IMPORTABLE.get(alias.name, ()):
                home = homes[0]
                w.report(
                    PMA110, _alias_location(w, node, alias),
                    fix=Fix.safe_edit(ImportFrom(alias.name, home)),
                    module=node.module, name=alias.name, home=home,
                )


class _Location:
    """A position for a node that has none (import aliases on Python 3.9)."""

    def __init__(self, line: int, col: int, end_col: int) -> None:
        self.lineno, self.col_offset, self.end_lineno, self.end_col_offset = line, col, line, end_col


def _alias_location(w: ModelView, node: ast.ImportFrom, alias: ast.alias) -> Site:
    if getattr(alias, "lineno", None) is not None:  # Python 3.10+
        return alias
    # Python 3.9: find the name in the statement's lines, after the `import` keyword.
    pattern = re.compile(r"\b" + re.escape(alias.name) + r"\b")
    end = getattr(node, "end_lineno", node.lineno) or node.lineno
    for number in range(node.lineno, end + 1):
        if number - 1 >= len(w.lines):
            break
        raw = w.lines[number - 1].encode("utf-8")
        text = raw.decode("utf-8")
        start = text.find(" import ") + 8 if number == node.lineno else 0
        match = pattern.search(text, max(start, 0))
        if match:
            col = len(text[: match.start()].encode("utf-8"))
            return _Location(number, col, col + len(alias.name))
    return node


def _is_motor(module: str) -> bool:
    return module == "motor" or module.startswith("motor.")


def _no_counterpart(module: str) -> str:
    # motor.aiohttp / motor.web are GridFS HTTP handlers; every other such module is Motor plumbing.
    if any(module == p or module.startswith(p + ".") for p in ("motor.aiohttp", "motor.web")):
        return (f"`{module}` has no PyMongo Async counterpart and Motor is deprecated (end of life 14 May 2026); "
                f"re-implement it with `AsyncGridFSBucket` (`open_download_stream_by_name` + `readchunk()`)")
    return (f"`{module}` is Motor internals with no PyMongo Async counterpart "
            f"(Motor is deprecated, end of life 14 May 2026); remove the import")
