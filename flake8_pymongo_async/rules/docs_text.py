"""Long-form docs of every rule (ruff's sections). See registry.Docs.

Every ``runtime_error`` is the text PyMongo 4.20 prints (checked against the installed library and
../shared/reference/pymongo-async-api.md section 8); "" means the failure is silent. Every
``example`` triggers its rule and every ``use_instead`` must not (tests/test_docs.py checks both).
After editing, run ``python scripts/generate_docs.py`` to regenerate docs/rules/.
"""
from __future__ import annotations

import textwrap
from typing import Dict

from .registry import GUIDE_ASYNC_METHODS, GUIDE_MOTOR, GUIDE_PYMONGO, GUIDE_SIGNATURES, Docs


def _src(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


# Reference links.
_API = "https://pymongo.readthedocs.io/en/stable/api/"
_CLIENT = _API + "pymongo/asynchronous/mongo_client.html"
_COLLECTION = _API + "pymongo/asynchronous/collection.html"
_CURSOR = _API + "pymongo/asynchronous/cursor.html"
_SESSION = _API + "pymongo/asynchronous/client_session.html"
_GRIDFS = _API + "gridfs/asynchronous/index.html"
_GRID_FILE = _API + "gridfs/asynchronous/grid_file.html"
_FAQ_POOLING = "https://pymongo.readthedocs.io/en/stable/faq.html#how-does-connection-pooling-work-in-pymongo"
_PY_GET_RUNNING_LOOP = "https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.get_running_loop"
_PY_CREATE_TASK = "https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task"
_PY_TO_THREAD = "https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread"
_PY_ANEXT = "https://docs.python.org/3/library/functions.html#anext"

_REF_MOTOR = ("Migrate to PyMongo Async: Migrate From Motor", GUIDE_MOTOR)
_REF_SIGNATURES = ("Migrate to PyMongo Async: Method Signature Changes", GUIDE_SIGNATURES)
_REF_PYMONGO = ("Migrate to PyMongo Async: Migrate from PyMongo", GUIDE_PYMONGO)
_REF_ASYNC_METHODS = ("Migrate to PyMongo Async: Asynchronous Methods", GUIDE_ASYNC_METHODS)


def _coll(method: str) -> str:
    return f"{_COLLECTION}#pymongo.asynchronous.collection.AsyncCollection.{method}"


def _cursor(method: str) -> str:
    return f"{_CURSOR}#pymongo.asynchronous.cursor.AsyncCursor.{method}"


def _client(member: str) -> str:
    return f"{_CLIENT}#pymongo.asynchronous.mongo_client.AsyncMongoClient.{member}"


def _session(member: str) -> str:
    return f"{_SESSION}#pymongo.asynchronous.client_session.AsyncClientSession.{member}"


def _grid_out(member: str) -> str:
    return f"{_GRID_FILE}#gridfs.asynchronous.grid_file.AsyncGridOut.{member}"


_FACTORIES = (
    "`--pma-extra-factories`: names of your own functions whose call returns an async client, "
    "database or collection, as `kind:name` pairs (for example `collection:app.db.get_users`). "
    "The rule fires only on objects known to come from the driver; a value returned by a helper "
    "the linter cannot see is unknown, and unknown stays silent until the helper is listed here."
)

DOCS: Dict[str, Docs] = {}


def _doc(code: str, **fields: object) -> None:
    if code in DOCS:
        raise ValueError(f"duplicate docs for {code}")
    DOCS[code] = Docs(**fields)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# PMA1xx: Motor-only API, imports and constructor arguments
# --------------------------------------------------------------------------------------------------

_doc(
    "PMA101",
    what=(
        "Checks for imports from Motor. This covers `motor.motor_asyncio`, `motor.motor_tornado`, "
        "the `motor.core` and `motor.motor_gridfs` `Agnostic*` classes, `motor.aiohttp` and "
        "`motor.web`. "
        "The message names the PyMongo Async replacement of each imported name, or says that there "
        "is none (`motor.aiohttp`, `motor.web`)."
    ),
    why=(
        "Motor is deprecated from May 14, 2026 and is replaced by PyMongo Async, which runs on "
        "`asyncio` directly instead of a thread pool. The import itself keeps working while Motor is "
        "installed, so nothing fails here; the other rules report the lines whose behaviour changes "
        "once the import is swapped. Motor and PyMongo Async objects cannot be mixed: "
        "`AsyncGridFSBucket(motor_db)` raises `TypeError: database must be an instance of "
        "AsyncDatabase`."
    ),
    runtime_error="",
    example=_src(
        """
        from motor.motor_asyncio import AsyncIOMotorClient

        client = AsyncIOMotorClient("mongodb://localhost:27017")
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient("mongodb://localhost:27017")
        """
    ),
    fix_safety=(
        "The fix is safe, and available when every imported name has a PyMongo Async counterpart: "
        "it rewrites the import and renames every reference in the module (annotations, "
        "`isinstance` checks, calls). It does not change the calls themselves: run the linter again "
        "after fixing, the other PMA rules then report what behaves differently. There is no fix for "
        "`motor.aiohttp` and `motor.web`, which have no counterpart."
    ),
    references=(
        _REF_MOTOR,
        ("PyMongo API: AsyncMongoClient", _CLIENT),
    ),
)

_doc(
    "PMA102",
    what=(
        "Checks for an `io_loop=` argument passed to a client or client-encryption constructor. "
        "This covers `AsyncMongoClient`, `AsyncIOMotorClient`, `MotorClient` and the "
        "client-encryption classes of both libraries."
    ),
    why=(
        "PyMongo Async has no `io_loop` parameter: the client uses the event loop that runs its "
        "first operation. The constructor raises at once, for any value including `None`. The "
        "client-encryption constructor raises `TypeError: AsyncClientEncryption.__init__() got an "
        "unexpected keyword argument 'io_loop'`."
    ),
    runtime_error=(
        "pymongo.errors.ConfigurationError: Unknown option: io_loop. Did you mean one of "
        "(auto_encryption_opts, minpoolsize, tzinfo) or maybe a camelCase version of one? "
        "Refer to docstring."
    ),
    example=_src(
        """
        import asyncio

        from pymongo import AsyncMongoClient


        async def main():
            client = AsyncMongoClient("mongodb://localhost:27017", io_loop=asyncio.get_running_loop())
            await client.admin.command("ping")
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient


        async def main():
            client = AsyncMongoClient("mongodb://localhost:27017")
            await client.admin.command("ping")
        """
    ),
    fix_safety=(
        "The fix removes the argument. It is safe when the value has no side effects (a literal, "
        "a name, an attribute of a name, or a container or unary operation of those): the "
        "constructor always raises with the argument present, so removing it cannot change code "
        "that worked. When the value may have side effects (`io_loop=start_loop()`: a call, "
        "subscript, `await`...), removing the argument also removes evaluating it, and the fix is "
        "unsafe."
    ),
    references=(
        _REF_SIGNATURES,
        ("PyMongo API: AsyncMongoClient", _CLIENT),
    ),
)

_doc(
    "PMA103",
    what=(
        "Checks for `.get_io_loop()` and `.io_loop` on a driver object. This includes clients, "
        "databases, collections, cursors and GridFS objects, and assignments to `.io_loop`."
    ),
    why=(
        "PyMongo Async objects do not expose an event loop. On a client, database or collection the "
        "name is taken as a sub-database or sub-collection: `client.io_loop` silently returns "
        "`AsyncDatabase(..., 'io_loop')`, and calling `get_io_loop()` raises a `TypeError` saying the "
        "object is not callable. On a cursor it raises `AttributeError: 'AsyncCursor' object has no "
        "attribute 'get_io_loop'`."
    ),
    runtime_error="TypeError: 'AsyncDatabase' object is not callable",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def main():
            loop = client.get_io_loop()
            loop.call_later(60, print, "still running")
        """
    ),
    use_instead=_src(
        """
        import asyncio

        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def main():
            loop = asyncio.get_running_loop()
            loop.call_later(60, print, "still running")
        """
    ),
    fix_safety=(
        "There is no fix. `asyncio.get_running_loop()` works only while a loop is running, so the "
        "replacement depends on where the code runs; the message suggests it."
    ),
    options=_FACTORIES,
    references=(
        _REF_SIGNATURES,
        ("Python: asyncio.get_running_loop()", _PY_GET_RUNNING_LOOP),
    ),
)

_doc(
    "PMA104",
    what="Checks for `cursor.each(callback)` on a driver cursor.",
    why=(
        "`each()` was Motor's callback API: it scheduled the callback for every document and "
        "returned at once. PyMongo Async cursors have no `each()`, so the call raises when it is "
        "reached and no callback runs."
    ),
    runtime_error="AttributeError: 'AsyncCursor' object has no attribute 'each'",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        def on_user(user, error):
            if user is not None:
                print(user["name"])


        def print_users():
            client.app.users.find().each(on_user)
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def print_users():
            async for user in client.app.users.find():
                print(user["name"])
        """
    ),
    fix_safety=(
        "There is no fix: the callback, the calling function and its callers have to become "
        "`async` code."
    ),
    options=_FACTORIES,
    references=(
        _REF_SIGNATURES,
        ("PyMongo API: AsyncCursor", _CURSOR),
    ),
)

_doc(
    "PMA105",
    what="Checks for `grid_out.stream_to_handler(...)` on a GridFS file.",
    why=(
        "`stream_to_handler()` wrote a GridFS file to a Tornado `RequestHandler`. PyMongo Async has "
        "no Tornado integration and `AsyncGridOut` has no such method, so the call raises."
    ),
    runtime_error="AttributeError: GridOut object has no attribute 'stream_to_handler'",
    example=_src(
        """
        from gridfs import AsyncGridFSBucket
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        bucket = AsyncGridFSBucket(client.media)


        async def send_file(handler, file_id):
            grid_out = await bucket.open_download_stream(file_id)
            await grid_out.stream_to_handler(handler)
        """
    ),
    use_instead=_src(
        """
        from gridfs import AsyncGridFSBucket
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        bucket = AsyncGridFSBucket(client.media)


        async def send_file(handler, file_id):
            grid_out = await bucket.open_download_stream(file_id)
            while chunk := await grid_out.readchunk():
                handler.write(chunk)
                await handler.flush()
        """
    ),
    fix_safety="There is no fix: the loop that writes the chunks depends on the web framework.",
    references=(
        _REF_SIGNATURES,
        ("PyMongo API: AsyncGridOut.readchunk()", _grid_out("readchunk")),
    ),
)

_doc(
    "PMA106",
    what=(
        "Checks for `to_list(0)`, `to_list(length=0)` or `to_list()` with a negative literal on a "
        "driver cursor."
    ),
    why=(
        "PyMongo Async accepts only `None` (every document) or a length of at least 1, and raises "
        "when the call is awaited, before any I/O. Motor 3 accepted 0 and returned `[]` after "
        "running the query. The migration guide says to use `to_list(None)`."
    ),
    runtime_error="ValueError: to_list() length must be greater than 0",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def all_users():
            return await client.app.users.find().to_list(0)
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def all_users():
            return await client.app.users.find().to_list(None)
        """
    ),
    fix_safety=(
        "The fix replaces the argument with `None`. It is safe: the original call always raises. "
        "`to_list(None)` returns every document; if the code relied on Motor returning `[]`, "
        "remove the call instead."
    ),
    options=_FACTORIES,
    references=(
        _REF_SIGNATURES,
        ("PyMongo API: AsyncCursor.to_list()", _cursor("to_list")),
    ),
)

_doc(
    "PMA107",
    what="Checks for a `connect=` argument passed to an async client constructor.",
    why=(
        "`AsyncMongoClient` accepts `connect=` and ignores it: the constructor never does I/O, even "
        "with `connect=True`, and the client connects at its first operation. This is silent: code "
        "that expects an early connection (or an early error for a bad address) gets neither. "
        "`await client.aconnect()` connects eagerly."
    ),
    runtime_error="",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient("mongodb://localhost:27017", connect=True)
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient("mongodb://localhost:27017")


        async def startup():
            await client.aconnect()
        """
    ),
    fix_safety=(
        "The fix removes the argument. It is safe when the value has no side effects (a literal, "
        "a name, an attribute of a name, or a container or unary operation of those): the "
        "argument has no effect. When the value may have side effects (`connect=should_connect()`: "
        "a call, subscript, `await`...), removing the argument also removes evaluating it, and the "
        "fix is unsafe. Add `await client.aconnect()` where the application starts if it must "
        "connect early."
    ),
    references=(
        _REF_PYMONGO,
        ("PyMongo API: AsyncMongoClient.aconnect()", _client("aconnect")),
    ),
)

_doc(
    "PMA108",
    what="Checks for `cursor.fetch_next` and `cursor.next_object()` on a driver cursor.",
    why=(
        "`fetch_next` and `next_object()` were Motor's pre-`async for` iteration API. PyMongo Async "
        "cursors do not have them, so the loop raises on its first test."
    ),
    runtime_error="AttributeError: 'AsyncCursor' object has no attribute 'fetch_next'",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def print_users():
            cursor = client.app.users.find()
            while await cursor.fetch_next:
                user = cursor.next_object()
                print(user["name"])
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def print_users():
            async for user in client.app.users.find():
                print(user["name"])
        """
    ),
    fix_safety="There is no fix: the `while` loop has to be rewritten as `async for`.",
    options=_FACTORIES,
    references=(
        _REF_MOTOR,
        ("PyMongo API: AsyncCursor", _CURSOR),
    ),
)

_doc(
    "PMA109",
    what="Checks for `.delegate` and `.wrap(...)` on a driver object.",
    why=(
        "Motor objects wrapped a synchronous PyMongo object, reachable as `.delegate`. PyMongo Async "
        "objects wrap nothing. On a client, database or collection the attribute is silently taken "
        "as a sub-database or sub-collection: `users.delegate.full_name` is `'app.users.delegate'`. "
        "Calling `.wrap(...)` raises `TypeError: 'AsyncCollection' object is not callable. If you "
        "meant to call the 'wrap' method on a 'AsyncCollection' object it is failing because no "
        "such method exists.`"
    ),
    runtime_error="",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        users = client.app.users


        def users_namespace():
            return users.delegate.full_name
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        users = client.app.users


        def users_namespace():
            return users.full_name
        """
    ),
    fix_safety=(
        "There is no fix: code that used the wrapped synchronous object needs either the async "
        "object itself or a separate `MongoClient`."
    ),
    options=_FACTORIES,
    references=(
        _REF_MOTOR,
        ("PyMongo API: AsyncCollection", _COLLECTION),
    ),
)

_doc(
    "PMA110",
    what=(
        "Checks for an import of a PyMongo Async name from a module that does not define it. "
        "Examples are `from pymongo.collection import AsyncCollection` and "
        "`from pymongo import AsyncDatabase`."
    ),
    why=(
        "The async classes live in `pymongo.asynchronous.*` and `gridfs`; `pymongo` itself "
        "re-exports only `AsyncMongoClient`. The import fails when the module is loaded, even when "
        "the name is used only in annotations."
    ),
    runtime_error="ImportError: cannot import name 'AsyncCollection' from 'pymongo.collection'",
    example=_src(
        """
        from pymongo.collection import AsyncCollection


        async def count_users(users: AsyncCollection) -> int:
            return await users.count_documents({})
        """
    ),
    use_instead=_src(
        """
        from pymongo.asynchronous.collection import AsyncCollection


        async def count_users(users: AsyncCollection) -> int:
            return await users.count_documents({})
        """
    ),
    fix_safety=(
        "The fix imports the name from the module that defines it. It is safe: the original "
        "import always fails."
    ),
    references=(
        _REF_MOTOR,
        ("PyMongo API: pymongo.asynchronous.collection", _COLLECTION),
    ),
)

_doc(
    "PMA111",
    what="Checks for a `collection=` argument passed to a GridFS bucket constructor.",
    why=(
        "Motor accepted `collection=` as a deprecated alias of `bucket_name=`. `AsyncGridFSBucket` "
        "does not, and the constructor raises."
    ),
    runtime_error="TypeError: AsyncGridFSBucket.__init__() got an unexpected keyword argument 'collection'",
    example=_src(
        """
        from gridfs import AsyncGridFSBucket
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        images = AsyncGridFSBucket(client.media, collection="images")
        """
    ),
    use_instead=_src(
        """
        from gridfs import AsyncGridFSBucket
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        images = AsyncGridFSBucket(client.media, bucket_name="images")
        """
    ),
    fix_safety=(
        "The fix renames the keyword to `bucket_name=`. It is safe: the original call always "
        "raises, and `bucket_name=` is what Motor's alias meant."
    ),
    references=(
        _REF_MOTOR,
        ("PyMongo API: gridfs.asynchronous (AsyncGridFSBucket)", _GRIDFS),
    ),
)

# --------------------------------------------------------------------------------------------------
# PMA2xx: await mistakes
# --------------------------------------------------------------------------------------------------

_doc(
    "PMA201",
    what=(
        "Checks for a call of a driver coroutine method whose result is never awaited. This covers "
        "methods such as `insert_one()`, `find_one()`, `update_many()`, `drop()` and `to_list()` "
        "whose result is discarded, used as a value (attribute, subscript, truth test, `print()`, "
        "`len()`...), or bound to a name that is never awaited. It is not reported when the "
        "coroutine is awaited later, returned, yielded, passed to a call or stored in a container."
    ),
    why=(
        "In PyMongo Async these methods are coroutines: without `await` nothing is sent to the "
        "server. Motor's methods returned Futures that ran at call time, so fire-and-forget writes "
        "that worked under Motor now silently do nothing. The only trace is "
        "`RuntimeWarning: coroutine 'AsyncCollection.insert_one' was never awaited`, printed when "
        "the coroutine is garbage-collected."
    ),
    runtime_error="",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        events = client.app.events


        async def record(event: dict) -> None:
            events.insert_one(event)
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        events = client.app.events


        async def record(event: dict) -> None:
            await events.insert_one(event)
        """
    ),
    fix_safety=(
        "The fix inserts `await`, only inside `async def`. It is unsafe: the operation now runs, the "
        "function waits for the server, and errors are raised where the call is. To keep "
        "fire-and-forget behaviour, use `asyncio.create_task(...)` and keep a reference to the task."
    ),
    options=_FACTORIES,
    references=(
        _REF_ASYNC_METHODS,
        ("PyMongo API: AsyncCollection", _COLLECTION),
    ),
)

_doc(
    "PMA202",
    what=(
        "Checks for a driver coroutine that returns a cursor, used as a cursor without `await`. "
        "The methods are `aggregate()`, `aggregate_raw_batches()`, `watch()`, `list_indexes()`, "
        "`list_search_indexes()`, `list_collections()`, `list_databases()` and `cursor_command()`; "
        "the uses are `async for doc in coll.aggregate(p)`, `coll.aggregate(p).to_list()`, "
        "`async with coll.watch()` and a chained `.batch_size()`."
    ),
    why=(
        "In PyMongo Async these methods are coroutines that run the command when awaited and "
        "return the cursor; in Motor `aggregate()` and `watch()` returned the cursor directly. "
        "Used as a cursor, the coroutine raises at once. `.to_list()` on it raises "
        "`AttributeError: 'coroutine' object has no attribute 'to_list'`, and `async with` raises "
        "`TypeError: 'coroutine' object does not support the asynchronous context manager protocol`."
    ),
    runtime_error="TypeError: 'async for' requires an object with __aiter__ method, got coroutine",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def main():
            async for doc in client.db.users.aggregate([]):
                print(doc)
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def main():
            async for doc in await client.db.users.aggregate([]):
                print(doc)
        """
    ),
    fix_safety=(
        "Inside `async def` the fix inserts `await`, with parentheses when a call is chained "
        "(`(await coll.aggregate(p)).to_list()`). It is safe: the un-awaited form always raises. "
        "Note that the command now runs at the `await` (Motor ran it at the first iteration), so a "
        "`$out` or `$merge` stage runs even if the cursor is never read. Outside `async def` there "
        "is no fix."
    ),
    options=_FACTORIES,
    references=(
        _REF_ASYNC_METHODS,
        ("PyMongo API: AsyncCollection.aggregate()", _coll("aggregate")),
    ),
)

_doc(
    "PMA203",
    what=(
        "Checks for `await` on a call that is synchronous in PyMongo Async. These are `find()`, "
        "`find_raw_batches()`, `start_session()`, `get_database()`, `get_collection()`, "
        "`with_options()`, cursor chaining (`sort()`, `limit()`...) and "
        "`client_encryption.get_keys()`."
    ),
    why=(
        "These calls return their object directly, and the object is not awaitable, so the `await` "
        "raises. Motor's `start_session()` had to be awaited (`async with await "
        "client.start_session()`), so Motor code hits this on every session. `await coll.find()` "
        "raises `TypeError: object AsyncCursor can't be used in 'await' expression`. Python 3.14 "
        "words it as `'AsyncClientSession' object can't be awaited`."
    ),
    runtime_error="TypeError: object AsyncClientSession can't be used in 'await' expression",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def rename_user(user_id, name):
            async with await client.start_session() as session:
                await client.app.users.update_one(
                    {"_id": user_id}, {"$set": {"name": name}}, session=session
                )
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def rename_user(user_id, name):
            async with client.start_session() as session:
                await client.app.users.update_one(
                    {"_id": user_id}, {"$set": {"name": name}}, session=session
                )
        """
    ),
    fix_safety=(
        "The fix removes the `await`. It is safe: awaiting these objects always raises."
    ),
    options=_FACTORIES,
    references=(
        _REF_ASYNC_METHODS,
        ("PyMongo API: AsyncMongoClient.start_session()", _client("start_session")),
    ),
)

_doc(
    "PMA204",
    what="Checks for `session.start_transaction()` without `await`.",
    why=(
        "In PyMongo Async `start_transaction()` is a coroutine, while Motor's returned the "
        "transaction context directly. `async with session.start_transaction():` raises. A bare "
        "`session.start_transaction()` statement is silent: the session never enters a "
        "transaction (`session.in_transaction` stays `False`) and the following writes are applied "
        "one by one, outside any transaction."
    ),
    runtime_error="TypeError: 'coroutine' object does not support the asynchronous context manager protocol",
    example=_src(
        """
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
        """
    ),
    use_instead=_src(
        """
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
        """
    ),
    fix_safety=(
        "In `async with` the fix inserts `await` and is safe: the un-awaited form always raises. "
        "For a bare call the fix is unsafe: once awaited, the session really starts a "
        "transaction, so the following writes are committed only by "
        "`await session.commit_transaction()` and are aborted when the session ends without it."
    ),
    options=_FACTORIES,
    references=(
        _REF_ASYNC_METHODS,
        ("PyMongo API: AsyncClientSession.start_transaction()", _session("start_transaction")),
    ),
)

_doc(
    "PMA205",
    what=(
        "Checks for `client.address`, `primary`, `secondaries`, `arbiters`, `is_primary` or "
        "`is_mongos` read without `await`."
    ),
    why=(
        "On `AsyncMongoClient` these are async properties: reading one returns a coroutine. A "
        "coroutine is always true and never `None`, so `if client.is_primary:` always takes the "
        "branch and `client.address is None` is always false. This is silent apart from "
        "`RuntimeWarning: coroutine 'AsyncMongoClient.is_primary' was never awaited`."
    ),
    runtime_error="",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def role() -> str:
            if client.is_primary:
                return "primary"
            return "secondary"
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def role() -> str:
            if await client.is_primary:
                return "primary"
            return "secondary"
        """
    ),
    fix_safety=(
        "The fix rewrites the read as `(await client.address)`. It is unsafe: the property now "
        "selects a server, which can wait up to `serverSelectionTimeoutMS` and raise "
        "`ServerSelectionTimeoutError`, and conditions that were always true now depend on the "
        "real value."
    ),
    options=_FACTORIES,
    references=(
        _REF_ASYNC_METHODS,
        ("PyMongo API: AsyncMongoClient.address", _client("address")),
    ),
)

_doc(
    "PMA206",
    what=(
        "Checks for `close()` or `aclose()` on a client, cursor, change stream or GridFS file, and "
        "`end_session()`, without `await`."
    ),
    why=(
        "In PyMongo Async these are coroutines; Motor's `client.close()` was a plain method. "
        "Without `await` nothing is closed, silently: connections and server sessions stay open "
        "until the process exits. Python prints `RuntimeWarning: coroutine 'AsyncMongoClient.close' "
        "was never awaited` and later `ResourceWarning: Unclosed AsyncMongoClient`."
    ),
    runtime_error="",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def shutdown() -> None:
            client.close()
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def shutdown() -> None:
            await client.close()
        """
    ),
    fix_safety=(
        "The fix inserts `await`, only inside `async def`. It is unsafe: the object is now really "
        "closed, so later code that still uses it (and worked because the close never ran) "
        "fails, and closing a client from another event loop raises `RuntimeError`."
    ),
    options=_FACTORIES,
    references=(
        _REF_ASYNC_METHODS,
        ("PyMongo API: AsyncMongoClient.close()", _client("close")),
    ),
)

_doc(
    "PMA207",
    what=(
        "Checks for Future-only API used on the result of a driver call. This covers "
        "`.add_done_callback()`, `.result()`, `.done()`, `.cancel()`, `asyncio.wrap_future(...)`, "
        "and `yield` of a driver call in a `tornado.gen` coroutine."
    ),
    why=(
        "Motor's methods returned `asyncio.Future` objects that were already running; PyMongo Async "
        "returns coroutines, which have none of these methods and do not run until awaited. The "
        "call raises, and the operation never runs (`.result()` raises `AttributeError: "
        "'coroutine' object has no attribute 'result'`)."
    ),
    runtime_error="AttributeError: 'coroutine' object has no attribute 'add_done_callback'",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        def log_user(user_id):
            future = client.app.users.find_one({"_id": user_id})
            future.add_done_callback(lambda f: print(f.result()))
        """
    ),
    use_instead=_src(
        """
        import asyncio

        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        def log_user(user_id):
            task = asyncio.create_task(client.app.users.find_one({"_id": user_id}))
            task.add_done_callback(lambda t: print(t.result()))
        """
    ),
    fix_safety=(
        "There is no fix: `await` the call, or wrap it in `asyncio.create_task()` (which needs a "
        "running event loop) where a Future is really needed."
    ),
    options=_FACTORIES,
    references=(
        _REF_MOTOR,
        ("Python: asyncio.create_task()", _PY_CREATE_TASK),
    ),
)

_doc(
    "PMA208",
    what=(
        "Checks for `await` applied to an attribute, subscript or call of a driver coroutine's "
        "result. Examples are `await coll.insert_one(doc).inserted_id` and "
        "`await coll.find_one(query)[\"name\"]`."
    ),
    why=(
        "`await` binds more loosely than `.`, `[]` and calls, so the attribute is looked up on the "
        "coroutine before anything is awaited. The expression raises, and the operation never "
        "runs. `await coll.find_one(q)[\"name\"]` raises `TypeError: 'coroutine' object is not "
        "subscriptable`."
    ),
    runtime_error="AttributeError: 'coroutine' object has no attribute 'inserted_id'",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        users = client.app.users


        async def create_user(doc: dict):
            return await users.insert_one(doc).inserted_id
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        users = client.app.users


        async def create_user(doc: dict):
            return (await users.insert_one(doc)).inserted_id
        """
    ),
    fix_safety=(
        "The fix adds parentheses: `(await coll.insert_one(doc)).inserted_id`. It is safe: the "
        "original expression always raises."
    ),
    options=_FACTORIES,
    references=(
        _REF_PYMONGO,
        ("PyMongo API: AsyncCollection.insert_one()", _coll("insert_one")),
    ),
)

# --------------------------------------------------------------------------------------------------
# PMA3xx: sync protocols on async objects
# --------------------------------------------------------------------------------------------------

_doc(
    "PMA301",
    what=(
        "Checks for synchronous iteration over an async cursor, command cursor, change stream, "
        "GridFS cursor or GridFS file. This covers `for`, a comprehension's `for`, `list()`, "
        "`tuple()`, `set()`, `sorted()`, `any()`, `sum()` and other consumers, `x in cursor`, "
        "`*cursor` and `yield from cursor`."
    ),
    why=(
        "Over an `AsyncCursor` or a GridFS cursor this is silent: the loop runs zero times, with no "
        "error and no query sent, because `AsyncCursor.__getitem__` raises `IndexError`, which ends "
        "Python's fallback iteration protocol. Under Motor the same code raised `TypeError`. Over "
        "a command cursor or change stream it raises `TypeError: 'AsyncCommandCursor' object is "
        "not iterable`."
    ),
    runtime_error="",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def active_names() -> list:
            return [user["name"] for user in client.app.users.find({"active": True})]
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def active_names() -> list:
            return [user["name"] async for user in client.app.users.find({"active": True})]
        """
    ),
    fix_safety=(
        "Inside `async def` the fix turns `for` into `async for` and `list(cursor)` into "
        "`await cursor.to_list(None)`. It is unsafe: the loop body now runs once per document "
        "where it ran zero times, and the query is now sent. Outside `async def` there is no fix."
    ),
    options=_FACTORIES,
    references=(
        _REF_PYMONGO,
        ("PyMongo API: AsyncCursor", _CURSOR),
    ),
)

_doc(
    "PMA302",
    what=(
        "Checks for a synchronous `with` on an async client, session, cursor, change stream or "
        "transaction."
    ),
    why=(
        "These objects implement only the asynchronous context manager protocol, so `with` raises "
        "before the block runs."
    ),
    runtime_error="TypeError: 'AsyncClientSession' object does not support the context manager protocol",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def rename_user(user_id, name):
            with client.start_session() as session:
                await client.app.users.update_one(
                    {"_id": user_id}, {"$set": {"name": name}}, session=session
                )
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def rename_user(user_id, name):
            async with client.start_session() as session:
                await client.app.users.update_one(
                    {"_id": user_id}, {"$set": {"name": name}}, session=session
                )
        """
    ),
    fix_safety=(
        "Inside `async def` the fix turns `with` into `async with` (and "
        "`with s.start_transaction()` into `async with await s.start_transaction()`). It is safe: "
        "the synchronous form always raises."
    ),
    options=_FACTORIES,
    references=(
        _REF_PYMONGO,
        ("PyMongo API: AsyncClientSession", _SESSION),
    ),
)

_doc(
    "PMA303",
    what=(
        "Checks for `next(cursor)` on an async cursor, and for `except StopIteration` around "
        "`await cursor.next()`."
    ),
    why=(
        "Async cursors are not iterators, so `next()` raises, with or without a default. "
        "`await cursor.next()` signals the end of the cursor with `StopAsyncIteration`, which an "
        "`except StopIteration` clause does not catch, so the exception escapes."
    ),
    runtime_error="TypeError: 'AsyncCursor' object is not an iterator",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def first_active_user():
            cursor = client.app.users.find({"active": True})
            return next(cursor, None)
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def first_active_user():
            cursor = client.app.users.find({"active": True})
            return await anext(cursor, None)
        """
    ),
    fix_safety=(
        "The fix rewrites `next(cursor)` as `await anext(cursor)` (Python 3.10+). It is unsafe: "
        "the end of the cursor is now `StopAsyncIteration`, which surrounding "
        "`except StopIteration` handlers do not catch."
    ),
    options=_FACTORIES,
    references=(
        _REF_PYMONGO,
        ("PyMongo API: AsyncCursor.next()", _cursor("next")),
        ("Python: anext()", _PY_ANEXT),
    ),
)

_doc(
    "PMA304",
    what=(
        "Checks for `len(cursor)`, `cursor[i]`, `cursor[a:b]` and `cursor.count()` on an async "
        "cursor."
    ),
    why=(
        "An async cursor cannot be indexed, sliced or measured: `cursor[i]` raises, `len(cursor)` "
        "raises `TypeError: object of type 'AsyncCursor' has no len()`, and `count()` does not "
        "exist. Use `skip()`/`limit()`, `find_one()` or `count_documents()` instead."
    ),
    runtime_error="IndexError: AsyncCursor does not support indexing",
    example=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def newest_post():
            return client.blog.posts.find().sort("created", -1)[0]
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def newest_post():
            return await client.blog.posts.find_one(sort=[("created", -1)])
        """
    ),
    fix_safety="There is no fix: the replacement depends on what the index or length was for.",
    options=_FACTORIES,
    references=(
        _REF_PYMONGO,
        ("PyMongo API: AsyncCursor.__getitem__()", _cursor("__getitem__")),
    ),
)

# --------------------------------------------------------------------------------------------------
# PMA4xx: client lifetime, threads and event loops
# --------------------------------------------------------------------------------------------------

_LOOP_ERROR = (
    "RuntimeError: Cannot use AsyncMongoClient in different event loop. AsyncMongoClient uses "
    "low-level asyncio APIs that bind it to the event loop it was created on."
)

_doc(
    "PMA401",
    what=(
        "Checks for an async driver object handed to another thread. The object is passed to, or "
        "used (directly or through functions of the same module) by, the callable given to "
        "`threading.Thread(target=...)`, `executor.submit()`, `executor.map()`, "
        "`loop.run_in_executor()` or `asyncio.to_thread()`. It is reported at that call."
    ),
    why=(
        "An `AsyncMongoClient` is not thread-safe and may only be used from one event loop. Since "
        "PyMongo 4.12 the client binds to the loop of its first operation, and a thread running its "
        "own loop gets the error below; in a thread without a loop the calls only create "
        "coroutines that never run. The synchronous `MongoClient` is thread-safe."
    ),
    runtime_error=_LOOP_ERROR,
    example=_src(
        """
        import asyncio
        import threading

        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        def worker() -> None:
            asyncio.run(client.app.jobs.insert_one({"state": "started"}))


        async def main() -> None:
            await client.admin.command("ping")
            threading.Thread(target=worker).start()
        """
    ),
    use_instead=_src(
        """
        import threading

        from pymongo import AsyncMongoClient, MongoClient

        client = AsyncMongoClient()
        sync_client = MongoClient()


        def worker() -> None:
            sync_client.app.jobs.insert_one({"state": "started"})


        async def main() -> None:
            await client.admin.command("ping")
            threading.Thread(target=worker).start()
        """
    ),
    fix_safety=(
        "There is no fix: use the synchronous `MongoClient` in threads, give the thread its own "
        "client, or submit the coroutine to the owning loop with "
        "`asyncio.run_coroutine_threadsafe()`."
    ),
    references=(
        _REF_SIGNATURES,
        _REF_PYMONGO,
        ("Python: asyncio.to_thread()", _PY_TO_THREAD),
    ),
)

_doc(
    "PMA402",
    what=(
        "Checks for a module-level or class-level async client used from more than one event "
        "loop. This is a second `asyncio.run(...)` (or new-loop `run_until_complete(...)`) in the "
        "same function after one that used the client, including `asyncio.run(client.close())` "
        "after `asyncio.run(main())`. It is reported at the second run."
    ),
    why=(
        "The client binds to the event loop of its first operation, and each `asyncio.run()` "
        "creates a new loop. From PyMongo 4.12 the second loop's first operation raises; 4.11 "
        "fails with `RuntimeError: <pymongo._asyncio_lock.Condition object at 0x...> is bound to a "
        "different event loop` in some paths, and 4.9/4.10 do not check. The same happens with "
        "pytest-asyncio function-scoped loops and a shared client fixture."
    ),
    runtime_error=_LOOP_ERROR,
    example=_src(
        """
        import asyncio

        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def main() -> None:
            await client.app.users.insert_one({"name": "Ada"})


        def cli() -> None:
            asyncio.run(main())
            asyncio.run(client.close())
        """
    ),
    use_instead=_src(
        """
        import asyncio

        from pymongo import AsyncMongoClient


        async def main() -> None:
            async with AsyncMongoClient() as client:
                await client.app.users.insert_one({"name": "Ada"})


        def cli() -> None:
            asyncio.run(main())
        """
    ),
    fix_safety=(
        "There is no fix: create the client inside the running loop (an application lifespan, "
        "`main()`, a fixture on the same loop) and close it on that loop."
    ),
    references=(
        _REF_PYMONGO,
        _REF_SIGNATURES,
        ("PyMongo API: AsyncMongoClient", _CLIENT),
    ),
)

_doc(
    "PMA403",
    what=(
        "Checks for an async (or Motor) client constructed inside a loop body or a request "
        "handler, instead of once per process. A request handler is a function with a route "
        "decorator, or with a parameter named or annotated as a request."
    ),
    why=(
        "Each client has its own connection pool and background monitoring, and connects, "
        "handshakes and authenticates again on its first operation. One client per request makes "
        "every request pay that cost and piles up connections on the server, and clients that are "
        "not closed leak them (`ResourceWarning: Unclosed AsyncMongoClient`). Nothing fails: the "
        "application is silently slower."
    ),
    runtime_error="",
    example=_src(
        """
        from fastapi import FastAPI
        from pymongo import AsyncMongoClient

        app = FastAPI()


        @app.get("/users/{name}")
        async def get_user(name: str):
            client = AsyncMongoClient("mongodb://localhost:27017")
            return await client.app.users.find_one({"name": name}, {"_id": 0})
        """
    ),
    use_instead=_src(
        """
        from fastapi import FastAPI
        from pymongo import AsyncMongoClient

        app = FastAPI()
        client = AsyncMongoClient("mongodb://localhost:27017")


        @app.get("/users/{name}")
        async def get_user(name: str):
            return await client.app.users.find_one({"name": name}, {"_id": 0})
        """
    ),
    fix_safety=(
        "There is no fix: where the one client is created and closed (module level, application "
        "lifespan, dependency) is an application decision."
    ),
    references=(
        _REF_MOTOR,
        ("PyMongo FAQ: How does connection pooling work in PyMongo?", _FAQ_POOLING),
    ),
)

_doc(
    "PMA404",
    what=(
        "Checks for an I/O call on a synchronous PyMongo object (a `MongoClient` or anything "
        "obtained from one) inside `async def`."
    ),
    why=(
        "A synchronous call blocks the event loop's thread until the server answers, so every "
        "other task (other requests, timers, heartbeats) stops meanwhile. Nothing fails: it is "
        "silent, and shows only as latency under load."
    ),
    runtime_error="",
    example=_src(
        """
        from pymongo import MongoClient

        client = MongoClient()


        async def get_user(name: str):
            return client.app.users.find_one({"name": name})
        """
    ),
    use_instead=_src(
        """
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()


        async def get_user(name: str):
            return await client.app.users.find_one({"name": name})
        """
    ),
    fix_safety=(
        "There is no fix: switching to `AsyncMongoClient` changes every call site of the client. "
        "Until then, `await asyncio.to_thread(...)` keeps the blocking call off the event loop."
    ),
    references=(
        _REF_PYMONGO,
        ("PyMongo API: AsyncMongoClient", _CLIENT),
    ),
)

# --------------------------------------------------------------------------------------------------
# PMA5xx: GridFS behaviour changes
# --------------------------------------------------------------------------------------------------

_doc(
    "PMA501",
    what="Checks for `async for chunk in grid_out` over a GridFS file.",
    why=(
        "Iterating a Motor GridFS file yielded its chunks; iterating an `AsyncGridOut` yields "
        "lines, split after each `b\"\\n\"`. This is silent: the bytes are the same, but a binary "
        "file with few newlines arrives in large pieces, up to the whole file in memory at once, "
        "and code that expects chunk-sized pieces gets something else."
    ),
    runtime_error="",
    example=_src(
        """
        from gridfs import AsyncGridFSBucket
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        bucket = AsyncGridFSBucket(client.media)


        async def copy_file(file_id, out):
            grid_out = await bucket.open_download_stream(file_id)
            async for chunk in grid_out:
                out.write(chunk)
        """
    ),
    use_instead=_src(
        """
        from gridfs import AsyncGridFSBucket
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        bucket = AsyncGridFSBucket(client.media)


        async def copy_file(file_id, out):
            grid_out = await bucket.open_download_stream(file_id)
            while chunk := await grid_out.readchunk():
                out.write(chunk)
        """
    ),
    fix_safety=(
        "There is no fix: whether lines or chunks are wanted depends on the code; the message shows "
        "the `readchunk()` loop."
    ),
    references=(
        _REF_MOTOR,
        ("PyMongo API: AsyncGridOut.readchunk()", _grid_out("readchunk")),
    ),
)

_doc(
    "PMA502",
    what=(
        "Checks for subscripting a GridFS file that comes from `bucket.find()`. An example is "
        "`files[0][\"filename\"]` after `files = await bucket.find().to_list(None)`."
    ),
    why=(
        "Under Motor, `to_list()` on a GridFS cursor returned the raw file documents (dicts). "
        "PyMongo Async returns `AsyncGridOut` objects, which expose the fields as attributes "
        "(`f.filename`, `f.length`, `f.metadata`) and cannot be subscripted."
    ),
    runtime_error="TypeError: 'AsyncGridOut' object is not subscriptable",
    example=_src(
        """
        from gridfs import AsyncGridFSBucket
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        bucket = AsyncGridFSBucket(client.media)


        async def newest_file_name():
            files = await bucket.find().sort("uploadDate", -1).limit(1).to_list(None)
            return files[0]["filename"]
        """
    ),
    use_instead=_src(
        """
        from gridfs import AsyncGridFSBucket
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient()
        bucket = AsyncGridFSBucket(client.media)


        async def newest_file_name():
            files = await bucket.find().sort("uploadDate", -1).limit(1).to_list(None)
            return files[0].filename
        """
    ),
    fix_safety=(
        "There is no fix: the file may also be used as a dict elsewhere (`dict(f)`, JSON encoding), "
        "and the field names are not always valid attribute names."
    ),
    references=(
        _REF_MOTOR,
        ("PyMongo API: AsyncGridOut", _GRID_FILE),
    ),
)
