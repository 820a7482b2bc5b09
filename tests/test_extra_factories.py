"""--pma-extra-factories: a user's helper that returns a driver object counts as evidence."""
import ast
import textwrap

from flake8_pymongo_async.checker import check
from flake8_pymongo_async.settings import Settings

SOURCE = textwrap.dedent(
    """
    import app.db
    from app.db import get_users

    async def handler():
        for doc in get_users().find():
            print(doc)
        for doc in app.db.get_users().find():
            print(doc)
        for doc in make_db().users.find():
            print(doc)
        for doc in unrelated().find():
            print(doc)
    """
)


def codes(settings: Settings):
    return [(d.line, d.code) for d in check(ast.parse(SOURCE), SOURCE.splitlines(True), settings)]


def test_without_the_option_unknown_helpers_stay_silent():
    assert codes(Settings()) == []


def test_configured_factories_are_evidence_imported_dotted_and_bare():
    settings = Settings(extra_factories=frozenset({"collection:app.db.get_users", "database:make_db"}))
    assert codes(settings) == [(6, "PMA301"), (8, "PMA301"), (10, "PMA301")]
