"""Sync iteration over async cursors (PMA301, --unsafe-fixes): `async for`, and list(c) -> to_list."""
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.cursor import AsyncCursor


async def iterate(coll: AsyncCollection, cursor: AsyncCursor):
    async for doc in coll.find({"paid": True}):
        print(doc)
    names = [doc["name"] async for doc in coll.find()]
    by_id = {doc["_id"]: doc async for doc in cursor}
    docs = await coll.find().to_list(None)
    first = (await cursor.to_list(None))[0]
    total = sum(doc["n"] for doc in coll.find())  # a generator expression: left to a person
    return names, by_id, docs, first, total
