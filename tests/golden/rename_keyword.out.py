"""GridFS buckets: collection= became bucket_name= (PMA111)."""
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


def buckets():
    avatars = AsyncGridFSBucket(client.app, bucket_name="avatars")
    exports = AsyncGridFSBucket(
        client.app,
        bucket_name="exports",
        chunk_size_bytes=1024 * 1024,
    )
    return avatars, exports
