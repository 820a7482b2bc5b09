"""Unsafe awaits (--unsafe-fixes): missing awaits (PMA201), async properties (PMA205), close (PMA206)."""
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
orders = client.shop.orders


async def place(order: dict) -> object:
    await orders.insert_one(order)
    new_id = (await orders.insert_one(order)).inserted_id
    if await orders.count_documents({}) > 100:
        print("busy")
    name = (await orders.find_one({"_id": new_id}))["name"]
    return new_id, name


async def topology() -> None:
    if await client.is_primary:
        print(await client.address)
    host, port = await client.address


async def shutdown(session) -> None:
    await client.close()


def sync_callback(doc: dict) -> None:
    # not in an async function: no fix, the diagnostic stays
    orders.insert_one(doc)
