"""`# noqa` with flake8's semantics: bare, by code, by prefix; other codes still get fixed."""
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

client = AsyncMongoClient()


async def lists(coll: AsyncCollection):
    a = await coll.find().to_list(0)  # noqa
    b = await coll.find().to_list(0)  # noqa: PMA106
    c = await coll.find().to_list(0)  # noqa: PMA1
    d = await coll.find().to_list(None)  # noqa: PMA203
    e = await coll.find().to_list(0)  # NOQA:PMA106,E501
    f = await coll.find().to_list(None)
    return a, b, c, d, e, f
