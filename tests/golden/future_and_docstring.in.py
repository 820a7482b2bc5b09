#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Module docstring stays first, then `from __future__`; the rewritten import keeps its place."""
from __future__ import annotations

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorCollection

from pymongo import AsyncMongoClient


async def count(client: AsyncIOMotorClient, coll: AsyncIOMotorCollection) -> int:
    assert isinstance(client, AsyncMongoClient)
    return await coll.count_documents({})
