"""PyMongo Async classes imported from modules that do not define them (PMA110)."""
from gridfs.grid_file import AsyncGridFSBucket
from pymongo import ASCENDING, AsyncDatabase
from pymongo.collection import AsyncCollection
from pymongo.cursor import AsyncCursor as Cursor


def describe(db: AsyncDatabase, coll: AsyncCollection, cursor: Cursor, bucket: AsyncGridFSBucket) -> str:
    return f"{db.name}.{coll.name} sorted {ASCENDING} {cursor} {bucket}"
