"""Unsafe awaits (--unsafe-fixes): missing awaits (PMA201), async properties (PMA205), close (PMA206)."""
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
orders = client.shop.orders


async def place(order: dict) -> object:
    orders.insert_one(order)
    new_id = orders.insert_one(order).inserted_id
    if orders.count_documents({}) > 100:
        print("busy")
    name = orders.find_one({"_id": new_id})["name"]
    return new_id, name


async def topology() -> None:
    if client.is_primary:
        print(client.address)
    host, port = client.address


async def shutdown(session) -> None:
    client.close()


def sync_callback(doc: dict) -> None:
    # not in an async function: no fix, the diagnostic stays
    orders.insert_one(doc)
