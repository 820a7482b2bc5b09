"""Without --unsafe-fixes only safe fixes apply: the missing awaits here stay as they are."""
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def fire_and_forget(doc: dict) -> None:
    client.app.events.insert_one(doc)
    for row in client.app.events.find():
        print(row)
    docs = await client.app.events.find().to_list(0)
    print(docs)
