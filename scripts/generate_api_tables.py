"""Generate ``flake8_pymongo_async/api/tables.py`` from the INSTALLED pymongo and motor.

    python scripts/generate.py api-tables          # (re)write tables.py
    python scripts/generate.py --check api-tables  # exit 1 and print a diff if it is stale

A development tool, outside the package and the wheel: ``scripts/generate.py`` runs it with the
other generators.

The generator imports pymongo (and motor.core / motor.motor_gridfs, which only need pymongo);
the generated module imports nothing. Motor's framework modules (motor_asyncio, motor_tornado,
web, aiohttp) are read with ``ast`` instead of being imported, so the output is the same whether
or not tornado/aiohttp are installed.

Vocabulary (see docs in tables.py and section 0 of the API reference):
  * PyMongo ``how``: coroutine | async_property | sync | property
  * Motor ``motor_kind``: future | coroutine_wrap | coroutine | future_manual |
    future_manual_property | sync_property | sync_method | sync_method_wrap | sync_chaining |
    sync_returns_cursor | callback | sync
"""
from __future__ import annotations

import abc
import argparse
import ast
import difflib
import importlib
import importlib.util
import inspect
import json
import pkgutil
import sys
import textwrap
import typing
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

TABLES_PATH = Path(__file__).resolve().parent.parent / "flake8_pymongo_async" / "api" / "tables.py"
COMMAND = "python scripts/generate.py api-tables"

OBJECT_KINDS: Tuple[str, ...] = (
    "client", "database", "collection", "cursor", "raw_batch_cursor", "command_cursor",
    "raw_batch_command_cursor", "change_stream", "session", "client_encryption", "gridfs",
    "gridfs_bucket", "grid_in", "grid_out", "grid_out_cursor",
)

# kind -> (PyMongo Async class, sync PyMongo class). These are the only hand-written class facts:
# public subclasses (e.g. AsyncCollectionChangeStream) are discovered by scanning the modules,
# and Motor classes are mapped through their ``__delegate_class__``.
KIND_SEEDS: Dict[str, Tuple[str, str]] = {
    "client": ("pymongo.asynchronous.mongo_client.AsyncMongoClient",
               "pymongo.synchronous.mongo_client.MongoClient"),
    "database": ("pymongo.asynchronous.database.AsyncDatabase",
                 "pymongo.synchronous.database.Database"),
    "collection": ("pymongo.asynchronous.collection.AsyncCollection",
                   "pymongo.synchronous.collection.Collection"),
    "cursor": ("pymongo.asynchronous.cursor.AsyncCursor", "pymongo.synchronous.cursor.Cursor"),
    "raw_batch_cursor": ("pymongo.asynchronous.cursor.AsyncRawBatchCursor",
                         "pymongo.synchronous.cursor.RawBatchCursor"),
    "command_cursor": ("pymongo.asynchronous.command_cursor.AsyncCommandCursor",
                       "pymongo.synchronous.command_cursor.CommandCursor"),
    "raw_batch_command_cursor": ("pymongo.asynchronous.command_cursor.AsyncRawBatchCommandCursor",
                                 "pymongo.synchronous.command_cursor.RawBatchCommandCursor"),
    "change_stream": ("pymongo.asynchronous.change_stream.AsyncChangeStream",
                      "pymongo.synchronous.change_stream.ChangeStream"),
    "session": ("pymongo.asynchronous.client_session.AsyncClientSession",
                "pymongo.synchronous.client_session.ClientSession"),
    "client_encryption": ("pymongo.asynchronous.encryption.AsyncClientEncryption",
                          "pymongo.synchronous.encryption.ClientEncryption"),
    "gridfs": ("gridfs.asynchronous.grid_file.AsyncGridFS", "gridfs.synchronous.grid_file.GridFS"),
    "gridfs_bucket": ("gridfs.asynchronous.grid_file.AsyncGridFSBucket",
                      "gridfs.synchronous.grid_file.GridFSBucket"),
    "grid_in": ("gridfs.asynchronous.grid_file.AsyncGridIn",
                "gridfs.synchronous.grid_file.GridIn"),
    "grid_out": ("gridfs.asynchronous.grid_file.AsyncGridOut",
                 "gridfs.synchronous.grid_file.GridOut"),
    "grid_out_cursor": ("gridfs.asynchronous.grid_file.AsyncGridOutCursor",
                        "gridfs.synchronous.grid_file.GridOutCursor"),
}

# Kinds a Motor hand-written ``def`` may return to count as "sync_returns_cursor" (find, aggregate,
# watch, list_indexes, GridFSBucket.find...). Navigation (__getitem__ -> database) stays "sync".
CURSOR_KINDS: FrozenSet[str] = frozenset({
    "cursor", "raw_batch_cursor", "command_cursor", "raw_batch_command_cursor", "change_stream",
    "grid_out_cursor",
})

# Dunders that matter for protocols (iteration, context managers, indexing) plus __getattr__,
# which is navigation on client/database/collection (client.db_name -> database).
PROTOCOL_DUNDERS: FrozenSet[str] = frozenset({
    "__aiter__", "__anext__", "__aenter__", "__aexit__", "__iter__", "__next__", "__enter__",
    "__exit__", "__getitem__", "__len__", "__getattr__",
})
# Underscore names that are public API anyway: GridIn/GridOut expose the file's ``_id``.
PUBLIC_UNDERSCORE: FrozenSet[str] = frozenset({"_id"})

# Generic machinery bases whose members are not driver API (``io.IOBase`` is kept: the sync
# GridOut really inherits readlines/__iter__/... from it).
IGNORED_BASES: Tuple[type, ...] = (object, typing.Generic, abc.ABC)  # type: ignore[arg-type]

# Return kinds that differ from the annotation at run time: (kind, member) -> kind returned.
# (Async)Collection.aggregate_raw_batches is annotated ``AsyncRawBatchCursor`` (a typing.cast) but
# passes AsyncRawBatchCommandCursor to _aggregate(), so the object you get is a raw batch
# *command* cursor. The method's source must name a class of the returned kind, so the override
# fails loudly instead of going stale if PyMongo changes the body.
RUNTIME_RETURNS: Dict[Tuple[str, str], str] = {
    ("collection", "aggregate_raw_batches"): "raw_batch_command_cursor",
}

# Motor module -> closest PyMongo module (for ``import motor.x`` rewrites); anything not listed
# (web/aiohttp integrations, framework glue, docstrings) has no counterpart -> None.
MOTOR_MODULE_COUNTERPARTS: Dict[str, str] = {
    "motor": "pymongo",                      # re-exports the Tornado classes (MotorClient, ...)
    "motor.motor_asyncio": "pymongo",        # AsyncIOMotorClient -> pymongo.AsyncMongoClient
    "motor.motor_tornado": "pymongo",
    "motor.core": "pymongo.asynchronous",    # the package holding every Async* class it mirrors
    "motor.motor_gridfs": "gridfs",          # gridfs re-exports AsyncGridFSBucket/AsyncGridIn/...
}
MOTOR_NO_COUNTERPART_PREFIXES: Tuple[str, ...] = ("motor.aiohttp", "motor.web")

Members = Dict[str, Tuple[str, Optional[str]]]


# --------------------------------------------------------------------------------------------
# Module discovery
# --------------------------------------------------------------------------------------------

def _is_public_dotted(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


def _walk_module_names(package: str) -> List[str]:
    """Public module names under ``package`` found on disk (nothing is imported)."""
    spec = importlib.util.find_spec(package)
    if spec is None:
        raise RuntimeError(f"{package} is not installed")
    names = [package]
    for info in pkgutil.iter_modules(spec.submodule_search_locations or []):
        full = f"{package}.{info.name}"
        if not _is_public_dotted(full):
            continue
        names.extend(_walk_module_names(full) if info.ispkg else [full])
    return sorted(names)


# Public modules that import optional dependencies (cryptography, pyOpenSSL, service_identity).
# They define no driver class. They are never scanned, whatever is installed, so the tables (and
# the drift test) do not depend on which optional packages the environment happens to have.
OPTIONAL_DEPENDENCY_MODULES = {
    "pymongo.ocsp_support": "needs cryptography",
    "pymongo.pyopenssl_context": "needs cryptography, pyOpenSSL and service_identity",
}


def _import_driver_modules() -> Tuple[Dict[str, ModuleType], Dict[str, str]]:
    """Import every public pymongo/gridfs module; return (imported, {skipped: reason})."""
    imported: Dict[str, ModuleType] = {}
    skipped: Dict[str, str] = {}
    for name in _walk_module_names("pymongo") + _walk_module_names("gridfs"):
        if name in OPTIONAL_DEPENDENCY_MODULES:
            skipped[name] = OPTIONAL_DEPENDENCY_MODULES[name]
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                imported[name] = importlib.import_module(name)
        except ImportError as exc:
            raise SystemExit(f"cannot import {name} ({exc}); add it to OPTIONAL_DEPENDENCY_MODULES if it "
                             f"only needs an optional dependency and defines no driver class") from exc
    return imported, skipped


def _resolve_dotted(path: str) -> Any:
    module, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


# --------------------------------------------------------------------------------------------
# PyMongo classes per kind
# --------------------------------------------------------------------------------------------

def _seed_classes(flavour_index: int) -> Dict[type, str]:
    return {_resolve_dotted(seeds[flavour_index]): kind for kind, seeds in KIND_SEEDS.items()}


def _kind_of(cls: type, seeds: Dict[type, str]) -> Optional[str]:
    """Kind of the most specific seed ``cls`` derives from (AsyncGridOutCursor -> grid_out_cursor,
    not cursor)."""
    bases = [seed for seed in seeds if issubclass(cls, seed)]
    if not bases:
        return None
    most_specific = [b for b in bases if all(issubclass(b, other) for other in bases)]
    return seeds[most_specific[0]]


def _driver_classes(modules: Dict[str, ModuleType]) -> Dict[type, Tuple[str, str]]:
    """{class: (flavour, kind)} for the seeds and their public pymongo/gridfs subclasses."""
    found: Dict[type, Tuple[str, str]] = {}
    for flavour, index in (("async", 0), ("sync", 1)):
        seeds = _seed_classes(index)
        for module in modules.values():
            for value in vars(module).values():
                if not isinstance(value, type) or value.__name__.startswith("_"):
                    continue
                if not value.__module__.startswith(("pymongo.", "gridfs.")):
                    continue
                kind = _kind_of(value, seeds)
                if kind is not None:
                    found[value] = (flavour, kind)
    return found


def _classes_by_kind(classes: Dict[type, Tuple[str, str]], flavour: str) -> Dict[str, List[type]]:
    by_kind: Dict[str, List[type]] = {kind: [] for kind in OBJECT_KINDS}
    for cls, (cls_flavour, kind) in classes.items():
        if cls_flavour == flavour:
            by_kind[kind].append(cls)
    return {kind: sorted(found, key=_qualname) for kind, found in by_kind.items()}


# --------------------------------------------------------------------------------------------
# PyMongo members: how + returns
# --------------------------------------------------------------------------------------------

def _wanted(name: str) -> bool:
    if name.startswith("__"):
        return name in PROTOCOL_DUNDERS
    return not name.startswith("_") or name in PUBLIC_UNDERSCORE


def _how(value: Any) -> Tuple[str, Any]:
    """(how, function carrying the return annotation or None) for a class attribute."""
    if isinstance(value, property):
        # ``@property async def address`` is awaited: ``await client.address``.
        how = "async_property" if inspect.iscoroutinefunction(value.fget) else "property"
        return how, value.fget
    if isinstance(value, (classmethod, staticmethod)):
        return "sync", value.__func__
    if inspect.isfunction(value):
        return ("coroutine" if inspect.iscoroutinefunction(value) else "sync"), value
    if callable(value):  # C-level methods inherited from io.IOBase etc.: no annotation
        return "sync", None
    # Constants (HOST, PORT) and C getset descriptors (IOBase.closed) read like properties.
    return "property", None


class _ReturnContext(typing.NamedTuple):
    cls: type                  # the class whose member is described
    kind: str                  # its kind ("Self" and base-class annotations resolve to it)
    names: Dict[str, type]     # simple class name -> class, for this flavour
    kinds: Dict[type, str]     # class -> kind, for this flavour
    typevars: Dict[str, Any]   # TypeVar name -> argument bound by cls's generic bases
    globals: Dict[str, Any]    # the defining function's module namespace
    returns_self: bool         # every ``return`` in the function is ``return self``


def _typevar_arguments(cls: type) -> Dict[str, Any]:
    """TypeVar name -> argument, from the parametrised bases along the MRO. AsyncClientSession
    derives from ``_AgnosticClientSessionBase[AsyncMongoClient[Any], ...]``, so the shared
    ``client`` property annotated ``-> _ClientT`` returns an AsyncMongoClient."""
    found: Dict[str, Any] = {}
    for klass in cls.__mro__:
        for base in klass.__dict__.get("__orig_bases__", ()):
            params = getattr(typing.get_origin(base), "__parameters__", ())
            for param, arg in zip(params, typing.get_args(base)):
                if isinstance(arg, typing.TypeVar) and arg.__name__ == param.__name__:
                    continue
                found.setdefault(param.__name__, arg)
    return found


def _union_members(node: ast.expr) -> List[ast.expr]:
    """``A | B``, ``Optional[A]`` and ``Union[A, B]`` -> their members."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    if isinstance(node, ast.Subscript) and _head_name(node.value) in ("Optional", "Union"):
        inner = node.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        return [member for element in elements for member in _union_members(element)]
    return [node]


def _head_name(node: ast.expr) -> Optional[str]:
    """``database.AsyncDatabase[_DocumentType]`` -> ``AsyncDatabase``."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _kinds_in_annotation(annotation: Any, ctx: _ReturnContext,
                         depth: int = 0) -> Set[Optional[str]]:
    """Kind of each member of a top-level union in a return annotation; None marks a member that
    is not a driver class (``_DocumentType``, ``list[AsyncGridOut]``). ``None`` itself (the
    Optional part) is dropped."""
    if depth > 5 or annotation is None:
        return {None}
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, (type, typing.TypeVar)):
        annotation = annotation.__name__
    if not isinstance(annotation, str):
        return {None}
    kinds: Set[Optional[str]] = set()
    for member in _union_members(ast.parse(annotation, mode="eval").body):
        if _head_name(member) == "None" or (isinstance(member, ast.Constant)
                                            and member.value is None):
            continue
        if isinstance(member, ast.Constant) and isinstance(member.value, str):
            kinds |= _kinds_in_annotation(member.value, ctx, depth + 1)  # Optional["AsyncGridOut"]
        else:
            kinds |= _kinds_of_name(_head_name(member), ctx, depth)
    return kinds


def _kinds_of_name(name: Optional[str], ctx: _ReturnContext, depth: int) -> Set[Optional[str]]:
    if name == "Self":
        return {ctx.kind}
    if name in ctx.names:
        annotated = ctx.names[name]
        # Inherited methods annotated with the base class but returning ``self``
        # (AsyncGridOutCursor.rewind/__aenter__/__aiter__ say AsyncCursor) return the described
        # class: bucket.find().sort(...) is still a grid_out_cursor.
        if annotated is ctx.cls or (issubclass(ctx.cls, annotated) and ctx.returns_self):
            return {ctx.kind}
        return {ctx.kinds[annotated]}
    if name in ctx.typevars:
        return _kinds_in_annotation(ctx.typevars[name], ctx, depth + 1)
    typevar = ctx.globals.get(name or "")
    if isinstance(typevar, typing.TypeVar) and typevar.__bound__ is not None:
        return _kinds_in_annotation(typevar.__bound__, ctx, depth + 1)
    return {None}


def _return_kind(function: Any, ctx: _ReturnContext) -> Optional[str]:
    """The one driver kind the function returns, else None. ``AsyncGridOut | None`` and
    ``AsyncCollection[A] | AsyncCollection[B]`` count as that kind; ``_DocumentType |
    AsyncCursor[...]`` (AsyncCursor.__getitem__) is a mixture and does not."""
    if function is None:
        return None
    annotation = getattr(function, "__annotations__", {}).get("return")  # 3.9: no get_annotations
    ctx = ctx._replace(globals=getattr(function, "__globals__", {}),
                       returns_self=_returns_only_self(function))
    kinds = _kinds_in_annotation(annotation, ctx)
    return kinds.pop() if len(kinds) == 1 else None


def _returns_only_self(function: Any) -> bool:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
    except (OSError, TypeError):  # no source (C function)
        return False
    returns = [node for node in _walk_function_body(tree) if isinstance(node, ast.Return)]
    return bool(returns) and all(
        isinstance(ret.value, ast.Name) and ret.value.id == "self" for ret in returns)


def _member_names(cls: type) -> List[str]:
    names: Set[str] = set()
    for klass in cls.__mro__:
        if klass not in IGNORED_BASES:
            names.update(vars(klass))
    return sorted(name for name in names if _wanted(name))


def _class_members(cls: type, ctx: _ReturnContext) -> Members:
    members: Members = {}
    for name in _member_names(cls):
        value = inspect.getattr_static(cls, name)
        if value is None:
            # ``__iter__ = None`` on AsyncMongoClient/AsyncDatabase/AsyncCollection explicitly
            # marks "not iterable" (PYTHON-3084); it is not a member you can use.
            continue
        how, function = _how(value)
        members[name] = (how, _return_kind(function, ctx))
    return members


def _apply_runtime_returns(kind: str, cls: type, members: Members,
                           classes_by_kind: Dict[str, List[type]]) -> None:
    for (override_kind, name), returns in RUNTIME_RETURNS.items():
        if override_kind != kind or name not in members:
            continue
        built = {klass.__name__ for klass in classes_by_kind[returns]}  # this flavour's classes
        source = textwrap.dedent(inspect.getsource(getattr(cls, name)))
        used = {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
        if not built & used:
            raise RuntimeError(f"{_qualname(cls)}.{name} no longer names {sorted(built)}: "
                               "review RUNTIME_RETURNS in generate.py")
        members[name] = (members[name][0], returns)


def _merge(kind: str, per_class: Iterable[Tuple[type, Dict[str, Any]]]) -> Dict[str, Any]:
    """Union of the members of all classes of one kind; they must agree where they overlap."""
    merged: Dict[str, Any] = {}
    for cls, members in per_class:
        for name, entry in members.items():
            if merged.setdefault(name, entry) != entry:
                raise RuntimeError(f"{kind}.{name}: {_qualname(cls)} says {entry!r}, "
                                   f"another class of the kind says {merged[name]!r}")
    return merged


def _flavour_members(classes: Dict[type, Tuple[str, str]], flavour: str) -> Dict[str, Members]:
    by_kind = _classes_by_kind(classes, flavour)
    kinds = {cls: kind for cls, (fl, kind) in classes.items() if fl == flavour}
    names = {cls.__name__: cls for cls in kinds}
    if len(names) != len(kinds):
        raise RuntimeError(f"two {flavour} driver classes share a simple name")
    tables: Dict[str, Members] = {}
    for kind, kind_classes in by_kind.items():
        per_class = []
        for cls in kind_classes:
            ctx = _ReturnContext(cls, kind, names, kinds, _typevar_arguments(cls), {}, False)
            members = _class_members(cls, ctx)
            _apply_runtime_returns(kind, cls, members, by_kind)
            per_class.append((cls, members))
        tables[kind] = _merge(kind, per_class)
    return tables


# --------------------------------------------------------------------------------------------
# Motor: Agnostic classes and the motor_kind of each declared member
# --------------------------------------------------------------------------------------------

def _agnostic_classes(sync_seeds: Dict[type, str]) -> Dict[type, str]:
    """{motor.core/motor.motor_gridfs Agnostic class: kind}, kind taken from the PyMongo class it
    delegates to (AgnosticLatentCommandCursor inherits CommandCursor -> command_cursor)."""
    found: Dict[type, str] = {}
    for module_name in ("motor.core", "motor.motor_gridfs"):
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, type) and "__motor_class_name__" in vars(value):
                kind = _kind_of(value.__delegate_class__, sync_seeds)
                if kind is None:
                    raise RuntimeError(f"cannot map {_qualname(value)} to a kind")
                found[value] = kind
    return found


def _motor_kind(value: Any, cls: type, agnostic: Dict[type, str]) -> str:
    # The generator introspects Motor on purpose; our own PMA101 does not apply here.
    from motor.metaprogramming import (  # noqa: PMA101
        Async, DelegateMethod, MotorAttributeFactory, MotorCursorChainingMethod, ReadOnlyProperty)

    # Attribute factories turned into methods/properties by create_class_with_framework.
    if isinstance(value, Async):  # AsyncRead/AsyncWrite/AsyncCommand
        return "coroutine_wrap" if value.wrap_class is not None else "future"
    if isinstance(value, MotorCursorChainingMethod):
        return "sync_chaining"
    if isinstance(value, DelegateMethod):  # must precede ReadOnlyProperty (its base class)
        return "sync_method_wrap" if value.wrap_class is not None else "sync_method"
    if isinstance(value, ReadOnlyProperty):  # includes MotorGridOutProperty
        return "sync_property"
    if isinstance(value, MotorAttributeFactory):
        raise RuntimeError(f"unknown Motor attribute factory {type(value).__name__} on {cls}")
    return _motor_handwritten_kind(value, agnostic)


def _motor_handwritten_kind(value: Any, agnostic: Dict[type, str]) -> str:
    if isinstance(value, property):  # fetch_next is @property + @coroutine_annotation
        manual = getattr(value.fget, "coroutine_annotation", False)
        return "future_manual_property" if manual else "sync_property"
    if isinstance(value, (classmethod, staticmethod)):
        return "sync"
    if inspect.iscoroutinefunction(value):
        return "coroutine"
    if not inspect.isfunction(value):
        return "sync_property"  # plain class-level data
    if getattr(value, "coroutine_annotation", False):  # def returning a Future (to_list, open)
        return "future_manual"
    if "callback" in inspect.signature(value).parameters:  # each(callback)
        return "callback"
    if _returns_new_cursor(value, agnostic):
        return "sync_returns_cursor"
    return "sync"


def _returns_new_cursor(function: Any, agnostic: Dict[type, str]) -> bool:
    """True for Motor factories like ``find``: every ``return`` calls a local bound to
    ``create_class_with_framework(AgnosticX, ...)`` where AgnosticX is a cursor/change stream.
    ``clone``/``rewind`` (return self or self.__class__(...)) and ``wrap`` stay plain sync."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
    factories: Dict[str, str] = {}
    returns: List[ast.Return] = []
    for node in _walk_function_body(tree):
        if isinstance(node, ast.Assign) and _is_class_factory(node.value):
            created = function.__globals__.get(node.value.args[0].id)  # type: ignore[union-attr]
            for target in node.targets:
                if isinstance(target, ast.Name) and created in agnostic:
                    factories[target.id] = agnostic[created]
        elif isinstance(node, ast.Return):
            returns.append(node)
    return bool(returns) and all(
        isinstance(ret.value, ast.Call) and isinstance(ret.value.func, ast.Name)
        and factories.get(ret.value.func.id) in CURSOR_KINDS
        for ret in returns
    )


def _walk_function_body(function: ast.AST) -> Iterable[ast.AST]:
    """ast.walk that does not descend into nested functions/classes."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def _is_class_factory(node: ast.expr) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "create_class_with_framework"
            and bool(node.args) and isinstance(node.args[0], ast.Name))


def _motor_class_members(cls: type, agnostic: Dict[type, str]) -> Dict[str, str]:
    """Declared members, most-derived Motor class wins (as in create_class_with_framework).
    Members only reachable through MotorGridOut.__getattr__ forwarding are not declared and so
    are not listed."""
    declared: Dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("motor."):
            declared.update(vars(klass))
    return {
        name: _motor_kind(value, cls, agnostic)
        for name, value in sorted(declared.items())
        if _wanted(name) and value is not None
    }


def _motor_members(agnostic: Dict[type, str]) -> Dict[str, Dict[str, str]]:
    tables: Dict[str, Dict[str, str]] = {}
    for kind in OBJECT_KINDS:
        classes = sorted((cls for cls, k in agnostic.items() if k == kind), key=_qualname)
        per_class = ((cls, _motor_class_members(cls, agnostic)) for cls in classes)
        tables[kind] = _merge(kind, per_class)
    return tables


# --------------------------------------------------------------------------------------------
# Motor modules, read with ast (tornado/aiohttp need not be installed)
# --------------------------------------------------------------------------------------------

def _module_tree(module_name: str) -> Tuple[ast.Module, bool]:
    spec = importlib.util.find_spec(module_name)
    assert spec is not None and spec.origin is not None
    return ast.parse(Path(spec.origin).read_text()), spec.submodule_search_locations is not None


def _top_level_statements(tree: ast.Module) -> Iterable[ast.stmt]:
    """Module statements, including the bodies of try/except/else (motor/__init__.py imports the
    Tornado classes in ``try: import tornado ... else: from .motor_tornado import *``). ``if``
    blocks (TYPE_CHECKING) are skipped."""
    for node in tree.body:
        if isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody,
                          *[handler.body for handler in node.handlers]):
                yield from block
        else:
            yield node


def _absolute_module(module_name: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module_name if is_package else module_name.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _dunder_all(tree: ast.Module) -> Optional[List[str]]:
    for node in _top_level_statements(tree):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return None


def _framework_assignments(tree: ast.Module, agnostic_names: Dict[str, type]) -> Dict[str, type]:
    """``AsyncIOMotorClient = create_asyncio_class(core.AgnosticClient)`` -> {name: Agnostic}."""
    found: Dict[str, type] = {}
    for node in _top_level_statements(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        args = node.value.args
        agnostic = agnostic_names.get(_head_name(args[0]) or "") if len(args) == 1 else None
        if agnostic is not None:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = agnostic
    return found


class _MotorModule(typing.NamedTuple):
    name: str
    tree: ast.Module
    is_package: bool
    generated: Dict[str, type]  # framework class name -> Agnostic class


def _motor_modules(agnostic: Dict[type, str]) -> List[_MotorModule]:
    names = {cls.__name__: cls for cls in agnostic}
    modules = []
    for name in _walk_module_names("motor"):
        tree, is_package = _module_tree(name)
        modules.append(_MotorModule(name, tree, is_package, _framework_assignments(tree, names)))
    return modules


def _motor_class_names(modules: List[_MotorModule], agnostic: Dict[type, str],
                       known: Dict[str, Tuple[str, str]]) -> Dict[str, Tuple[str, str]]:
    """Importable ``motor.*`` names denoting driver classes: Agnostic class definitions, framework
    classes, and names re-exported with ``from X import ...`` (resolved against ``known``, which
    already holds the pymongo/gridfs names), iterated until nothing new appears."""
    names: Dict[str, Tuple[str, str]] = {}
    for cls, kind in agnostic.items():
        names[_qualname(cls)] = ("motor", kind)
    for module in modules:
        for name, cls in module.generated.items():
            names[f"{module.name}.{name}"] = ("motor", agnostic[cls])
    while True:
        added = _motor_reexports(modules, {**known, **names})
        if not added.keys() - names.keys():
            return names
        names.update(added)


def _motor_reexports(modules: List[_MotorModule],
                     known: Dict[str, Tuple[str, str]]) -> Dict[str, Tuple[str, str]]:
    found: Dict[str, Tuple[str, str]] = {}
    trees = {module.name: module.tree for module in modules}
    for module in modules:
        for node in _top_level_statements(module.tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = _absolute_module(module.name, module.is_package, node)
            for alias in node.names:
                if alias.name == "*":
                    exported = _dunder_all(trees[source]) if source in trees else None
                    imported = [(n, n) for n in exported or _public_known(known, source)]
                else:
                    imported = [(alias.name, alias.asname or alias.name)]
                for original, local in imported:
                    if f"{source}.{original}" in known and not local.startswith("_"):
                        found[f"{module.name}.{local}"] = known[f"{source}.{original}"]
    return found


def _public_known(known: Dict[str, Tuple[str, str]], module: str) -> List[str]:
    prefix = module + "."
    return [n[len(prefix):] for n in known if n.startswith(prefix) and "." not in n[len(prefix):]
            and not n[len(prefix):].startswith("_")]


def _motor_runtime_classes(modules: List[_MotorModule],
                           agnostic: Dict[type, str]) -> Dict[str, List[str]]:
    """kind -> Agnostic names plus the classes each framework module builds, including those it
    never exports (find_raw_batches() builds AsyncIOMotorRawBatchCursor on the fly). A framework's
    prefix ("AsyncIO", "") is read off its exported names: AsyncIOMotorClient = prefix+MotorClient.
    """
    by_kind: Dict[str, List[str]] = {kind: [] for kind in OBJECT_KINDS}
    for cls, kind in agnostic.items():
        by_kind[kind].append(_qualname(cls))
    for module in modules:
        prefixes = {name[: -len(cls.__motor_class_name__)]
                    for name, cls in module.generated.items()
                    if name.endswith(cls.__motor_class_name__)}
        if len(prefixes) > 1:
            raise RuntimeError(f"{module.name}: inconsistent class prefixes {sorted(prefixes)}")
        for prefix in prefixes:
            for cls, kind in agnostic.items():
                by_kind[kind].append(f"{module.name}.{prefix}{cls.__motor_class_name__}")
    return {kind: sorted(set(names)) for kind, names in by_kind.items()}


def _integration_names(modules: List[_MotorModule]) -> List[str]:
    """Public top-level classes/functions of motor.aiohttp and motor.web (no PyMongo
    counterpart)."""
    found = []
    for module in modules:
        if not module.name.startswith(MOTOR_NO_COUNTERPART_PREFIXES):
            continue
        for node in _top_level_statements(module.tree):
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                if not node.name.startswith("_"):
                    found.append(f"{module.name}.{node.name}")
    return found


# --------------------------------------------------------------------------------------------
# Import names and renames
# --------------------------------------------------------------------------------------------

def _driver_class_names(modules: Dict[str, ModuleType],
                        classes: Dict[type, Tuple[str, str]]) -> Dict[str, Tuple[str, str]]:
    """Every ``module.Name`` (public module, public name) whose value is a driver class,
    including incidental imports such as pymongo.asynchronous.database.AsyncCollection."""
    names: Dict[str, Tuple[str, str]] = {}
    for module_name, module in modules.items():
        for attr, value in vars(module).items():
            if not attr.startswith("_") and isinstance(value, type) and value in classes:
                names[f"{module_name}.{attr}"] = classes[value]
    return names


def _async_name_homes(modules: Dict[str, ModuleType],
                      classes: Dict[type, Tuple[str, str]]) -> Dict[str, Tuple[str, ...]]:
    """Async class name -> modules that really export it: the defining module plus modules whose
    ``__all__`` lists it (pymongo.AsyncMongoClient, gridfs.AsyncGridFSBucket). Names that a module
    merely imports for its own use (AsyncCollection inside pymongo.asynchronous.database) are
    importable -- CLASS_NAMES has them -- but are not a place to import from."""
    homes: Dict[str, Tuple[str, ...]] = {}
    for cls, (flavour, _) in classes.items():
        if flavour != "async":
            continue
        found = [
            name for name, module in modules.items()
            if getattr(module, cls.__name__, None) is cls
            and (name == cls.__module__ or cls.__name__ in getattr(module, "__all__", ()))
        ]
        homes[cls.__name__] = tuple(sorted(found))
    return homes


def _async_name_importable(modules: Dict[str, ModuleType],
                           homes: Dict[str, Tuple[str, ...]]) -> Dict[str, Tuple[str, ...]]:
    """Async class name -> every scanned module from which ``from module import name`` succeeds
    (the module has the attribute), including incidental imports such as AsyncCollection inside
    pymongo.asynchronous.database. A superset of ASYNC_NAME_HOMES, which stays the place to
    suggest."""
    importable = {
        name: tuple(sorted(module_name for module_name, module in modules.items()
                           if hasattr(module, name)))
        for name in homes
    }
    for name, found in importable.items():
        if not set(homes[name]) <= set(found):  # a home must be importable
            raise RuntimeError(f"{name}: homes {homes[name]} not all importable {found}")
    return importable


def _motor_renames(motor_names: Dict[str, Tuple[str, str]], integration: List[str],
                   async_by_kind: Dict[str, List[type]],
                   homes: Dict[str, Tuple[str, ...]]) -> Dict[str, Optional[Tuple[str, str]]]:
    renames: Dict[str, Optional[Tuple[str, str]]] = {name: None for name in integration}
    for name, (flavour, kind) in motor_names.items():
        if flavour != "motor":
            continue  # e.g. motor.core.Collection is PyMongo's own sync class
        target = _primary_async_class(kind, async_by_kind)
        module = min(homes[target.__name__], key=lambda m: (len(m), m))  # shortest public path
        renames[name] = (module, target.__name__)
    return renames


def _primary_async_class(kind: str, async_by_kind: Dict[str, List[type]]) -> type:
    """The seed class of a kind (AsyncChangeStream, not AsyncClusterChangeStream)."""
    seed = _resolve_dotted(KIND_SEEDS[kind][0])
    assert seed in async_by_kind[kind]
    return seed


def _motor_module_counterparts(
        modules: List[_MotorModule],
        motor_names: Dict[str, Tuple[str, str]]) -> Dict[str, Optional[str]]:
    table: Dict[str, Optional[str]] = {}
    for module in modules:
        counterpart = MOTOR_MODULE_COUNTERPARTS.get(module.name)
        exports_motor_class = any(
            name.rpartition(".")[0] == module.name and flavour == "motor"
            for name, (flavour, _) in motor_names.items())
        if counterpart is None and exports_motor_class and not module.name.startswith(
                MOTOR_NO_COUNTERPART_PREFIXES):
            # A new Motor module exporting Motor classes needs a decision, not a silent None.
            raise RuntimeError(f"{module.name} exports Motor classes: add it to "
                               "MOTOR_MODULE_COUNTERPARTS")
        table[module.name] = counterpart
    return table


# --------------------------------------------------------------------------------------------
# Building and rendering
# --------------------------------------------------------------------------------------------

def build() -> Dict[str, Any]:
    """Introspect the installed libraries; return {table name: value} plus "_skipped"."""
    import motor  # noqa: PMA101 - introspected, not used as a driver
    import pymongo

    driver_modules, skipped = _import_driver_modules()
    classes = _driver_classes(driver_modules)
    async_by_kind = _classes_by_kind(classes, "async")
    agnostic = _agnostic_classes(_seed_classes(1))
    motor_modules = _motor_modules(agnostic)
    driver_names = _driver_class_names(driver_modules, classes)
    motor_names = _motor_class_names(motor_modules, agnostic, driver_names)
    homes = _async_name_homes(driver_modules, classes)
    return {
        "PYMONGO_VERSION": pymongo.__version__,
        "MOTOR_VERSION": motor.version,
        "OBJECT_KINDS": OBJECT_KINDS,
        "ASYNC_CLASSES": _class_paths(async_by_kind),
        "SYNC_CLASSES": _class_paths(_classes_by_kind(classes, "sync")),
        "MOTOR_CLASSES": {k: tuple(v) for k, v in
                          _motor_runtime_classes(motor_modules, agnostic).items()},
        "ASYNC_MEMBERS": _flavour_members(classes, "async"),
        "SYNC_MEMBERS": _flavour_members(classes, "sync"),
        "MOTOR_MEMBERS": _motor_members(agnostic),
        "CLASS_NAMES": {**driver_names, **motor_names},
        "MOTOR_RENAMES": _motor_renames(motor_names, _integration_names(motor_modules),
                                        async_by_kind, homes),
        "MOTOR_MODULES": _motor_module_counterparts(motor_modules, motor_names),
        "ASYNC_NAME_HOMES": homes,
        "ASYNC_NAME_IMPORTABLE": _async_name_importable(driver_modules, homes),
        "SCANNED_MODULES": tuple(sorted(driver_modules)),
        "_skipped": skipped,
    }


def _class_paths(by_kind: Dict[str, List[type]]) -> Dict[str, Tuple[str, ...]]:
    return {kind: tuple(_qualname(cls) for cls in classes) for kind, classes in by_kind.items()}


TABLE_COMMENTS: Dict[str, str] = {
    "PYMONGO_VERSION": "Versions introspected.",
    "OBJECT_KINDS": "Object kinds the semantic model tracks.",
    "ASYNC_CLASSES": "kind -> fully qualified PyMongo Async classes (concrete subclasses too).",
    "SYNC_CLASSES": "kind -> fully qualified sync PyMongo classes.",
    "MOTOR_CLASSES": ("kind -> Motor classes: motor.core/motor.motor_gridfs Agnostic* and the\n"
                      "# asyncio/Tornado classes built from them (some are never exported)."),
    "ASYNC_MEMBERS": ("kind -> member -> (how, returns). how: coroutine | async_property |\n"
                      "# sync | property; returns: an OBJECT_KINDS kind or None."),
    "SYNC_MEMBERS": "Same shape as ASYNC_MEMBERS, for sync PyMongo.",
    "MOTOR_MEMBERS": ("kind -> member -> motor_kind, from Motor's class declarations\n"
                      "# (section 0 of the API reference)."),
    "CLASS_NAMES": "Importable dotted name -> (flavour, kind); flavour: async | sync | motor.",
    "MOTOR_RENAMES": ("Motor name -> (PyMongo module, PyMongo Async name), or None when\n"
                      "# there is no counterpart (motor.aiohttp, motor.web)."),
    "MOTOR_MODULES": "Motor module -> closest PyMongo module, or None.",
    "ASYNC_NAME_HOMES": ("PyMongo Async class name -> modules that export it (defining\n"
                         "# module or __all__). Other modules may hold the name incidentally;\n"
                         "# CLASS_NAMES lists every importable spelling."),
    "ASYNC_NAME_IMPORTABLE": ("PyMongo Async class name -> every scanned module from which\n"
                              "# `from module import name` succeeds (incidental imports too)."),
    "SCANNED_MODULES": "Public pymongo/gridfs modules whose names were checked.",
}


LINE_LENGTH = 99


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, bool))


def _literal(value: Any, indent: int = 0, used: int = 0) -> str:
    """Deterministic Python literal; ``used`` = characters already on the current line."""
    pad = " " * indent
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # ASCII-only, double-quoted: also a valid Python literal
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = []
        for key in sorted(value):
            head = f"{pad}    {_literal(key)}: "
            items.append(f"{head}{_literal(value[key], indent + 4, len(head))},")
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, frozenset):
        inner = _literal(tuple(sorted(value)), indent, used + len("frozenset("))
        return f"frozenset({inner})" if value else "frozenset()"
    if isinstance(value, tuple):
        return _tuple_literal(value, indent, used)
    raise TypeError(f"cannot render {type(value).__name__}")


def _tuple_literal(value: Tuple[Any, ...], indent: int, used: int) -> str:
    """Tuples of at most two scalars stay on one line when it fits (member entries, renames);
    longer tuples (class lists, module lists) get one item per line."""
    if not value:
        return "()"
    inline = ", ".join(_literal(item) for item in value)
    inline = f"({inline},)" if len(value) == 1 else f"({inline})"
    if (all(_is_scalar(item) for item in value) and len(value) <= 2
            and used + len(inline) + 1 <= LINE_LENGTH):
        return inline
    pad = " " * indent
    items = [f"{pad}    {_literal(item, indent + 4, indent + 4)}," for item in value]
    return "(\n" + "\n".join(items) + f"\n{pad})"


def render() -> str:
    """The full text of tables.py for the installed libraries."""
    tables = build()
    skipped = tables.pop("_skipped")
    lines = [
        "# GENERATED FILE - DO NOT EDIT.",
        f"# Regenerate with: {COMMAND}",
        f"# Introspected from pymongo {tables['PYMONGO_VERSION']} and "
        f"motor {tables['MOTOR_VERSION']}.",
    ]
    if skipped:
        lines.append("# Modules never scanned (they import optional dependencies and define no driver class):")
        lines += [f"#   {name} ({error})" for name, error in sorted(skipped.items())]
    lines += [
        '"""Motor / PyMongo Async / PyMongo API tables for the semantic model.',
        "",
        "Data only: this module imports nothing, so the linter runs without pymongo or motor.",
        '"""',
    ]
    for name, value in tables.items():
        if name in TABLE_COMMENTS:
            lines += ["", "# " + TABLE_COMMENTS[name]]
        lines.append(f"{name} = {_literal(value, 0, len(name) + 3)}")
    return "\n".join(lines) + "\n"


def diff(expected: str, actual: str) -> str:
    """Unified diff turning ``actual`` (the committed tables.py) into ``expected`` (freshly
    rendered); empty when they are equal."""
    return "".join(difflib.unified_diff(
        actual.splitlines(keepends=True), expected.splitlines(keepends=True),
        fromfile="tables.py (committed)", tofile="tables.py (regenerated)"))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 with a diff if tables.py is out of date")
    args = parser.parse_args(argv)
    expected = render()
    actual = TABLES_PATH.read_text() if TABLES_PATH.exists() else ""
    difference = diff(expected, actual)
    if args.check:
        if difference:
            sys.stdout.write(difference)
            print(f"\n{TABLES_PATH} is out of date: run {COMMAND}", file=sys.stderr)
            return 1
        return 0
    if difference:
        TABLES_PATH.write_text(expected)
        print(f"wrote {TABLES_PATH}")
    else:
        print(f"{TABLES_PATH} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
