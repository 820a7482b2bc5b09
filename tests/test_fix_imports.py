"""The Motor-import fix in detail: which references are renamed, when the old name is kept as an
alias, merging and de-duplication of imports, and the cases left to a person (with a reason)."""
from __future__ import annotations

import ast
import textwrap

from flake8_pymongo_async.fix.engine import fix_text


def fixed(source: str, **kwargs) -> str:
    result = fix_text(textwrap.dedent(source).lstrip("\n"), **kwargs)
    assert result.error is None, result.error
    ast.parse(result.text)
    assert fix_text(result.text, **kwargs).text == result.text  # a fixed point
    return result.text


def reasons(source: str):
    result = fix_text(textwrap.dedent(source).lstrip("\n"))
    return [r.reason for r in result.refusals if r.diagnostic.code == "PMA101"]


def test_scopes_decide_which_names_are_renamed():
    out = fixed('''
        from motor.motor_asyncio import AsyncIOMotorClient


        class Holder:
            AsyncIOMotorClient = None  # a class attribute of the same name
            used_here = AsyncIOMotorClient  # the class attribute, not the import

            def method(self):
                return AsyncIOMotorClient()  # methods skip the class scope: the import


        def local():
            AsyncIOMotorClient = dict  # a local
            return AsyncIOMotorClient()


        names = [AsyncIOMotorClient for AsyncIOMotorClient in range(3)]
        client = AsyncIOMotorClient()
    ''')
    assert out == textwrap.dedent('''
        from pymongo import AsyncMongoClient


        class Holder:
            AsyncIOMotorClient = None  # a class attribute of the same name
            used_here = AsyncIOMotorClient  # the class attribute, not the import

            def method(self):
                return AsyncMongoClient()  # methods skip the class scope: the import


        def local():
            AsyncIOMotorClient = dict  # a local
            return AsyncIOMotorClient()


        names = [AsyncIOMotorClient for AsyncIOMotorClient in range(3)]
        client = AsyncMongoClient()
    ''').lstrip("\n")


def test_new_name_taken_in_an_inner_scope_keeps_an_alias():
    out = fixed('''
        from motor.motor_asyncio import AsyncIOMotorClient


        def build(AsyncMongoClient):
            return AsyncIOMotorClient(), AsyncMongoClient
    ''')
    assert out.startswith("from pymongo import AsyncMongoClient as AsyncIOMotorClient\n")
    assert "return AsyncIOMotorClient(), AsyncMongoClient" in out


def test_global_rebinding_keeps_an_alias():
    out = fixed('''
        from motor.motor_asyncio import AsyncIOMotorClient


        def swap():
            global AsyncIOMotorClient
            AsyncIOMotorClient = object
    ''')
    assert out.startswith("from pymongo import AsyncMongoClient as AsyncIOMotorClient\n")


def test_existing_pymongo_import_is_not_duplicated():
    out = fixed('''
        from pymongo import AsyncMongoClient, MongoClient
        from motor.motor_asyncio import AsyncIOMotorClient

        a = AsyncIOMotorClient()
        b = AsyncMongoClient()
    ''')
    assert out == ("from pymongo import AsyncMongoClient, MongoClient\n\n"
                   "a = AsyncMongoClient()\nb = AsyncMongoClient()\n")


def test_merges_into_a_parenthesized_import_with_a_trailing_comma():
    out = fixed('''
        from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
        from pymongo import (
            ASCENDING,
            DESCENDING,
        )

        x = AsyncIOMotorClient, AsyncIOMotorDatabase, ASCENDING, DESCENDING
    ''')
    assert out == textwrap.dedent('''
        from pymongo.asynchronous.database import AsyncDatabase
        from pymongo import (
            ASCENDING,
            DESCENDING,
            AsyncMongoClient,
        )

        x = AsyncMongoClient, AsyncDatabase, ASCENDING, DESCENDING
    ''').lstrip("\n")


def test_import_inside_a_function_is_rewritten_in_place():
    out = fixed('''
        def make(uri):
            from motor.motor_asyncio import AsyncIOMotorClient
            return AsyncIOMotorClient(uri)


        AsyncIOMotorClient = "unrelated module-level name"
    ''')
    assert "    from pymongo import AsyncMongoClient\n    return AsyncMongoClient(uri)\n" in out
    assert 'AsyncIOMotorClient = "unrelated module-level name"' in out


def test_string_annotations_and_chains_inside_them():
    out = fixed('''
        from typing import List, Optional, cast
        import motor.motor_asyncio
        from motor.motor_asyncio import AsyncIOMotorCursor


        def f(a: Optional["AsyncIOMotorCursor"],
              b: "List[AsyncIOMotorCursor]") -> "motor.motor_asyncio.AsyncIOMotorClient":
            c = cast("AsyncIOMotorCursor", a)
            note = "AsyncIOMotorCursor is not an annotation here"
            return c, note
    ''')
    assert 'a: Optional["AsyncCursor"],\n      b: "List[AsyncCursor]") -> "pymongo.AsyncMongoClient"' in out
    assert 'cast("AsyncCursor", a)' in out
    assert '"AsyncIOMotorCursor is not an annotation here"' in out
    assert out.startswith("from typing import List, Optional, cast\nimport pymongo\n"
                          "from pymongo.asynchronous.cursor import AsyncCursor\n")


def test_noqa_on_the_import_keeps_the_import_and_its_references():
    source = '''
        from motor.motor_asyncio import AsyncIOMotorClient  # noqa: PMA101

        client = AsyncIOMotorClient()
    '''
    assert fixed(source) == textwrap.dedent(source).lstrip("\n")


def test_unused_module_import_becomes_the_pymongo_module():
    assert fixed("import motor.motor_asyncio\n") == "import pymongo\n"
    assert fixed("import motor.motor_gridfs as mg\n") == "import gridfs as mg\n"


def test_a_module_attribute_without_counterpart_is_refused_with_a_reason():
    source = '''
        import motor

        print(motor.version)
    '''
    assert fixed(source) == textwrap.dedent(source).lstrip("\n")
    assert reasons(source) == ["`motor.version` (line 3) has no PyMongo Async counterpart"]


def test_alone_in_a_block_and_duplicated_still_leaves_a_statement():
    out = fixed('''
        from typing import TYPE_CHECKING
        from pymongo import AsyncMongoClient

        if TYPE_CHECKING:
            from motor.motor_asyncio import AsyncIOMotorClient

        def f(c: "AsyncIOMotorClient") -> AsyncMongoClient:
            return c
    ''')
    assert "if TYPE_CHECKING:\n    from pymongo import AsyncMongoClient\n" in out
    assert 'def f(c: "AsyncMongoClient")' in out


def test_statement_sharing_its_line():
    out = fixed('''
        import os; from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
        from pymongo import AsyncMongoClient
        x = os, AsyncIOMotorClient, AsyncIOMotorDatabase
    ''')
    assert out == ("import os; from pymongo.asynchronous.database import AsyncDatabase\n"
                   "from pymongo import AsyncMongoClient\nx = os, AsyncMongoClient, AsyncDatabase\n")
    out = fixed('''
        import os; from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
        x = os, AsyncIOMotorClient, AsyncIOMotorDatabase
    ''')
    assert out.startswith("import os; from pymongo import AsyncMongoClient; "
                          "from pymongo.asynchronous.database import AsyncDatabase\n")


def test_crlf_rewrite_uses_crlf_for_new_lines():
    source = ("from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase\r\n"
              "x = AsyncIOMotorClient\r\n")
    result = fix_text(source)
    assert result.text == ("from pymongo import AsyncMongoClient\r\n"
                           "from pymongo.asynchronous.database import AsyncDatabase\r\n"
                           "x = AsyncMongoClient\r\n")


def test_tornado_and_core_names():
    out = fixed('''
        from motor.motor_tornado import MotorClient, MotorGridFSBucket
        from motor.core import AgnosticCollection

        def f(c: AgnosticCollection) -> MotorGridFSBucket:
            return MotorClient()
    ''')
    assert out.startswith("from pymongo import AsyncMongoClient\nfrom gridfs import AsyncGridFSBucket\n"
                          "from pymongo.asynchronous.collection import AsyncCollection\n")
    assert "def f(c: AsyncCollection) -> AsyncGridFSBucket:\n    return AsyncMongoClient()" in out


def test_import_from_moves_names_and_merges():
    out = fixed('''
        from pymongo.asynchronous.collection import ReturnDocument
        from pymongo.collection import AsyncCollection, ReturnDocument as RD
    ''')
    assert out == ("from pymongo.asynchronous.collection import ReturnDocument, AsyncCollection\n"
                   "from pymongo.collection import ReturnDocument as RD\n")
