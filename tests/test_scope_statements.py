"""`global` and `nonlocal` where Python allows them but code rarely has them (issue 10, defect 1).

A module-level `global NAME` (also inside a module-level `if` or `try`) followed by a read of NAME
hung every entry point at 100% CPU: the lookup moved to the module scope, which was already the
current one, and started again. Each entry point runs in a subprocess with a timeout, so a hang
fails the test instead of hanging the suite; the in-process checks run under ``time_limit``.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from deadline import Hang, time_limit
from flake8_alone import FLAKE8
from flake8_pymongo_async import checker
from flake8_pymongo_async.fix.engine import fix_text
from flake8_pymongo_async.fix.scopes import ScopeModel
from flake8_pymongo_async.semantic.scope import Scope
from flake8_pymongo_async.semantic.values import TRUE

# Each entry point starts a Python process (flake8 loads its plugins): far more than enough.
TIMEOUT_SECONDS = 60

HANGING_PROGRAMS = {
    "module level": "import motor\nglobal client\nprint(client)\n",
    "module-level if": "import motor\nif motor:\n    global client\n    print(client)\nprint(client)\n",
    "module-level try": ("from pymongo import AsyncMongoClient\ntry:\n    global client\n"
                         "    client = AsyncMongoClient()\nexcept ImportError:\n    pass\nprint(client)\n"),
    "comprehension under a module-level global": "import gridfs\nglobal fs\nnames = [fs for _ in range(3)]\n",
}

ENTRY_POINTS = {
    "flake8": [*FLAKE8[1:], "--isolated", "--select=PMA"],
    "check": ["-m", "flake8_pymongo_async.cli", "check", "--isolated"],
    "fix": ["-m", "flake8_pymongo_async.cli", "fix", "--isolated", "--unsafe-fixes"],
    "report": ["-m", "flake8_pymongo_async.cli", "report", "--isolated"],
}


def _run(args: List[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`{' '.join(args)}` still running after {TIMEOUT_SECONDS} s: a hang", pytrace=False)


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("program", sorted(HANGING_PROGRAMS))
def test_global_at_module_level_does_not_hang(tmp_path: Path, program: str, entry_point: str) -> None:
    path = tmp_path / "module.py"
    path.write_text(HANGING_PROGRAMS[program], encoding="utf-8")
    result = _run([*ENTRY_POINTS[entry_point], str(path)], cwd=tmp_path)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), (result.returncode, result.stdout, result.stderr)
    if entry_point == "report":
        assert "module.py" in result.stdout  # the file was checked and reported


def _diagnostics(source: str) -> List[Tuple[str, int, int]]:
    with time_limit(TIMEOUT_SECONDS):
        found = checker.check(ast.parse(source), source.splitlines(keepends=True))
    return [(d.code, d.line, d.col) for d in found]


def _fixed(source: str) -> str:
    with time_limit(TIMEOUT_SECONDS):
        return fix_text(source, unsafe=True).text


# `global` in odd places: the module itself, an `if`/`try` at module level, a class body, a
# function, a function nested in one; reads from comprehensions and lambdas in all of them.
ODD_GLOBALS = '''\
from motor.motor_asyncio import AsyncIOMotorClient
global client
client = AsyncIOMotorClient(io_loop=None)
if client:
    global db
    db = client.app
try:
    global coll
    coll = db.items
except ImportError:
    pass


class Repo:
    global coll
    items = coll
    found = [coll.find_one({}) for _ in range(3)]


async def handler():
    global coll
    coll.insert_one({})
    check = lambda: coll.find_one({})
    print([coll for _ in range(3)], check)
    return await coll.find_one({})["x"]


def outer():
    global made
    made = AsyncIOMotorClient()

    async def inner():
        made.app.items.insert_one({})
    return inner
'''


def _without_globals(source: str) -> str:
    """The same program with each `global` statement replaced by `pass` (lines stay in place).
    Module-level `global` changes nothing in Python; elsewhere these names are module-level anyway."""
    return "".join(line.split("global ")[0] + "pass\n" if line.lstrip().startswith("global ") else line
                   for line in source.splitlines(keepends=True))


def test_global_in_odd_places_gives_the_findings_of_plain_module_names() -> None:
    try:
        with_globals = _diagnostics(ODD_GLOBALS)
    except Hang:
        pytest.fail("the checker hangs on module-level `global` statements", pytrace=False)
    assert with_globals == _diagnostics(_without_globals(ODD_GLOBALS))
    codes = [code for code, _, _ in with_globals]
    # Motor import, io_loop=, the un-awaited insert_one() (twice: coll, and made through outer()),
    # the await of a subscript: the names keep their driver values through every `global`.
    assert codes.count("PMA201") == 2 and "PMA208" in codes and "PMA102" in codes, with_globals


def test_global_in_odd_places_gets_the_fixes_of_plain_module_names() -> None:
    try:
        fixed = _fixed(ODD_GLOBALS)
    except Hang:
        pytest.fail("the fixer hangs on module-level `global` statements", pytrace=False)
    assert fixed != ODD_GLOBALS
    assert _without_globals(fixed) == _fixed(_without_globals(ODD_GLOBALS))


def test_a_module_level_global_is_rebound_by_each_assignment() -> None:
    """`global` at module level changes nothing: the second assignment replaces the first (it used
    to be merged with it, as an assignment in a function is, and the finding was lost)."""
    source = ("from pymongo import AsyncMongoClient\n"
              "global client\n"
              "client = AsyncMongoClient()\n"
              "client = client.app.items\n"
              "\n\n"
              "async def handler():\n"
              "    client.insert_one({})\n")
    assert _diagnostics(source) == _diagnostics(_without_globals(source)) == [("PMA201", 8, 4)]


def test_scope_lookup_of_a_name_the_module_scope_itself_declares_global() -> None:
    """The lookup ends even when the module scope lists the name as global (the loop of defect 1)."""
    module = Scope("module", None)
    module.global_names.add("client")
    module.env["client"] = TRUE
    comprehension = Scope("comprehension", Scope("class", module))
    with time_limit(TIMEOUT_SECONDS):
        assert module.lookup("client") is TRUE
        assert comprehension.lookup("client") is TRUE
        module.global_names.add("missing")
        assert module.lookup("missing") is None and comprehension.lookup("missing") is None


def test_fixer_scopes_resolve_globals_and_nonlocals_in_odd_places() -> None:
    """The fixer's own scope table: which binding each read of a name refers to."""
    source = (
        "global a\n"                       # module level: a no-op
        "nonlocal b\n"                     # parses (compile() refuses it): must not confuse lookup
        "a = 1\n"
        "class C:\n"
        "    global a\n"
        "    a = 2\n"                      # binds the module's `a`
        "    print(a)\n"
        "def f():\n"
        "    c = 1\n"
        "    class D:\n"
        "        nonlocal c\n"             # the class body reaches f's `c`
        "        print(c)\n"
        "    def g():\n"
        "        global a\n"
        "        return [a for _ in c]\n"  # the comprehension sees g's `global a`
        "    return g\n"
    )
    tree = ast.parse(source)
    with time_limit(TIMEOUT_SECONDS):
        model = ScopeModel(tree)
        resolved = {(node.id, node.lineno): model.resolve(node.id, scope) for node, scope in model.loads}
    function_f = next(s for s in model.scopes if getattr(s.node, "name", None) == "f")
    assert resolved[("a", 7)] is model.module
    assert resolved[("c", 12)] is function_f
    assert resolved[("a", 15)] is model.module
    assert resolved[("c", 15)] is function_f
