"""Safe awaits: cursor coroutines used as cursors (PMA202) and start_transaction in async with (PMA204)."""
from pymongo import AsyncMongoClient

client = AsyncMongoClient()
orders = client.shop.orders


async def totals(pipeline: list) -> list:
    rows = await orders.aggregate(pipeline).to_list(None)
    async for index in orders.list_indexes():
        print(index)
    async with orders.watch() as stream:
        print(await stream.try_next())
    batched = orders.aggregate(pipeline).batch_size(100)
    return [rows, batched]


async def transfer(amount: int) -> None:
    async with client.start_session() as session:
        async with session.start_transaction():
            await orders.update_one({"_id": 1}, {"$inc": {"balance": -amount}}, session=session)
