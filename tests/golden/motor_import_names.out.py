"""Users service on Motor: every reference to an imported Motor name is renamed."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo import ASCENDING, ReturnDocument, AsyncMongoClient

if TYPE_CHECKING:
    from pymongo.asynchronous.cursor import AsyncCursor

MONGO_URI = os.environ.get("MONGO_URI", "mongodb://localhost:27017")


class Users:
    client: AsyncMongoClient
    collection: "AsyncCollection"

    def __init__(self, client: Optional[AsyncMongoClient] = None) -> None:
        self.client = client or AsyncMongoClient(MONGO_URI)
        db: AsyncDatabase = self.client.app
        self.collection = db.users

    def recent(self, limit: int) -> "AsyncCursor":
        return self.collection.find().sort("created", ASCENDING).limit(limit)

    async def rename(self, user_id: str, name: str) -> Optional[dict]:
        return await self.collection.find_one_and_update(
            {"_id": user_id}, {"$set": {"name": name}}, return_document=ReturnDocument.AFTER
        )


def is_database(value: object) -> bool:
    return isinstance(value, AsyncDatabase)


def shadowed(AsyncIOMotorClient: str) -> str:
    # a parameter that happens to share the name: not the import, left alone
    return AsyncIOMotorClient.upper()
