"""flake8-pymongo-async: find what breaks when Motor (or sync PyMongo) code moves to PyMongo Async."""
from __future__ import annotations

# The one place the version is written: pyproject.toml reads it from here (setuptools' `attr:`,
# read from the source without importing it). A constant, not importlib.metadata: flake8 imports
# the plugin in every process it starts, and looking the distribution up there cost 2 to 5 ms.
__version__ = "0.1.0"
