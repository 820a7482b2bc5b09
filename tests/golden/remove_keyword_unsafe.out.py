"""With --unsafe-fixes, io_loop= (PMA102) and connect= (PMA107) go even when evaluating their value
may have an effect (a call, a subscript, an await): that effect goes with them."""
import asyncio

from pymongo import AsyncMongoClient


def start_loop() -> asyncio.AbstractEventLoop:
    return asyncio.new_event_loop()


async def clients(uri: str, settings, pending):
    started = AsyncMongoClient(uri)
    looked_up = AsyncMongoClient(uri)
    awaited = AsyncMongoClient(uri, tz_aware=True)
    inert = AsyncMongoClient(uri)
    return started, looked_up, awaited, inert
