"""The project index: finding modules, summarising them once, cycles, bad files, the evidence pre-filter."""
from __future__ import annotations

import ast
import os
from pathlib import Path
from types import MappingProxyType

import pytest

from flake8_pymongo_async import checker
from flake8_pymongo_async.config import ConfigError, load
from flake8_pymongo_async.project.imports import candidate_names, import_specs, scan_import_specs
from flake8_pymongo_async.project.index import ProjectIndex, Record
from flake8_pymongo_async.project.locate import FRESH, Probe, place_of, resolve, roots_for
from flake8_pymongo_async.semantic.external import absolute_name
from flake8_pymongo_async.project import serial
from flake8_pymongo_async.semantic.summary import ModuleSummary, ValueKind, ValueSummary
from flake8_pymongo_async.settings import DEFAULT_SETTINGS, Settings, parse_source_roots

from deadline import time_limit
from project_support import DB, write

DRIVER_CLIENT = ValueSummary(ValueKind.DRIVER_OBJECT, flavour="async", driver_kind="client")
EMPTY_SUMMARY = ModuleSummary(names=MappingProxyType({}), functions=MappingProxyType({}),
                              classes=MappingProxyType({}))


# --- locating modules --------------------------------------------------------------------------------


def test_place_of_a_flat_package_and_of_its_init(tmp_path: Path) -> None:
    write(tmp_path, {"app/__init__.py": "", "app/routers/__init__.py": "", "app/routers/users.py": "", "top.py": ""})
    users = place_of(str(tmp_path / "app/routers/users.py"))
    assert users is not None and (users.root, users.name, users.package) == (str(tmp_path), "app.routers.users",
                                                                             "app.routers")
    init = place_of(str(tmp_path / "app/routers/__init__.py"))
    assert init is not None and (init.name, init.package, init.is_package) == ("app.routers", "app.routers", True)
    top = place_of(str(tmp_path / "top.py"))
    assert top is not None and (top.root, top.name, top.package) == (str(tmp_path), "top", "")
    assert place_of(str(tmp_path / "not-a-name.py")) is None


def test_src_layout_and_tests_find_the_package(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "", "src/app/__init__.py": "", "src/app/db.py": DB, "tests/test_db.py": ""})
    test_place = place_of(str(tmp_path / "tests/test_db.py"))
    roots = roots_for(test_place, ())
    assert roots == (str(tmp_path / "tests"), str(tmp_path), str(tmp_path / "src"))
    assert resolve("app.db", roots) == str(tmp_path / "src/app/db.py")
    assert resolve("app", roots) == str(tmp_path / "src/app/__init__.py")
    assert resolve("app.nothing", roots) is None
    assert resolve("os", roots) is None  # not first-party


def test_configured_source_roots_come_after_the_package_root(tmp_path: Path) -> None:
    write(tmp_path, {"odd/place/lib/__init__.py": "", "odd/place/lib/db.py": DB, "main.py": "",
                     "lib/__init__.py": "", "lib/db.py": ""})
    configured = parse_source_roots(["odd/place"], str(tmp_path))
    assert configured == (str(tmp_path / "odd/place"),)
    roots = roots_for(place_of(str(tmp_path / "main.py")), configured)
    assert resolve("lib.db", roots) == str(tmp_path / "lib/db.py")  # the file's own root first
    assert resolve("lib.db", configured) == str(tmp_path / "odd/place/lib/db.py")
    with pytest.raises(ValueError, match=r"^--pma-source-roots: bad entry 'nope': not a directory"):
        parse_source_roots(["nope"], str(tmp_path))


def test_a_probe_asks_the_file_system_once_per_path(tmp_path: Path) -> None:
    # The index's Probe memoises: a file removed during the run is still seen (the run's view of
    # the project stays one view); FRESH, for one-off callers, asks every time.
    write(tmp_path, {"app/__init__.py": "", "app/db.py": DB})
    probe = Probe()
    roots = (str(tmp_path),)
    assert resolve("app.db", roots, probe) == str(tmp_path / "app/db.py")
    assert probe.is_package(str(tmp_path / "app")) and probe.is_dir(str(tmp_path / "app"))
    (tmp_path / "app/db.py").unlink()
    (tmp_path / "app/__init__.py").unlink()
    assert resolve("app.db", roots, probe) == str(tmp_path / "app/db.py")
    assert probe.is_package(str(tmp_path / "app"))
    assert resolve("app.db", roots, FRESH) is None and not FRESH.is_package(str(tmp_path / "app"))
    assert not Probe().is_package(str(tmp_path / "app"))


def test_source_roots_in_pyproject_are_relative_to_it(tmp_path: Path) -> None:
    write(tmp_path, {"lib/x.py": "", "pyproject.toml": "[tool.flake8-pymongo-async]\nsource-roots = [\"lib\"]\n"})
    assert load(tmp_path / "pyproject.toml").settings().source_roots == (str(tmp_path / "lib"),)
    (tmp_path / "pyproject.toml").write_text("[tool.flake8-pymongo-async]\nsource-roots = [\"gone\"]\n")
    with pytest.raises(ConfigError, match=r"source-roots: bad entry 'gone': not a directory"):
        load(tmp_path / "pyproject.toml")
    (tmp_path / "pyproject.toml").write_text("[tool.flake8-pymongo-async]\nno-cache = \"yes\"\n")
    with pytest.raises(ConfigError, match=r"no-cache: expected true or false"):
        load(tmp_path / "pyproject.toml")


def test_relative_imports_and_the_names_they_may_mean() -> None:
    assert absolute_name(1, "db", "app.routers") == "app.routers.db"
    assert absolute_name(2, "db", "app.routers") == "app.db"
    assert absolute_name(1, None, "app") == "app"
    assert absolute_name(1, None, "") == ""  # `from . import x` at the top of a root
    assert absolute_name(2, None, "") is None  # above the root: unknown
    assert absolute_name(1, "x", None) is None
    tree = ast.parse("import a.b.c\nfrom . import db\nfrom ..core import settings as s\nfrom m import *\n"
                     "def f():\n    from app.late import thing\n")
    assert candidate_names(import_specs(tree), "app.routers") == [
        "a", "a.b", "a.b.c", "app.routers", "app.routers.db", "app.core", "app.core.settings", "m",
        "app.late", "app.late.thing"]


# --- summaries -----------------------------------------------------------------------------------------


def test_a_module_is_summarised_through_the_view(tmp_path: Path) -> None:
    write(tmp_path, {"app/__init__.py": "from .db import client\n", "app/db.py": DB, "app/routes.py": ""})
    view = ProjectIndex(DEFAULT_SETTINGS).view(str(tmp_path / "app/routes.py"))
    assert view.package == "app"
    summary = view.module("app.db")
    assert summary is not None
    assert summary.names["client"] == DRIVER_CLIENT
    assert summary.names["db"].driver_kind == "database"
    assert summary.functions["get_db"].returns.driver_kind == "database"
    assert view.module("app") is not None  # the __init__ that re-exports it
    assert view.module("app.nothing") is None and view.module("os") is None


def test_each_module_is_summarised_once_per_process(tmp_path: Path) -> None:
    write(tmp_path, {"app/__init__.py": "", "app/db.py": DB, "app/a.py": "from app.db import db\nimport pymongo\n",
                     "app/b.py": "from app import db, a\n"})
    index = ProjectIndex(DEFAULT_SETTINGS)
    for name in ("a", "b", "db"):
        view = index.view(str(tmp_path / f"app/{name}.py"))
        for module in ("app.db", "app.a", "app", "app.db"):
            view.module(module)
    # app/__init__.py mentions no driver and imports nothing that does: never walked.
    assert index.walks == 2  # app/db.py and app/a.py, once each
    assert index.module_summary(str(tmp_path / "app/__init__.py")) is None


def test_a_module_without_evidence_is_not_walked(tmp_path: Path) -> None:
    write(tmp_path, {"util.py": "def helper():\n    return 1\n", "main.py": ""})
    index = ProjectIndex(DEFAULT_SETTINGS)
    assert index.view(str(tmp_path / "main.py")).module("util") is None
    assert index.walks == 0


def test_the_driver_own_source_is_never_summarised_as_the_project(tmp_path: Path) -> None:
    # Checking pymongo's (or motor's) own tree: its modules are described by the API tables, so
    # importing one must not parse and walk the whole driver first.
    write(tmp_path, {"pymongo/__init__.py": "", "pymongo/asynchronous/__init__.py": "",
                     "pymongo/asynchronous/helpers.py": DB, "motor/__init__.py": DB, "app/__init__.py": "",
                     "app/db.py": DB})
    index = ProjectIndex(DEFAULT_SETTINGS)
    view = index.view(str(tmp_path / "pymongo/asynchronous/collection.py"))
    assert view.module("pymongo.asynchronous.helpers") is None and view.module("motor") is None
    assert index.walks == 0
    assert view.module("app.db") is not None and index.walks == 1  # a sibling package still is


def test_import_cycles_end_and_do_not_depend_on_where_the_run_starts(tmp_path: Path) -> None:
    write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pymongo import AsyncMongoClient\nfrom pkg.b import helper\nclient = AsyncMongoClient()\n",
        "pkg/b.py": "from pkg.a import client\nfrom pkg import c\ndef helper():\n    return client\n",
        "pkg/c.py": "from pkg.a import client as again\nimport pymongo\n",
    })
    summaries = []
    for start in ("a", "b", "c"):
        index = ProjectIndex(DEFAULT_SETTINGS)
        with time_limit(20):
            index.module_summary(str(tmp_path / f"pkg/{start}.py"))
            summaries.append({m: serial.fingerprint(index.module_summary(str(tmp_path / f"pkg/{m}.py")))
                              for m in "abc"})
        assert index.walks == 3
    assert summaries[0] == summaries[1] == summaries[2]


def test_missing_broken_and_special_modules_are_unknown(tmp_path: Path) -> None:
    write(tmp_path, {"app/__init__.py": "", "app/broken.py": "import pymongo\ndef f(:\n",
                     "app/nul.py": "import pymongo\x00\n", "app/routes.py": ""})
    (tmp_path / "app/big.py").write_bytes(b"import pymongo\n" + b"x = 1\n" * (2 * 1024 * 1024))
    os.mkfifo(tmp_path / "app/fifo.py")
    os.symlink(tmp_path / "app/nowhere.py", tmp_path / "app/dangling.py")
    view = ProjectIndex(DEFAULT_SETTINGS).view(str(tmp_path / "app/routes.py"))
    with time_limit(30):  # a FIFO opened for reading would block here
        for name in ("broken", "nul", "fifo", "dangling", "missing", "big"):
            assert view.module(f"app.{name}") is None, name


def test_the_import_chain_is_summarised_without_recursion(tmp_path: Path) -> None:
    files = {f"m{i}.py": f"import pymongo\nfrom m{i + 1} import x\nx = 1\n" for i in range(300)}
    files["m300.py"] = "from pymongo import AsyncMongoClient\nx = AsyncMongoClient()\n"
    write(tmp_path, files)
    index = ProjectIndex(DEFAULT_SETTINGS)
    with time_limit(60):
        assert index.module_summary(str(tmp_path / "m0.py")) is not None
    assert index.walks == 301


# --- the evidence pre-filter -----------------------------------------------------------------------------


def _admitted(view, text: str) -> bool:
    return checker._may_have_evidence([text], DEFAULT_SETTINGS) or view.may_have_evidence(ast.parse(text), text)


def test_a_file_is_walked_when_a_first_party_import_has_evidence(tmp_path: Path) -> None:
    write(tmp_path, {"app/__init__.py": "", "app/db.py": DB, "app/util.py": "def f():\n    return 1\n",
                     "app/routes.py": ""})
    index = ProjectIndex(DEFAULT_SETTINGS)
    view = index.view(str(tmp_path / "app/routes.py"))
    assert _admitted(view, "from app.db import client\n")
    assert _admitted(view, "from . import db\n")
    assert not _admitted(view, "from app import util\nimport os\n")
    assert not _admitted(view, "import json\nx = 1\n")
    assert index.walks == 1


def test_fixtures_and_app_state_admit_a_file(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "", "conftest.py": "", "tests/conftest.py": "", "tests/test_x.py": "",
                     "app/__init__.py": "", "app/main.py": "", "app/routes.py": ""})
    index = ProjectIndex(DEFAULT_SETTINGS)
    unknown = ValueSummary(ValueKind.UNKNOWN)
    near = ModuleSummary(names={}, functions={}, classes={}, fixtures={"db": DRIVER_CLIENT})
    far = ModuleSummary(names={}, functions={}, classes={}, fixtures={"db": unknown, "other": unknown})
    index.memo[str(tmp_path / "tests/conftest.py")] = Record(near, True, serial.fingerprint(near))
    index.memo[str(tmp_path / "conftest.py")] = Record(far, True, serial.fingerprint(far))
    test_view = index.view(str(tmp_path / "tests/test_x.py"))
    assert dict(test_view.fixtures()) == {"db": DRIVER_CLIENT, "other": unknown}  # the nearest wins
    assert _admitted(test_view, "def test_it(db):\n    pass\n")
    assert not _admitted(index.view(str(tmp_path / "app/routes.py")), "def test_it(db):\n    pass\n")

    state = ModuleSummary(names={}, functions={}, classes={},
                          state={"state.mongo": DRIVER_CLIENT, "state.name": unknown})
    clash = ModuleSummary(names={}, functions={}, classes={}, state={"state.name": DRIVER_CLIENT})
    for path in (tmp_path / "app").glob("*.py"):
        index.memo[str(path)] = Record(EMPTY_SUMMARY, True, serial.fingerprint(EMPTY_SUMMARY))
    index.memo[str(tmp_path / "app/main.py")] = Record(state, True, serial.fingerprint(state))
    index.memo[str(tmp_path / "app/__init__.py")] = Record(clash, True, serial.fingerprint(clash))
    routes = index.view(str(tmp_path / "app/routes.py"))
    assert dict(routes.app_state()) == {"state.mongo": DRIVER_CLIENT}  # a key with two values is dropped
    assert _admitted(routes, "async def get(request):\n    return request.app.state.mongo\n")
    assert not _admitted(routes, "async def get(request):\n    return request.json()\n")


# --- settings ------------------------------------------------------------------------------------------


def test_extra_factories_change_the_summaries_and_the_cache_key(tmp_path: Path) -> None:
    write(tmp_path, {"app/__init__.py": "", "app/db.py": "from app.make import make_client\nc = make_client()\n",
                     "app/make.py": "def make_client():\n    return None\n", "app/x.py": ""})
    plain = ProjectIndex(DEFAULT_SETTINGS, str(tmp_path / "cache")).view(str(tmp_path / "app/x.py"))
    assert plain.module("app.db") is None
    settings = Settings(extra_factories=frozenset({"client:make_client"}))
    factory = ProjectIndex(settings, str(tmp_path / "cache")).view(str(tmp_path / "app/x.py"))
    summary = factory.module("app.db")
    assert summary is not None and summary.names["c"].kind is ValueKind.DRIVER_OBJECT


# --- wiring: the view reaches the model ---------------------------------------------------------------------


def test_the_checker_hands_the_view_to_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"app/__init__.py": "", "app/db.py": DB, "app/routes.py": ""})
    view = ProjectIndex(DEFAULT_SETTINGS).view(str(tmp_path / "app/routes.py"))
    seen = []
    real = checker.SemanticModel

    def spy(*args, **kwargs):
        seen.append(kwargs.get("project"))
        return real(*args, **kwargs)

    monkeypatch.setattr(checker, "SemanticModel", spy)
    text = "from app.db import client\n"  # no driver word: admitted through the project
    checker.check(ast.parse(text), [text], DEFAULT_SETTINGS, view)
    assert seen == [view] and seen[0].module("app.db") is not None


def test_the_plugin_gives_each_file_the_view_of_its_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flake8_pymongo_async import plugin

    write(tmp_path, {"app/__init__.py": "", "app/db.py": DB})
    seen = []

    def spy(tree, lines, settings, project=None):
        seen.append((project.package, project.module("app.db") is not None))
        return []

    monkeypatch.setattr(plugin.checker, "check", spy)
    monkeypatch.setattr(plugin.Plugin, "_index", ProjectIndex(DEFAULT_SETTINGS))
    text = "import os\n"  # as flake8 read it (from stdin, say): never read from disk here
    list(plugin.Plugin(ast.parse(text), [text], str(tmp_path / "app/routes.py")).run())
    assert seen == [("app", True)]


def test_framework_state_of_a_project_too_large_to_read_is_unknown(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from flake8_pymongo_async.project import index as index_module

    write(tmp_path, {"pyproject.toml": "", "a.py": "", "b.py": "", "c.py": ""})
    state = ModuleSummary(names={}, functions={}, classes={}, state={"state.mongo": DRIVER_CLIENT})
    index = ProjectIndex(DEFAULT_SETTINGS)
    for name in "abc":
        index.memo[str(tmp_path / f"{name}.py")] = Record(state, True, serial.fingerprint(state))
    monkeypatch.setattr(index_module, "MAX_STATE_FILES", 2)
    assert dict(index.view(str(tmp_path / "a.py")).app_state()) == {}
    monkeypatch.setattr(index_module, "MAX_STATE_FILES", 3)
    assert dict(ProjectIndex(DEFAULT_SETTINGS).view(str(tmp_path / "a.py")).app_state()) == {}  # no evidence
    index._app_state.clear()
    assert dict(index.view(str(tmp_path / "a.py")).app_state()) == {"state.mongo": DRIVER_CLIENT}


TRICKY_IMPORTS = '''
import os, sys as system
import a.b.c
from . import x
from .import y
from ..pkg.mod import (
    one,  # noqa: F401
    two as deux,
)
from m import a, \\
    b
from n \\
    import (c,
            d)
try: import z
except ImportError: pass
x = 1; import q
from .rel import *
def f():
    from inner import thing
    from . import importlib
'''


def _covers(scanned: object, parsed: object) -> bool:
    found = set(scanned)  # type: ignore[call-overload]
    for level, module, names in parsed:  # type: ignore[attr-defined]
        listed = [set(s[2]) for s in found if s[:2] == (level, module)]
        if not listed or not set(names) <= set().union(*listed):
            return False
    return True


def test_imports_read_from_the_text_cover_every_import_statement() -> None:
    # The text scan stands in for parsing a module that names no driver: it may find more
    # (an import-like line in a string) but never less than the statements themselves.
    assert _covers(scan_import_specs(TRICKY_IMPORTS), import_specs(ast.parse(TRICKY_IMPORTS)))
    assert (0, "m", ("a", "b")) in scan_import_specs(TRICKY_IMPORTS)
    assert (1, "", ("importlib",)) in scan_import_specs(TRICKY_IMPORTS)
    package = Path(checker.__file__).parent
    for source in sorted(package.rglob("*.py")):
        text = source.read_text(encoding="utf-8")
        assert _covers(scan_import_specs(text), import_specs(ast.parse(text))), source


def test_a_module_naming_no_driver_is_not_parsed_unless_an_import_gives_driver_values(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"util.py": "import helpers\n", "helpers.py": "def f():\n    return 1\n",
                     "repo.py": "from app_db import db\n", "app_db.py": DB, "main.py": ""})
    parsed: list = []
    real_parse = ast.parse
    monkeypatch.setattr("flake8_pymongo_async.project.index.ast.parse",
                        lambda text, filename="", **kw: parsed.append(os.path.basename(filename))
                        or real_parse(text, filename=filename, **kw))
    index = ProjectIndex(DEFAULT_SETTINGS)
    view = index.view(str(tmp_path / "main.py"))
    assert view.module("util") is None and parsed == []
    assert view.module("repo") is not None  # imports a module giving driver values: parsed, walked
    assert sorted(parsed) == ["app_db.py", "repo.py"]
