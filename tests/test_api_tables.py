"""The generated API tables: drift against the installed libraries, schema, and known facts.

Regenerate after upgrading pymongo/motor with ``python scripts/generate.py api-tables``.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_pymongo_async.api import tables as T

TABLES_FILE = Path(T.__file__)

HOWS = {"coroutine", "async_property", "sync", "property"}
MOTOR_KINDS = {
    "future", "coroutine_wrap", "coroutine", "future_manual", "future_manual_property",
    "sync_property", "sync_method", "sync_method_wrap", "sync_chaining", "sync_returns_cursor",
    "callback", "sync",
}


@pytest.fixture(scope="module")
def generate():
    # The tables come from pymongo 4.20.0 / motor 3.7.1, which the test extra installs on Python
    # 3.11+ only (pymongo 4.20 has no release for older Pythons). There they must be present: a
    # missing library is a broken install, not a reason to skip the drift test.
    if sys.version_info < (3, 11):
        pytest.skip("pymongo 4.20.0 needs Python 3.11+; the tables are drift-tested there")
    from generators import load_script

    return load_script("generate_api_tables")


@pytest.fixture(scope="module")
def rendered(generate):
    return generate.render()


# --- (1) drift -------------------------------------------------------------------------------

def test_committed_tables_match_installed_libraries(generate, rendered):
    difference = generate.diff(rendered, TABLES_FILE.read_text())
    assert not difference, (
        "tables.py is stale for the installed pymongo/motor; run "
        f"`{generate.COMMAND}`.\n{difference}")


def test_render_is_deterministic(generate, rendered):
    assert generate.render() == rendered


# --- (2) the drift test can fail ---------------------------------------------------------------

def test_diff_reports_an_edited_entry(generate, rendered):
    entry = '"insert_one": ("coroutine", None),'
    assert rendered.count(entry) == 1  # ASYNC_MEMBERS["collection"] only
    edited = rendered.replace(entry, '"insert_one": ("sync", None),')

    difference = generate.diff(rendered, edited)

    assert difference
    assert '-        "insert_one": ("sync", None),' in difference
    assert '+        "insert_one": ("coroutine", None),' in difference
    assert generate.diff(rendered, rendered) == ""


def test_check_mode_exits_1_on_a_stale_file(generate, rendered, tmp_path, monkeypatch, capsys):
    stale = tmp_path / "tables.py"
    stale.write_text(rendered.replace('"find": ("sync", "cursor")', '"find": ("coroutine", None)'))
    monkeypatch.setattr(generate, "TABLES_PATH", stale)
    monkeypatch.setattr(generate, "render", lambda: rendered)

    assert generate.main(["--check"]) == 1
    assert '"find"' in capsys.readouterr().out
    assert generate.main([]) == 0  # rewrites the file
    assert stale.read_text() == rendered
    assert generate.main(["--check"]) == 0


# --- tables.py is plain data --------------------------------------------------------------------

def test_tables_module_imports_nothing_and_holds_only_literals():
    tree = ast.parse(TABLES_FILE.read_text())
    assert not [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    for node in tree.body[1:]:  # after the docstring
        assert isinstance(node, ast.Assign), ast.dump(node)
        ast.literal_eval(node.value)


def test_tables_load_without_pymongo_or_motor():
    code = (
        "import runpy, sys\n"
        "for name in ('pymongo', 'motor', 'gridfs', 'bson'):\n"
        "    sys.modules[name] = None  # any import of them now raises ImportError\n"
        f"tables = runpy.run_path({str(TABLES_FILE)!r})\n"
        "print(len(tables['CLASS_NAMES']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(T.CLASS_NAMES)


def test_schema():
    kinds = set(T.OBJECT_KINDS)
    for table in (T.ASYNC_CLASSES, T.SYNC_CLASSES, T.MOTOR_CLASSES, T.ASYNC_MEMBERS,
                  T.SYNC_MEMBERS, T.MOTOR_MEMBERS):
        assert set(table) == kinds
    for table in (T.ASYNC_MEMBERS, T.SYNC_MEMBERS):
        for members in table.values():
            for how, returns in members.values():
                assert how in HOWS and (returns is None or returns in kinds)
    for members in T.MOTOR_MEMBERS.values():
        assert set(members.values()) <= MOTOR_KINDS
    for flavour, kind in T.CLASS_NAMES.values():
        assert flavour in {"async", "sync", "motor"} and kind in kinds
    for target in T.MOTOR_RENAMES.values():
        if target is not None:
            module, name = target
            assert module in T.ASYNC_NAME_HOMES[name]
    assert set(T.MOTOR_MODULES.values()) - {None} <= set(T.SCANNED_MODULES)


# --- (3) known facts from the API reference -----------------------------------------------------

A, S, M = T.ASYNC_MEMBERS, T.SYNC_MEMBERS, T.MOTOR_MEMBERS


@pytest.mark.parametrize("kind, member, expected", [
    ("collection", "aggregate", ("coroutine", "command_cursor")),
    ("collection", "find", ("sync", "cursor")),
    ("collection", "find_raw_batches", ("sync", "raw_batch_cursor")),
    # annotated AsyncRawBatchCursor, but builds an AsyncRawBatchCommandCursor at run time
    ("collection", "aggregate_raw_batches", ("coroutine", "raw_batch_command_cursor")),
    ("collection", "watch", ("coroutine", "change_stream")),
    ("collection", "list_indexes", ("coroutine", "command_cursor")),
    ("collection", "insert_one", ("coroutine", None)),
    ("collection", "database", ("property", "database")),
    ("collection", "__getattr__", ("sync", "collection")),
    ("collection", "__getitem__", ("sync", "collection")),
    ("database", "__getattr__", ("sync", "collection")),
    ("database", "client", ("property", "client")),
    ("database", "list_collections", ("coroutine", "command_cursor")),
    ("client", "start_session", ("sync", "session")),
    ("client", "__getitem__", ("sync", "database")),
    ("client", "watch", ("coroutine", "change_stream")),
    ("session", "client", ("property", "client")),
    ("session", "__aenter__", ("coroutine", "session")),
    ("cursor", "sort", ("sync", "cursor")),
    ("cursor", "__aiter__", ("sync", "cursor")),
    ("cursor", "collection", ("property", "collection")),
    ("client_encryption", "get_keys", ("sync", "cursor")),
    ("gridfs_bucket", "find", ("sync", "grid_out_cursor")),
    ("gridfs_bucket", "open_download_stream", ("coroutine", "grid_out")),
    ("gridfs_bucket", "open_upload_stream", ("sync", "grid_in")),
    ("gridfs", "find_one", ("coroutine", "grid_out")),
    ("grid_out_cursor", "sort", ("sync", "grid_out_cursor")),
    ("grid_out_cursor", "next", ("coroutine", "grid_out")),
])
def test_async_member(kind, member, expected):
    assert A[kind][member] == expected


@pytest.mark.parametrize("kind, member, how", [
    ("client", "close", "coroutine"),
    ("client", "aclose", "coroutine"),
    ("client", "address", "async_property"),
    ("client", "is_primary", "async_property"),
    ("client", "nodes", "property"),
    ("session", "start_transaction", "coroutine"),
    ("cursor", "rewind", "coroutine"),
    ("cursor", "add_option", "coroutine"),
    ("cursor", "remove_option", "sync"),
    ("cursor", "to_list", "coroutine"),
    ("grid_out", "seek", "coroutine"),
    ("grid_out", "close", "coroutine"),
    ("grid_out", "tell", "sync"),
    ("grid_in", "set", "coroutine"),
])
def test_async_how(kind, member, how):
    assert A[kind][member][0] == how


def test_async_absences():
    assert "each" not in A["cursor"] and "fetch_next" not in A["cursor"]
    assert "io_loop" not in A["client"] and "get_io_loop" not in A["collection"]
    assert "__iter__" not in A["cursor"]  # only the legacy __getitem__ protocol remains
    assert "__iter__" not in A["client"]  # AsyncMongoClient.__iter__ = None
    assert "__enter__" not in A["session"]


@pytest.mark.parametrize("kind, member, how", [
    ("client", "address", "property"),
    ("client", "close", "sync"),
    ("collection", "aggregate", "sync"),
    ("cursor", "__iter__", "sync"),
    ("session", "__enter__", "sync"),
    ("grid_out", "closed", "property"),  # from io.IOBase
])
def test_sync_how(kind, member, how):
    assert S[kind][member][0] == how


@pytest.mark.parametrize("kind, member, motor_kind", [
    ("collection", "insert_one", "future"),
    ("collection", "find", "sync_returns_cursor"),
    ("collection", "aggregate", "sync_returns_cursor"),
    ("collection", "watch", "sync_returns_cursor"),
    ("collection", "with_options", "sync_method_wrap"),
    ("database", "list_collections", "coroutine_wrap"),
    ("database", "cursor_command", "coroutine"),
    ("client", "start_session", "coroutine_wrap"),
    ("client", "close", "sync_method"),
    ("client", "address", "sync_property"),
    ("client", "__getitem__", "sync"),
    ("session", "start_transaction", "sync"),
    ("session", "with_transaction", "coroutine"),
    ("cursor", "each", "callback"),
    ("cursor", "to_list", "future_manual"),
    ("cursor", "fetch_next", "future_manual_property"),
    ("cursor", "sort", "sync_chaining"),
    ("cursor", "rewind", "sync"),
    ("command_cursor", "to_list", "future_manual"),
    ("client_encryption", "get_keys", "coroutine"),
    ("gridfs_bucket", "find", "sync_returns_cursor"),
    ("gridfs_bucket", "open_download_stream", "coroutine_wrap"),
    ("grid_out", "open", "future_manual"),
    ("grid_out", "seek", "sync_method"),
    ("grid_out", "close", "sync_property"),  # MotorGridOutProperty
    ("grid_out", "stream_to_handler", "coroutine"),
])
def test_motor_member(kind, member, motor_kind):
    assert M[kind][member] == motor_kind


def test_motor_has_no_legacy_gridfs():
    assert M["gridfs"] == {} and T.MOTOR_CLASSES["gridfs"] == ()


def test_change_stream_classes_include_concrete_subclasses():
    assert "pymongo.asynchronous.change_stream.AsyncCollectionChangeStream" in (
        T.ASYNC_CLASSES["change_stream"])
    assert "pymongo.synchronous.change_stream.ClusterChangeStream" in T.SYNC_CLASSES["change_stream"]


def test_latent_command_cursor_is_a_command_cursor():
    assert "motor.motor_asyncio.AsyncIOMotorLatentCommandCursor" in T.MOTOR_CLASSES["command_cursor"]
    assert T.CLASS_NAMES["motor.core.AgnosticLatentCommandCursor"] == ("motor", "command_cursor")


@pytest.mark.parametrize("name, expected", [
    ("pymongo.AsyncMongoClient", ("async", "client")),
    ("pymongo.MongoClient", ("sync", "client")),
    ("pymongo.mongo_client.MongoClient", ("sync", "client")),
    ("pymongo.asynchronous.mongo_client.AsyncMongoClient", ("async", "client")),
    ("pymongo.collection.Collection", ("sync", "collection")),
    ("gridfs.AsyncGridFSBucket", ("async", "gridfs_bucket")),
    ("gridfs.GridFSBucket", ("sync", "gridfs_bucket")),
    ("motor.motor_asyncio.AsyncIOMotorClient", ("motor", "client")),
    ("motor.motor_tornado.MotorClient", ("motor", "client")),
    ("motor.MotorClient", ("motor", "client")),
    ("motor.core.AgnosticCollection", ("motor", "collection")),
    ("motor.motor_gridfs.AgnosticGridFSBucket", ("motor", "gridfs_bucket")),
])
def test_class_names(name, expected):
    assert T.CLASS_NAMES[name] == expected


def test_unexported_names_are_not_class_names():
    assert "pymongo.collection.AsyncCollection" not in T.CLASS_NAMES
    assert "motor.motor_asyncio.AsyncIOMotorRawBatchCursor" not in T.CLASS_NAMES
    assert "motor.motor_asyncio.AsyncIOMotorRawBatchCursor" in T.MOTOR_CLASSES["raw_batch_cursor"]


@pytest.mark.parametrize("name, expected", [
    ("motor.motor_asyncio.AsyncIOMotorClient", ("pymongo", "AsyncMongoClient")),
    ("motor.motor_asyncio.AsyncIOMotorCollection",
     ("pymongo.asynchronous.collection", "AsyncCollection")),
    ("motor.motor_asyncio.AsyncIOMotorLatentCommandCursor",
     ("pymongo.asynchronous.command_cursor", "AsyncCommandCursor")),
    ("motor.motor_asyncio.AsyncIOMotorGridFSBucket", ("gridfs", "AsyncGridFSBucket")),
    ("motor.core.AgnosticCollection", ("pymongo.asynchronous.collection", "AsyncCollection")),
    ("motor.motor_tornado.MotorGridOut", ("gridfs", "AsyncGridOut")),
    ("motor.aiohttp.AIOHTTPGridFS", None),
    ("motor.web.GridFSHandler", None),
])
def test_motor_renames(name, expected):
    assert T.MOTOR_RENAMES[name] == expected


def test_motor_modules():
    assert T.MOTOR_MODULES["motor.motor_asyncio"] == "pymongo"
    assert T.MOTOR_MODULES["motor.motor_gridfs"] == "gridfs"
    assert T.MOTOR_MODULES["motor.aiohttp"] is None and T.MOTOR_MODULES["motor.web"] is None


def test_async_name_homes():
    assert T.ASYNC_NAME_HOMES["AsyncCollection"] == ("pymongo.asynchronous.collection",)
    assert T.ASYNC_NAME_HOMES["AsyncMongoClient"] == ("pymongo", "pymongo.asynchronous.mongo_client")
    assert "gridfs" in T.ASYNC_NAME_HOMES["AsyncGridOut"]
    assert "pymongo.collection" in T.SCANNED_MODULES


def test_async_name_importable():
    # Checked with `python -c "from <module> import <name>"` against the installed PyMongo 4.20.
    importable = T.ASYNC_NAME_IMPORTABLE
    assert set(importable) == set(T.ASYNC_NAME_HOMES)
    for name, homes in T.ASYNC_NAME_HOMES.items():
        assert set(homes) <= set(importable[name]) <= set(T.SCANNED_MODULES)
        assert list(importable[name]) == sorted(importable[name])
    # incidental imports: importable, but not a home to suggest
    assert "pymongo.asynchronous.database" in importable["AsyncCollection"]
    assert "pymongo.asynchronous.database" not in T.ASYNC_NAME_HOMES["AsyncCollection"]
    assert "gridfs.asynchronous.grid_file" in importable["AsyncDatabase"]
    assert "pymongo.asynchronous.encryption" in importable["AsyncMongoClient"]
    assert "pymongo.asynchronous.collection" in importable["AsyncCursor"]
    # really missing: `from pymongo.collection import AsyncCollection` raises ImportError
    assert "pymongo.collection" not in importable["AsyncCollection"]
    assert "pymongo" not in importable["AsyncDatabase"]
    assert "pymongo" not in importable["AsyncCollection"]
    assert "pymongo.asynchronous" not in importable["AsyncMongoClient"]
    assert "gridfs.grid_file" not in importable["AsyncGridFSBucket"]
