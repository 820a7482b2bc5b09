"""`await` binds looser than `.`, `[]` and `()` (PMA208)."""
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase


async def precedence(coll: AsyncCollection, db: AsyncDatabase, doc: dict):
    new_id = await coll.insert_one(doc).inserted_id
    name = await coll.find_one({"_id": new_id})["name"]
    ok = await db.command("ping")["ok"]
    label = await coll.find_one({}).get("label")
    return new_id, name, ok, label


async def bound_first(coll: AsyncCollection, doc: dict):
    pending = coll.insert_one(doc)
    return await pending.inserted_id
