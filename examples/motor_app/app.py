"""HTTP entry point: Tornado handlers over the users repository."""
import json

import tornado.ioloop
import tornado.web
from bson import ObjectId
from motor.motor_asyncio import AsyncIOMotorClient

from . import db
from .users import UserRepository


class UserHandler(tornado.web.RequestHandler):
    async def get(self, email: str) -> None:
        repo: UserRepository = self.settings["users"]
        user = await repo.get(email)
        if user is None:
            raise tornado.web.HTTPError(404)
        await repo.touch(user["_id"])
        self.write(json.dumps(user, default=str))

    async def post(self, email: str) -> None:
        repo: UserRepository = self.settings["users"]
        body = json.loads(self.request.body)
        user_id = await repo.create(email, body["name"])
        self.set_status(201)
        self.write({"id": str(user_id)})


class AvatarHandler(tornado.web.RequestHandler):
    async def get(self, file_id: str) -> None:
        repo: UserRepository = self.settings["users"]
        self.set_header("Content-Type", "image/png")
        await repo.stream_avatar(ObjectId(file_id), self)


class ReportHandler(tornado.web.RequestHandler):
    async def get(self) -> None:
        repo: UserRepository = self.settings["users"]
        self.write({"signups": await repo.signups_per_day()})


def make_app(client: AsyncIOMotorClient) -> tornado.web.Application:
    users = UserRepository(client)
    return tornado.web.Application(
        [
            (r"/users/([^/]+)", UserHandler),
            (r"/avatars/([0-9a-f]{24})", AvatarHandler),
            (r"/reports/signups", ReportHandler),
        ],
        users=users,
    )


def main() -> None:
    client: AsyncIOMotorClient = db.connect(tornado.ioloop.IOLoop.current().asyncio_loop)
    loop = client.get_io_loop()
    loop.run_until_complete(db.ensure_indexes(db.get_database(client)))
    make_app(client).listen(8888)
    try:
        loop.run_forever()
    finally:
        loop.run_until_complete(db.shutdown(client))


if __name__ == "__main__":
    main()
