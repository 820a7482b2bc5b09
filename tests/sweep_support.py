"""Helpers for ``test_sweep.py``, the no-crash sweep (issue 7).

Kept in a module of its own so ``multiprocessing`` workers can import the functions they run.

* ``Flake8Runner``: only our plugin, through flake8's own plugin machinery (``finder.load_plugins``
  + ``checker.FileChecker``), with the options flake8 itself parses. It does not depend on the
  package being installed: the ``PMA`` entry point is built from its value, and loaded and
  classified by flake8 exactly as an installed one would be.
* ``walk``: the semantic model driven directly (``checker.run_model``), bypassing the checker's
  "does the text mention the driver" prefilter, with the same recursion headroom ``checker.check`` gives it.
* ``fix_problems``: the fixer's contract (output parses, compiles when the input did, a second
  pass changes nothing), as a list of problems.
* Hang detection: each of these runs one input under ``INPUT_DEADLINE``; past it they raise
  ``Hang``, which the sweep reports (``FAILURES``, ``describe``) as a failure naming the input.
* Driver code (``DRIVER_HEADER``/``DRIVER_PROBE``) to inject into files so the rules, and the
  fixes, really run; ``HAUNTED_FACTORIES`` turns everyday calls (``open()``, ``len()``...) into
  driver objects so the rules run all over code that never mentions the driver.
"""
from __future__ import annotations

import ast
import io
import os
import sys
import sysconfig
import tokenize
import traceback
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

from deadline import Hang, time_limit
from flake8_pymongo_async import __version__, checker
from flake8_pymongo_async.plugin import ENTRY_POINT, Plugin
from flake8_pymongo_async.settings import DEFAULT_SETTINGS, Settings

PLUGIN_VALUE = "flake8_pymongo_async.plugin:Plugin"

# Seconds one tool may spend on one input (a file, a generated or crafted program) before the sweep
# reports a hang naming it, instead of running until CI's own timeout. The slowest input takes
# about 7 s here. Environment: PMA_SWEEP_DEADLINE.
INPUT_DEADLINE = float(os.environ.get("PMA_SWEEP_DEADLINE", "120"))

# What the sweep reports about the code under test: any exception, or running past the deadline.
FAILURES = (Exception, Hang)
PACKAGE_DIR = str(Path(checker.__file__).resolve().parent)

# Builtins and common calls declared as driver factories: with these, most of the standard library
# "holds" async clients, databases and collections, and the rules run all over it.
HAUNTED_FACTORIES = (
    "client:open", "client:super", "client:socket.socket", "client:mock.Mock", "client:mock.MagicMock",
    "client:MagicMock", "client:Mock", "database:asyncio.new_event_loop", "database:getattr",
    "collection:sqlite3.connect", "collection:self.get",
)

# ------------------------------------------------------------------------------------- driver code
# Module-level code: Motor imports and objects (PMA101 and the constructor-argument rules).
DRIVER_HEADER = '''\
import gridfs as _pma_gridfs
import motor.motor_asyncio as _pma_ma
from motor.motor_asyncio import AsyncIOMotorClient as _PmaMotorClient
from motor.motor_asyncio import AsyncIOMotorGridFSBucket as _PmaBucket
from pymongo import AsyncMongoClient as _PmaAsyncClient, AsyncDatabase as _PmaAsyncDatabase
from pymongo.collection import AsyncCollection as _PmaAsyncCollection
_pma_client = _PmaMotorClient("mongodb://localhost", io_loop=None, connect=True)
_pma_async_client = _PmaAsyncClient(connect=False)
_pma_db = _pma_client.sweep
_pma_coll = _pma_db.items
_pma_bucket = _PmaBucket(_pma_db, collection="fs")
'''

# Functions whose bodies break most rules, fixable (safe and unsafe) or not.
DRIVER_PROBE = '''\


async def _pma_probe(doc, cursor=_pma_coll.find()):
    _pma_coll.insert_one(doc)
    new_id = await _pma_coll.insert_one(doc).inserted_id
    docs = await _pma_coll.find().to_list(0)
    more = await _pma_coll.find({"a": 1}).sort("a", -1).to_list(length=0)
    plain = await _pma_coll.find({})
    for row in _pma_coll.find({"paid": True}):
        print(row)
    with _pma_async_client.start_session() as session:
        await _pma_coll.insert_one({}, session=session)
    first = next(_pma_coll.find())
    listed = list(cursor)
    if _pma_async_client.is_primary:
        _pma_async_client.close()
    while (found := await _pma_coll.find_one({})) is not None:
        await _pma_coll.delete_one({"_id": found["_id"]})
    name = await _pma_coll.find_one({"_id": new_id})["name"]
    cursor.each(print)
    return docs, more, plain, first, listed, name, _pma_client.io_loop, _pma_ma, _pma_gridfs


def _pma_sync_probe(loop):
    _pma_coll.update_one({}, {"$set": {"a": 1}})
    return _PmaMotorClient(io_loop=loop), [d for d in _pma_coll.find()], _PmaAsyncDatabase, _PmaAsyncCollection
'''

# A compact snippet for places where the whole probe would dominate (generated programs).
DRIVER_LINE = "from motor.motor_asyncio import AsyncIOMotorClient\n"


def inject(text: str, header: str = DRIVER_HEADER, footer: str = DRIVER_PROBE) -> str:
    """``text`` with ``header`` after its ``from __future__`` imports and ``footer`` at the end."""
    tree = ast.parse(text)
    after = 0
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            after = node.end_lineno or node.lineno
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                  and isinstance(node.value.value, str)):
            break  # a docstring may precede __future__ imports; anything else ends them
    lines = io.StringIO(text, newline="").readlines()  # the lines ast counts: \n, \r\n and \r only
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    head, tail = lines[:after], lines[after:]
    return "".join(head) + header + "".join(tail) + footer


# ----------------------------------------------------------------------------------- stdlib files
def stdlib_root() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def stdlib_files() -> List[str]:
    """Every ``.py`` file of the running Python's standard library, tests included (no site-packages)."""
    root = stdlib_root()
    found = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in ("site-packages", "dist-packages", "__pycache__"))
        found.extend(os.path.join(directory, f) for f in sorted(files) if f.endswith(".py"))
    return found


def read_text(path: str) -> Optional[str]:
    """The file's text, decoded as Python decodes it (None when it cannot be decoded)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeError, LookupError, OSError):
        return None


def python_parses(path: str) -> bool:
    """Whether Python itself parses the file (its bytes: coding cookie and BOM included)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        return True
    except (SyntaxError, ValueError, UnicodeError, LookupError, RecursionError, MemoryError, OSError):
        return False


def flake8_lines(text: str) -> List[str]:
    """The ``lines`` flake8 hands a plugin: the file read in universal-newlines mode."""
    return io.StringIO(text, newline=None).readlines()


def parse(text: str) -> ast.AST:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def chunks(items: Sequence, count: int) -> List[list]:
    """``items`` dealt into about ``count * 4`` interleaved chunks (big files spread out)."""
    n = max(1, min(len(items), count * 4))
    return [list(items[i::n]) for i in range(n)]


# ------------------------------------------------------------------------------------ crash report
def is_ours(exc: BaseException) -> bool:
    """Whether the exception was raised by (or through) our package rather than flake8 itself."""
    from flake8.exceptions import PluginExecutionFailed

    if isinstance(exc, PluginExecutionFailed):
        return True
    seen = exc
    while seen is not None:
        for frame, _ in traceback.walk_tb(seen.__traceback__):
            if frame.f_code.co_filename.startswith(PACKAGE_DIR):
                return True
        seen = seen.__cause__ or seen.__context__
    return False


def describe(path: str, exc: BaseException) -> str:
    """A crash or a hang, for the failure message: who, the way in, and where it died or was stopped."""
    who = "flake8-pymongo-async" if is_ours(exc) else "code outside flake8-pymongo-async (flake8 itself?)"
    what = "hang" if isinstance(exc, Hang) else "crash"
    cause = exc.__cause__ or exc
    frames = traceback.extract_tb(cause.__traceback__)
    ours = [i for i, f in enumerate(frames) if f.filename.startswith(PACKAGE_DIR)]
    start = ours[0] if ours else 0
    shown = frames[start:start + 3]
    if len(frames) - start > 11:
        shown = frames[start:start + 3] + frames[-8:]
        gap = f"  ... {len(frames) - start - 11} more frames ...\n"
    else:
        shown, gap = frames[start:], ""
    lines = traceback.format_list(shown)
    text = "".join(lines[:3]) + gap + "".join(lines[3:]) if gap else "".join(lines)
    return f"{path}: {what} in {who}: {type(cause).__name__}: {cause}\n{text}"


# ---------------------------------------------------------------------------------- flake8 runner
class Flake8Runner:
    """Only our plugin, through flake8's plugin machinery."""

    def __init__(self, factories: Sequence[str] = ()) -> None:
        from importlib.metadata import EntryPoint

        from flake8.options.parse_args import parse_args
        from flake8.plugins import finder

        previous = Plugin._settings
        argv = ["--isolated", f"--select={ENTRY_POINT}"]
        installed = _installed_entry_point() == PLUGIN_VALUE
        if factories and installed:
            argv.append("--pma-extra-factories=" + ",".join(factories))
        # Options exactly as flake8 parses them (defaults of every registered plugin included).
        _all_plugins, self.options = parse_args(argv)
        if not installed:
            # Run from a checkout (PYTHONPATH): flake8 did not see our option; give it its value.
            self.options.pma_extra_factories = list(factories)
        # Our plugin alone, loaded and classified by flake8 as it loads an installed entry point.
        entry_point = EntryPoint(name=ENTRY_POINT, value=PLUGIN_VALUE, group="flake8.extension")
        ours = finder.Plugin(package="flake8-pymongo-async", version=__version__, entry_point=entry_point)
        self.checkers = finder.load_plugins([ours], finder.PluginOptions.blank()).checkers
        names = [p.entry_name for p in self.checkers.tree]
        assert names == [ENTRY_POINT], names
        assert not self.checkers.logical_line and not self.checkers.physical_line
        assert self.checkers.tree[0].obj is Plugin
        Plugin.parse_options(self.options)
        self.settings = Plugin._settings
        Plugin._settings = previous
        assert self.settings.extra_factories == frozenset(factories), self.settings

    def run(self, filename: str, settings: Optional[Settings] = None) -> List[tuple]:
        """flake8's results for one file: (code, line, col, text, physical line). Raises on a crash.

        ``settings`` stands for other ``--pma-extra-factories``: what ``Plugin.parse_options``
        would have set (cheaper than parsing flake8's options again for every generated program).
        """
        from flake8.checker import FileChecker

        previous = Plugin._settings
        Plugin._settings = settings or self.settings
        try:
            with time_limit(INPUT_DEADLINE):
                file_checker = FileChecker(filename=filename, plugins=self.checkers, options=self.options)
                _name, results, _stats = file_checker.run_checks()
        finally:
            Plugin._settings = previous
        return results


def _installed_entry_point() -> Optional[str]:
    from importlib import metadata

    eps = metadata.entry_points()
    group = eps.select(group="flake8.extension") if hasattr(eps, "select") else eps.get("flake8.extension", [])
    return next((ep.value for ep in group if ep.name == ENTRY_POINT), None)


_RUNNERS: dict = {}


def runner(factories: Tuple[str, ...] = ()) -> Flake8Runner:
    """One ``Flake8Runner`` per process and set of factories."""
    if factories not in _RUNNERS:
        _RUNNERS[factories] = Flake8Runner(factories)
    return _RUNNERS[factories]


def flake8_chunk(paths: List[str], factories: Tuple[str, ...] = ()) -> Tuple[List[str], int, int]:
    """Run the plugin over ``paths``: (crash reports, files checked, files with PMA results)."""
    runner_ = runner(tuple(factories))
    crashes, checked, reporting = [], 0, 0
    for path in paths:
        try:
            results = runner_.run(path)
        except FAILURES as exc:  # noqa: BLE001 - every exception is a sweep failure
            if isinstance(exc, Hang) or python_parses(path):
                crashes.append(describe(path, exc))
            continue  # (flake8 itself may fail on a file Python cannot parse: not our concern)
        syntax = [r for r in results if r[0] in ("E902", "E999")]
        if syntax:
            if python_parses(path):
                crashes.append(f"{path}: Python parses it but flake8 reported {syntax}")
            continue  # files Python itself cannot parse are skipped
        checked += 1
        if any(r[0].startswith(ENTRY_POINT) for r in results):
            reporting += 1
    return crashes, checked, reporting


# ---------------------------------------------------------------------------------------- walker
@contextmanager
def recursion_headroom() -> Iterator[None]:
    """What ``checker.check`` does around the walk: raise the recursion limit if it is lower."""
    headroom = getattr(checker, "_RECURSION_HEADROOM", 4000)
    limit = sys.getrecursionlimit()
    if limit < headroom:
        sys.setrecursionlimit(headroom)
    try:
        yield
    finally:
        if limit < headroom:
            sys.setrecursionlimit(limit)


def walk(tree: ast.AST, lines: Sequence[str], settings: Settings = DEFAULT_SETTINGS) -> list:
    """``checker.check`` without its prefilter: the model runs whatever the text mentions."""
    with recursion_headroom(), time_limit(INPUT_DEADLINE):
        return checker.run_model(tree, lines, settings).diagnostics


def walk_chunk(paths: List[str], factories: Tuple[str, ...] = ()) -> Tuple[List[str], int, int]:
    """Walk ``paths`` directly: (crash reports, files walked, files with diagnostics)."""
    settings = Settings(extra_factories=frozenset(factories)) if factories else DEFAULT_SETTINGS
    crashes, walked, reporting = [], 0, 0
    for path in paths:
        text = read_text(path)
        try:
            tree = parse(text.lstrip("\ufeff")) if text is not None else None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        if tree is None:
            if python_parses(path):
                crashes.append(f"{path}: Python parses it, the sweep could not (decoding?)")
            continue  # files Python itself cannot parse are skipped
        walked += 1
        try:
            if walk(tree, flake8_lines(text.lstrip("\ufeff")), settings):
                reporting += 1
        except FAILURES as exc:  # noqa: BLE001
            crashes.append(describe(path, exc))
    return crashes, walked, reporting


# ------------------------------------------------------------------------------------------ fixer
# ``TextResult.error`` texts that mean a fix produced broken code (the engine's safety net caught
# it). Any other error is a refusal that leaves the text untouched, which the contract allows.
BROKEN_FIX_ERRORS = ("invalid code", "no longer compiles")


def fix_problems(text: str, label: str, unsafe: bool = True,
                 settings: Settings = DEFAULT_SETTINGS) -> Tuple[List[str], bool]:
    """Problems of ``fix_text`` on ``text`` (it raises nothing, its output parses, compiles when the
    input did, no fix produced broken code, a second pass changes nothing); and whether it changed
    anything."""
    from flake8_pymongo_async.fix.engine import fix_text

    problems: List[str] = []
    try:
        with time_limit(INPUT_DEADLINE):
            first = fix_text(text, unsafe=unsafe, settings=settings)
    except FAILURES as exc:  # noqa: BLE001
        return [describe(label, exc)], False
    if first.skipped and "syntax error" not in first.skipped:
        return [], False  # lone CR: out of scope by design
    if first.error and any(words in first.error for words in BROKEN_FIX_ERRORS):
        problems.append(f"{label}: fixer error: {first.error}")
    if not first.converged:
        problems.append(f"{label}: fixer did not converge in {first.passes} passes")
    try:
        parse(first.text)
    except (SyntaxError, ValueError) as exc:
        problems.append(f"{label}: fixed output does not parse: {exc}")
        return problems, first.changed
    if first.changed and _compiles(text) and not _compiles(first.text):
        problems.append(f"{label}: fixed output no longer compiles")
    try:
        with time_limit(INPUT_DEADLINE):
            second = fix_text(first.text, unsafe=unsafe, settings=settings)
    except FAILURES as exc:  # noqa: BLE001
        problems.append(describe(label + " (second pass)", exc))
        return problems, first.changed
    if second.error and any(words in second.error for words in BROKEN_FIX_ERRORS):
        problems.append(f"{label}: fixer error on the second pass: {second.error}")
    if second.text != first.text:
        import difflib

        diff = "".join(difflib.unified_diff(first.text.splitlines(True), second.text.splitlines(True),
                                            "first pass", "second pass", n=1))
        problems.append(f"{label}: a second fix pass changed the output:\n{diff[:3000]}")
    return problems, first.changed


def _compiles(text: str) -> bool:
    # The fixer's own check, guarded against CPython 3.12.1/3.13.0 crashing in compile() on deeply
    # nested comprehensions (gh-156091).
    from flake8_pymongo_async.fix.engine import compiles_safely

    return compiles_safely(text)


def fix_chunk(paths: List[str]) -> Tuple[List[str], int, int]:
    """The fixer sweep over stdlib files with driver code injected: (problems, files, changed)."""
    problems, done, changed = [], 0, 0
    for path in paths:
        text = read_text(path)
        if text is None:
            continue
        try:
            injected = inject(text.lstrip("\ufeff"))
            parse(injected)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        done += 1
        found, did = fix_problems(injected, path + " (driver code injected)")
        problems.extend(found)
        changed += did
    return problems, done, changed


def dotted_name(node: ast.AST) -> Optional[str]:
    """``a.b.c`` for an attribute chain on a name, ``a`` for a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


# ------------------------------------------------------------------------------------- isolation
# How long isolated() waits for its child: it runs a few tools, each under INPUT_DEADLINE.
ISOLATED_DEADLINE = 4 * INPUT_DEADLINE + 30


def isolated(func, *args) -> List[str]:
    """``func(*args)`` (which returns a list of problems) in a forked child, so that a crash of
    the interpreter itself (a segfault in ``compile()``, a C stack overflow) is reported as a
    problem instead of killing the test session, and a child that never answers is killed and
    reported. Runs in-process where ``fork`` is unavailable."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return func(*args)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_isolated_child, args=(sender, func, args))
    process.start()
    sender.close()
    answered = receiver.poll(ISOLATED_DEADLINE)
    try:
        result = receiver.recv() if answered else None
    except EOFError:
        result = None
    finally:
        if not answered:
            process.kill()
        process.join()
    if not answered:
        return [f"hang: the process running {getattr(func, '__name__', func)} gave no answer in "
                f"{ISOLATED_DEADLINE:g} s; it was killed"]
    if result is None or process.exitcode != 0:
        code = process.exitcode
        how = f"signal {-code}" + (" (SIGSEGV)" if code == -11 else "") if code and code < 0 else f"exit {code}"
        return [f"the process running {getattr(func, '__name__', func)} died ({how}): the interpreter "
                f"itself crashed (run it again outside the test to see where)"]
    return result


def _isolated_child(sender, func, args) -> None:
    try:
        result = func(*args)
    except BaseException as exc:  # noqa: BLE001
        result = [f"{getattr(func, '__name__', func)} raised: {type(exc).__name__}: {exc}\n"
                  + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-12:])]
    sender.send(result)
    sender.close()
