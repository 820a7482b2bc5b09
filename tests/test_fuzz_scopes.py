"""Fuzzing with hang detection (issue 10): the checker (model and rules, also through the flake8
adapter) and the fixer (its scope table and ``fix --unsafe-fixes``) over generated programs, each
under a deadline, in child processes. A program still running at its deadline fails the test with
its source; so does a crash, or fixed output that does not parse.

hypothesmith (``test_sweep.py``) rarely writes ``global`` or ``nonlocal`` in odd places, so the
programs come from a small generator of our own: scope statements (global, nonlocal, del,
assignments, reads, class, def, lambda, comprehensions, walrus, if, try, while, with, match) nested
at random around driver code (Motor and PyMongo Async imports, clients, collections, cursors).
The seed is fixed: every run checks the same programs. ``ast.parse`` accepts more than Python
compiles (``nonlocal`` at module level, a name used before its ``global``): such programs are kept
too, since the tool reads whatever parses.

Environment: ``PMA_FUZZ_PROGRAMS`` (default 300), ``PMA_FUZZ_SEED`` (default 10).
"""
from __future__ import annotations

import ast
import os
import random
import sys
import warnings
from typing import List

import pytest

from deadline import run_guarded
from flake8_pymongo_async import checker
from flake8_pymongo_async.fix.engine import compiles_safely, fix_text
from flake8_pymongo_async.fix.scopes import ScopeModel
from flake8_pymongo_async.plugin import Plugin

pytestmark = pytest.mark.slow

PROGRAMS = int(os.environ.get("PMA_FUZZ_PROGRAMS", "300"))
SEED = int(os.environ.get("PMA_FUZZ_SEED", "10"))
# A program takes well under a second; the deadline only has to tell a hang from a slow machine.
DEADLINE_SECONDS = 20.0

NAMES = ("client", "db", "coll", "fs", "x")
HEADERS = (
    "import motor\n",
    "import motor.motor_asyncio\n",
    "from pymongo import AsyncMongoClient\n",
    "from motor.motor_asyncio import AsyncIOMotorClient\n",
    "import gridfs\nfrom motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorGridFSBucket\n",
)
MATCH = sys.version_info >= (3, 10)


class ProgramGenerator:
    """Random programs of nested scope statements; ``program()`` gives one (source text)."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.counter = 0

    def name(self) -> str:
        return self.random.choice(NAMES)

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def driver(self) -> str:
        """An expression that gives a driver object (or not) from the names in play."""
        n = self.name()
        return self.random.choice((
            "AsyncMongoClient()", "AsyncIOMotorClient(io_loop=None)", "motor.motor_asyncio.AsyncIOMotorClient()",
            f"{n}.app", f"{n}.items", f"{n}['items']", f"{n}.find()", f"{n}.get_database('app')",
            "AsyncIOMotorGridFSBucket(db, collection='fs')", "None", f"{n}",
        ))

    def read(self, in_async: bool) -> str:
        n = self.name()
        reads = [f"print({n})", f"{n}.insert_one({{}})", f"{n}.find_one({{}})", f"x = {n}.find()",
                 f"{n}.close()", f"{n}.app.items.delete_one({{}})", f"len({n}.find())", f"next({n}.find())"]
        if in_async:
            reads += [f"await {n}.find_one({{}})", f"await {n}.find_one({{}})['k']",
                      f"docs = await {n}.find().to_list(0)", f"await {n}.find()"]
        return self.random.choice(reads)

    def simple(self, kind: str, in_async: bool) -> List[str]:
        n, m = self.name(), self.name()
        choices = [
            f"global {n}", f"global {n}, {m}", f"nonlocal {n}", f"del {n}", f"{n} = {self.driver()}",
            f"{n}: AsyncIOMotorClient = {self.driver()}", f"{n} += 1", f"{n}, {m} = {self.driver()}, {m}",
            self.read(in_async), self.read(in_async),
            f"{self.fresh('f')} = lambda {m}=None: {n}.find_one({{}})", f"{self.fresh('g')} = lambda: {n}",
            f"items = [{n} for {m} in {n}.find()]", f"items = [({n} := {m}) for {m} in range(3)]",
            f"items = {{{m}: {n} for {m} in {n}.find() if ({n} := {m})}}", f"print(({n} := {self.driver()}))",
            f"items = ({n}.find_one({{}}) for _ in [{n}])",
            f"from motor.motor_asyncio import AsyncIOMotorClient as {n}", "pass",
        ]
        if kind != "module":
            choices.append(f"return {n}")
        return [self.random.choice(choices)]

    def block(self, depth: int, kind: str, in_async: bool) -> List[str]:
        """Statements for a body: ``kind`` is module, class or function."""
        lines: List[str] = []
        for _ in range(self.random.randint(1, 4)):
            lines.extend(self.statement(depth, kind, in_async))
        return lines

    def statement(self, depth: int, kind: str, in_async: bool) -> List[str]:
        if depth <= 0 or self.random.random() < 0.45:
            return self.simple(kind, in_async)
        n = self.name()
        compound = ["class", "def", "async def", "if", "try", "while", "with", "for"]
        if MATCH:
            compound.append("match")
        choice = self.random.choice(compound)
        inner = depth - 1

        def body(kind_: str = kind, async_: bool = in_async) -> List[str]:
            return ["    " + line for line in self.block(inner, kind_, async_)]

        if choice == "class":
            return [f"class {self.fresh('C')}:", *body("class", False)]
        if choice in ("def", "async def"):
            params = self.random.choice(("", n, f"{n}=None", f"*, {n}"))
            return [f"{choice} {self.fresh('f')}({params}):", *body("function", choice == "async def")]
        if choice == "if":
            return [f"if {n}:", *body(), "else:", *body()]
        if choice == "try":
            return ["try:", *body(), "except Exception:", *body(), "finally:", *body()]
        if choice == "while":
            return [f"while {n}:", *body()]
        if choice == "with":
            return [f"with {n}.start_session() as {self.name()}:", *body()]
        if choice == "for":
            return [f"for {self.name()} in {n}.find():", *body()]
        return [f"match {n}:", f"    case {{'k': {self.name()}}}:",
                *["    " + line for line in body()], "    case _:", *["    " + line for line in body()]]

    def program(self) -> str:
        header = self.random.choice(HEADERS)
        setup = f"{self.name()} = {self.driver()}\n" if self.random.random() < 0.7 else ""
        return header + setup + "\n".join(self.block(self.random.randint(1, 5), "module", False)) + "\n"


def generated_programs(count: int, seed: int) -> List[str]:
    """``count`` programs that ``ast.parse`` accepts, the same ones for the same seed."""
    generator = ProgramGenerator(seed)
    programs: List[str] = []
    while len(programs) < count:  # about nine in ten parse: this ends
        source = generator.program()
        if _parses(source):
            programs.append(source)
    return programs


def _parses(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
        return True
    except SyntaxError:
        return False


def check_program(source: str) -> List[str]:
    """Everything the fuzz runs on one program (in a child, under a deadline): its problems."""
    problems: List[str] = []
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    checker.check(tree, lines)
    list(Plugin(tree, lines, "generated.py").run())
    model = ScopeModel(tree)
    for node, scope in model.loads:
        model.resolve(node.id, scope)
    fixed = fix_text(source, unsafe=True)
    if not _parses(fixed.text):
        problems.append(f"the fixed program does not parse: {describe(source)}\n--- fixed ---\n{fixed.text}")
    return problems


def describe(source: str) -> str:
    return f"a generated program\n--- program ---\n{source}--- end ---"


def test_generator_covers_odd_scope_statements() -> None:
    """The programs hold what the fuzz is for; most also compile (real code, not only what parses)."""
    programs = generated_programs(PROGRAMS, SEED)
    assert programs == generated_programs(PROGRAMS, SEED)  # deterministic
    text = "".join(programs)
    module_level_global = sum(1 for p in programs if any(line.startswith("global ") for line in p.splitlines()))
    assert module_level_global > PROGRAMS // 20
    for word in ("nonlocal ", "del ", "lambda", "class ", "async def ", "try:", ":=", " for "):
        assert word in text, word
    assert sum(map(compiles_safely, programs)) > PROGRAMS // 4


def test_checker_and_fixer_finish_on_generated_programs() -> None:
    programs = generated_programs(PROGRAMS, SEED)
    problems = run_guarded(check_program, programs, DEADLINE_SECONDS, describe)
    if problems:
        shown = "\n\n".join(p[:4000] for p in problems[:5])
        pytest.fail(f"{len(problems)} of {len(programs)} generated programs failed:\n\n{shown}", pytrace=False)
