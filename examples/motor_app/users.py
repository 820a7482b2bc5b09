"""The users repository: profiles, sign-ups, avatars."""
from datetime import datetime, timezone

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorGridFSBucket

from .db import DB_NAME


class UserRepository:
    def __init__(self, client: AsyncIOMotorClient) -> None:
        self.client = client
        self.db = client[DB_NAME]
        self.users = self.db.users
        self.avatars = AsyncIOMotorGridFSBucket(self.db, collection="avatars")

    async def create(self, email: str, name: str) -> object:
        doc = {"email": email, "name": name, "created": datetime.now(timezone.utc)}
        result = await self.users.insert_one(doc)
        # Analytics must never slow a sign-up down: fire and forget.
        self.db.events.insert_one({"type": "signup", "user_id": result.inserted_id})
        return result.inserted_id

    async def get(self, email: str) -> dict:
        return await self.users.find_one({"email": email}, {"password": 0})

    async def touch(self, user_id: object) -> None:
        self.users.update_one({"_id": user_id}, {"$set": {"seen": datetime.now(timezone.utc)}})

    async def page(self, skip: int, limit: int = 50) -> list:
        cursor = self.users.find({}, {"password": 0}).sort("name").skip(skip).limit(limit)
        return await cursor.to_list(length=limit)

    async def all_emails(self) -> list:
        cursor = self.users.find({}, {"email": 1, "_id": 0})
        return [doc["email"] for doc in await cursor.to_list(0)]

    async def inactive_since(self, cutoff: datetime) -> list:
        cursor = self.users.find({"seen": {"$lt": cutoff}})
        found = []
        while await cursor.fetch_next:
            doc = cursor.next_object()
            found.append(doc)
        return found

    async def signups_per_day(self) -> list:
        pipeline = [
            {"$match": {"created": {"$exists": True}}},
            {"$group": {"_id": {"$dateToString": {"format": "%Y-%m-%d", "date": "$created"}},
                        "n": {"$sum": 1}}},
            {"$sort": {"_id": 1}},
        ]
        return [row async for row in self.users.aggregate(pipeline)]

    async def rename(self, user_id: object, name: str) -> None:
        async with await self.client.start_session() as session:
            async with session.start_transaction():
                await self.users.update_one({"_id": user_id}, {"$set": {"name": name}}, session=session)
                await self.db.events.insert_one({"type": "rename", "user_id": user_id}, session=session)

    def export(self, write_row, done) -> None:
        def on_document(doc, error):
            if error:
                done.set_exception(error)
            elif doc is None:
                done.set_result(True)
            else:
                write_row([doc["_id"], doc["email"], doc["name"]])

        self.users.find({}, {"email": 1, "name": 1}).each(on_document)

    async def deleted_count(self) -> int:
        docs = await self.db.events.find({"type": "delete"}).to_list(length=0)
        return len(docs)

    async def save_avatar(self, user_id: object, data: bytes) -> object:
        file_id = await self.avatars.upload_from_stream(f"{user_id}.png", data)
        await self.users.update_one({"_id": user_id}, {"$set": {"avatar": file_id}})
        return file_id

    async def stream_avatar(self, file_id: object, handler) -> None:
        grid_out = await self.avatars.open_download_stream(file_id)
        await grid_out.stream_to_handler(handler)
