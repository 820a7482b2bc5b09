"""Motor reached through module objects: `motor.motor_asyncio.X` chains and module aliases."""
import asyncio
import pymongo.asynchronous.database
import pymongo as ma
import gridfs


def make_client(uri: str) -> pymongo.AsyncMongoClient:
    return pymongo.AsyncMongoClient(uri)


def make_bucket(db: "pymongo.asynchronous.database.AsyncDatabase") -> gridfs.AsyncGridFSBucket:
    return gridfs.AsyncGridFSBucket(db)


def legacy_client(uri: str):
    return pymongo.AsyncMongoClient(uri)


async def main() -> None:
    client: ma.AsyncMongoClient = make_client("mongodb://localhost")
    print(await client.server_info())


if __name__ == "__main__":
    asyncio.run(main())
