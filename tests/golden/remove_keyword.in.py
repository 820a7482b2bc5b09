"""io_loop= (PMA102) and connect= (PMA107) are removed with their comma, whatever the layout."""
import asyncio

from pymongo import AsyncMongoClient
from pymongo.asynchronous.encryption import AsyncClientEncryption


def clients(loop: asyncio.AbstractEventLoop, uri: str, key_vault, kms, codec_options):
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
    return a, b, c, d, e, f, encryption
