"""Sync `with` on async objects (PMA302): `async with`, plus `await` for start_transaction()."""
import contextlib

from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def work() -> None:
    with client.start_session() as session:
        with session.start_transaction():
            await client.app.jobs.insert_one({}, session=session)
    with AsyncMongoClient() as scoped:
        print(scoped)
    with client.start_session() as other, contextlib.suppress(KeyError):
        print(other)  # mixes async and sync context managers: left to a person
