"""The semantic layer's contracts: event subscription, the reporter it reports to, its view and
its module summary."""
from __future__ import annotations

import ast
import textwrap
from dataclasses import FrozenInstanceError, dataclass
from typing import List, Optional, Tuple

import pytest

from flake8_pymongo_async.diagnostics import Fix, InsertAwait
from flake8_pymongo_async.reporter import Reporter
from flake8_pymongo_async.semantic import events
from flake8_pymongo_async.semantic.events import Event, UnknownEventError, subscribe
from flake8_pymongo_async.semantic.model import SemanticModel
from flake8_pymongo_async.semantic.summary import ModuleSummary, ValueKind, ValueSummary, summarize
from flake8_pymongo_async.semantic.view import ModelView
from flake8_pymongo_async.settings import DEFAULT_SETTINGS


@dataclass(frozen=True)
class FakeRule:
    code: str
    message: str = "{detail}"

    def format(self, **fields: object) -> str:
        return self.message.format(**fields)


def run(source: str, subscribers: Tuple[object, ...] = ()) -> Tuple[SemanticModel, Reporter]:
    source = textwrap.dedent(source)
    reporter = Reporter()
    model = SemanticModel(ast.parse(source), source.splitlines(keepends=True), DEFAULT_SETTINGS,
                          subscribers=subscribers, sink=reporter)
    model.run()
    return model, reporter


# ---------------------------------------------------------------- subscription
class Misspelt:
    def on_cal(self, w: ModelView, node: ast.Call, func: object) -> None:
        raise AssertionError("never called")


def test_an_on_method_naming_no_event_is_refused_at_subscription() -> None:
    with pytest.raises(UnknownEventError, match=r"Misspelt\.on_cal handles no event: 'cal'"):
        subscribe((Misspelt(),))
    with pytest.raises(UnknownEventError):
        run("x = 1\n", (Misspelt(),))


class Recorder:
    def __init__(self, name: str, log: List[str]) -> None:
        self.name, self.log = name, log

    def on_call(self, w: ModelView, node: ast.Call, func: object) -> None:
        self.log.append(f"{self.name} call {ast.unparse(node)}")

    def on_loop_start(self, w: ModelView, node: ast.AST) -> None:
        self.log.append(f"{self.name} loop_start {node.lineno}")  # type: ignore[attr-defined]

    def on_loop_end(self, w: ModelView, node: ast.AST) -> None:
        self.log.append(f"{self.name} loop_end {node.lineno}")  # type: ignore[attr-defined]

    def on_function_start(self, w: ModelView, info: object) -> None:
        self.log.append(f"{self.name} function_start")

    def on_function_end(self, w: ModelView, info: object) -> None:
        self.log.append(f"{self.name} function_end")

    def on_module_end(self, w: ModelView) -> None:
        self.log.append(f"{self.name} module_end")


def test_handlers_run_in_subscription_order_for_the_events_they_name() -> None:
    log: List[str] = []
    run("""
        def f():
            for x in y:
                g()
        """, (Recorder("a", log), Recorder("b", log)))
    assert log == ["a function_start", "b function_start", "a loop_start 3", "b loop_start 3",
                   "a call g()", "b call g()", "a loop_end 3", "b loop_end 3",
                   "a function_end", "b function_end", "a module_end", "b module_end"]


def test_every_rule_family_subscribes_to_known_events_only() -> None:
    from flake8_pymongo_async import checker

    families = checker._families()
    handlers = subscribe(tuple(families))  # raises UnknownEventError for a misspelt handler
    subscribed = sum(len(getattr(handlers, events._slot(event))) for event in Event)
    declared = sum(1 for family in families for name in dir(family) if name.startswith("on_"))
    assert families and subscribed == declared


def test_every_event_has_a_handlers_slot() -> None:
    assert set(events.Handlers.__slots__) == {events._slot(event) for event in Event}
    handlers = subscribe(())
    assert all(getattr(handlers, events._slot(event)) == () for event in Event)


class Branches:
    def __init__(self) -> None:
        self.log: List[Tuple[str, int]] = []

    def on_branch(self, w: ModelView, key: int, index: int) -> None:
        self.log.append(("branch", index))

    def on_branches_end(self, w: ModelView, key: int) -> None:
        self.log.append(("end", 0))


def test_branch_events_bracket_each_branch_of_if_and_match() -> None:
    subscriber = Branches()
    run("""
        if a:
            if b:
                pass
        else:
            pass
        """, (subscriber,))
    assert subscriber.log == [("branch", 0), ("branch", 0), ("branch", 1), ("end", 0), ("branch", 1), ("end", 0)]


# ---------------------------------------------------------------- reporting
class ReportsEveryCall:
    rule = FakeRule("PMA999", "called {name}")

    def on_call(self, w: ModelView, node: ast.Call, func: object) -> None:
        w.report(self.rule, node, name=ast.unparse(node.func))
        w.report(self.rule, node, name="again")  # the same site twice: reported once


def test_the_reporter_drops_dead_branches_and_repeats_and_sorts() -> None:
    _, reporter = run("""
        DEBUG = False
        b(); a()
        if DEBUG:
            dead()
        else:
            alive()
        def later():
            inner()
        """, (ReportsEveryCall(),))
    found = [(d.line, d.col, d.message) for d in reporter.diagnostics()]
    assert found == [(3, 0, "called b"), (3, 5, "called a"), (7, 4, "called alive"), (9, 4, "called inner")]


def test_the_reporter_keeps_the_fix_and_the_end_position() -> None:
    reporter = Reporter()
    node = ast.parse("call(x)\n").body[0]
    fix = Fix.safe_edit(InsertAwait())
    reporter.report(FakeRule("PMA998", "m"), node, fix, {}, dead=False)
    reporter.report(FakeRule("PMA997", "m"), node, None, {}, dead=True)
    [diagnostic] = reporter.diagnostics()
    assert (diagnostic.code, diagnostic.end_line, diagnostic.end_col, diagnostic.fix) == ("PMA998", 1, 7, fix)


def test_the_model_offers_every_member_of_its_view() -> None:
    model, _ = run("x = 1\n")
    members = [name for name in vars(ModelView) if not name.startswith("_")]
    assert {"report", "value_of", "is_bound", "in_async_function", "module_roots"} <= set(members)
    assert [name for name in members if not hasattr(model, name)] == []


# ---------------------------------------------------------------- the module summary
SUMMARIZED = """
    from pymongo import AsyncMongoClient
    import asyncio

    client = AsyncMongoClient()
    db = client.app
    FLAG = True
    maybe = client if FLAG else 3

    def users():
        return db.users

    async def first():
        return await db.users.find_one({})

    def make():
        def inner():
            return db
        return inner

    class Base:
        pass

    class Repo(Base, asyncio.Protocol):
        client = client
        name: str

        def __init__(self):
            self.coll = db.items

        def find(self):
            return self.coll.find()
    """


def summary() -> ModuleSummary:
    model, _ = run(SUMMARIZED)
    return summarize(model)


def test_the_summary_gives_module_names_and_their_values() -> None:
    names = summary().names
    driver = ValueKind.DRIVER_OBJECT
    assert names["client"] == ValueSummary(driver, flavour="async", driver_kind="client")
    assert names["db"] == ValueSummary(driver, flavour="async", driver_kind="database")
    assert names["AsyncMongoClient"] == ValueSummary(ValueKind.DRIVER_CLASS, flavour="async", driver_kind="client")
    assert names["asyncio"] == ValueSummary(ValueKind.MODULE, name="asyncio")
    assert names["FLAG"] == ValueSummary(ValueKind.CONSTANT, name="True")
    assert names["maybe"].kind is ValueKind.UNKNOWN
    assert names["users"] == ValueSummary(ValueKind.FUNCTION, name="users")
    assert names["Repo"] == ValueSummary(ValueKind.CLASS, name="Repo")


def test_the_summary_gives_functions_and_what_they_return() -> None:
    functions = summary().functions
    assert sorted(functions) == ["first", "make", "users"]
    users = functions["users"]
    assert (users.qualname, users.line, users.is_async, users.is_generator) == ("users", 10, False, False)
    assert users.returns == ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="collection")
    assert users.reaches == ("client",)
    assert functions["first"].is_async and functions["first"].returns.kind is ValueKind.UNKNOWN
    assert functions["make"].returns == ValueSummary(ValueKind.FUNCTION, name="make.<locals>.inner")


def test_the_summary_gives_classes_with_bases_attributes_and_methods() -> None:
    classes = summary().classes
    repo = classes["Repo"]
    assert (repo.name, repo.line, repo.bases) == ("Repo", 24, ("Base", "asyncio.Protocol"))
    assert dict(repo.attributes) == {
        "client": ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="client"),
        "coll": ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="collection"),
    }
    assert sorted(repo.methods) == ["__init__", "find"]
    assert repo.methods["find"].qualname == "Repo.find"
    assert repo.methods["find"].returns == ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async",
                                                        driver_kind="cursor")
    assert dict(classes["Base"].attributes) == {} and classes["Base"].bases == ()


def test_the_summary_is_immutable_and_reports_nothing() -> None:
    model, reporter = run(SUMMARIZED, (ReportsEveryCall(),))
    before = reporter.diagnostics()
    result = summarize(model)
    assert reporter.diagnostics() == before  # reading the walk runs no handler again
    with pytest.raises(FrozenInstanceError):
        result.names = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.names["x"] = result.names["client"]  # type: ignore[index]
    with pytest.raises(TypeError):
        result.classes["Repo"].attributes["y"] = result.names["client"]  # type: ignore[index]


def test_an_optional_annotation_is_summarized_as_what_it_declares() -> None:
    model, _ = run("""
        from typing import Optional
        from pymongo import AsyncMongoClient
        def get() -> Optional[AsyncMongoClient]:
            return None
        """)
    returns: Optional[ValueSummary] = summarize(model).functions["get"].returns
    assert returns == ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="client")


def test_the_attributes_a_method_stores_on_self_are_found_in_every_kind_of_block() -> None:
    # Which methods to walk before a read of `self.x` (definitions._self_stores): every statement
    # that can store on the first parameter, nested anywhere in the method's blocks; reads, stores
    # on something else and stores through an attribute or a subscript of `self.x` are not stores of x.
    import ast
    import sys

    from flake8_pymongo_async.semantic.definitions import _self_stores

    source = '''
def setup(me, other):
    me.a = 1
    me.b, (me.c, *me.d) = 1, (2, 3)
    me.e: int = 1
    me.f += 1
    for me.g in range(3):
        me.h = 1
    else:
        me.i = 1
    while True:
        me.j = 1
    if other:
        me.k = 1
    elif other:
        me.l = 1
    else:
        me.m = 1
    try:
        me.n = 1
    except ValueError:
        me.o = 1
    else:
        me.p = 1
    finally:
        me.q = 1
    with open("x") as me.r, open("y") as (me.s, other.t):
        del me.u
    def inner():
        me.v = 1
    class Inner:
        me.w = 1
    me.x.y = 1
    me.z[0] = 1
    other.nope = 1
    print(me.read)
'''
    expected = set("abcdefghijklmnopqrsuvw")
    if sys.version_info >= (3, 10):
        source += "    match other:\n        case 1:\n            me.case = 1\n"
        expected.add("case")
    if sys.version_info >= (3, 11):
        source += "    try:\n        me.star = 1\n    except* ValueError:\n        me.group = 1\n"
        expected |= {"star", "group"}
    # The async spellings, in an async method.
    source = source.replace("def setup(me, other):", "async def setup(me, other):") + (
        "    async for me.ag in other:\n        me.ah = 1\n"
        "    async with other as me.ai:\n        me.aj = 1\n")
    expected |= {"ag", "ah", "ai", "aj"}
    method = ast.parse(source).body[0]
    assert _self_stores(method) == expected
