"""Passages that several rules' documentation shares, each written once.

A rule's Markdown includes one with the marker ``{{name}}`` on a line of its own (see
``registry.expand_markers``); a marker naming no passage here fails when the rule is defined.
"""
from __future__ import annotations

from typing import Mapping

PASSAGES: Mapping[str, str] = {
    # ## Options of every rule that reports only objects known to come from the driver.
    "extra-factories": """
`--pma-extra-factories`: names of your own functions whose call returns an async client, database or
collection, as `kind:name` pairs (for example `collection:app.db.get_users`), or of module-level
objects that are one (`client:app.db.client`: the name `client` of module `app.db`, wherever it is
imported). The rule fires only on objects known to come from the driver; a value returned by a
helper the linter cannot see is unknown, and unknown stays silent until the helper is listed here.
""",
    # A `Use instead:` block: iterating a cursor with `async for`.
    "print-users-async-for": """
```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def print_users():
    async for user in client.app.users.find():
        print(user["name"])
```
""",
    # A `Use instead:` block: a session entered with `async with`, without awaiting `start_session()`.
    "rename-user-in-session": """
```python
from pymongo import AsyncMongoClient

client = AsyncMongoClient()


async def rename_user(user_id, name):
    async with client.start_session() as session:
        await client.app.users.update_one(
            {"_id": user_id}, {"$set": {"name": name}}, session=session
        )
```
""",
}
