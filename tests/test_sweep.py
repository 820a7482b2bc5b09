"""No-crash sweep (issue 7): the plugin, the semantic model and the fixer never raise, whatever they
are given.

* the whole standard library of the running Python (tests included) through flake8's plugin
  machinery, with only our plugin loaded: once with the default options (most files stop at the
  "does it mention the driver" prefilter) and once with ``--pma-extra-factories`` naming everyday
  calls (``open()``, ``super()``, ``mock.Mock()``...), so the rules run on most files;
* the same files through the semantic model directly (``checker.run_model``), bypassing that prefilter;
* hypothesmith-generated programs (``from_grammar`` and ``from_node``);
* crafted files: nesting thousands of levels deep (built ASTs, and source where Python parses it),
  non-UTF-8 coding cookies, a BOM, null bytes, the newest syntax;
* the fixer (``fix --unsafe-fixes``) over a sample of the standard library's async files and over
  every generated and crafted program, with driver code injected: its output always parses, and a
  second pass changes nothing;
* hang detection: each tool gets ``PMA_SWEEP_DEADLINE`` seconds (default 120) per input, past
  which the input is reported as a hang (with the program's source for generated programs).

Every test is marked slow. Environment: ``PMA_SWEEP_JOBS`` (processes for the standard library
sweeps, default: CPU count), ``PMA_SWEEP_EXAMPLES`` (programs from ``from_grammar()``, default 200;
half as many from the slower ``from_node()``), ``PMA_SWEEP_FIX_SAMPLE`` (standard library async
files given to the fixer, default 40; 0 means all of them).
"""
from __future__ import annotations

import ast
import codecs
import io
import multiprocessing
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import pytest

import sweep_support as sw
from deadline import time_limit
from flake8_pymongo_async import checker, cli
from flake8_pymongo_async.plugin import Plugin
from flake8_pymongo_async.semantic.model import MAX_DEPTH
from flake8_pymongo_async.settings import DEFAULT_SETTINGS, Settings, parse_extra_factories

pytestmark = pytest.mark.slow

JOBS = max(1, int(os.environ.get("PMA_SWEEP_JOBS", os.cpu_count() or 1)))
EXAMPLES = int(os.environ.get("PMA_SWEEP_EXAMPLES", "200"))
FIX_SAMPLE = int(os.environ.get("PMA_SWEEP_FIX_SAMPLE", "40"))

PY = sys.version_info[:2]


def _fail(what: str, problems: Sequence[str], limit: int = 10) -> None:
    shown = "\n\n".join(p[:4000] for p in problems[:limit])
    more = f"\n\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    pytest.fail(f"{what}: {len(problems)} problem(s)\n\n{shown}{more}", pytrace=False)


def _parallel(func: Callable, items: Sequence, *args) -> List[tuple]:
    """``func(chunk, *args)`` over chunks of ``items``, on ``JOBS`` processes."""
    parts = sw.chunks(items, JOBS)
    if JOBS == 1 or len(parts) == 1:
        return [func(part, *args) for part in parts]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(JOBS, mp_context=context) as pool:
        return list(pool.map(func, parts, *[[arg] * len(parts) for arg in args]))


def _merge(results: List[tuple]) -> Tuple[List[str], int, int]:
    problems: List[str] = []
    for found, _, _ in results:
        problems.extend(found)
    return problems, sum(r[1] for r in results), sum(r[2] for r in results)


@pytest.fixture(scope="module")
def stdlib_files() -> List[str]:
    files = sw.stdlib_files()
    assert len(files) > 500, f"only {len(files)} files under {sw.stdlib_root()}"
    return files


# ============================================================================ the standard library
@pytest.mark.parametrize("factories", [(), sw.HAUNTED_FACTORIES], ids=["default", "extra-factories"])
def test_flake8_sweep_stdlib(stdlib_files, factories, record_property):
    start = time.perf_counter()
    problems, checked, reporting = _merge(_parallel(sw.flake8_chunk, stdlib_files, tuple(factories)))
    record_property("seconds", round(time.perf_counter() - start, 1))
    print(f"\nflake8 sweep ({'factories' if factories else 'default'}): {checked} of {len(stdlib_files)} "
          f"files, {reporting} with PMA results, {time.perf_counter() - start:.1f}s on {JOBS} process(es)")
    if problems:
        _fail(f"the plugin, through flake8, over {sw.stdlib_root()}", problems)
    assert checked > 0.9 * len(stdlib_files)
    if factories:
        assert reporting > 0, "no file gave a result: the factories did not reach the rules"


def test_walker_sweep_stdlib(stdlib_files, record_property):
    start = time.perf_counter()
    problems, walked, _ = _merge(_parallel(sw.walk_chunk, stdlib_files))
    record_property("seconds", round(time.perf_counter() - start, 1))
    print(f"\nwalker sweep: {walked} files, {time.perf_counter() - start:.1f}s on {JOBS} process(es)")
    if problems:
        _fail(f"the semantic model over {sw.stdlib_root()}", problems)
    assert walked > 0.9 * len(stdlib_files)


def _async_sample(files: List[str]) -> List[str]:
    found = []
    for path in files:
        text = sw.read_text(path)
        if text is not None and re.search(r"\b(async|await)\b", text) and sw.python_parses(path):
            found.append(path)
    if FIX_SAMPLE and len(found) > FIX_SAMPLE:
        step = len(found) / FIX_SAMPLE
        found = [found[int(i * step)] for i in range(FIX_SAMPLE)]
    return found


def test_fixer_sweep_stdlib(stdlib_files, record_property):
    sample = _async_sample(stdlib_files)
    assert sample, "no standard library file mentions async/await"
    start = time.perf_counter()
    problems, done, changed = _merge(_parallel(sw.fix_chunk, sample))
    record_property("seconds", round(time.perf_counter() - start, 1))
    print(f"\nfixer sweep: {done} async files with driver code injected, {changed} changed, "
          f"{time.perf_counter() - start:.1f}s on {JOBS} process(es)")
    if problems:
        _fail("fix --unsafe-fixes over standard library files with driver code injected", problems)
    assert done == len(sample)
    assert changed == done, "the injected driver code has fixable diagnostics in every file"


# ============================================================================ generated programs
def _call_factories(tree: ast.AST) -> Settings:
    """Settings under which every call of the program returns a driver object (kinds in turn)."""
    kinds = ("client", "database", "collection")
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = sw.dotted_name(node.func)
            if name and name not in names:
                names.append(name)
    entries = []
    for i, name in enumerate(names[:50]):
        try:
            entries.extend(parse_extra_factories([f"{kinds[i % 3]}:{name}"]))
        except ValueError:
            pass
    return Settings(extra_factories=frozenset(entries))


# What the names a generated program reads are bound to, in turn, so its own code uses driver objects.
_DRIVER_VALUES = ("_pma_coll", "_pma_async_client", "_pma_db", "_pma_coll.find()", "_pma_bucket",
                  "_pma_coll.aggregate([])", "_pma_client")


def _bind_names(tree: ast.AST) -> str:
    """``name = <driver object>`` for the names the program reads (up to 40)."""
    import builtins
    import keyword

    names: List[str] = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and node.id not in names and not keyword.iskeyword(node.id)
                and not hasattr(builtins, node.id) and not node.id.startswith("__")):
            names.append(node.id)
    return "".join(f"{name} = {_DRIVER_VALUES[i % len(_DRIVER_VALUES)]}\n" for i, name in enumerate(names[:40]))


def _injected(source: str, tree: ast.AST) -> Optional[str]:
    """``source`` with driver code around it and its free names bound to driver objects (or
    without the bindings, or None, when that does not parse)."""
    for header in (sw.DRIVER_HEADER + _bind_names(tree), sw.DRIVER_HEADER):
        try:
            text = sw.inject(source, header=header)
            sw.parse(text)
            return text
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def check_program(source: str, path: Path, label: str) -> List[str]:
    """Everything the sweep does to one program: flake8, the semantic model and the fixer, on the program
    as it is (also with every call it makes declared a driver factory) and with driver code
    injected (its free names bound to driver objects). Returns the problems."""
    problems: List[str] = []
    try:
        tree = sw.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return problems  # Python cannot parse it: nothing to check
    factories = _call_factories(tree)
    injected = _injected(source, tree)
    runner = sw.runner()

    def flake8(text: str, how: str, settings: Optional[Settings] = None) -> None:
        try:
            path.write_bytes(text.encode("utf-8"))
        except UnicodeEncodeError:
            return  # a lone surrogate: no file can hold this program
        try:
            runner.run(str(path), settings)
        except sw.FAILURES as exc:  # noqa: BLE001
            problems.append(sw.describe(f"{label} ({how})", exc) + "\n--- source ---\n" + text)

    def walk(text: str, how: str, settings: Settings) -> None:
        try:
            sw.walk(sw.parse(text), sw.flake8_lines(text), settings)
        except sw.FAILURES as exc:  # noqa: BLE001
            problems.append(sw.describe(f"{label} ({how})", exc) + "\n--- source ---\n" + text)

    def fix(text: str, how: str, settings: Settings) -> None:
        found, _ = sw.fix_problems(text, f"{label} ({how})", settings=settings)
        problems.extend(p + "\n--- source ---\n" + text for p in found)

    flake8(source, "flake8")
    walk(source, "walker", DEFAULT_SETTINGS)
    if factories.extra_factories:
        flake8(source, "flake8, every call a factory", factories)
        walk(source, "walker, every call a factory", factories)
        fix(source, "fixer, every call a factory", factories)
    if injected is not None:
        flake8(injected, "flake8, driver code injected")
        walk(injected, "walker, driver code injected", DEFAULT_SETTINGS)
        fix(injected, "fixer, driver code injected", DEFAULT_SETTINGS)
    return problems


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@pytest.mark.parametrize("strategy", ["from_grammar", "from_node"])
def test_generated_programs(strategy, tmp_path, record_property):
    hypothesmith = pytest.importorskip(
        "hypothesmith", reason="hypothesmith is not installed: `pip install hypothesmith` (test extra)")
    from hypothesis import HealthCheck, given, settings

    problems: List[str] = []
    count = [0]

    # from_node() spends about 0.35s generating each (tiny) program, five times from_grammar().
    examples = EXAMPLES if strategy == "from_grammar" else max(1, EXAMPLES // 2)

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(getattr(hypothesmith, strategy)())
    def sweep(source: str) -> None:
        count[0] += 1
        found = check_program(source, tmp_path / "generated.py", f"hypothesmith.{strategy}() example")
        problems.extend(found)
        assert not found, found[0]  # let hypothesis shrink it to a minimal program

    start = time.perf_counter()
    try:
        sweep()
    except Exception:  # noqa: BLE001 - hypothesis re-raises the shrunk failure: reported below
        if not problems:
            raise
    record_property("seconds", round(time.perf_counter() - start, 1))
    print(f"\n{strategy}: {count[0]} programs, {time.perf_counter() - start:.1f}s")
    if problems:
        # The last problem is the one hypothesis shrank to.
        _fail(f"hypothesmith.{strategy}() programs", problems[::-1], limit=3)


# ============================================================================ crafted: deep nesting
HEADER = ("from motor.motor_asyncio import AsyncIOMotorClient\n"
          "client = AsyncIOMotorClient(io_loop=None)\n"
          "coll = client.app.items\n")
HEADER_LINES = HEADER.count("\n")


def _deep_depths() -> Tuple[int, ...]:
    return (5000, 3000, 2000, 1000)


# ---------------------------------------------------------------- built ASTs (no parser limits)
_LIST_FIELDS = {"body", "bases", "orelse", "finalbody", "handlers", "decorator_list", "type_params", "targets",
                "elts", "keys", "values", "args", "keywords", "ops", "comparators", "generators", "ifs",
                "names", "items", "cases", "posonlyargs", "kwonlyargs", "kw_defaults", "defaults",
                "patterns", "kwd_attrs", "kwd_patterns", "type_ignores"}
_LINE = HEADER_LINES + 1  # every built node sits on one line after the header


def node(cls, **fields):
    """An AST node with every field set (lists empty, the rest None) and a location."""
    for name in cls._fields:
        if name not in fields:
            fields[name] = [] if name in _LIST_FIELDS else None
    if cls is ast.FunctionDef or cls is ast.AsyncFunctionDef or cls is ast.Lambda:
        if fields.get("args") in (None, []):
            fields["args"] = node(ast.arguments)
    made = cls(**fields)
    if "lineno" in getattr(cls, "_attributes", ()):
        made.lineno = made.end_lineno = _LINE
        made.col_offset, made.end_col_offset = 0, 1
    return made


def name(ident: str, ctx=None):
    return node(ast.Name, id=ident, ctx=ctx or ast.Load())


def call(func, *args):
    return node(ast.Call, func=func, args=list(args), keywords=[])


def attr(value, attr_name: str):
    return node(ast.Attribute, value=value, attr=attr_name, ctx=ast.Load())


def find_one():
    return call(attr(name("coll"), "find_one"), node(ast.Dict, keys=[], values=[]))


def insert_stmt():
    return node(ast.Expr, value=call(attr(name("coll"), "insert_one"), node(ast.Dict, keys=[], values=[])))


def _stmt_builders() -> Dict[str, Callable[[List[ast.stmt], int], ast.stmt]]:
    b: Dict[str, Callable[[List[ast.stmt], int], ast.stmt]] = {
        "if": lambda body, i: node(ast.If, test=find_one(), body=body, orelse=[insert_stmt()]),
        "elif": lambda body, i: node(ast.If, test=name("a"), body=[insert_stmt()], orelse=body),
        "while": lambda body, i: node(ast.While, test=find_one(), body=body),
        "for": lambda body, i: node(ast.For, target=name(f"d{i}", ast.Store()),
                                    iter=call(attr(name("coll"), "find")), body=body),
        "async for": lambda body, i: node(ast.AsyncFor, target=name(f"d{i}", ast.Store()),
                                          iter=call(attr(name("coll"), "find")), body=body),
        "with": lambda body, i: node(ast.With, items=[node(
            ast.withitem, context_expr=call(attr(name("client"), "start_session")),
            optional_vars=name(f"s{i}", ast.Store()))], body=body),
        "async with": lambda body, i: node(ast.AsyncWith, items=[node(
            ast.withitem, context_expr=call(attr(name("client"), "start_session")))], body=body),
        "try": lambda body, i: node(ast.Try, body=body, handlers=[node(
            ast.ExceptHandler, type=name("Exception"), name="e", body=[insert_stmt()])],
            finalbody=[insert_stmt()]),
        "except": lambda body, i: node(ast.Try, body=[insert_stmt()], handlers=[node(
            ast.ExceptHandler, type=name("Exception"), body=body)]),
        "def": lambda body, i: node(ast.FunctionDef, name=f"f{i}", body=body + [
            node(ast.Return, value=call(name(f"f{i + 1}")))]),
        "async def": lambda body, i: node(ast.AsyncFunctionDef, name=f"f{i}", body=body),
        "class": lambda body, i: node(ast.ClassDef, name=f"C{i}", body=body + [
            node(ast.Assign, targets=[name("coll", ast.Store())], value=attr(name("coll"), "sub"))]),
    }
    if PY >= (3, 10):
        b["match"] = lambda body, i: node(ast.Match, subject=find_one(), cases=[
            node(ast.match_case, pattern=node(ast.MatchAs, name=f"m{i}"), body=body)])
    if PY >= (3, 11):
        b["except*"] = lambda body, i: node(ast.TryStar, body=body, handlers=[node(
            ast.ExceptHandler, type=name("ValueError"), body=[insert_stmt()])])
    return b


def _expr_builders() -> Dict[str, Callable[[ast.expr, int], ast.expr]]:
    def comprehension(i):
        return [node(ast.comprehension, target=name(f"x{i}", ast.Store()),
                     iter=call(attr(name("coll"), "find")), ifs=[find_one()], is_async=0)]

    return {
        "attribute": lambda inner, i: attr(inner, "sub"),
        "call": lambda inner, i: call(name("f"), inner),
        "method": lambda inner, i: call(attr(inner, "find_one")),
        "subscript": lambda inner, i: node(ast.Subscript, value=inner, slice=node(ast.Constant, value=0),
                                           ctx=ast.Load()),
        "await": lambda inner, i: node(ast.Await, value=inner),
        "binop": lambda inner, i: node(ast.BinOp, left=inner, op=ast.Add(), right=find_one()),
        "boolop": lambda inner, i: node(ast.BoolOp, op=ast.And(), values=[inner, find_one()]),
        "unary": lambda inner, i: node(ast.UnaryOp, op=ast.Not(), operand=inner),
        "compare": lambda inner, i: node(ast.Compare, left=inner, ops=[ast.Lt()], comparators=[find_one()]),
        "ifexp": lambda inner, i: node(ast.IfExp, test=find_one(), body=inner, orelse=find_one()),
        "lambda": lambda inner, i: node(ast.Lambda, body=inner),
        "walrus": lambda inner, i: node(ast.NamedExpr, target=name(f"w{i}", ast.Store()), value=inner),
        "list": lambda inner, i: node(ast.List, elts=[inner, find_one()], ctx=ast.Load()),
        "tuple": lambda inner, i: node(ast.Tuple, elts=[find_one(), inner], ctx=ast.Load()),
        "dict": lambda inner, i: node(ast.Dict, keys=[node(ast.Constant, value="k")], values=[inner]),
        "starred": lambda inner, i: node(ast.List, elts=[node(ast.Starred, value=inner, ctx=ast.Load())],
                                         ctx=ast.Load()),
        "listcomp": lambda inner, i: node(ast.ListComp, elt=inner, generators=comprehension(i)),
        "genexp": lambda inner, i: node(ast.GeneratorExp, elt=inner, generators=comprehension(i)),
        "dictcomp": lambda inner, i: node(ast.DictComp, key=find_one(), value=inner, generators=comprehension(i)),
        "fstring": lambda inner, i: node(ast.JoinedStr, values=[node(ast.FormattedValue, value=inner,
                                                                     conversion=-1)]),
        "yield": lambda inner, i: node(ast.Yield, value=inner),
        "slice": lambda inner, i: node(ast.Subscript, value=name("seq"), ctx=ast.Load(),
                                       slice=node(ast.Slice, lower=inner, upper=find_one())),
    }


def _module(statements: List[ast.stmt]) -> ast.Module:
    tree = ast.parse(HEADER)
    tree.body.extend(statements)
    return tree


def _run_tree(tree: ast.AST, label: str) -> List[str]:
    """The built tree through the semantic model, ``checker.check`` and the flake8 adapter."""
    lines = HEADER.splitlines(keepends=True) + ["x = coll.find_one({})\n"]
    problems = []
    for how, run in (("walker", lambda: sw.walk(tree, lines)),
                     ("checker.check", lambda: checker.check(tree, lines)),
                     ("flake8 adapter (Plugin.run)", lambda: list(Plugin(tree, lines, "deep.py").run()))):
        try:
            with time_limit(sw.INPUT_DEADLINE):
                run()
        except sw.FAILURES as exc:  # noqa: BLE001
            problems.append(sw.describe(f"{label} ({how})", exc))
    return problems


@pytest.mark.parametrize("kind", sorted(_stmt_builders()))
def test_deep_built_statements(kind):
    build = _stmt_builders()[kind]
    depth = _deep_depths()[0]
    body: List[ast.stmt] = [insert_stmt()]
    for i in range(depth):
        body = [build(body, i)]
    wrapper = node(ast.AsyncFunctionDef, name="outer", body=body)
    problems = _run_tree(_module(body), f"{depth} nested `{kind}` statements at module level")
    problems += _run_tree(_module([wrapper]), f"{depth} nested `{kind}` statements in an async def")
    if problems:
        _fail("deeply nested built AST", problems)


@pytest.mark.parametrize("kind", sorted(_expr_builders()))
def test_deep_built_expressions(kind):
    build = _expr_builders()[kind]
    depth = _deep_depths()[0]

    def deep() -> ast.expr:  # a fresh tree each time: the parser never shares nodes
        expr: ast.expr = find_one()
        for i in range(depth):
            expr = build(expr, i)
        return expr

    in_async = node(ast.AsyncFunctionDef, name="outer", body=[
        node(ast.Expr, value=deep()),
        node(ast.For, target=name("d", ast.Store()), iter=deep(), body=[insert_stmt()]),
        node(ast.Return, value=deep())])
    problems = _run_tree(_module([node(ast.Expr, value=deep())]), f"{depth} nested `{kind}` expressions")
    problems += _run_tree(_module([in_async]), f"{depth} nested `{kind}` expressions in an async def")
    if problems:
        _fail("deeply nested built AST", problems)


# ---------------------------------------------------------------- parsed source (parser limits)
def _deep_sources() -> Dict[str, Callable[[int], str]]:
    """Source nesting n levels deep without brackets or indentation (the parser's limits are 200
    nested brackets and 100 indentation levels; these go further), with driver code in it."""
    a = "async def f(a, b):\n    "
    return {
        "attribute chain": lambda n: a + "for d in coll" + ".sub" * n + ".find():\n        pass\n",
        "call chain": lambda n: a + "coll.find_one" + "({})" * n + "\n",
        "subscript chain": lambda n: a + "x = coll.find_one({})" + "[0]" * n + "\n",
        "binop chain": lambda n: a + "x = coll.find_one({})" + " + coll.find_one({})" * n + "\n",
        "power chain": lambda n: a + "x = coll.find_one({})" + " ** coll.find_one({})" * n + "\n",
        "not chain": lambda n: a + "x = " + "not " * n + "coll.find_one({})\n",
        "minus chain": lambda n: a + "x = " + "- " * n + "coll.count_documents({})\n",
        "conditional chain": lambda n: a + "x = " + "coll.find_one({}) if b else " * n + "coll.find()\n",
        "lambda chain": lambda n: "f = " + "lambda: " * n + "coll.find_one({})\n",
        "elif chain": lambda n: a + "if a:\n        pass\n" + "".join(
            f"    elif a == {i}:\n        coll.insert_one({{}})\n" for i in range(n)),
    }


def _wide_sources() -> Dict[str, str]:
    """Flat but wide: a thousand operands, decorators or targets in one statement (each one a
    diagnostic). Wider lines only slow flake8's own tokenizing down (quadratically on 3.12)."""
    a, n = "async def f(a, b):\n    ", 1000
    return {
        "comparison chain": a + "x = coll.find_one({})" + " < coll.find_one({})" * n + "\n",
        "boolean chain": a + "x = coll.find_one({})" + " and coll.find_one({})" * n + "\n",
        "string concatenation": "x = coll.find_one(" + ' "a"' * n + ")\n",
        "decorators": "@coll.find_one({})\n" * n + "async def f():\n    coll.insert_one({})\n",
        "chained assignment": a + "x = " * n + "coll.find_one({})\n",
        "call arguments": a + "print(" + "coll.find_one({}), " * n + ")\n",
        "dict display": a + "x = {" + "".join(f"{i}: coll.find_one({{}}), " for i in range(n)) + "}\n",
    }


def _bracket_sources() -> Dict[str, str]:
    """As deep as the parser allows: brackets (200 levels) and indentation (100 levels)."""
    n = 190

    def indented(make: Callable[[int], str], levels: int = 97, leaf: str = "coll.insert_one({})") -> str:
        return "".join("    " * i + make(i) + "\n" for i in range(levels)) + "    " * levels + leaf + "\n"

    sources = {
        "nested lists": "async def f():\n    x = " + "[" * n + "coll.find_one({})" + "]" * n + "\n",
        "nested calls": "async def f():\n    x = " + "g(" * n + "coll.find_one({})" + ")" * n + "\n",
        "nested parentheses": "async def f():\n    x = " + "(" * n + "await coll.find_one({})" + ")" * n + "\n",
        "nested awaits": "async def f():\n    x = " + "await (" * n + "coll.find_one({})" + ")" * n + "\n",
        "nested dicts": "async def f():\n    x = " + "{'k': " * n + "coll.find_one({})" + "}" * n + "\n",
        "nested comprehensions": "async def f():\n    x = " + "[" * (n // 2) + "coll.find_one({})"
        + " for _ in coll.find()]" * (n // 2) + "\n",
        "nested f-strings": "async def f():\n    x = f'{" + "str(" * (n // 2) + "coll.find_one({})"
        + ")" * (n // 2) + "}'\n",
        "nested async defs": indented(lambda i: f"async def f{i}():"),
        "nested ifs": indented(lambda i: "if coll.find_one({}):" if i else "async def f():"),
        "nested fors": indented(lambda i: f"for d{i} in coll.find():" if i else "async def f():"),
        "nested withs": indented(lambda i: f"with client.start_session() as s{i}:" if i else "async def f():"),
        "nested trys": indented(lambda i: "try:" if i else "async def f():", leaf="coll.insert_one({})\n"
                                + "".join("    " * i + "except Exception:\n" + "    " * (i + 1) + "pass\n"
                                          for i in range(96, 0, -1))),
        "nested classes": indented(lambda i: f"class C{i}:"),
        "nested lambdas in parentheses": "f = " + "(lambda: " * n + "coll.find_one({})" + ")" * n + "\n",
    }
    if PY >= (3, 10):
        sources["nested matches"] = indented(
            lambda i: ("match coll.find_one({}):" if i % 2 else "case {'k': v}:") if i else "async def f():",
            levels=97)
    return sources


def _deepest(make: Callable[[int], str]) -> Optional[int]:
    """The largest of the candidate depths that Python parses with room to spare (flake8 parses
    deeper in the stack than this test does)."""
    for depth in _deep_depths():
        try:
            sw.parse(make(int(depth * 1.2)))
            return depth
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def _check_source(source: str, label: str, tmp_path: Path, expect_results: bool = True) -> List[str]:
    """A crafted source through flake8 (only our plugin), the semantic model and the fixer, in a child
    process: the fixer calls ``compile()``, which segfaults on some deep nesting (CPython
    gh-156091: 22+ nested comprehensions on 3.12 and 3.13 before the fix)."""
    sw.runner()  # built once, in this process, and inherited by the child
    return sw.isolated(_check_source_here, source, label, tmp_path, expect_results)


def _check_source_here(source: str, label: str, tmp_path: Path, expect_results: bool) -> List[str]:
    problems: List[str] = []
    path = tmp_path / "crafted.py"
    path.write_text(source, encoding="utf-8")
    try:
        results = sw.runner().run(str(path))
    except sw.FAILURES as exc:  # noqa: BLE001
        problems.append(sw.describe(f"{label} (flake8)", exc))
        results = []
    else:
        syntax = [r for r in results if r[0] in ("E902", "E999")]
        if syntax:
            problems.append(f"{label} (flake8): Python parses it, flake8 reported {syntax}")
        elif expect_results and not any(r[0].startswith("PMA") for r in results):
            problems.append(f"{label} (flake8): no PMA result: the rules did not run")
    try:
        sw.walk(sw.parse(source), sw.flake8_lines(source))
    except sw.FAILURES as exc:  # noqa: BLE001
        problems.append(sw.describe(f"{label} (walker)", exc))
    found, _ = sw.fix_problems(source, f"{label} (fixer)")
    problems.extend(found)
    return problems


@pytest.mark.parametrize("kind", sorted(_deep_sources()))
def test_deep_source(kind, tmp_path):
    make = _deep_sources()[kind]
    depth = _deepest(make)
    if depth is None:
        pytest.skip(f"Python {PY[0]}.{PY[1]} cannot parse {kind} {_deep_depths()[-1]} levels deep")
    problems = _check_source(HEADER + make(depth), f"{kind}, {depth} levels", tmp_path)
    if problems:
        _fail("deeply nested source", problems)


@pytest.mark.parametrize("kind", sorted(_wide_sources()))
def test_wide_source(kind, tmp_path):
    problems = _check_source(HEADER + _wide_sources()[kind], kind, tmp_path)
    if problems:
        _fail("wide source", problems)


@pytest.mark.parametrize("kind", sorted(_bracket_sources()))
def test_deep_source_at_parser_limits(kind, tmp_path):
    source = HEADER + _bracket_sources()[kind]
    sw.parse(source)  # the sources stay inside the parser's limits
    problems = _check_source(source, kind, tmp_path)
    if problems:
        _fail("source nested to the parser's limits", problems)


def test_depth_limit_is_below_what_we_test():
    assert MAX_DEPTH < _deep_depths()[-1]


# ============================================================================ crafted: encodings
def _driver(name: str, word: str, text: str, comment: str) -> str:
    """Driver code with non-ASCII identifiers, strings and comments, some before a fixable call
    on the same line (ast columns are UTF-8 byte offsets, whatever the file's encoding)."""
    return (
        "from motor.motor_asyncio import AsyncIOMotorClient\n"
        "client = AsyncIOMotorClient(io_loop=None)\n"
        "coll = client.app.items\n"
        "\n"
        "\n"
        f"async def handler({name}):\n"
        f"    {word} = '{text}'; docs = await coll.find({{'{text}': {name}}}).to_list(0)  # {comment}\n"
        f"    {word}2 = await coll.insert_one({{'{text}': {word}}}).inserted_id; coll.delete_one({{'k': {word}2}})\n"
        "    return docs\n"
    )


WESTERN = _driver("café", "étiquette", "ñüß", "déjà vu")
CYRILLIC = _driver("кофе", "ярлык", "щюэ", "уже видел")
JAPANESE = _driver("表", "ソ", "表ソ能", "表示")  # 0x5C (backslash) is the second byte of 表, ソ, 能

ENCODED: Dict[str, bytes] = {
    "latin-1 cookie": b"# -*- coding: latin-1 -*-\n" + WESTERN.encode("latin-1"),
    "iso-8859-15 cookie, CRLF": (b"# vim: set fileencoding=iso-8859-15 :\r\n"
                                 + WESTERN.replace("\n", "\r\n").encode("iso-8859-15")),
    "cp1252 cookie on line 2": b"#!/usr/bin/env python\n# coding=cp1252\n" + WESTERN.encode("cp1252"),
    "koi8-r cookie": b"# coding: koi8-r\n" + CYRILLIC.encode("koi8-r"),
    "shift_jis cookie": b"# -*- coding: shift_jis -*-\n" + JAPANESE.encode("shift_jis"),
    "utf-8 with a BOM": codecs.BOM_UTF8 + WESTERN.encode("utf-8"),
    "BOM and a utf-8 cookie": codecs.BOM_UTF8 + b"# -*- coding: utf-8 -*-\n" + CYRILLIC.encode("utf-8"),
    "BOM, CRLF, no final newline": codecs.BOM_UTF8 + JAPANESE.replace("\n", "\r\n").rstrip().encode("utf-8"),
}
WORDS = ("café", "étiquette", "ñüß", "déjà vu", "кофе", "ярлык", "щюэ", "уже видел", "表", "ソ", "表ソ能", "表示")


def _declared_encoding(data: bytes) -> str:
    import tokenize

    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def _fix_command(path: Path) -> Tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), time_limit(sw.INPUT_DEADLINE):  # a hang fails the test
        code = cli.main(["fix", "--isolated", "--unsafe-fixes", str(path)])
    return code, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("kind", sorted(ENCODED))
def test_encodings(kind, tmp_path):
    data = ENCODED[kind]
    sw.parse(data.decode(_declared_encoding(data)).lstrip("\ufeff"))
    compile(data, kind, "exec", ast.PyCF_ONLY_AST)
    path = tmp_path / "encoded.py"
    path.write_bytes(data)
    problems: List[str] = []
    # flake8 reads the bytes and decodes them itself.
    try:
        results = sw.runner().run(str(path))
    except sw.FAILURES as exc:  # noqa: BLE001
        problems.append(sw.describe(f"{kind} (flake8)", exc))
    else:
        codes = {r[0] for r in results}
        if codes & {"E902", "E999"} or not any(c.startswith("PMA") for c in codes):
            problems.append(f"{kind} (flake8): expected PMA results only, got {sorted(results)}")
    text = sw.read_text(str(path))
    assert text is not None
    text = text.lstrip("\ufeff")
    try:
        sw.walk(sw.parse(text), sw.flake8_lines(text))
    except sw.FAILURES as exc:  # noqa: BLE001
        problems.append(sw.describe(f"{kind} (walker)", exc))
    problems += sw.fix_problems(text, f"{kind} (fixer on the decoded text)")[0]
    # The command: reads the bytes, writes them back in the same encoding (and BOM).
    code, output = _fix_command(path)
    fixed = path.read_bytes()
    if code not in (0, 1) or "error" in output.lower() or "Traceback" in output:
        problems.append(f"{kind} (fix command): exit {code}\n{output}")
    if fixed == data:
        problems.append(f"{kind} (fix command): nothing was fixed")
    if data.startswith(codecs.BOM_UTF8) != fixed.startswith(codecs.BOM_UTF8):
        problems.append(f"{kind} (fix command): the BOM was not kept")
    try:
        compile(fixed, kind, "exec", ast.PyCF_ONLY_AST)
        decoded = fixed.decode(_declared_encoding(data))
    except (SyntaxError, ValueError, UnicodeError) as exc:
        problems.append(f"{kind} (fix command): the fixed file does not parse or decode: {exc!r}")
    else:
        for word in WORDS:
            if word in text and word not in decoded:
                problems.append(f"{kind} (fix command): {word!r} was lost")
    code, output = _fix_command(path)
    if path.read_bytes() != fixed:
        problems.append(f"{kind} (fix command): a second run changed the file again\n{output}")
    if problems:
        _fail("encodings", problems)


# ============================================================================ crafted: null bytes
NULL_BYTES = {
    "in a comment": HEADER + "x = coll.find_one({})  # \x00\n",
    "in a string": HEADER + "x = coll.find_one({'k': '\x00'})\n",
    "between statements": HEADER + "\x00\nx = coll.find_one({})\n",
    "at the end": HEADER + "x = coll.find_one({})\n\x00",
    "first byte": "\x00" + HEADER,
    "in an async def": HEADER + "async def f():\n    coll.insert_one({})\x00\n",
}


@pytest.mark.parametrize("kind", sorted(NULL_BYTES))
def test_null_bytes(kind, tmp_path):
    source = NULL_BYTES[kind]
    path = tmp_path / "nul.py"
    path.write_bytes(source.encode("utf-8"))
    try:
        results = sw.runner().run(str(path))
    except sw.FAILURES as exc:  # noqa: BLE001
        if not sw.is_ours(exc) and isinstance(exc, ValueError) and PY < (3, 11):
            pytest.skip(f"flake8 itself (not the plugin) crashes on null bytes under Python {PY[0]}.{PY[1]}: "
                        f"ast.parse raises ValueError, which FileChecker.run_checks does not catch ({exc})")
        _fail("null bytes through flake8", [sw.describe(kind, exc)])
    codes = [r[0] for r in results]
    assert codes and set(codes) <= {"E902", "E999"}, f"expected a syntax error line, got {results}"
    # The fixer skips the file and leaves it alone; the command says so, with no traceback.
    from flake8_pymongo_async.fix.engine import fix_text

    result = fix_text(source, unsafe=True)
    assert result.text == source and result.skipped, (result.skipped, result.error)
    code, output = _fix_command(path)
    assert path.read_bytes() == source.encode("utf-8")
    assert "Traceback" not in output and "internal error" not in output, output


# ============================================================================ crafted: newest syntax
NEW_SYNTAX: Dict[str, Tuple[Tuple[int, int], str]] = {
    "walrus everywhere": ((3, 9), '''
import asyncio


async def walrus(xs, seq):
    if (c := coll.find()) is not None:
        for d in c:
            print(d)
    while (doc := await coll.find_one({})) and (n := doc.get("n")):
        coll.delete_one({"_id": doc["_id"]})
    ys = [y for x in xs if (y := coll.find_one({"x": x}))]
    zs = {(k := x): (v := await coll.count_documents({})) for x in xs}
    print(f"{(s := coll.find_one({}))}", s, k, v)
    assert (a := coll.find()) is not None, (b := coll.find())
    print(z := coll.insert_one({}), key=(w := coll.find()))
    seq[(i := 0)] = (j := coll.find_one({}))
    total = [(q := coll.find()) for _ in range(3)], (r := await (t := coll.find_one({})))
    gen = ((u := coll.find_one({})) async for _ in coll.find())
    lam = lambda: (lv := coll.find_one({}))
    with (m := client.start_session()) as session:
        pass
    return total, gen, lam, a, b, z, w, i, j, q, r, t, n, ys, zs, m, session


def sync_walrus(xs, default=(dv := coll.find())):
    @(deco := staticmethod)
    def inner():
        return (iv := coll.find_one({}))
    return [(e := coll.find()) for _ in xs], dv, deco, inner, e


if (module_level := coll.find_one({})):
    print(module_level)
'''),
    "match": ((3, 10), '''
class Point:
    __match_args__ = ("x", "y")


async def handle(command, ident):
    match command:
        case {"op": "insert", "doc": payload} if coll.find_one({}):
            coll.insert_one(payload)
        case ["find", *rest] if (n := len(rest)) > 0:
            for d in coll.find({"n": n}):
                print(d)
        case Point(x=0, y=yy) | Point(x=yy, y=0):
            return await coll.find().to_list(0), yy
        case str() as text if text:
            return await coll.find_one({"t": text})["name"]
        case coll.name:
            pass
        case [Point(x, y), *_, {"k": [1, 2, {**others}]}]:
            print(x, y, others)
        case _:
            match await coll.find_one({}):
                case None:
                    ...
                case {"_id": ident}:
                    coll.delete_one({"_id": ident})
    match coll.find_one({}):
        case {"a": 1}:
            pass
    match (session := client.start_session()), coll.find():
        case (s, c):
            with s:
                for x in c:
                    print(x)


async def parenthesised_context_managers():
    with (
        client.start_session() as first,
        client.start_session() as second,
    ):
        print(first, second)
'''),
    "except* and star subscripts": ((3, 11), '''
import asyncio


async def groups(Ts, table):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(coll.insert_one({}))
            coll.insert_one({})
    except* ValueError as eg:
        coll.insert_one({"error": str(eg)})
    except* (TypeError, KeyError):
        for d in coll.find():
            print(d)
    else:
        await coll.find_one({})["x"]
    finally:
        client.close()
    return table[*Ts], table[1:2, *Ts]


def star_annotations(*args: *tuple[int, ...]):
    try:
        pass
    except* Exception:
        next(coll.find())
'''),
    "PEP 695 generics and type aliases": ((3, 12), '''
type Docs = list[dict]
type Pair[T] = tuple[T, T]
type Lazy = coll.find_one


class Repo[T: (str, bytes), *Ts, **P]:
    coll = client.app.repo

    async def get[K](self, key: K) -> T:
        return await self.coll.find_one({"k": key})["v"]

    def sync_get[S: int](self):
        return self.coll.find_one({})


async def first[T](xs: list[T]) -> T:
    for d in coll.find():
        print(d)
    return next(coll.find())


def nested_fstrings(x):
    return f"{f"{f"{coll.find_one({})}"}"}", f"{x!r:>{coll.find()}}"
'''),
    "PEP 696 type parameter defaults": ((3, 13), '''
class Box[T = int, *Ts = *tuple[int, ...], **P = [str]]:
    async def get(self):
        return await coll.find_one({}).inserted_id


def make[T = str](x: T = coll.find_one({})) -> T:
    return x


type Alias[T = bytes] = list[T]
'''),
    "template strings and unparenthesised except": ((3, 14), '''
async def tstrings(x):
    try:
        return t"{coll.find_one({})} {x}", t"{await coll.find().to_list(0)}"
    except ValueError, TypeError:
        coll.insert_one({})
'''),
    "async comprehensions and generators": ((3, 9), '''
async def agen():
    async for d in coll.find():
        yield d
    yield coll.find_one({})


async def comprehensions():
    a = [d async for d in coll.find()]
    b = [await coll.find_one({"x": x}) for x in range(3)]
    c = {d["_id"]: d async for d in coll.find() if await coll.count_documents({})}
    e = [d for d in coll.find()]
    f = [x async for x in agen()]
    async with client.start_session() as s, client.start_session() as t:
        g = f"{await coll.find_one({})}"
    return a, b, c, e, f, g, s, t


def positional_only(a, /, b=coll.find_one({}), *, c=client.close()):
    return a, b, c
'''),
}


@pytest.mark.parametrize("kind", sorted(NEW_SYNTAX))
def test_newest_syntax(kind, tmp_path):
    needs, body = NEW_SYNTAX[kind]
    if PY < needs:
        pytest.skip(f"needs Python {needs[0]}.{needs[1]}")
    source = HEADER + body
    sw.parse(source)
    problems = _check_source(source, kind, tmp_path)
    if problems:
        _fail("newest syntax", problems)
