"""The fix model: typed actions, one planner per kind, applicability, no decision read from a message."""
from __future__ import annotations

import ast
import dataclasses
import io
import typing
from contextlib import redirect_stderr, redirect_stdout

import pytest

from flake8_pymongo_async import checker, cli, diagnostics
from flake8_pymongo_async.diagnostics import (Applicability, Diagnostic, Fix, FixAction, ListToList,
                                              NoCounterpart, ToListNone)
from flake8_pymongo_async.fix import actions
from flake8_pymongo_async.fix.context import FixContext
from flake8_pymongo_async.fix.edits import Plan

KINDS = typing.get_args(FixAction)


def test_every_kind_of_action_has_exactly_one_planner():
    assert set(actions.SINGLE) | set(actions.GROUPED) == set(KINDS)
    assert not set(actions.SINGLE) & set(actions.GROUPED)


def test_every_kind_of_action_is_in_the_union_and_has_its_own_name():
    assert set(diagnostics._Action.__subclasses__()) == set(KINDS)
    names = [kind.name for kind in KINDS]
    assert all(names) and len(set(names)) == len(KINDS)


def test_applicability():
    assert Fix.safe_edit(ToListNone()).safe and Fix.safe_edit(ToListNone()).applicability is Applicability.SAFE
    assert not Fix.unsafe_edit(ToListNone()).safe
    assert Fix(ToListNone(), Applicability.UNSAFE) == Fix.unsafe_edit(ToListNone())


CHANGE_STREAM = '''from pymongo import AsyncMongoClient


async def main():
    client = AsyncMongoClient()
    stream = await client.app.users.watch()
    return list(stream)
'''
CURSOR = CHANGE_STREAM.replace("await client.app.users.watch()", "client.app.users.find()")


def _diagnostics(source: str):
    tree = ast.parse(source)
    found = checker.check(tree, source.splitlines(True))
    return FixContext(source, tree, found), found


def test_an_action_without_a_planner_is_an_error_not_a_skip():
    @dataclasses.dataclass(frozen=True)
    class Unknown:
        name: typing.ClassVar[str] = "unknown"

    ctx, _ = _diagnostics("x = 1\n")
    d = Diagnostic("PMA999", 1, 0, 1, 5, "m", fix=Fix(Unknown(), Applicability.SAFE))  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        actions.plan_all(ctx, [d])


def test_a_planner_is_handed_its_own_kind_of_action():
    ctx, found = _diagnostics(CURSOR.replace("list(stream)", "await client.app.users.find().to_list(0)"))
    [d] = [x for x in found if x.code == "PMA106"]
    assert isinstance(d.fix.action, ToListNone)
    wrong = dataclasses.replace(d, fix=Fix.safe_edit(ListToList()))
    with pytest.raises(TypeError):
        actions.SINGLE[ToListNone](ctx, wrong)


def test_the_change_stream_refusal_comes_from_the_action_not_the_message():
    ctx, found = _diagnostics(CHANGE_STREAM)
    [d] = [x for x in found if x.code == "PMA301"]
    assert d.fix is not None and d.fix.action == ListToList(change_stream=True)
    [refusal] = actions.plan_all(ctx, [d]).refusals
    assert "change stream has no `to_list()`" in refusal.reason
    ctx, found = _diagnostics(CURSOR)
    [d] = [x for x in found if x.code == "PMA301"]
    assert d.fix is not None and d.fix.action == ListToList(change_stream=False)
    # The same diagnostic with a message that names a change stream is still fixed.
    renamed = dataclasses.replace(d, message=d.message + " (AsyncChangeStream)")
    [plan] = actions.plan_all(ctx, [renamed]).plans
    assert isinstance(plan, Plan) and plan.edits


def _fix_summary(tmp_path, source: str) -> str:
    (tmp_path / "app.py").write_text(source)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        cli.main(["fix", "-j", "1", str(tmp_path / "app.py")])
    return out.getvalue()


def test_motor_imports_without_a_fix_say_what_has_no_counterpart(tmp_path):
    source = "from motor.motor_asyncio import AsyncIOMotorClient, NotAThing\nimport motor.web\n"
    found = checker.check(ast.parse(source), source.splitlines(True))
    assert [d.unfixable for d in found if d.code == "PMA101"] == [
        NoCounterpart("motor.motor_asyncio", ("NotAThing",)), NoCounterpart("motor.web")]
    assert all(d.fix is None for d in found if d.code == "PMA101")
    out = _fix_summary(tmp_path, source)
    assert "app.py:1: no PyMongo Async counterpart for `NotAThing`\n" in out
    assert "app.py:2: `motor.web` has no PyMongo Async counterpart\n" in out
