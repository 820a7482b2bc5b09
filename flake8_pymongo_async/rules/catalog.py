"""Every code of ../shared/reference/rules.md: name, message template and fix applicability.

The long-form docs (ruff's sections) live in ``docs_text.py`` and are attached here.
"""
from __future__ import annotations

from .docs_text import DOCS
from .registry import Docs, Rule, register


def _rule(code: str, name: str, fix: str, message: str) -> Rule:
    return register(Rule(code=code, name=name, message=message, fix=fix, docs=DOCS.get(code, Docs())))


# PMA1xx: Motor-only API, imports and constructor arguments
PMA101 = _rule("PMA101", "motor-import", "sometimes", "{detail}")
PMA102 = _rule(
    "PMA102", "io-loop-argument", "sometimes",
    "`io_loop=` passed to {callee}: PyMongo Async raises `{error}`; "
    "remove it (PyMongo Async uses the running event loop)",
)
PMA103 = _rule(
    "PMA103", "motor-io-loop-accessor", "none",
    "`{attr}` does not exist on PyMongo Async objects{silent}; use `asyncio.get_running_loop()`",
)
PMA104 = _rule(
    "PMA104", "motor-cursor-each", "none",
    "`cursor.each()` was removed: `AttributeError: ... object has no attribute 'each'`; "
    "iterate with `async for doc in cursor:` or `await cursor.to_list(None)`",
)
PMA105 = _rule(
    "PMA105", "motor-stream-to-handler", "none",
    "`stream_to_handler()` was removed from GridFS files; write the chunks yourself: "
    "`while chunk := await grid_out.readchunk(): ...`",
)
PMA106 = _rule(
    "PMA106", "to-list-zero-length", "safe",
    "`to_list({arg})` raises `ValueError: to_list() length must be greater than 0` under PyMongo Async "
    "(Motor returned `[]`); use `to_list(None)` for every document",
)
PMA107 = _rule(
    "PMA107", "connect-argument", "sometimes",
    "`connect=` is accepted and ignored by `AsyncMongoClient`; remove it and "
    "`await client.aconnect()` to connect eagerly",
)
PMA108 = _rule(
    "PMA108", "motor-fetch-next", "none",
    "`{attr}` was removed: `AttributeError: ... object has no attribute '{name}'`; "
    "use `async for doc in cursor:`",
)
PMA109 = _rule(
    "PMA109", "motor-delegate-access", "none",
    "`{attr}` is Motor-only{silent}; use the PyMongo Async object itself",
)
PMA110 = _rule(
    "PMA110", "nonexistent-async-import", "safe",
    "`{module}` does not define `{name}` (`ImportError`); import it from `{home}`",
)
PMA111 = _rule(
    "PMA111", "gridfs-bucket-collection-argument", "safe",
    "`collection=` was removed from the GridFS bucket constructor (`TypeError`); use `bucket_name=`",
)

# PMA2xx: await mistakes
PMA201 = _rule("PMA201", "missing-await", "unsafe", "{detail}")
PMA202 = _rule("PMA202", "unawaited-cursor-coroutine", "sometimes", "{detail}")
PMA203 = _rule("PMA203", "await-on-non-awaitable", "safe", "{detail}")
PMA204 = _rule("PMA204", "unawaited-start-transaction", "sometimes", "{detail}")
PMA205 = _rule("PMA205", "unawaited-async-property", "unsafe", "{detail}")
PMA206 = _rule("PMA206", "unawaited-close", "unsafe", "{detail}")
PMA207 = _rule("PMA207", "motor-future-api", "none", "{detail}")
PMA208 = _rule("PMA208", "await-precedence", "safe", "{detail}")

# PMA3xx: sync protocols on async objects
PMA301 = _rule("PMA301", "sync-iteration-over-async-cursor", "unsafe", "{detail}")
PMA302 = _rule("PMA302", "sync-with-on-async-object", "safe", "{detail}")
PMA303 = _rule("PMA303", "sync-next-on-async-cursor", "unsafe", "{detail}")
PMA304 = _rule("PMA304", "async-cursor-len-or-index", "none", "{detail}")

# PMA4xx: client lifetime, threads and event loops
PMA401 = _rule("PMA401", "async-client-shared-across-threads", "none", "{detail}")
PMA402 = _rule("PMA402", "async-client-shared-across-event-loops", "none", "{detail}")
PMA403 = _rule("PMA403", "client-created-per-request", "none", "{detail}")
PMA404 = _rule("PMA404", "sync-driver-call-in-async-function", "none", "{detail}")

# PMA5xx: GridFS behaviour changes
PMA501 = _rule("PMA501", "gridout-iteration-yields-lines", "none", "{detail}")
PMA502 = _rule("PMA502", "gridfs-find-items-not-subscriptable", "none", "{detail}")
