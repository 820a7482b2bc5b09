"""aiohttp GridFS handler: motor.aiohttp has no PyMongo Async counterpart, so the fixer leaves it."""
from aiohttp import web
from motor.aiohttp import AIOHTTPGridFS
from pymongo import AsyncMongoClient


def make_app() -> web.Application:
    client = AsyncMongoClient()
    app = web.Application()
    gridfs_handler = AIOHTTPGridFS(client.my_database)
    resource = app.router.add_resource("/fs/{filename}")
    resource.add_route("GET", gridfs_handler)
    return app
