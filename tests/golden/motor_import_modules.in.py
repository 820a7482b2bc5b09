"""Motor reached through module objects: `motor.motor_asyncio.X` chains and module aliases."""
import asyncio
import motor.motor_asyncio
import motor.motor_asyncio as ma
from motor import motor_tornado


def make_client(uri: str) -> motor.motor_asyncio.AsyncIOMotorClient:
    return motor.motor_asyncio.AsyncIOMotorClient(uri)


def make_bucket(db: "motor.motor_asyncio.AsyncIOMotorDatabase") -> ma.AsyncIOMotorGridFSBucket:
    return ma.AsyncIOMotorGridFSBucket(db)


def legacy_client(uri: str):
    return motor_tornado.MotorClient(uri)


async def main() -> None:
    client: ma.AsyncIOMotorClient = make_client("mongodb://localhost")
    print(await client.server_info())


if __name__ == "__main__":
    asyncio.run(main())
