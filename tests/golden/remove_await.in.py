"""`await` on calls that are sync under PyMongo Async (PMA203): removed, with redundant parentheses."""
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

client = AsyncMongoClient()


async def queries(coll: AsyncCollection):
    cursor = await coll.find({"paid": True})
    users = await client.app.get_collection("users")
    page = (await coll.find({})).sort("name").limit(10)
    async with await client.start_session() as session:
        await coll.insert_one({}, session=session)
    return cursor, users, page
