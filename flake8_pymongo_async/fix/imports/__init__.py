"""The import fixes: Motor imports to PyMongo Async (PMA101) and names imported from the wrong
PyMongo module (PMA110).

A Motor import is rewritten together with every reference to what it bound, so the module keeps
working: ``AsyncIOMotorClient`` becomes ``AsyncMongoClient`` everywhere it refers to that import
(calls, annotations, string annotations, ``isinstance``), ``motor.motor_asyncio.X`` chains become
``pymongo.Y``, aliases the user chose are kept. Where a rename could change what another name
means (the new name is taken, the old one has other bindings, or it is exported in ``__all__``),
the import keeps the old name as an alias instead: ``from pymongo import AsyncMongoClient as
AsyncIOMotorClient``. New imports merge into an existing ``from pymongo import ...`` of the same
block without duplicates; everything else is written where the Motor import was, so ``from
__future__`` imports and the docstring stay first.

The Motor fix has four parts, one module each: ``entries`` analyses the import statements (what
each binds and what it becomes), ``renames`` chooses the new names and rewrites the references
(``references`` finds them), ``rewrite`` rewrites the statements (with ``needs``, which writes and
merges import statements), and ``motor`` resolves conflicts between statements (refusing one can
make another unsafe). ``moves`` is PMA110's fix.
"""
from __future__ import annotations

from .motor import plan_motor_imports
from .moves import plan_import_from

__all__ = ["plan_import_from", "plan_motor_imports"]
