"""PMA4xx: client lifetime, threads and event loops.

PMA401 and PMA402 need to know what a function reaches through the other functions of the module,
so their candidate sites are collected during the walk and judged at the end of the module, when
every function body has been walked (``FunctionInfo.reaches`` and ``.calls``).
"""
from __future__ import annotations

import ast
import re
from typing import Dict, List, Optional, Set, Tuple

from ..api import tables
from ..semantic.builtin_names import ITERATING_BUILTINS
from ..semantic.events import IterationSite, Loop
from ..semantic.resolve import blocks_on_io
from ..semantic.values import (EXECUTOR, ClassRef, EventLoop, ExternalFunction, FuncRef, FunctionInfo, Instance,
                               Method, Obj, Special, UserClass, Value)
from ..semantic.view import ModelView
from .registry import Family, FixAvailability, Rule


# The runtime error is quoted verbatim, as long as the driver prints it.
PMA401 = Rule("PMA401", "async-client-shared-across-threads", FixAvailability.NONE, message="{detail}", markdown="""
## What it does

Checks for an async driver object handed to another thread. The object is passed to, or used
(directly or through functions of the same module) by, the callable given to
`threading.Thread(target=...)`, `executor.submit()`, `executor.map()`, `loop.run_in_executor()` or
`asyncio.to_thread()`. It is reported at that call.

## Why is this bad?

An `AsyncMongoClient` is not thread-safe and may only be used from one event loop. Since PyMongo
4.12 the client binds to the loop of its first operation, and a thread running its own loop gets the
error below; in a thread without a loop the calls only create coroutines that never run. The
synchronous `MongoClient` is thread-safe.

```text
RuntimeError: Cannot use AsyncMongoClient in different event loop. AsyncMongoClient uses low-level asyncio APIs that bind it to the event loop it was created on.
```

## Example

```python
import asyncio
import threading

from pymongo import AsyncMongoClient

client = AsyncMongoClient()


def worker() -> None:
    asyncio.run(client.app.jobs.insert_one({"state": "started"}))


async def main() -> None:
    await client.admin.command("ping")
    threading.Thread(target=worker).start()
```

Use instead:

```python
import threading

from pymongo import AsyncMongoClient, MongoClient

client = AsyncMongoClient()
sync_client = MongoClient()


def worker() -> None:
    sync_client.app.jobs.insert_one({"state": "started"})


async def main() -> None:
    await client.admin.command("ping")
    threading.Thread(target=worker).start()
```

## Fix safety

There is no fix: use the synchronous `MongoClient` in threads, give the thread its own client, or
submit the coroutine to the owning loop with `asyncio.run_coroutine_threadsafe()`.

## References

- {{guide:method-signature-changes}}
- {{guide:migrate-from-pymongo}}
- [Python: asyncio.to_thread()](
  https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
""")  # noqa: E501


# The runtime error is quoted verbatim, as long as the driver prints it.
PMA402 = Rule("PMA402", "async-client-shared-across-event-loops", FixAvailability.NONE, message="{detail}", markdown="""
## What it does

Checks for a module-level or class-level async client used from more than one event loop. This is a
second `asyncio.run(...)` (or new-loop `run_until_complete(...)`) in the same function after one
that used the client, including `asyncio.run(client.close())` after `asyncio.run(main())`. It is
reported at the second run. It also checks for a pytest fixture wider than one test
(`scope="session"`, `"package"`, `"module"` or `"class"`) whose value is an async client, in a module
that does not choose its tests' event loop (no `loop_scope`, no `def event_loop` fixture): reported
at the fixture's `def`.

## Why is this bad?

The client binds to the event loop of its first operation, and each `asyncio.run()` creates a new
loop. From PyMongo 4.12 the second loop's first operation raises; 4.11 fails with `RuntimeError:
<pymongo._asyncio_lock.Condition object at 0x...> is bound to a different event loop` in some paths,
and 4.9/4.10 do not check. The same happens with pytest-asyncio function-scoped loops and a shared
client fixture.

```text
RuntimeError: Cannot use AsyncMongoClient in different event loop. AsyncMongoClient uses low-level asyncio APIs that bind it to the event loop it was created on.
```

## Example

```python
import asyncio

from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def main() -> None:
    await client.app.users.insert_one({"name": "Ada"})


def cli() -> None:
    asyncio.run(main())
    asyncio.run(client.close())
```

Use instead:

```python
import asyncio

from pymongo import AsyncMongoClient


async def main() -> None:
    async with AsyncMongoClient() as client:
        await client.app.users.insert_one({"name": "Ada"})


def cli() -> None:
    asyncio.run(main())
```

## Fix safety

There is no fix: create the client inside the running loop (an application lifespan, `main()`, a
fixture on the same loop) and close it on that loop.

## References

- {{guide:migrate-from-pymongo}}
- {{guide:method-signature-changes}}
- {{api:AsyncMongoClient}}
""")  # noqa: E501


PMA403 = Rule("PMA403", "client-created-per-request", FixAvailability.NONE, message="{detail}", markdown="""
## What it does

Checks for an async (or Motor) client constructed inside a loop body or a request handler, instead
of once per process. A request handler is a function with a route decorator, or with a parameter
named or annotated as a request.

## Why is this bad?

Each client has its own connection pool and background monitoring, and connects, handshakes and
authenticates again on its first operation. One client per request makes every request pay that cost
and piles up connections on the server, and clients that are not closed leak them (`ResourceWarning:
Unclosed AsyncMongoClient`). Nothing fails: the application is silently slower.

## Example

```python
from fastapi import FastAPI
from pymongo import AsyncMongoClient

app = FastAPI()


@app.get("/users/{name}")
async def get_user(name: str):
    client = AsyncMongoClient("mongodb://localhost:27017")
    return await client.app.users.find_one({"name": name}, {"_id": 0})
```

Use instead:

```python
from fastapi import FastAPI
from pymongo import AsyncMongoClient

app = FastAPI()
client = AsyncMongoClient("mongodb://localhost:27017")


@app.get("/users/{name}")
async def get_user(name: str):
    return await client.app.users.find_one({"name": name}, {"_id": 0})
```

## Fix safety

There is no fix: where the one client is created and closed (module level, application lifespan,
dependency) is an application decision.

## References

- {{guide:migrate-from-motor}}
- [PyMongo FAQ: How does connection pooling work in PyMongo?](
  https://pymongo.readthedocs.io/en/stable/faq.html#how-does-connection-pooling-work-in-pymongo)
""")


PMA404 = Rule("PMA404", "sync-driver-call-in-async-function", FixAvailability.NONE, message="{detail}", markdown="""
## What it does

Checks for an I/O call on a synchronous PyMongo object (a `MongoClient` or anything obtained from
one) inside `async def`, and for a call inside `async def` of a module-level plain `def` (of the module,
or imported from another module of the project) whose own body makes such a call. Handing the
function to `asyncio.to_thread()` or `run_in_executor()` is not a call.

## Why is this bad?

A synchronous call blocks the event loop's thread until the server answers, so every other task
(other requests, timers, heartbeats) stops meanwhile. Nothing fails: it is silent, and shows only as
latency under load.

## Example

```python
from pymongo import MongoClient

client = MongoClient()


async def get_user(name: str):
    return client.app.users.find_one({"name": name})
```

Use instead:

```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def get_user(name: str):
    return await client.app.users.find_one({"name": name})
```

## Fix safety

There is no fix: switching to `AsyncMongoClient` changes every call site of the client. Until then,
`await asyncio.to_thread(...)` keeps the blocking call off the event loop.

## References

- {{guide:migrate-from-pymongo}}
- {{api:AsyncMongoClient}}
""")


# How the callable and its arguments are passed to each way of running code in another thread:
# (index of the callable among the positional arguments, keyword that may hold it instead).
_THREAD_ENTRY: Dict[str, Tuple[int, Optional[str]]] = {
    "threading.Thread": (1, "target"),  # Thread(group, target, ...)
    "asyncio.to_thread": (0, None),
}
_EXECUTOR_METHODS: Dict[str, Tuple[int, Optional[str]]] = {"submit": (0, "fn"), "map": (0, "fn")}
_ROUTE_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route",
                               "websocket", "view"})


# Which branch of which `if`/`match` a site is in: ((branching statement's key, index), ...).
# Two sites whose paths differ at the same statement never both run.
BranchPath = Tuple[Tuple[int, int], ...]


class LifetimeFamily(Family):
    def __init__(self) -> None:
        self._thread_sites: List[Tuple[ast.Call, Value, List[ast.expr], object]] = []
        # Per function (or None for module-level code): the event-loop runs in source order.
        self._runs: Dict[Optional[FunctionInfo], List[Tuple[ast.Call, object, ast.expr, BranchPath]]] = {}
        self._branch_path: List[Tuple[int, int]] = []  # where the walk is now
        # Calls, inside `async def`, of this module's sync functions: PMA404 when the body blocks.
        self._helper_calls: List[Tuple[ast.Call, FunctionInfo]] = []

    # ---------------------------------------------------------------- where the walk is
    def on_branch(self, w: ModelView, key: int, index: int) -> None:
        path = self._branch_path
        if path and path[-1][0] == key:  # the next branch of the same statement
            path[-1] = (key, index)
        else:
            path.append((key, index))

    def on_branches_end(self, w: ModelView, key: int) -> None:
        self._branch_path.pop()

    # ---------------------------------------------------------------- collecting sites
    def on_call(self, w: ModelView, node: ast.Call, func: Value) -> None:
        if isinstance(func, Special):
            if func.name in _THREAD_ENTRY:
                self._thread_site(w, node, *_THREAD_ENTRY[func.name])
            elif func.name == "asyncio.run" and node.args:
                self._add_run(w, node, object(), node.args[0])
            return
        builtin = w.is_builtin_call(node, func)
        if builtin in ITERATING_BUILTINS or builtin == "next":
            args = node.args[1:] if builtin in ("map", "filter") else node.args[:1] if builtin == "next" else node.args
            for arg in args:
                self.on_iterate(w, node, arg, w.value_of(arg), False)
            return
        if isinstance(func, Method):
            self._sync_io(w, node, func)
            return
        # Module-level helpers only: a method doing sync I/O on its own sync client (a test class's
        # `configure_fail_point_sync()`) is a choice its class made, and stays silent.
        if w.in_async_function and isinstance(func, FuncRef) and not func.info.is_async and func.info.cls is None:
            self._helper_calls.append((node, func.info))  # judged at the end, once every body is walked
            return
        if w.in_async_function and isinstance(func, ExternalFunction) and "." not in func.qualname:
            summary = w.external_function(func)
            if summary is not None and not summary.is_async and summary.blocks:
                self._report_blocking_helper(w, node, func.qualname, summary.blocks)
            return
        callee = node.func
        if not isinstance(callee, ast.Attribute):
            return
        receiver = w.value_of(callee.value)
        if receiver is EXECUTOR and callee.attr in _EXECUTOR_METHODS:
            self._thread_site(w, node, *_EXECUTOR_METHODS[callee.attr])
        elif isinstance(receiver, EventLoop):
            if callee.attr == "run_in_executor":
                self._thread_site(w, node, 1, None)
            elif callee.attr == "run_until_complete" and node.args:
                self._add_run(w, node, receiver, node.args[0])

    def _add_run(self, w: ModelView, node: ast.Call, loop: object, arg: ast.expr) -> None:
        self._runs.setdefault(w.current_function, []).append((node, loop, arg, tuple(self._branch_path)))

    def _thread_site(self, w: ModelView, node: ast.Call, index: int, keyword: Optional[str]) -> None:
        target: Optional[ast.expr] = node.args[index] if len(node.args) > index else None
        for kw in node.keywords:
            if keyword is not None and kw.arg == keyword:
                target = kw.value
        others = [a for a in node.args if a is not target] + [k.value for k in node.keywords if k.value is not target]
        self._thread_sites.append((node, w.value_of(target) if target is not None else None,
                                   ([target] if target is not None else []) + others, w.current_function))

    # ---------------------------------------------------------------- PMA404
    def _sync_io(self, w: ModelView, node: ast.Call, method: Method) -> None:
        owner = method.owner
        if not (w.in_async_function and blocks_on_io(method)):
            return  # no I/O: the async twin is sync too (find(), sort(), get_collection()...)
        w.report(PMA404, node,
                 detail=f"`{method.name}()` on a sync PyMongo `{_sync_class(owner.kind)}` blocks the event loop "
                        f"inside `async def`; use `AsyncMongoClient` and `await ...{method.name}()` (or "
                        f"`await asyncio.to_thread(...)`)")

    def on_iterate(self, w: ModelView, node: IterationSite, iter_node: ast.expr, iterable: Value,
                   is_async: bool) -> None:
        if (isinstance(iterable, Obj) and iterable.flavour == "sync" and w.in_async_function
                and "__anext__" in tables.ASYNC_MEMBERS.get(iterable.kind, {})):
            w.report(PMA404, iter_node,
                     detail=f"iterating a sync PyMongo `{_sync_class(iterable.kind)}` fetches batches from the "
                            f"server and blocks the event loop inside `async def`; use `AsyncMongoClient` and "
                            f"`async for`")

    def on_attribute(self, w: ModelView, node: ast.Attribute, base: Value, is_store: bool) -> None:
        if is_store or not isinstance(base, Obj) or base.flavour != "sync" or not w.in_async_function:
            return
        twin = tables.ASYNC_MEMBERS.get(base.kind, {}).get(node.attr)
        if twin is not None and twin[0] == "async_property":
            w.report(PMA404, node,
                     detail=f"`.{node.attr}` on a sync PyMongo `{_sync_class(base.kind)}` waits for server "
                            f"selection and blocks the event loop inside `async def`; use `AsyncMongoClient` and "
                            f"`await client.{node.attr}`")

    # ---------------------------------------------------------------- judged at the end
    def on_function_end(self, w: ModelView, info: FunctionInfo) -> None:
        scope = _shared_fixture_scope(w, info)
        if scope is None:
            return
        given = info.yields if info.is_generator else info.returns
        if any(isinstance(value, Obj) and value.is_async and value.kind == "client" for value in given):
            w.report(PMA402, info.node,
                     detail=f"the {scope}-scoped fixture `{info.node.name}` gives every test one async client, while "
                            f"pytest-asyncio runs each test on its own event loop: the second test fails with "
                            f"`RuntimeError: Cannot use AsyncMongoClient in different event loop`; make the "
                            f"fixture function-scoped, or give the tests and the fixture one `loop_scope`")

    def _report_blocking_helper(self, w: ModelView, node: ast.Call, name: str, member: str) -> None:
        w.report(PMA404, node,
                 detail=f"`{name}()` calls `{member}()` on a sync PyMongo object, which waits for the server: "
                        f"called inside `async def` it blocks the event loop; make it a coroutine on "
                        f"`AsyncMongoClient`, or call it with `await asyncio.to_thread({name}, ...)`")

    def on_module_end(self, w: ModelView) -> None:
        for node, info in self._helper_calls:
            if info.blocks:
                self._report_blocking_helper(w, node, info.node.name, info.blocks)
        closure = _Closure()
        for node, target, args, _function in self._thread_sites:
            reached = self._handed_over(w, target, args, closure)
            if reached:
                w.report(PMA401, node,
                         detail=f"{reached} is handed to another thread: `AsyncMongoClient` is not thread-safe and "
                                f"binds to one event loop (`RuntimeError: Cannot use AsyncMongoClient in different "
                                f"event loop`); keep driver calls on the loop, or use "
                                f"`asyncio.run_coroutine_threadsafe(coro, loop)` from the thread")
        for runs in self._runs.values():
            seen: List[Tuple[object, Set[str], BranchPath]] = []
            for node, loop, arg, path in runs:
                used = self._reached_by(w, arg, closure)
                shared = sorted(name for other_loop, other, other_path in seen
                                if other_loop is not loop and not _exclusive(path, other_path)
                                for name in other & used)
                if shared:
                    w.report(PMA402, node,
                             detail=f"`{shared[0]}` was already used by an earlier event loop in this function; a "
                                    f"new loop here fails with `RuntimeError: Cannot use AsyncMongoClient in different "
                                    f"event loop`; run everything in one `asyncio.run(main())`, creating and closing "
                                    f"the client inside it")
                seen.append((loop, used, path))

    def _handed_over(self, w: ModelView, target: Value, args: List[ast.expr], closure: "_Closure") -> str:
        if isinstance(target, Method) and target.owner.is_async:
            return f"a bound method of an async `{target.owner.kind}` (`.{target.name}`)"
        if isinstance(target, FuncRef):
            reached = closure.of(target.info)
            if reached:
                name = getattr(target.info.node, "name", "the function")
                return f"`{name}`, which uses the async driver object `{sorted(reached)[0]}`,"
        for arg in args:
            for part in _expressions_in(arg):
                value = w.value_of(part)
                if isinstance(value, Obj) and value.is_async:
                    return f"the async driver object `{_text(part)}`"
                if isinstance(value, FuncRef) and isinstance(arg, ast.Lambda):
                    reached = closure.of(value.info)
                    if reached:
                        return f"a lambda using `{sorted(reached)[0]}`"
        return ""

    def _reached_by(self, w: ModelView, arg: ast.expr, closure: "_Closure") -> Set[str]:
        reached: Set[str] = set()
        for part in _expressions_in(arg):
            value = w.value_of(part)
            if isinstance(value, FuncRef):
                reached |= closure.of(value.info)
            elif isinstance(value, Obj) and value.is_async:
                if isinstance(part, ast.Name) and part.id in w.module_roots:
                    reached.add(w.module_roots[part.id])
                elif isinstance(part, ast.Attribute):
                    base = w.value_of(part.value)
                    if isinstance(base, (UserClass, Instance)) and part.attr in base.info.class_env:
                        reached.add(f"{base.info.name}.{part.attr}")
        return reached


class RequestFamily(Family):
    """PMA403: a client made per loop iteration or per request instead of once per process."""

    def __init__(self) -> None:
        # Per function being walked (module-level code first): how many loops over run-time data
        # (or `while` loops) the walk is inside. A function walked on demand starts at zero.
        self._loop_depths: List[int] = [0]

    def on_function_start(self, w: ModelView, info: FunctionInfo) -> None:
        self._loop_depths.append(0)

    def on_function_end(self, w: ModelView, info: FunctionInfo) -> None:
        self._loop_depths.pop()

    def on_loop_start(self, w: ModelView, node: Loop) -> None:
        if _repeats(node):
            self._loop_depths[-1] += 1

    def on_loop_end(self, w: ModelView, node: Loop) -> None:
        if _repeats(node):
            self._loop_depths[-1] -= 1

    def on_call(self, w: ModelView, node: ast.Call, func: Value) -> None:
        if not _is_client_class(func):
            return
        statement = w.current_stmt
        if isinstance(statement, ast.Expr) and statement.value is node:
            return  # made and dropped (a constructor-validation test): it never opens a pool
        where = None
        if self._loop_depths[-1]:
            where = "inside a loop body"
        elif w.current_function is not None and _is_request_handler(w.current_function.node):
            where = "inside a request handler"
        if where:
            w.report(PMA403, node,
                     detail=f"a MongoDB client is created {where}: each client opens its own connection pool and "
                            f"monitor threads (a \"dire performance cost\"); create one client per process (at "
                            f"startup or in the app's lifespan) and reuse it")


class _Closure:
    """What a function reaches through the module's functions it calls, memoised, cycle-safe."""

    def __init__(self) -> None:
        self._memo: Dict[int, Set[str]] = {}

    def of(self, info: FunctionInfo) -> Set[str]:
        key = id(info)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = set()  # a cycle sees what is known so far
        result = set(info.reaches)
        for callee in info.calls:
            if callee is not info:
                result |= self.of(callee)
        self._memo[key] = result
        return result


_FIXTURE_DECORATORS = ("pytest.fixture", "pytest_asyncio.fixture")
_SHARED_SCOPES = ("session", "package", "module", "class")
# Words that show the module chooses its tests' event loop itself (pytest-asyncio's `loop_scope`, or
# an overridden `event_loop` fixture): then one loop may well serve every test, and nothing is said.
_OWN_LOOP = re.compile(r"\bloop_scope\b|\bdef event_loop\b")  # a per-line partition drops comments


def _shared_fixture_scope(w: ModelView, info: FunctionInfo) -> Optional[str]:
    """``session``, ``module``... for a pytest fixture whose value outlives one test, in a module that
    does not choose its tests' event loop; None otherwise."""
    for decorator in info.node.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        denoted = w.value_of(decorator.func)
        if not isinstance(denoted, Special) or denoted.name not in _FIXTURE_DECORATORS:
            continue
        for keyword in decorator.keywords:
            value = keyword.value
            if keyword.arg == "scope" and isinstance(value, ast.Constant) and value.value in _SHARED_SCOPES:
                code = "".join(line.partition("#")[0] for line in w.lines)  # roughly: not comments
                return None if _OWN_LOOP.search(code) else str(value.value)
    return None


def _expressions_in(node: ast.AST) -> List[ast.expr]:
    """The expressions inside one call argument (small: a name, a lambda, a call)."""
    return [n for n in ast.walk(node) if isinstance(n, (ast.Name, ast.Attribute))]


def _text(node: ast.expr) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - ast.unparse handles every expression it is given
        return "argument"


def _repeats(loop: Loop) -> bool:
    """A `while`, or a `for` over run-time data: not a literal display or `range()` of literals,
    which run a fixed number of times chosen in the code."""
    if isinstance(loop, ast.While):
        return True
    iterable = loop.iter
    if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
        return False
    return not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range"
                and all(isinstance(a, ast.Constant) for a in iterable.args))


def _exclusive(a: BranchPath, b: BranchPath) -> bool:
    """Two branch paths that took different branches of the same `if`/`match` never both run."""
    for (stmt_a, index_a), (stmt_b, index_b) in zip(a, b):
        if stmt_a != stmt_b:
            return False
        if index_a != index_b:
            return True
    return False


def _is_client_class(func: Value) -> bool:
    return isinstance(func, ClassRef) and func.kind == "client" and func.flavour != "sync"


def _is_request_handler(node: ast.AST) -> bool:
    for decorator in getattr(node, "decorator_list", ()):
        call = decorator.func if isinstance(decorator, ast.Call) else None
        if isinstance(call, ast.Attribute) and call.attr in _ROUTE_DECORATORS:
            return True
    args = node.args  # type: ignore[attr-defined]
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        if arg.arg == "request":
            return True
        annotation = arg.annotation
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            text = annotation.value
        elif isinstance(annotation, ast.Name):
            text = annotation.id
        elif isinstance(annotation, ast.Attribute):
            text = annotation.attr
        else:
            text = ""
        if text.rpartition(".")[2].endswith("Request"):
            return True
    return False


def _sync_class(kind: str) -> str:
    names = tables.SYNC_CLASSES.get(kind)
    return names[0].rpartition(".")[2] if names else kind
