"""next() on async cursors and StopIteration around cursor.next() (PMA303, --unsafe-fixes)."""
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.cursor import AsyncCursor


async def first_rows(coll: AsyncCollection, cursor: AsyncCursor):
    first = next(cursor)
    newest = next(coll.find().sort("created", -1), None)
    name = next(cursor)["name"]
    try:
        doc = await cursor.next()
    except StopIteration:
        doc = None
    return first, newest, name, doc
