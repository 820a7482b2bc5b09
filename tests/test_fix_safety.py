"""Removing `io_loop=` (PMA102) or `connect=` (PMA107) is safe only when the value has no side effects.

Issue 10: the "safe" fix deleted `io_loop=start_loop()`, and with it the call.
"""
from __future__ import annotations

import ast

import pytest

from flake8_pymongo_async import checker
from flake8_pymongo_async.fix.engine import fix_text
from flake8_pymongo_async.rules.motor.arguments import has_no_side_effects

HEAD = "from pymongo import AsyncMongoClient\n\n\nasync def main(uri, settings, start_loop, pending):\n"


@pytest.mark.parametrize("value", [
    "None", "True", "'x'", "-1", "loop", "settings.loop", "a.b.c", "not lazy",
    "(loop, None)", "[loop]", "{loop}", "{'a': settings.loop}",
])
def test_inert_values(value):
    assert has_no_side_effects(ast.parse(value, mode="eval").body)


@pytest.mark.parametrize("value", [
    "start_loop()", "settings['loop']", "await pending", "(x := start_loop())", "lambda: None",
    "a.b()", "f'{loop}'", "loop or start_loop()", "a + b", "[*loops]", "{**options}",
    "[x for x in loops]", "not start_loop()", "(settings.loop, start_loop())", "a.b[0].c",
    "loop if ok else None",
])
def test_values_that_may_have_effects(value):
    assert not has_no_side_effects(ast.parse(value, mode="eval").body)


def _fix(code: str, argument: str, unsafe: bool):
    text = HEAD + f"    return AsyncMongoClient(uri, {argument})\n"
    [diagnostic] = [d for d in checker.check(ast.parse(text), text.splitlines(True)) if d.code == code]
    return diagnostic, fix_text(text, unsafe=unsafe)


@pytest.mark.parametrize("code, argument", [
    ("PMA102", "io_loop=start_loop()"),
    ("PMA102", "io_loop=settings['loop']"),
    ("PMA107", "connect=await pending"),
    ("PMA107", "connect=settings.should_connect()"),
])
def test_side_effecting_argument_is_removed_only_with_unsafe_fixes(code, argument):
    diagnostic, safe_run = _fix(code, argument, unsafe=False)
    assert diagnostic.fix is not None and not diagnostic.fix.safe
    assert argument in safe_run.text and not safe_run.applied
    assert [d.code for d in safe_run.unsafe_fixable] == [code]
    _, unsafe_run = _fix(code, argument, unsafe=True)
    assert unsafe_run.applied[code] == 1
    assert unsafe_run.text.endswith("    return AsyncMongoClient(uri)\n")


@pytest.mark.parametrize("code, argument", [("PMA102", "io_loop=settings.loop"), ("PMA107", "connect=True")])
def test_inert_argument_is_removed_by_default(code, argument):
    diagnostic, result = _fix(code, argument, unsafe=False)
    assert diagnostic.fix is not None and diagnostic.fix.safe
    assert result.applied[code] == 1 and argument not in result.text
