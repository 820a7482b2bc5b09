"""Type aliases, pytest fixtures, FastAPI dependencies and framework state in the semantic model.

The fixture packages under tests/fixtures/packages/{aliases,conftest,app_state,aiohttp,depends}/
are checked here with a small in-test project view made from the summaries of the package's files
(each walked on its own, without a project); the project-wide harness checks them with the real index.
"""
from __future__ import annotations

import ast
import io
import re
import sys
import textwrap
import tokenize
from pathlib import Path
from types import MappingProxyType
from typing import Dict, Mapping, Optional, Set, Tuple

import pytest

from flake8_pymongo_async.reporter import Reporter
from flake8_pymongo_async.rules import registry
from flake8_pymongo_async.semantic.model import SemanticModel
from flake8_pymongo_async.semantic.project import NO_PROJECT, ProjectView
from flake8_pymongo_async.semantic.summary import ModuleSummary, ValueKind, ValueSummary, summarize
from flake8_pymongo_async.semantic.values import ClassRef, Obj, UserClass
from flake8_pymongo_async.settings import DEFAULT_SETTINGS

PACKAGES = Path(__file__).resolve().parent / "fixtures" / "packages"
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>PMA\d{3}(?:\s*,\s*PMA\d{3})*)\s*$")


def walk(source: str, project: ProjectView = NO_PROJECT, rules: bool = False) -> Tuple[SemanticModel, Reporter]:
    source = textwrap.dedent(source)
    reporter = Reporter()
    subscribers = [family() for family in registry.family_classes()] if rules else []
    model = SemanticModel(ast.parse(source), source.splitlines(keepends=True), DEFAULT_SETTINGS,
                          subscribers=subscribers, sink=reporter, project=project)
    model.run()
    return model, reporter


def codes(source: str, project: ProjectView = NO_PROJECT) -> Set[Tuple[int, str]]:
    _, reporter = walk(source, project, rules=True)
    return {(d.line, d.code) for d in reporter.diagnostics()}


# ---------------------------------------------------------------- an in-test project view
class PackageView(type(NO_PROJECT)):  # type: ignore[misc]  # no modules (no imports followed), but:
    """What the project index gives a module of a fixture package: conftest.py fixtures up its
    directory tree (nearest first) and the state every module stores (a key stored with different
    values is left out)."""

    def __init__(self, root: Path, path: Path, summaries: Mapping[Path, ModuleSummary]) -> None:
        self.root, self.path, self.summaries = root, path, summaries

    def fixtures(self) -> Mapping[str, ValueSummary]:
        found: Dict[str, ValueSummary] = {}
        folder = self.path.parent
        while True:
            summary = self.summaries.get(folder / "conftest.py")
            if summary is not None and folder / "conftest.py" != self.path:
                for name, value in summary.fixtures.items():
                    found.setdefault(name, value)
            if folder == self.root:
                return MappingProxyType(found)
            folder = folder.parent

    def app_state(self) -> Mapping[str, ValueSummary]:
        merged: Dict[str, Optional[ValueSummary]] = {}
        for summary in self.summaries.values():
            for key, value in summary.state.items():
                merged[key] = value if merged.get(key, value) == value else None
        return MappingProxyType({k: v for k, v in merged.items() if v is not None and v.kind is not ValueKind.UNKNOWN})


def package_findings(name: str) -> Tuple[Set[Tuple[str, int, str]], Set[Tuple[str, int, str]]]:
    """(expected, found) as (file, line, code) over every file of the package."""
    root = PACKAGES / name
    # conftest.py files first, outermost first: a conftest's fixtures may request those above it.
    files = sorted(root.rglob("*.py"), key=lambda p: (p.name != "conftest.py", len(p.parts), p))
    sources = {path: path.read_text(encoding="utf-8") for path in files}
    summaries: Dict[Path, ModuleSummary] = {}
    for path, source in sources.items():
        summaries[path] = summarize(walk(source, PackageView(root, path, dict(summaries)))[0])
    expected: Set[Tuple[str, int, str]] = set()
    found: Set[Tuple[str, int, str]] = set()
    for path, source in sources.items():
        rel = path.relative_to(root).as_posix()
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            match = _EXPECT.search(token.string) if token.type == tokenize.COMMENT else None
            if match:
                expected.update((rel, token.start[0], c.strip()) for c in match.group("codes").split(","))
        found.update((rel, line, code) for line, code in codes(source, PackageView(root, path, summaries)))
    return expected, found


@pytest.mark.parametrize("name", ["aliases", "conftest", "app_state", "aiohttp", "depends"])
def test_fixture_package(name: str) -> None:
    expected, found = package_findings(name)
    assert expected, "a package without must-fire lines tests nothing"
    assert sorted(expected - found) == [], "missed"
    assert sorted(found - expected) == [], "unexpected"


def test_the_package_lines_fire_only_with_the_project() -> None:
    """Without the project view the cross-module lines are missed: the packages test the view."""
    root = PACKAGES / "conftest" / "tests" / "test_users.py"
    assert (7, "PMA201") not in codes(root.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- aliases
ALIASES = textwrap.dedent("""
    from typing import Optional, Union, TypeAlias, Annotated
    import typing
    from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorCollection
    from pymongo import AsyncMongoClient, MongoClient
    from pymongo.asynchronous.collection import AsyncCollection

    Coll = AsyncIOMotorCollection
    Merged = Union[AsyncIOMotorClient, AsyncMongoClient]
    Mixed = Union[AsyncMongoClient, AsyncCollection]
    Declared: TypeAlias = AsyncCollection
    Maybe = Optional[Coll]
    Qualified = typing.Optional[AsyncCollection]
    Tagged = Annotated[Coll, "meta"]
    Sync = MongoClient
    WithUnknown = Union[AsyncCollection, Unknown]

    class Repo:
        pass

    Mine = Optional[Repo]
""")


def test_module_level_aliases_summarise_as_driver_classes() -> None:
    names = summarize(walk(ALIASES)[0]).names
    expect = {
        "Coll": ("motor", "collection"), "Merged": ("async", "client"), "Declared": ("async", "collection"),
        "Maybe": ("motor", "collection"), "Qualified": ("async", "collection"), "Tagged": ("motor", "collection"),
        "Sync": ("sync", "client"),
    }
    for name, (flavour, kind) in expect.items():
        assert names[name] == ValueSummary(ValueKind.DRIVER_CLASS, flavour=flavour, driver_kind=kind), name
    assert names["Mixed"].kind is ValueKind.UNKNOWN  # a client or a collection: unknown
    assert names["WithUnknown"].kind is ValueKind.UNKNOWN
    assert names["Mine"] == ValueSummary(ValueKind.CLASS, name="Repo")


@pytest.mark.parametrize("annotation, expected", [
    ("Coll", Obj("motor", "collection")),
    ("Merged", Obj("async", "client")),
    ("Union[AsyncIOMotorClient, AsyncMongoClient]", Obj("async", "client")),
    ("Declared", Obj("async", "collection")),
    ("Maybe", Obj("motor", "collection")),
    ("Optional[Coll]", Obj("motor", "collection")),
    ("'Optional[Coll]'", Obj("motor", "collection")),
    ("'AsyncIOMotorCollection'", Obj("motor", "collection")),
    ("\"'Coll'\"", Obj("motor", "collection")),
    ("Coll | None", Obj("motor", "collection")),
    ("Tagged", Obj("motor", "collection")),
    ("Annotated[Optional[Declared], 'x']", Obj("async", "collection")),
    ("Union[Coll, None]", Obj("motor", "collection")),
    ("Sync", Obj("sync", "client")),
    ("Mixed", None),
    ("Union[AsyncMongoClient, AsyncCollection]", None),
    ("WithUnknown", None),
    ("Optional[Unknown]", None),
    ("'not valid ['", None),
    ("list[Coll]", None),
    ("Annotated", None),
    ("None", None),
])
def test_parameter_annotations_through_aliases(annotation: str, expected: object) -> None:
    model, _ = walk(ALIASES + f"\nasync def f(x: {annotation}):\n    return x\n")
    body = model.tree.body[-1]  # type: ignore[attr-defined]
    assert model.value_of(body.body[0].value) == expected


def test_a_user_class_alias_gives_its_instances() -> None:
    model, _ = walk(ALIASES + "\ndef f(x: Mine):\n    return x\n")
    value = model.value_of(model.tree.body[-1].body[0].value)  # type: ignore[attr-defined]
    assert not isinstance(value, (Obj, ClassRef)) and type(value).__name__ == "Instance"


def test_a_class_nested_in_a_class_is_a_type_and_an_objects_attribute_is_not() -> None:
    source = ALIASES + textwrap.dedent("""
        class Types:
            Users = AsyncCollection
            client = AsyncMongoClient()

        async def f(a: Types.Users, b: "Types.Users", c: Types.client, d: Types.client.shop, e: helper.Users):
            a.insert_one({})
            b.insert_one({})
            c.insert_one({})
            d.insert_one({})
            e.insert_one({})
    """)
    fired = sorted(line for line, code in codes(source) if code == "PMA201")
    first = source.splitlines().index("    a.insert_one({})") + 1
    assert fired == [first, first + 1]


def test_an_alias_rebound_later_in_the_module_is_what_the_function_sees() -> None:
    source = ALIASES + "\nasync def f(x: Coll):\n    x.insert_one({})\n\nColl = Repo\n"
    assert codes(source) == {(4, "PMA101")}  # the motor import only
    assert isinstance(summarize(walk(source)[0]).names["Coll"], ValueSummary)
    assert summarize(walk(source)[0]).names["Coll"].kind is ValueKind.CLASS


def test_an_alias_is_a_class_value_and_calling_it_makes_an_object() -> None:
    model, _ = walk(ALIASES + "\nclient = Merged()\n")
    assert model.module_scope.env["client"] == Obj("async", "client")
    assert isinstance(model.module_scope.env["Mine"], UserClass)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the `type` statement is Python 3.12")
def test_the_type_statement() -> None:
    source = ALIASES + textwrap.dedent("""
        type Stmt = Optional[AsyncCollection]
        type Generic[T] = AsyncCollection
        type Forward = NotYet

        async def f(a: Stmt, b: Generic, c: Forward):
            a.insert_one({})
            b.insert_one({})
            c.insert_one({})
    """)
    model, _ = walk(source)
    names = summarize(model).names
    assert names["Stmt"] == ValueSummary(ValueKind.DRIVER_CLASS, flavour="async", driver_kind="collection")
    assert names["Generic"].kind is ValueKind.UNKNOWN  # its parameters could shadow any name
    assert names["Forward"].kind is ValueKind.UNKNOWN
    assert {code for _, code in codes(source)} == {"PMA101", "PMA201"}
    assert len([1 for _, code in codes(source) if code == "PMA201"]) == 1


# ---------------------------------------------------------------- fixtures
FIXTURES = textwrap.dedent("""
    import pytest
    import pytest_asyncio
    from pytest import fixture
    from pymongo import AsyncMongoClient

    @pytest.fixture
    def client():
        return AsyncMongoClient()

    @pytest_asyncio.fixture(scope="session")
    async def db(client):
        yield client.shop

    @fixture(name="users")
    async def users_fixture(db):
        return db.users

    @pytest.fixture()
    def sync_gen(db):
        yield db.orders
        db.orders.drop()

    def helper():
        return AsyncMongoClient()
""")


def test_a_modules_fixtures_are_summarised_by_name() -> None:
    fixtures = summarize(walk(FIXTURES)[0]).fixtures
    assert dict(fixtures) == {
        "client": ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="client"),
        "db": ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="database"),
        "users": ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="collection"),
        "sync_gen": ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="collection"),
    }


def test_only_functions_pytest_calls_receive_fixtures() -> None:
    source = FIXTURES + textwrap.dedent("""
        async def test_a(users):
            users.insert_one({})

        async def not_a_test(users):
            users.insert_one({})

        class TestX:
            async def test_m(self, users):
                users.insert_one({})

            async def helper(self, users):
                users.insert_one({})

        class Other:
            async def test_m(self, users):
                users.insert_one({})

        async def test_default(users=None):
            users.insert_one({})
    """)
    lines = source.splitlines()
    fired = {lines[line - 1].strip() and line for line, code in codes(source) if code == "PMA201"}
    test_a = lines.index("async def test_a(users):") + 2
    test_m = lines.index("    async def test_m(self, users):") + 2
    assert fired >= {test_a, test_m}
    assert len(fired) == 3  # + `db.orders.drop()` in the generator fixture


def test_a_fixture_cycle_is_unknown() -> None:
    source = """
        import pytest

        @pytest.fixture
        def a(b):
            return b

        @pytest.fixture
        def b(a):
            return a

        async def test_x(a):
            a.insert_one({})
    """
    model, _ = walk(source)
    unknown = ValueSummary(ValueKind.UNKNOWN)
    assert dict(summarize(model).fixtures) == {"a": unknown, "b": unknown}


def test_fixtures_from_the_project_and_the_module_wins() -> None:
    class View(PackageView):
        def __init__(self) -> None:
            pass

        def fixtures(self) -> Mapping[str, ValueSummary]:
            return {"coll": ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="collection"),
                    "mine": ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="collection"),
                    "func": ValueSummary(ValueKind.FUNCTION, name="f")}

        def app_state(self) -> Mapping[str, ValueSummary]:
            return {}

    source = """
        import pytest

        @pytest.fixture
        def mine():
            return object()

        async def test_x(coll, mine, func):
            coll.insert_one({})
            mine.insert_one({})
            func.insert_one({})
    """
    assert codes(source, View()) == {(9, "PMA201")}
    assert codes(source) == set()


# ---------------------------------------------------------------- state
def test_state_stores_are_summarised_by_key() -> None:
    source = """
        from pymongo import AsyncMongoClient
        client = AsyncMongoClient()
        app.state.mongo = client
        app.state.conf = {}
        app["db"] = client.shop
        app[key] = client
        if False:
            app.state.dead = client

        async def startup(request):
            request.app.state.db = client.shop
            request.app.state.db = client.other
            request.app.state.mixed = client
            request.app.state.mixed = client.shop

        class Holder:
            def __init__(self):
                self.state.mongo = 1
    """
    state = dict(summarize(walk(source)[0]).state)
    db = ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="database")
    assert state == {
        "state.mongo": ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="client"),
        "state.conf": ValueSummary(ValueKind.UNKNOWN),
        "item:db": db,
        "state.db": db,
        "state.mixed": ValueSummary(ValueKind.UNKNOWN),
    }


def test_state_reads_need_a_store_and_an_application_like_owner() -> None:
    source = """
        from pymongo import AsyncMongoClient
        client = AsyncMongoClient()
        app.state.mongo = client
        app["mongo"] = client

        async def reads(request, websocket):
            request.app.state.mongo.close()
            websocket.app.state.mongo.close()
            app.state.mongo.close()
            request.app["mongo"].close()
            request.config_dict["mongo"].close()
            app["mongo"].close()
            request.app.state.other.close()
            request.app["other"].close()
            request.app[name].close()
            request.app.state["mongo"].close()
            request.session["mongo"].close()
            client.state.mongo
            client["mongo"].close()
    """
    assert codes(source) == {(line, "PMA206") for line in range(8, 14)}


def test_a_plain_names_item_sees_only_this_modules_stores() -> None:
    """`doc["_id"]` is as common as any dict's item: it never asks the project (which would summarise
    every module for it), and a key this module did not store stays unknown."""
    class Counting(PackageView):
        def __init__(self) -> None:
            self.asked = 0

        def fixtures(self) -> Mapping[str, ValueSummary]:
            return {}

        def app_state(self) -> Mapping[str, ValueSummary]:
            self.asked += 1
            return {"item:db": ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="database")}

    view = Counting()
    plain = """
        async def handler(doc, app):
            doc["_id"].close()
            app["db"].users.insert_one({})
    """
    assert codes(plain, view) == set() and view.asked == 0
    assert codes("async def handler(request):\n    request.app['db'].users.insert_one({})\n", view) == {(2, "PMA201")}
    assert view.asked == 1
