"""Users service on Motor: every reference to an imported Motor name is renamed."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, ReturnDocument

if TYPE_CHECKING:
    from motor.motor_asyncio import AsyncIOMotorCursor

MONGO_URI = os.environ.get("MONGO_URI", "mongodb://localhost:27017")


class Users:
    client: AsyncIOMotorClient
    collection: "AsyncIOMotorCollection"

    def __init__(self, client: Optional[AsyncIOMotorClient] = None) -> None:
        self.client = client or AsyncIOMotorClient(MONGO_URI)
        db: AsyncIOMotorDatabase = self.client.app
        self.collection = db.users

    def recent(self, limit: int) -> "AsyncIOMotorCursor":
        return self.collection.find().sort("created", ASCENDING).limit(limit)

    async def rename(self, user_id: str, name: str) -> Optional[dict]:
        return await self.collection.find_one_and_update(
            {"_id": user_id}, {"$set": {"name": name}}, return_document=ReturnDocument.AFTER
        )


def is_database(value: object) -> bool:
    return isinstance(value, AsyncIOMotorDatabase)


def shadowed(AsyncIOMotorClient: str) -> str:
    # a parameter that happens to share the name: not the import, left alone
    return AsyncIOMotorClient.upper()
