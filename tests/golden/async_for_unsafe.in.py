"""Sync iteration over async cursors (PMA301, --unsafe-fixes): `async for`, and list(c) -> to_list."""
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.cursor import AsyncCursor


async def iterate(coll: AsyncCollection, cursor: AsyncCursor):
    for doc in coll.find({"paid": True}):
        print(doc)
    names = [doc["name"] for doc in coll.find()]
    by_id = {doc["_id"]: doc for doc in cursor}
    docs = list(coll.find())
    first = list(cursor)[0]
    total = sum(doc["n"] for doc in coll.find())  # a generator expression: left to a person
    return names, by_id, docs, first, total
