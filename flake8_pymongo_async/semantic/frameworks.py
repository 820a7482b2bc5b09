"""Values that frameworks hand to the functions they call, and the state they keep for an application.

- pytest: a parameter of a test (``test_*`` at module level, ``test_*`` methods of a ``Test*`` class)
  or of a fixture receives the fixture of that name: what the fixture returns, what it yields (a
  generator fixture), the awaited value for an ``async def`` one (pytest-asyncio). Fixtures of the
  module (defined anywhere at its top level) win over those of ``conftest.py`` files.
- FastAPI: ``db = Depends(get_db)`` or ``db: Annotated[T, Depends(get_db)]`` receives what calling
  ``get_db`` gives (awaited for ``async def``, the yielded value for a generator), else ``T``.
- Starlette/FastAPI ``app.state.mongo = client`` and aiohttp ``app["mongo"] = client``: the stores
  are recorded by key ("state.mongo", "item:mongo"), and ``request.app.state.mongo`` /
  ``request.app["mongo"]`` / ``request.config_dict["mongo"]`` read them back, from this module and
  from the rest of the project. A key stored with different kinds (or with anything but a driver
  object) reads as unknown; a key nothing stored stays unknown, whatever its name.

Functions over the model's state, called from where the model binds parameters (definitions),
assigns (statements), reads attributes and items (expressions) and summarises (summary).
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from .resolve import resolve_dotted
from .scope import Scope
from .values import (NONE, Awaitable, Conflict, FuncRef, FunctionInfo, FunctionNode, Method, Module, Obj, Special,
                     Value, merge)

if TYPE_CHECKING:
    from .state import ModelState
    from .summary import ValueSummary

_FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})
_DEPENDS = "fastapi.Depends"
_ITEM_OWNERS = ("app", "config_dict")  # `request.app["mongo"]`, `request.config_dict["mongo"]` (aiohttp)
_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)


class FrameworkFacts:
    """What one walk learns about framework state and fixtures (``ModelState.frameworks``)."""

    __slots__ = ("stores", "store_sites", "fixture_defs")

    def __init__(self) -> None:
        self.stores: Dict[str, List[Value]] = {}  # key -> every value stored under it, in walk order
        # key -> the chains of `def`s (outermost first) around each store in a function: found on the
        # first read that needs them, so a read walks the functions that store its key first.
        self.store_sites: Optional[Dict[str, List[Tuple[FunctionNode, ...]]]] = None
        self.fixture_defs: Optional[Dict[str, List[FunctionNode]]] = None  # module-level candidates by name


# ---------------------------------------------------------------------------- framework state
def state_key(target: ast.AST) -> Optional[str]:
    """The key under which an assignment target stores application state, or None."""
    if isinstance(target, ast.Attribute):
        holder = target.value
        if isinstance(holder, ast.Attribute) and holder.attr == "state" and _app_like(holder.value, ("app",)):
            return "state." + target.attr
        return None
    if isinstance(target, ast.Subscript) and _app_like(target.value, ("app",)):
        key = _constant_key(target.slice)
        return None if key is None else "item:" + key
    return None


def record_store(model: ModelState, target: ast.AST, value: Value) -> None:
    """`app.state.mongo = value` or `app["mongo"] = value` (not in code that never runs)."""
    key = state_key(target)
    if key is not None and not model.dead and _owner_unknown(model, target):
        model.frameworks.stores.setdefault(key, []).append(value)


def is_state_read(model: ModelState, node: ast.Attribute) -> bool:
    """`<app>.state.<name>` read where `<app>` is a name of unknown value or `<x>.app`."""
    holder = node.value
    return (isinstance(holder, ast.Attribute) and holder.attr == "state" and isinstance(node.ctx, ast.Load)
            and _app_like(holder.value, ("app",)) and _owner_unknown(model, node))


def is_item_read(model: ModelState, node: ast.Subscript) -> Optional[str]:
    """The key of `<app>["key"]`, `<x>.app["key"]` or `<x>.config_dict["key"]` when read, else None."""
    if not isinstance(node.ctx, ast.Load) or not _app_like(node.value, _ITEM_OWNERS):
        return None
    return _constant_key(node.slice) if _owner_unknown(model, node) else None


def state_value(model: ModelState, key: str, project_wide: bool) -> Value:
    """What reading the state `key` gives: one kind of driver object stored under it, else None.

    `project_wide` for `<x>.app.state.k`, `<x>.app["k"]`, `<x>.config_dict["k"]` (and `app.state.k`):
    the stores of the whole project count, and the functions of this module that store the key are
    walked first. A plain name's item (`app["k"]`, read as often as any dict's item) sees only what this
    module stored before it: no other module, so no other module is summarised for `doc["_id"]`."""
    facts = model.frameworks
    if not project_wide:
        return _known(facts.stores.get(key, ()))
    sites = _store_sites(model)
    chains = sites.get(key)
    if chains is not None and all([_walk_chain(model, chain) for chain in chains]):
        del sites[key]  # every store of the key is recorded now
    values: List[Value] = list(facts.stores.get(key, ()))
    elsewhere = model.project.app_state().get(key)
    if elsewhere is not None:
        values.append(value_of_summary(elsewhere))
    return _known(values)


def _known(values: Sequence[Value]) -> Value:
    result = merged(values)
    return result if isinstance(result, Obj) else None


def module_state(model: ModelState) -> Dict[str, Value]:
    """The state this module stores, by key (for its summary): a driver object, or None (unknown)."""
    result: Dict[str, Value] = {}
    for key, values in model.frameworks.stores.items():
        result[key] = _known(values)
    return result


def _app_like(node: ast.expr, attrs: Sequence[str]) -> bool:
    """A name (`app`), or an attribute in `attrs` of anything (`request.app`)."""
    return isinstance(node, ast.Name) or (isinstance(node, ast.Attribute) and node.attr in attrs)


def _owner_unknown(model: ModelState, node: ast.AST) -> bool:
    """Whether the leftmost name of a state access has no known value: a driver object, a module or
    an instance of the module's classes is not an application (`self.state.x` in a class)."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    if not isinstance(node, ast.Name):
        return True
    value = model.scope.lookup(node.id)
    return value is None or isinstance(value, Conflict)


def _constant_key(node: ast.expr) -> Optional[str]:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _store_sites(model: ModelState) -> Dict[str, List[Tuple[FunctionNode, ...]]]:
    """Found by one pass over the tree, on the first read of a state key in the module."""
    facts = model.frameworks
    if facts.store_sites is None:
        sites: Dict[str, List[Tuple[FunctionNode, ...]]] = {}
        for stmt, chain in _statements(model.tree):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                key = state_key(target) if chain else None
                if key is not None:
                    sites.setdefault(key, []).append(chain)
        facts.store_sites = sites
    return facts.store_sites


def _statements(tree: ast.AST) -> Iterator[Tuple[Union[ast.Assign, ast.AnnAssign], Tuple[FunctionNode, ...]]]:
    """Every assignment in the tree with the `def`s around it (an explicit stack: no recursion; the
    expressions are not entered, they hold no statement)."""
    stack: List[Tuple[ast.AST, Tuple[FunctionNode, ...]]] = [(tree, ())]
    while stack:
        node, chain = stack.pop()
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            yield node, chain
            continue
        inner = chain + (node,) if isinstance(node, _FUNCTION_NODES) else chain
        stack.extend((child, inner) for child in ast.iter_child_nodes(node) if not isinstance(child, ast.expr))


def _walk_chain(model: ModelState, chain: Tuple[FunctionNode, ...]) -> bool:
    """Walk the functions around a store, outermost first (an inner `def` is known once its parent
    has been walked); False when one is not defined yet. Each function is walked at most once."""
    for node in chain:
        info = _info_of(model, node)
        if info is None:
            return False
        model.walk_function(info)
    return True


def _info_of(model: ModelState, node: FunctionNode) -> Optional[FunctionInfo]:
    for info in model.deferred:
        if info.node is node:
            return info
    return None


# ---------------------------------------------------------------------------- parameters
def bind_framework_parameters(model: ModelState, info: FunctionInfo) -> None:
    """Give the parameters that pytest or FastAPI fill the value they receive (in the function's scope,
    which the model has just made): a FastAPI dependency, else a fixture, else what was declared."""
    args = info.node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: Dict[str, ast.expr] = {}
    if args.defaults or args.kw_defaults:  # (most functions have none: this runs for every function)
        defaults = {a.arg: d for a, d in zip(positional[len(positional) - len(args.defaults):], args.defaults)}
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    skip_first = info.cls is not None and positional and "staticmethod" not in _decorator_values(model, info.node)
    by_pytest = _called_by_pytest(model, info)
    for index, arg in enumerate([*positional, *args.kwonlyargs]):
        default = defaults.get(arg.arg)
        maybe_dependency = default is not None or isinstance(arg.annotation, ast.Subscript)
        if (skip_first and index == 0) or not (maybe_dependency or by_pytest):
            continue
        value = _dependency(model, info.parent_scope, default, arg.annotation)
        if value is None and by_pytest and default is None:  # pytest fills no parameter with a default
            value = fixture_value(model, arg.arg)
        if value is not None:
            model.scope.env[arg.arg] = value


def _dependency(model: ModelState, scope: Scope, default: Optional[ast.expr], annotation: Optional[ast.expr]) -> Value:
    """What FastAPI passes for `= Depends(f)` or `: Annotated[T, Depends(f)]`, when known."""
    calls = [default] if default is not None else []
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple):
        if _quiet(model, scope, annotation.value) == Special("Annotated"):
            calls.extend(annotation.slice.elts[1:])
    for call in calls:
        if isinstance(call, ast.Call) and _quiet(model, scope, call.func) == Special(_DEPENDS):
            target = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "dependency"),
                                                         None)
            if target is not None:
                return _called(model, _quiet(model, scope, target), target)
    return None


def _called(model: ModelState, func: Value, node: ast.expr) -> Value:
    """What a framework that calls `func` (and awaits it when it is a coroutine function) passes on."""
    if isinstance(func, FuncRef):
        model.walk_function(func.info)  # once: it knows then whether it is a generator
        if func.info.is_generator:
            return merged(func.info.yields)
    if func is None or isinstance(func, Method):
        return None
    call = ast.copy_location(ast.Call(func=node, args=[], keywords=[]), node)
    result = model.call_result(func, call)
    return result.result if isinstance(result, Awaitable) else result


def _quiet(model: ModelState, scope: Scope, node: ast.expr) -> Value:
    """What a name or dotted name denotes, seen from `scope`, without walking it (no events)."""
    if isinstance(node, ast.Name):
        value = scope.lookup(node.id)
        return None if isinstance(value, Conflict) else value
    if isinstance(node, ast.Attribute):
        base = _quiet(model, scope, node.value)
        if isinstance(base, Module):
            return resolve_dotted(base.name + "." + node.attr)
    return model.value_of(node)


# ---------------------------------------------------------------------------- pytest fixtures
def fixture_value(model: ModelState, name: str) -> Value:
    """What a test requesting the fixture `name` receives: the module's own fixture of that name,
    else one from the project's `conftest.py` files."""
    defs = _fixture_defs(model).get(name)
    if defs is not None:
        info = _fixture_info(model, defs[-1])
        return None if info is None else _fixture_result(model, info)
    found = model.project.fixtures().get(name)
    return None if found is None else value_of_summary(found)


def module_fixtures(model: ModelState) -> Dict[str, Value]:
    """The module's fixtures by name, for its summary (after the walk)."""
    result = {}
    for name, defs in _fixture_defs(model).items():
        info = _fixture_info(model, defs[-1])
        if info is not None:
            result[name] = _fixture_result(model, info)
    return result


def _fixture_defs(model: ModelState) -> Dict[str, List[FunctionNode]]:
    """Module-level `def`s decorated with something named `fixture`, by fixture name (a syntactic
    list, made once; whether the decorator is pytest's is checked on use)."""
    facts = model.frameworks
    if facts.fixture_defs is None:
        found: Dict[str, List[FunctionNode]] = {}
        for stmt in getattr(model.tree, "body", ()):
            if isinstance(stmt, _FUNCTION_NODES):
                for decorator in stmt.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if getattr(target, "attr", getattr(target, "id", None)) == "fixture":
                        found.setdefault(_fixture_name(decorator) or stmt.name, []).append(stmt)
        facts.fixture_defs = found
    return facts.fixture_defs


def _fixture_name(decorator: ast.expr) -> Optional[str]:
    if isinstance(decorator, ast.Call):
        for keyword in decorator.keywords:
            if keyword.arg == "name":
                return _constant_key(keyword.value)
    return None


def _fixture_info(model: ModelState, node: FunctionNode) -> Optional[FunctionInfo]:
    """The function of a fixture `def`, when its name still holds it and pytest's decorator is on it."""
    bound = model.module_scope.env.get(node.name)
    if isinstance(bound, FuncRef) and bound.info.node is node and is_fixture(model, node):
        return bound.info
    return None


def _fixture_result(model: ModelState, info: FunctionInfo) -> Value:
    model.walk_function(info)  # at most once; a fixture that requests itself gets unknown
    if info.is_generator:
        return merged(info.yields)
    return model.return_value(info)  # for `async def`: the awaited value (pytest-asyncio)


def is_fixture(model: ModelState, node: FunctionNode) -> bool:
    return bool(node.decorator_list) and not _FIXTURE_DECORATORS.isdisjoint(_decorator_values(model, node))


def _decorator_values(model: ModelState, node: FunctionNode) -> List[str]:
    """The known names the decorators of a walked `def` denote (`pytest.fixture` for
    `@pytest.fixture(scope="session")`), plus the builtins they name."""
    names = []
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        value = model.value_of(target)
        if isinstance(value, Special):
            names.append(value.name)
        elif isinstance(target, ast.Name) and value is None:
            names.append(target.id)
    return names


def _called_by_pytest(model: ModelState, info: FunctionInfo) -> bool:
    """A test function or method, or a fixture, of this module (pytest's default naming)."""
    node = info.node
    if info.parent_scope is model.module_scope:
        return node.name.startswith("test") or is_fixture(model, node)
    cls_scope = info.parent_scope
    if info.cls is None or cls_scope.kind != "class" or cls_scope.parent is not model.module_scope:
        return False
    return info.cls.name.startswith("Test") and (node.name.startswith("test") or is_fixture(model, node))


# ---------------------------------------------------------------------------- shared
def merged(values: Sequence[Value]) -> Value:
    """The join of several values (None stands for "not set"): one value, else None."""
    known = [v for v in values if v is not NONE]
    if not known:
        return None
    result = known[0]
    for other in known[1:]:
        result = merge(result, other)
    return None if isinstance(result, Conflict) else result


def value_of_summary(summary: ValueSummary) -> Value:
    """A driver object described by another module's summary (anything else: unknown here)."""
    from .summary import ValueKind  # the summary module imports the model's parts

    if summary.kind is ValueKind.DRIVER_OBJECT and summary.flavour is not None and summary.driver_kind is not None:
        return Obj(summary.flavour, summary.driver_kind)
    return None
