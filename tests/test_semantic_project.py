"""The semantic model reads other modules of the project through a ProjectView.

The view here is test-only and small: module sources by dotted name, each summarised at most once
by walking it with a view of its own (so its imports resolve too), a module being summarised is
unknown to the modules it imports (a cycle ends there). The fixture packages under
tests/fixtures/packages/ are checked file by file with the real rules and such a view: every line
ending in `# expect: CODE[, CODE]` must report those codes, every other line nothing.
"""
from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from pathlib import Path
from types import MappingProxyType
from typing import Dict, List, Mapping, Optional, Set, Tuple

import pytest

from flake8_pymongo_async import config
from flake8_pymongo_async.checker import _families
from flake8_pymongo_async.reporter import Reporter
from flake8_pymongo_async.semantic.model import SemanticModel
from flake8_pymongo_async.semantic.project import NO_PROJECT
from flake8_pymongo_async.semantic.external import absolute_module
from flake8_pymongo_async.semantic.summary import ModuleSummary, ValueKind, ValueSummary, summarize
from flake8_pymongo_async.semantic.values import (Awaitable, ClassRef, ExternalClass, ExternalFunction,
                                                  ExternalInstance, ExternalModule, Obj, Value)
from flake8_pymongo_async.settings import DEFAULT_SETTINGS, Settings

PACKAGES = Path(__file__).resolve().parent / "fixtures" / "packages"
EMPTY: Mapping[str, ValueSummary] = MappingProxyType({})


class Project:
    """Sources by dotted module name (`pkg` for pkg/__init__.py); summaries made on demand."""

    def __init__(self, sources: Mapping[str, str], settings: Settings = DEFAULT_SETTINGS) -> None:
        self.sources = {name: textwrap.dedent(text) for name, text in sources.items()}
        self.packages = {name for name in self.sources if any(o.startswith(name + ".") for o in self.sources)}
        self.settings = settings
        self.summaries: Dict[str, Optional[ModuleSummary]] = {}
        self.in_progress: Set[str] = set()
        self.walks: List[str] = []  # every module summarised, in order (each at most once)

    def view(self, name: str) -> "View":
        return View(self, name)

    def summary(self, name: str) -> Optional[ModuleSummary]:
        if name in self.summaries:
            return self.summaries[name]
        if name in self.in_progress or name not in self.sources:
            return None  # a cycle, or not a module of the project: unknown
        self.in_progress.add(name)
        try:
            source = self.sources[name]
            try:
                tree = ast.parse(source)
            except SyntaxError:
                result: Optional[ModuleSummary] = None
            else:
                model = SemanticModel(tree, source.splitlines(True), self.settings, subscribers=(),
                                      sink=Reporter(), project=self.view(name))
                model.run()
                result = summarize(model)
            self.walks.append(name)
        finally:
            self.in_progress.discard(name)
        self.summaries[name] = result
        return result

    def model(self, name: str, subscribers: Tuple[object, ...] = ()) -> Tuple[SemanticModel, Reporter]:
        source = self.sources[name]
        reporter = Reporter()
        model = SemanticModel(ast.parse(source), source.splitlines(True), self.settings,
                              subscribers=subscribers, sink=reporter, project=self.view(name))
        model.run()
        return model, reporter

    def findings(self, name: str) -> List[Tuple[int, str]]:
        _, reporter = self.model(name, tuple(_families()))
        return sorted((d.line, d.code) for d in reporter.diagnostics())


class View:
    def __init__(self, project: Project, name: str) -> None:
        self._project = project
        self._name = name

    @property
    def package(self) -> Optional[str]:
        if self._name in self._project.packages:
            return self._name
        return self._name.rpartition(".")[0]

    def module(self, name: str) -> Optional[ModuleSummary]:
        return self._project.summary(name)

    def fixtures(self) -> Mapping[str, ValueSummary]:
        return EMPTY

    def app_state(self) -> Mapping[str, ValueSummary]:
        return EMPTY


def value_at(project: Project, module: str, name: str, line: int = 0) -> Value:
    """The value of the module-level `name` at the end of `module` (or of the expression statement
    on `line`)."""
    model, _ = project.model(module)
    if not line:
        return model.module_scope.env.get(name)
    for node in ast.walk(model.tree):
        if isinstance(node, ast.Expr) and node.lineno == line:
            return model.value_of(node.value)
    raise AssertionError(f"no expression statement on line {line}")


DB = """
    from pymongo import AsyncMongoClient

    client = AsyncMongoClient()
    db = client.shop
    users = db.users


    def get_orders():
        return db.orders


    async def find_user(uid):
        return await users.find_one({"_id": uid})
"""


# ---------------------------------------------------------------- import forms
@pytest.mark.parametrize("source, expected", [
    ("from app.db import users", Obj("async", "collection")),
    ("from app.db import users as u\nusers = u", Obj("async", "collection")),
    ("from app import db\nusers = db.users", Obj("async", "collection")),
    ("import app.db as d\nusers = d.users", Obj("async", "collection")),
    ("import app.db\nusers = app.db.users", Obj("async", "collection")),
    ("from .db import users", Obj("async", "collection")),
    ("from . import db\nusers = db.users", Obj("async", "collection")),
    ("from app.db import client as users", Obj("async", "client")),
    ("from app.db import get_orders\nusers = get_orders()", Obj("async", "collection")),
    ("from app.db import AsyncMongoClient as users", ClassRef("async", "client")),
])
def test_import_forms_reach_the_other_modules_names(source, expected):
    project = Project({"app": "", "app.db": DB, "app.main": source})
    assert value_at(project, "app.main", "users") == expected


def test_relative_imports_climb_packages():
    project = Project({"app": "", "app.db": DB, "app.routers": "", "app.routers.users": """
        from ..db import users
        from .. import db
        coll = db.users
    """})
    assert value_at(project, "app.routers.users", "users") == Obj("async", "collection")
    assert value_at(project, "app.routers.users", "coll") == Obj("async", "collection")


def test_absolute_module_of_relative_imports():
    assert absolute_module(0, "app.db", None) == "app.db"
    assert absolute_module(1, "db", "app") == "app.db"
    assert absolute_module(2, None, "app.routers") == "app"
    assert absolute_module(2, "db", "app.routers") == "app.db"
    assert absolute_module(1, None, "") is None  # `from . import x` at the top of a source root
    assert absolute_module(1, "db", "") == "db"
    assert absolute_module(3, "db", "app") is None  # climbs above the root
    assert absolute_module(1, "db", None) is None  # place unknown


def test_async_function_of_another_module_gives_an_awaitable_of_its_result():
    project = Project({"app": "", "app.db": DB, "app.main": """
        from app.db import find_user
        coro = find_user(1)
    """})
    value = value_at(project, "app.main", "coro")
    assert isinstance(value, Awaitable)
    assert value.result is None  # find_one gives a document: not a driver object
    assert value_at(project, "app.main", "find_user") == ExternalFunction("app.db", "find_user")


def test_library_modules_stay_first_and_unknown_modules_stay_unknown():
    project = Project({"pymongo": "x = 1", "app": "", "app.db": DB, "app.main": """
        from pymongo import AsyncMongoClient
        from app.missing import users
        from app.db import nothing_here
        import app.nothing
        import requests
        from app.db import *
    """})
    assert value_at(project, "app.main", "AsyncMongoClient") == ClassRef("async", "client")
    for name in ("users", "nothing_here", "requests", "client"):
        assert value_at(project, "app.main", name) is None, name
    assert value_at(project, "app.main", "app") == ExternalModule("app")
    assert value_at(project, "app.main", "nothing_here") is None


def test_without_a_project_first_party_imports_stay_unknown():
    source = "from app.db import users\nfrom .db import client\nimport app.db\n"
    model = SemanticModel(ast.parse(source), source.splitlines(True), DEFAULT_SETTINGS, subscribers=(),
                          sink=Reporter())
    assert model.project is NO_PROJECT
    model.run()
    assert [model.module_scope.env[n] for n in ("users", "client", "app")] == [None, None, None]


def test_an_import_cycle_is_unknown_and_ends():
    project = Project({
        "a": "from b import thing\nfrom pymongo import AsyncMongoClient\nclient = AsyncMongoClient()\n",
        "b": "from a import client\nthing = client.db.things\n",
    })
    summary = project.summary("a")
    # b is summarised while a is being summarised: a is unknown to it, so `thing` is unknown in both.
    assert summary is not None and summary.names["thing"].kind is ValueKind.UNKNOWN
    assert summary.names["client"].kind is ValueKind.DRIVER_OBJECT
    assert project.walks == ["b", "a"]  # each summarised once, the inner one first
    # Checking b afterwards: a's summary (made once) knows its client.
    assert value_at(project, "b", "thing") == Obj("async", "collection")


def test_a_syntax_error_in_another_module_is_unknown():
    project = Project({"app": "", "app.db": "def (:\n", "app.main": "from app.db import users\n"})
    assert value_at(project, "app.main", "users") is None


def test_a_shadowed_module_level_name_is_what_it_is_at_the_end():
    project = Project({"app": "", "app.db": DB + "\nusers = {}\n", "app.main": "from app.db import users\n"})
    assert value_at(project, "app.main", "users") is None


# ---------------------------------------------------------------- re-exports, classes, summaries
def test_reexports_keep_the_defining_module():
    project = Project({
        "shop": "from .db import Repo, make_repo\nfrom .db import orders\n",
        "shop.db": """
            from pymongo import AsyncMongoClient
            orders = AsyncMongoClient().shop.orders

            class Repo:
                def __init__(self):
                    self.coll = orders

            def make_repo() -> Repo:
                return Repo()
        """,
        "shop.api": "from shop import Repo, make_repo, orders\nrepo = make_repo()\ncoll = repo.coll\n",
    })
    summary = project.summary("shop")
    assert summary is not None
    assert summary.names["Repo"] == ValueSummary(ValueKind.CLASS, name="Repo", module="shop.db")
    assert summary.names["make_repo"] == ValueSummary(ValueKind.FUNCTION, name="make_repo", module="shop.db")
    assert value_at(project, "shop.api", "Repo") == ExternalClass("shop.db", "Repo")
    assert value_at(project, "shop.api", "repo") == ExternalInstance("shop.db", "Repo")
    assert value_at(project, "shop.api", "coll") == Obj("async", "collection")
    assert value_at(project, "shop.api", "orders") == Obj("async", "collection")


def test_attributes_follow_bases_across_modules_and_properties():
    project = Project({
        "repo": "",
        "repo.base": """
            from pymongo.asynchronous.database import AsyncDatabase

            class Repository:
                def __init__(self, db: AsyncDatabase, name: str):
                    self.collection = db[name]

                @property
                def database(self) -> AsyncDatabase:
                    return self.collection.database
        """,
        "repo.orders": """
            from repo import base

            class OrdersRepository(base.Repository):
                def count(self):
                    return self.collection.count_documents({})

            class Unknown(SomethingElse, base.Repository):
                pass
        """,
        "repo.main": """
            from repo.orders import OrdersRepository, Unknown
            r = OrdersRepository(None, "orders")
            coll = r.collection
            db = r.database
            pending = r.count()
            lost = Unknown().collection
        """,
    })
    assert value_at(project, "repo.main", "coll") == Obj("async", "collection")
    assert value_at(project, "repo.main", "db") == Obj("async", "database")
    assert isinstance(value_at(project, "repo.main", "pending"), Awaitable) is False
    assert value_at(project, "repo.main", "lost") is None  # an unknown base comes first


def test_a_cycle_of_base_classes_across_modules_ends():
    a = ValueSummary(ValueKind.CLASS, name="A", module="a")
    b = ValueSummary(ValueKind.CLASS, name="B", module="b")

    class Cyclic(View):
        def module(self, name: str) -> Optional[ModuleSummary]:
            from flake8_pymongo_async.semantic.summary import ClassSummary
            cls, base, other = ("A", "B", b) if name == "a" else ("B", "A", a)
            return ModuleSummary(
                names=MappingProxyType({cls: ValueSummary(ValueKind.CLASS, name=cls), base: other}),
                functions=MappingProxyType({}),
                classes=MappingProxyType({cls: ClassSummary(cls, 1, (base,), MappingProxyType({}),
                                                            MappingProxyType({}))}))

    project = Project({"main": "from a import A\nx = A().anything\n"})
    source = project.sources["main"]
    model = SemanticModel(ast.parse(source), source.splitlines(True), DEFAULT_SETTINGS, subscribers=(),
                          sink=Reporter(), project=Cyclic(project, "main"))
    model.run()
    assert model.module_scope.env["A"] == ExternalClass("a", "A")
    assert model.module_scope.env["x"] is None


ORDER_BUG = """
from pymongo import AsyncMongoClient


class Service:
    uri = "mongodb://localhost"

    def setup(self):
        self.client = AsyncMongoClient(self.uri)

    async def cleanup(self):
        self.client.close()
"""


def test_same_module_bases_and_the_store_order():
    project = Project({"m": ORDER_BUG + textwrap.dedent("""

        class Base:
            def __init__(self):
                self.client = AsyncMongoClient()

        class Child(Base):
            name = "x"

        child_client = Child().client
        service_client = Service().client
    """)})
    assert value_at(project, "m", "child_client") == Obj("async", "client")
    assert value_at(project, "m", "service_client") == Obj("async", "client")


def test_the_store_order_bug_reading_a_class_attribute_first():
    project = Project({"m": ORDER_BUG})
    assert project.findings("m") == [(12, "PMA206")]


def test_the_store_order_bug_with_the_reader_defined_first():
    source = ORDER_BUG.replace("""    def setup(self):
        self.client = AsyncMongoClient(self.uri)

    async def cleanup(self):
        self.client.close()""", """    async def cleanup(self):
        self.client.close()

    def setup(self):
        self.client = AsyncMongoClient(self.uri)""")
    assert Project({"m": source}).findings("m") == [(9, "PMA206")]


def test_external_values_are_summarised_and_merged_by_kind():
    from flake8_pymongo_async.semantic.values import CONFLICT, merge
    assert merge(ExternalClass("m", "C"), ExternalInstance("m", "C")) is CONFLICT
    assert merge(ExternalClass("m", "C"), ExternalClass("m", "C")) == ExternalClass("m", "C")
    project = Project({"app": "", "app.db": DB, "app.reexport": "from app import db\nfrom app.db import get_orders\n"})
    summary = project.summary("app.reexport")
    assert summary is not None
    assert summary.names["db"] == ValueSummary(ValueKind.MODULE, name="app.db")
    assert summary.names["get_orders"] == ValueSummary(ValueKind.FUNCTION, name="get_orders", module="app.db")


# ---------------------------------------------------------------- --pma-extra-factories naming objects
FACTORY_DB = """
    from mylib import connect, make

    client = connect()
    other = connect()

    def get_db():
        return make()
"""


def test_extra_factories_name_a_module_level_object_or_a_function():
    settings = Settings(extra_factories=frozenset({"client:app.db.client", "database:app.db.get_db"}))
    project = Project({"app": "", "app.db": FACTORY_DB, "app.main": """
        from app.db import client, other, get_db
        import app.db
        db = get_db()
        same = app.db.client
    """}, settings)
    assert value_at(project, "app.main", "client") == Obj("async", "client")
    assert value_at(project, "app.main", "same") == Obj("async", "client")
    assert value_at(project, "app.main", "other") is None
    assert value_at(project, "app.main", "get_db") == ClassRef("async", "database")
    assert value_at(project, "app.main", "db") == Obj("async", "database")


def test_extra_factories_without_a_project_keep_naming_callables():
    settings = Settings(extra_factories=frozenset({"client:app.db.client"}))
    source = "from app.db import client\nc = client()\n"
    model = SemanticModel(ast.parse(source), source.splitlines(True), settings, subscribers=(), sink=Reporter())
    model.run()
    assert model.module_scope.env["c"] == Obj("async", "client")


# ---------------------------------------------------------------- the fixture packages
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>PMA\d{3}(?:\s*,\s*PMA\d{3})*)\s*$")


def _expectations(text: str) -> List[Tuple[int, str]]:
    found = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT and "expect" in token.string:
            match = _EXPECT.search(token.string)
            assert match, f"malformed expectation on line {token.start[0]}: {token.string}"
            found += [(token.start[0], code.strip()) for code in match.group("codes").split(",")]
    return found


def _package_project(root: Path) -> Tuple[Project, Dict[str, Path]]:
    files: Dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [] if path.name == "__init__.py" else [path.stem]
        directory = path.parent
        while (directory / "__init__.py").is_file():  # up to the package root (`src/` in a src layout)
            parts.insert(0, directory.name)
            directory = directory.parent
        files[".".join(parts)] = path
    own = root / "pyproject.toml"  # the package's own configuration (extra-factories), if any
    settings = config.load(own).settings() if own.is_file() else DEFAULT_SETTINGS
    return Project({name: path.read_text() for name, path in files.items()}, settings), files


PACKAGE_NAMES = ["imports", "reexports", "inheritance", "factories"]


@pytest.mark.parametrize("package", PACKAGE_NAMES)
def test_fixture_package(package):
    project, files = _package_project(PACKAGES / package)
    expected_any = False
    problems = []
    for name, path in files.items():
        expected = sorted(_expectations(project.sources[name]))
        expected_any = expected_any or bool(expected)
        got = sorted(set(project.findings(name)))
        if got != expected:
            problems.append(f"{path.relative_to(PACKAGES)}: missing {sorted(set(expected) - set(got))}, "
                            f"unexpected {sorted(set(got) - set(expected))}")
    assert expected_any, f"{package} has no must-fire line"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("package", PACKAGE_NAMES)
def test_fixture_package_fires_nothing_without_the_project(package):
    """The must-fire lines need the other modules: one module alone does not know enough (so the
    package tests what it is meant to)."""
    project, files = _package_project(PACKAGES / package)
    cross_module = 0
    for name in files:
        alone = Project({name: project.sources[name]}, project.settings)
        expected = set(_expectations(project.sources[name]))
        cross_module += len(expected - set(alone.findings(name)))
    assert cross_module > 0


# ---------------------------------------------------------------- code that never runs or must fail
def test_a_block_asserting_an_exception_reports_nothing():
    source = textwrap.dedent("""
        import pytest
        from pymongo import AsyncMongoClient

        coll = AsyncMongoClient().db.coll

        async def test_sort_type(self):
            with self.assertRaises(TypeError):
                len(coll.find())
            with pytest.raises(TypeError):
                await coll.find(sort=5)
            with self.assertRaisesRegex(TypeError, "x"):
                await coll.find(sort=5)
            with open("x") as f:
                await coll.find(sort=5)
    """)
    assert Project({"m": source}).findings("m") == [(15, "PMA203")]


def test_a_sync_only_test_of_an_unasynced_module_reports_nothing():
    source = textwrap.dedent("""
        from pymongo import AsyncMongoClient

        _IS_SYNC = False
        coll = AsyncMongoClient().db.coll

        class TestCursor:
            @client_context.require_sync
            def test_len(self):
                coll.insert_one({})
                def inner():
                    coll.delete_one({})
                inner()

            async def test_async(self):
                coll.insert_one({})
    """)
    assert Project({"m": source}).findings("m") == [(16, "PMA201")]
    # Without `_IS_SYNC = False` the decorator alone proves nothing.
    assert Project({"m": source.replace("_IS_SYNC = False", "")}).findings("m") == [
        (10, "PMA201"), (12, "PMA201"), (16, "PMA201")]


def test_a_later_base_is_not_read_past_an_unknown_one():
    source = textwrap.dedent("""
        from pymongo import AsyncMongoClient
        from odm import Document

        class Model(Document):
            pass

        class Known:
            client = AsyncMongoClient()

        class Plain:
            pass

        class Mixed(Model, Known):
            pass

        class Simple(Plain, Known):
            pass

        mixed = Mixed().client
        simple = Simple().client
    """)
    project = Project({"m": source})
    assert value_at(project, "m", "mixed") is None  # Document may define `client`
    assert value_at(project, "m", "simple") == Obj("async", "client")
