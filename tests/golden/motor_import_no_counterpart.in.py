"""aiohttp GridFS handler: motor.aiohttp has no PyMongo Async counterpart, so the fixer leaves it."""
from aiohttp import web
from motor.aiohttp import AIOHTTPGridFS
from motor.motor_asyncio import AsyncIOMotorClient


def make_app() -> web.Application:
    client = AsyncIOMotorClient()
    app = web.Application()
    gridfs_handler = AIOHTTPGridFS(client.my_database)
    resource = app.router.add_resource("/fs/{filename}")
    resource.add_route("GET", gridfs_handler)
    return app
