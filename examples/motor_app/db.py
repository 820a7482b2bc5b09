"""MongoDB access: one Motor client for the whole process, created at start-up."""
import asyncio
import os

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING
from pymongo.collection import AsyncCollection

MONGO_URI = os.environ.get("MONGO_URI", "mongodb://localhost:27017")
DB_NAME = os.environ.get("MONGO_DB", "shop")


def connect(loop: asyncio.AbstractEventLoop) -> AsyncIOMotorClient:
    return AsyncIOMotorClient(MONGO_URI, io_loop=loop, serverSelectionTimeoutMS=5000)


def get_database(client: AsyncIOMotorClient) -> AsyncIOMotorDatabase:
    return client[DB_NAME]


def events(db: AsyncIOMotorDatabase) -> AsyncCollection:
    return db.get_collection("events")


async def ensure_indexes(db: AsyncIOMotorDatabase) -> None:
    await db.users.create_index([("email", ASCENDING)], unique=True)
    await db.events.create_index([("user_id", ASCENDING), ("at", DESCENDING)])
    async for index in db.users.list_indexes():
        print("users index:", index["name"])


async def shutdown(client: AsyncIOMotorClient) -> None:
    client.close()
