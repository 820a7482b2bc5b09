"""The on-disk cache of module summaries: round trip, hits, invalidation, bad entries, concurrency, kills."""
from __future__ import annotations

import dataclasses
import enum
import json
import os
import signal
import subprocess
import sys
import time
import typing
from pathlib import Path
from types import MappingProxyType
from typing import Any, List

import pytest

from flake8_pymongo_async.project import serial
from flake8_pymongo_async.project.cache import TEMP_PREFIX, DiskCache, Entry
from flake8_pymongo_async.project.index import ProjectIndex
from flake8_pymongo_async.semantic.summary import ModuleSummary
from flake8_pymongo_async.settings import DEFAULT_SETTINGS

from flake8_alone import FLAKE8
from project_support import DB, write

ROUTES = """\
from app.db import client, get_db
import pymongo
async def stop():
    return client
"""


def project(tmp_path: Path) -> Path:
    return write(tmp_path / "proj", {"app/__init__.py": "", "app/db.py": DB, "app/routes.py": ROUTES,
                                     "app/x.py": ""})


def summarise_all(root: Path, cache: Path) -> ProjectIndex:
    index = ProjectIndex(DEFAULT_SETTINGS, str(cache))
    view = index.view(str(root / "app/x.py"))
    view.module("app.db")
    view.module("app.routes")
    return index


# --- serialisation -------------------------------------------------------------------------------------


def _sample(tp: Any, depth: int = 0) -> Any:
    """A value of annotation ``tp`` with every field set to something other than its default."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union:
        members = [a for a in args if a is not type(None)]
        return _sample(members[0], depth) if depth < 3 else None
    if dataclasses.is_dataclass(tp):
        hints = serial._hints(tp)
        return tp(**{f.name: _sample(hints[f.name], depth + 1) for f in dataclasses.fields(tp)})
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return list(tp)[-1]
    if origin is typing.Literal:
        return args[-1]
    if tp is str:
        return f"s{depth}"
    if tp is bool:
        return True
    if tp is int:
        return 7 + depth
    if tp is float:
        return 1.5
    if serial._is_mapping(tp):
        return MappingProxyType({_sample(args[0], depth): _sample(args[1], depth + 1)})
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return (_sample(args[0], depth + 1), _sample(args[0], depth + 2))
        return tuple(_sample(a, depth + 1) for a in args)
    if origin in (list, frozenset, set):
        return origin([_sample(args[0], depth + 1)])
    raise AssertionError(f"the test cannot make a value of {tp!r}: teach _sample")


def _field_paths(value: Any, prefix: str = "") -> List[str]:
    found = []
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            found.append(f"{prefix}{type(value).__name__}.{f.name}")
            found.extend(_field_paths(getattr(value, f.name), prefix))
    elif isinstance(value, typing.Mapping):
        for item in value.values():
            found.extend(_field_paths(item, prefix))
    elif isinstance(value, (tuple, list, frozenset)):
        for item in value:
            found.extend(_field_paths(item, prefix))
    return found


def test_every_field_of_every_summary_class_survives_the_round_trip() -> None:
    sample = _sample(ModuleSummary)
    data = json.loads(json.dumps(serial.encode(sample)))
    assert serial.decode(data) == sample
    covered = set(_field_paths(sample))
    for cls in (ModuleSummary, *{type(v) for v in _values(sample)}):
        for f in dataclasses.fields(cls):
            assert f"{cls.__name__}.{f.name}" in covered
    assert serial.fingerprint(sample) == serial.fingerprint(serial.decode(data))
    assert serial.fingerprint(sample) != serial.fingerprint(_sample(ModuleSummary, 1))


def _values(value: Any) -> List[Any]:
    out = []
    if dataclasses.is_dataclass(value):
        out.append(value)
        for f in dataclasses.fields(value):
            out.extend(_values(getattr(value, f.name)))
    elif isinstance(value, typing.Mapping):
        for item in value.values():
            out.extend(_values(item))
    elif isinstance(value, (tuple, list, frozenset)):
        for item in value:
            out.extend(_values(item))
    return out


def test_decoding_refuses_what_does_not_fit() -> None:
    good = serial.encode(_sample(ModuleSummary))
    for bad in ({}, [], {**good, "names": {"a": 1}}, {**good, "extra": 1},
                {**good, "functions": [["f", {"qualname": 1}]]}):
        with pytest.raises(ValueError):
            serial.decode(bad)


def test_the_schema_fingerprint_follows_the_fields() -> None:
    @dataclasses.dataclass(frozen=True)
    class Shape:
        a: int

    @dataclasses.dataclass(frozen=True)
    class Shape2:
        a: int
        b: str = ""

    Shape2.__name__ = "Shape"
    assert serial.schema_fingerprint(Shape) != serial.schema_fingerprint(Shape2)
    assert serial.SCHEMA == serial.schema_fingerprint(ModuleSummary)


# --- hits and invalidation -------------------------------------------------------------------------------


def test_the_second_run_reads_the_cache(tmp_path: Path) -> None:
    root, cache = project(tmp_path), tmp_path / "cache"
    first = summarise_all(root, cache)
    assert first.walks == 2
    second = summarise_all(root, cache)
    assert second.walks == 0
    for name in ("db", "routes"):
        path = str(root / f"app/{name}.py")
        assert second.module_summary(path) == first.module_summary(path) is not None


def test_another_build_of_the_tool_does_not_read_this_ones_entries(tmp_path: Path, monkeypatch) -> None:
    # The version number stays while the code changes (a development checkout, a reinstall): the
    # summaries one build made may say less than the next one's would.
    from flake8_pymongo_async.project import cache as cache_module

    root, cache = project(tmp_path), tmp_path / "cache"
    build = cache_module.tool_build()
    assert build.startswith(cache_module.__version__ + "+")
    summarise_all(root, cache)
    monkeypatch.setattr(cache_module, "_build", build + "-edited")
    assert summarise_all(root, cache).walks == 2
    monkeypatch.setattr(cache_module, "_build", build)
    assert summarise_all(root, cache).walks == 2  # the other build overwrote the entries


def test_a_changed_size_or_mtime_invalidates_the_module_and_what_imports_it(tmp_path: Path) -> None:
    root, cache = project(tmp_path), tmp_path / "cache"
    summarise_all(root, cache)
    db = root / "app/db.py"
    db.write_text(DB.replace("client.app", "client.ap2"), encoding="utf-8")  # same size
    st = db.stat()
    os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    assert summarise_all(root, cache).walks == 1  # db; routes' answer from db is the same
    db.write_text(DB.replace("AsyncMongoClient()", "AsyncMongoClient('h')"), encoding="utf-8")
    assert summarise_all(root, cache).walks == 1
    db.write_text(DB.replace("db = client.app", "db = None"), encoding="utf-8")
    assert summarise_all(root, cache).walks == 2  # db's summary changed: routes is walked again
    assert summarise_all(root, cache).walks == 0


def test_a_new_module_that_shadows_a_missing_one_invalidates(tmp_path: Path) -> None:
    root, cache = project(tmp_path), tmp_path / "cache"
    (root / "app/routes.py").write_text(ROUTES + "from app.later import thing\n", encoding="utf-8")
    summarise_all(root, cache)
    write(root, {"app/later.py": "import pymongo\nthing = 1\n"})
    assert summarise_all(root, cache).walks == 2  # later itself, and routes, which asked for it


@pytest.mark.parametrize("damage", ["truncated", "not json", "foreign", "other version", "a list", "empty"])
def test_a_bad_entry_is_ignored_and_overwritten(tmp_path: Path, damage: str) -> None:
    root, cache = project(tmp_path), tmp_path / "cache"
    summarise_all(root, cache)
    entries = sorted(cache.glob("*.json"))
    assert len(entries) == 2  # db and routes: what was summarised
    for entry in entries:
        text = entry.read_text()
        data = json.loads(text)
        entry.write_text({"truncated": text[: len(text) // 2], "not json": "\x00garbage",
                          "foreign": json.dumps({"tool": "mypy", "data": 1}),
                          "other version": json.dumps({**data, "version": "0.0.0-other"}),
                          "a list": "[1, 2, 3]", "empty": ""}[damage])
    again = summarise_all(root, cache)
    assert again.walks == 2
    assert summarise_all(root, cache).walks == 0  # the entries were rewritten


def test_an_unwritable_cache_directory_is_no_cache_at_all(tmp_path: Path) -> None:
    root = project(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    index = summarise_all(root, blocker / "cache")  # cannot be created: a file is in the way
    assert index.walks == 2 and index.disk is not None and not index.disk.writable
    assert index.module_summary(str(root / "app/db.py")) is not None
    assert not (blocker / "cache").exists()


def test_stale_temporary_files_are_removed_fresh_ones_left(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    old, fresh = cache / f"{TEMP_PREFIX}old.json", cache / f"{TEMP_PREFIX}fresh.json"
    old.write_text("{")
    fresh.write_text("{")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    disk = DiskCache(str(cache), DEFAULT_SETTINGS)
    entry = Entry(size=1, mtime_ns=2, imports=((0, "a", ("b",)),), evidence=False, deps={"a": "none"},
                  summary_data=None, fingerprint="none")
    disk.store("/some/where.py", entry)
    assert not old.exists() and fresh.exists()
    assert disk.load("/some/where.py", 1, 2) == entry
    assert disk.load("/some/where.py", 1, 3) is None
    assert disk.load("/some/else.py", 1, 2) is None


# --- through flake8: processes, concurrency, kills -----------------------------------------------------------


def big_project(root: Path, modules: int = 60) -> Path:
    files = {"pyproject.toml": "", "app/__init__.py": "", "app/db.py": DB}
    for i in range(modules):
        files[f"app/m{i}.py"] = (
            f"from app.db import client, db\n"
            f"from app import m{(i + 1) % modules}\n"  # one long import cycle through every module
            f"import pymongo\n"
            f"async def names_{i}():\n"
            f"    return [d for d in db.users.find({{}})]\n"
            f"async def stop_{i}():\n"
            f"    local = pymongo.AsyncMongoClient()\n"
            f"    local.close()\n"
        )
        # No driver word here: the pre-filter asks the project, which summarises m{i} and db.
        files[f"app/p{i}.py"] = f"from app.m{i} import names_{i}\n"
    return write(root, files)


def flake8_run(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*FLAKE8, "--isolated", "--select=PMA", *args, "."], cwd=root, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=600)
    assert "Traceback" not in err, err
    assert proc.returncode == 1, err  # findings
    return "".join(sorted(out.splitlines(True)))


def test_two_concurrent_flake8_runs_share_a_cold_cache(tmp_path: Path) -> None:
    root = big_project(tmp_path / "proj")
    expected = finish(flake8_run(root, "--pma-no-cache", "-j1"))
    assert expected.count("PMA206") == 60
    cache = tmp_path / "cache"
    runs = [flake8_run(root, f"--pma-cache-dir={cache}", "-j2") for _ in range(2)]
    outputs = [finish(p) for p in runs]
    assert outputs == [expected, expected]
    assert finish(flake8_run(root, f"--pma-cache-dir={cache}", "-j2")) == expected  # warm
    assert not list(cache.glob(f"{TEMP_PREFIX}*"))
    # Every module that was summarised: db, m0..m59, and app/__init__.py (found to have no evidence).
    assert len(list(cache.glob("*.json"))) == 62
    for entry in cache.glob("*.json"):
        json.loads(entry.read_text())  # every entry complete


def test_a_run_killed_midway_leaves_a_cache_that_gives_the_same_findings(tmp_path: Path) -> None:
    root = big_project(tmp_path / "proj", modules=120)
    expected = finish(flake8_run(root, "--pma-no-cache", "-j1"))
    cache = tmp_path / "cache"
    proc = subprocess.Popen([*FLAKE8, "--isolated", "--select=PMA", f"--pma-cache-dir={cache}", "-j1", "."],
                            cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(cache.glob("*.json"))) < 5 and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(60)
    assert finish(flake8_run(root, f"--pma-cache-dir={cache}", "-j1")) == expected
    assert finish(flake8_run(root, f"--pma-cache-dir={cache}", "-j1")) == expected


def test_nothing_is_written_under_the_checked_tree_by_default(tmp_path: Path) -> None:
    root = big_project(tmp_path / "proj", modules=5)
    before = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    result = subprocess.run([*FLAKE8, "--isolated", "--select=PMA", "."], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == before
    assert list((tmp_path / "xdg" / "flake8-pymongo-async").glob("*.json"))  # it went to the cache home
    check = subprocess.run([sys.executable, "-m", "flake8_pymongo_async", "check", "--isolated", "."], cwd=root,
                           env=env, capture_output=True, text=True, timeout=300)
    assert check.returncode == 1, check.stderr
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == before


def test_flake8_checks_stdin_not_the_file_on_disk(tmp_path: Path) -> None:
    root = project(tmp_path)
    text = "import pymongo\nasync def f():\n    c = pymongo.AsyncMongoClient()\n    c.close()\n"
    result = subprocess.run([*FLAKE8, "--isolated", "--select=PMA", "--pma-no-cache",
                             "--stdin-display-name=app/routes.py", "-"], cwd=root, input=text,
                            capture_output=True, text=True, timeout=300)
    assert result.stdout.startswith("app/routes.py:4:5: PMA206"), result.stdout + result.stderr


def test_flake8_refuses_a_bad_source_root(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = subprocess.run([*FLAKE8, "--isolated", "--pma-source-roots=nope", "app"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "--pma-source-roots: bad entry 'nope': not a directory" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["check", "fix", "report"])
def test_the_commands_cache_where_told_and_not_at_all_with_no_cache(
        tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from flake8_pymongo_async import cli

    root = project(tmp_path)  # app/x.py names no driver: checking it asks for app.db's summary
    (root / "app/x.py").write_text("from app.db import client\n", encoding="utf-8")
    monkeypatch.chdir(root)
    extra = ["--diff"] if command == "fix" else []
    cache = tmp_path / "chosen"
    cli.main([command, "--isolated", "-j", "1", *extra, "--cache-dir", str(cache), "app"])
    assert list(cache.glob("*.json"))
    off = tmp_path / "off"
    cli.main([command, "--isolated", "-j", "1", *extra, "--no-cache", "--cache-dir", str(off), "app"])
    assert not off.exists()
    capsys.readouterr()
