"""io_loop= (PMA102) and connect= (PMA107) are removed with their comma, whatever the layout."""
import asyncio

from pymongo import AsyncMongoClient
from pymongo.asynchronous.encryption import AsyncClientEncryption


def clients(loop: asyncio.AbstractEventLoop, uri: str, key_vault, kms, codec_options):
    a = AsyncMongoClient(uri)
    b = AsyncMongoClient(host=uri)
    c = AsyncMongoClient(uri, tz_aware=True)
    d = AsyncMongoClient(
        uri,
        serverSelectionTimeoutMS=5000,
    )
    e = AsyncMongoClient(
        uri,
        tz_aware=True,
    )
    f = AsyncMongoClient(uri)
    encryption = AsyncClientEncryption(kms, "keys.vault", a, codec_options)
    return a, b, c, d, e, f, encryption
