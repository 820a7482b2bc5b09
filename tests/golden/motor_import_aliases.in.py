"""Where renaming could change another name's meaning, the import keeps the old name as an alias."""
from motor.motor_asyncio import AsyncIOMotorClient as Client
from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase

try:
    from motor.motor_asyncio import AsyncIOMotorCursor
except ImportError:  # optional dependency
    AsyncIOMotorCursor = None

try:
    import motor
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
