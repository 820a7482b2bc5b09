"""PyMongo Async classes imported from modules that do not define them (PMA110)."""
from gridfs import AsyncGridFSBucket
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.cursor import AsyncCursor as Cursor


def describe(db: AsyncDatabase, coll: AsyncCollection, cursor: Cursor, bucket: AsyncGridFSBucket) -> str:
    return f"{db.name}.{coll.name} sorted {ASCENDING} {cursor} {bucket}"
