"""to_list(0) meant "everything" in Motor; PyMongo Async raises. It becomes to_list(None) (PMA106)."""
from pymongo.asynchronous.collection import AsyncCollection


async def everything(coll: AsyncCollection):
    first = await coll.find().to_list(0)
    second = await coll.find({"paid": True}).to_list(length=0)
    third = await coll.find().sort("_id").to_list(-1)
    fourth = await coll.find().to_list( 0 )
    return first, second, third, fourth
