"""flake8-pymongo-async: find what breaks when Motor (or sync PyMongo) code moves to PyMongo Async."""
from __future__ import annotations

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("flake8-pymongo-async")
except PackageNotFoundError:  # running from a checkout that is not installed
    __version__ = "0.0.0"
