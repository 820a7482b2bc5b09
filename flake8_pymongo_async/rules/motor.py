"""PMA1xx: Motor-only API, imports and constructor arguments.

Each check fires on evidence from the semantic model: a driver class (``ClassRef``) being
constructed, a driver object (``Obj``) whose member Motor had and PyMongo Async lacks (from the
generated tables), or an import of a motor module.
"""
from __future__ import annotations

import ast
import re
from typing import Dict, List, Optional

from ..api import tables
from ..diagnostics import Fix
from ..semantic import kinds
from ..semantic.values import ClassRef, Method, Obj
from . import catalog

# Motor members that PyMongo Async dropped, and the rule that reports each. A member fires only
# when the tables confirm that Motor had it on that kind of object and PyMongo Async has not.
_REMOVED_MEMBER_RULES = {
    "get_io_loop": catalog.PMA103,
    "io_loop": catalog.PMA103,
    "each": catalog.PMA104,
    "stream_to_handler": catalog.PMA105,
    "fetch_next": catalog.PMA108,
    "next_object": catalog.PMA108,
    "delegate": catalog.PMA109,
    "wrap": catalog.PMA109,
}
# Members that PyMongo Async client/database/collection objects answer with a sub-database or
# sub-collection (through __getattr__) instead of an AttributeError: the silent variant.
_NAVIGABLE = ("client", "database", "collection")


class MotorFamily:
    # ---------------------------------------------------------------- imports
    def on_import(self, w, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_motor(alias.name):
                    self._motor_module_import(w, node, alias.name, alias.asname)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if _is_motor(node.module):
                self._motor_from_import(w, node)
            elif node.module in tables.SCANNED_MODULES:
                self._check_async_names(w, node)

    def _motor_module_import(self, w, node: ast.Import, module: str, asname: Optional[str]) -> None:
        target = tables.MOTOR_MODULES.get(module)
        if target is None:
            w.report(catalog.PMA101, node, detail=_no_counterpart(module))
            return
        w.report(
            catalog.PMA101, node, fix=Fix("motor-import", safe=True),
            detail=f"`import {module}`: Motor is deprecated (end of life 14 May 2026); import `{target}` and use "
                   f"its PyMongo Async names (`AsyncIOMotorClient` becomes `pymongo.AsyncMongoClient`)",
        )

    def _motor_from_import(self, w, node: ast.ImportFrom) -> None:
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
            w.report(catalog.PMA101, node, detail=_no_counterpart(module))
            return
        detail = f"`from {module} import ...`: Motor is deprecated (end of life 14 May 2026)"
        if replacements:
            detail += "; use " + ", ".join(dict.fromkeys(replacements))
        if missing:
            detail += "; no PyMongo Async counterpart for " + ", ".join(f"`{m}`" for m in missing)
        fix = Fix("motor-import", safe=True) if not missing else None
        w.report(catalog.PMA101, node, fix=fix, detail=detail)

    def _check_async_names(self, w, node: ast.ImportFrom) -> None:
        for alias in node.names:
            homes = tables.ASYNC_NAME_HOMES.get(alias.name)
            # Fire only on a real ImportError: modules that merely import the name (AsyncCollection
            # inside pymongo.asynchronous.database) are not homes but still import fine.
            if homes and node.module not in tables.ASYNC_NAME_IMPORTABLE.get(alias.name, ()):
                home = homes[0]
                w.report(
                    catalog.PMA110, _alias_location(w, node, alias),
                    fix=Fix("import-from", safe=True, data=(alias.name, home)),
                    module=node.module, name=alias.name, home=home,
                )

    # ---------------------------------------------------------------- constructors
    def on_call(self, w, node: ast.Call, func) -> None:
        if isinstance(func, ClassRef):
            if func.flavour != "sync":
                self._constructor(w, node, func)
            return
        if isinstance(func, Method) and func.name == "to_list" and func.owner.flavour != "sync":
            self._to_list(w, node, func)

    def _constructor(self, w, node: ast.Call, cls: ClassRef) -> None:
        for keyword in node.keywords:
            if keyword.arg == "io_loop" and cls.kind in ("client", "client_encryption"):
                error = ("ConfigurationError: Unknown option: io_loop" if cls.kind == "client" else
                         "TypeError: ... got an unexpected keyword argument 'io_loop'")
                w.report(catalog.PMA102, keyword, fix=_remove_keyword_fix(keyword, "io_loop"),
                         callee=_callee_text(node), error=error)
            elif keyword.arg == "connect" and cls.kind == "client" and not _is_false(keyword.value):
                # connect=False asks for the lazy connection AsyncMongoClient makes anyway; only a
                # request to connect eagerly (connect=True, or a variable) is silently not honoured.
                w.report(catalog.PMA107, keyword, fix=_remove_keyword_fix(keyword, "connect"))
            elif keyword.arg == "collection" and cls.kind == "gridfs_bucket":
                w.report(catalog.PMA111, keyword,
                         fix=Fix("rename-keyword", safe=True, data=("collection", "bucket_name")))

    def _to_list(self, w, node: ast.Call, method: Method) -> None:
        arg: Optional[ast.expr] = node.args[0] if node.args else None
        shown = "{}"
        for keyword in node.keywords:
            if keyword.arg == "length":
                arg, shown = keyword.value, "length={}"
        number = _int_literal(arg)
        if number is not None and number <= 0:
            w.report(catalog.PMA106, node, fix=Fix("to-list-none", safe=True), arg=shown.format(number))

    # ---------------------------------------------------------------- removed members
    def on_attribute(self, w, node: ast.Attribute, base, is_store: bool) -> None:
        rule = _REMOVED_MEMBER_RULES.get(node.attr)
        if rule is None or not isinstance(base, Obj) or base.flavour == "sync":
            return
        if not _motor_had_it(base, node.attr) or kinds.member(base, node.attr) is not None:
            return
        silent = base.kind in _NAVIGABLE
        fields: Dict[str, str] = {}
        if rule is catalog.PMA108:
            fields = {"attr": f".{node.attr}", "name": node.attr}
        elif rule in (catalog.PMA103, catalog.PMA109):
            suffix = "()" if isinstance(w.parent_of(node), ast.Call) and w.parent_of(node).func is node else ""
            fields = {
                "attr": f".{node.attr}{suffix}",
                "silent": (f": on an `Async{_class_word(base.kind)}` it silently returns a sub-"
                           f"{'database' if base.kind == 'client' else 'collection'} named {node.attr!r}"
                           if silent else ""),
            }
        w.report(rule, node, **fields)


def _remove_keyword_fix(keyword: ast.keyword, name: str) -> Fix:
    # Removing the argument also removes evaluating its value: safe only when that does nothing
    # (`io_loop=start_loop()` would no longer start the loop).
    return Fix("remove-keyword", safe=has_no_side_effects(keyword.value), data=(name,))


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


class _Location:
    """A position for a node that has none (import aliases on Python 3.9)."""

    def __init__(self, line: int, col: int, end_col: int) -> None:
        self.lineno, self.col_offset, self.end_lineno, self.end_col_offset = line, col, line, end_col


def _alias_location(w, node: ast.ImportFrom, alias: ast.alias):
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


def _motor_had_it(obj: Obj, name: str) -> bool:
    # `delegate` and `io_loop` are instance attributes in Motor, so not in its class declarations.
    return kinds.motor_member(obj.kind, name) is not None or name in ("delegate", "io_loop")


def _is_motor(module: str) -> bool:
    return module == "motor" or module.startswith("motor.")


def _no_counterpart(module: str) -> str:
    # motor.aiohttp / motor.web are GridFS HTTP handlers; every other such module is Motor plumbing.
    if any(module == p or module.startswith(p + ".") for p in ("motor.aiohttp", "motor.web")):
        return (f"`{module}` has no PyMongo Async counterpart and Motor is deprecated (end of life 14 May 2026); "
                f"re-implement it with `AsyncGridFSBucket` (`open_download_stream_by_name` + `readchunk()`)")
    return (f"`{module}` is Motor internals with no PyMongo Async counterpart "
            f"(Motor is deprecated, end of life 14 May 2026); remove the import")


def _class_word(kind: str) -> str:
    return {"client": "MongoClient", "database": "Database", "collection": "Collection"}.get(kind, kind)


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
