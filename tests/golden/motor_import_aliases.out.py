"""Where renaming could change another name's meaning, the import keeps the old name as an alias."""
from pymongo import AsyncMongoClient as Client
from pymongo.asynchronous.collection import AsyncCollection as AsyncIOMotorCollection
from pymongo.asynchronous.database import AsyncDatabase as AsyncIOMotorDatabase

try:
    from pymongo.asynchronous.cursor import AsyncCursor as AsyncIOMotorCursor
except ImportError:  # optional dependency
    AsyncIOMotorCursor = None

try:
    import pymongo as motor
except ImportError:
    motor = None

__all__ = ["AsyncIOMotorCollection", "connect"]


def connect(uri: str) -> Client:
    if motor is None:
        raise RuntimeError("install motor")
    return Client(uri)


def orders(db: AsyncIOMotorDatabase) -> AsyncIOMotorCollection:
    return db.orders


def cursor_type():
    return AsyncIOMotorCursor


class AsyncDatabase:
    """A local class already named like PyMongo's: AsyncIOMotorDatabase cannot be renamed to it."""
