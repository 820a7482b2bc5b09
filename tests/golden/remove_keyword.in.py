"""io_loop= (PMA102) and connect= (PMA107) are removed with their comma, whatever the layout.

Only when the value has no side effects: a call, subscript or await in it stays until
--unsafe-fixes (remove_keyword_unsafe), since removing the argument would remove evaluating it.
"""
import asyncio

from pymongo import AsyncMongoClient
from pymongo.asynchronous.encryption import AsyncClientEncryption


def start_loop() -> asyncio.AbstractEventLoop:
    return asyncio.new_event_loop()


def clients(loop: asyncio.AbstractEventLoop, uri: str, key_vault, kms, codec_options, settings):
    a = AsyncMongoClient(uri, io_loop=loop)
    b = AsyncMongoClient(io_loop=loop, host=uri)
    c = AsyncMongoClient(uri, io_loop=loop, tz_aware=True)
    d = AsyncMongoClient(
        uri,
        io_loop=loop,
        serverSelectionTimeoutMS=5000,
    )
    e = AsyncMongoClient(
        uri,
        tz_aware=True,
        connect=True,
    )
    f = AsyncMongoClient(uri, connect=True, io_loop=loop)
    encryption = AsyncClientEncryption(kms, "keys.vault", a, codec_options, io_loop=loop)
    inert = AsyncMongoClient(uri, io_loop=settings.loop, connect=not settings.lazy)
    started = AsyncMongoClient(uri, io_loop=start_loop())
    looked_up = AsyncMongoClient(uri, connect=settings["connect"])
    return a, b, c, d, e, f, encryption, inert, started, looked_up
