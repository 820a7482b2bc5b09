"""End to end through real flake8: registration, reporting, stdin, noqa, config, crashes, options.

The flake8 subprocesses find the plugin through its entry point, so the package must be installed
in the running environment (``pip install -e .``, or ``pip install '.[test]'`` as CI does).
"""
from __future__ import annotations

import ast
import re
import subprocess
import textwrap
from importlib import metadata
from pathlib import Path
from typing import List, Optional, Set, Tuple

import pytest
from flake8.exceptions import PluginExecutionFailed

from flake8_pymongo_async import checker, plugin
from flake8_pymongo_async.plugin import Plugin
from flake8_pymongo_async.rules.registry import RULES
from flake8_pymongo_async.settings import Settings

import flake8_alone
from flake8_alone import ALLOWED_DISTRIBUTIONS, FLAKE8

ROOT = Path(__file__).resolve().parent.parent

MOTOR_IMPORT = "from motor.motor_asyncio import AsyncIOMotorClient\n"
REPORT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<text>.+)$")


@pytest.fixture(scope="session", autouse=True)
def _installed() -> None:
    """flake8 loads plugins from entry points: without an installed distribution nothing runs."""
    eps = metadata.entry_points()
    if hasattr(eps, "select"):
        group = eps.select(group="flake8.extension")
    else:  # Python 3.9
        group = eps.get("flake8.extension", [])
    ours = [ep for ep in group if ep.name == "PMA"]
    if not ours or ours[0].value != "flake8_pymongo_async.plugin:Plugin":
        pytest.fail("the PMA flake8 entry point is not installed: run `pip install -e .` first",
                    pytrace=False)


def flake8(*args: str, cwd: Path, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*FLAKE8, *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300,
    )


def reports(output: str) -> List[Tuple[str, int, str]]:
    """(path, line, code) of every report line flake8 printed."""
    found = []
    for line in output.splitlines():
        m = REPORT.match(line)
        if m:
            found.append((m["path"], int(m["line"]), m["code"]))
    return found


def write(directory: Path, name: str, source: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


# --- registration and reporting ----------------------------------------------------------------


def test_plugin_is_registered(tmp_path: Path) -> None:
    result = flake8("--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"flake8-pymongo-async: {metadata.version('flake8-pymongo-async')}" in result.stdout


def test_motor_import_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "app.py", MOTOR_IMPORT)
    result = flake8("--isolated", "--select=PMA", "app.py", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and re.match(r"^app\.py:1:\d+: PMA101 \S", lines[0]), result.stdout
    assert result.stderr == ""


# --- stdin: editors ------------------------------------------------------------------------------


def test_stdin_gives_the_same_report_as_the_file(tmp_path: Path) -> None:
    write(tmp_path, "x.py", MOTOR_IMPORT)
    from_file = flake8("--isolated", "--select=PMA", "x.py", cwd=tmp_path)
    from_stdin = flake8("--isolated", "--select=PMA", "-", "--stdin-display-name=x.py", cwd=tmp_path,
                        stdin=MOTOR_IMPORT)
    assert [code for _, _, code in reports(from_file.stdout)] == ["PMA101"], from_file.stdout
    assert from_stdin.stdout == from_file.stdout
    assert from_stdin.returncode == from_file.returncode == 1


@pytest.mark.parametrize(
    ("on_disk", "on_stdin", "expected"),
    [
        ("import os\n", MOTOR_IMPORT, ["PMA101"]),  # unsaved edit: the buffer counts
        (MOTOR_IMPORT, "import os\n", []),  # the stale file on disk does not
    ],
    ids=["buffer-has-finding", "disk-has-finding"],
)
def test_stdin_never_reads_the_file_on_disk(
    tmp_path: Path, on_disk: str, on_stdin: str, expected: List[str]
) -> None:
    write(tmp_path, "x.py", on_disk)
    result = flake8("--isolated", "--select=PMA", "-", "--stdin-display-name=x.py", cwd=tmp_path,
                    stdin=on_stdin)
    assert [code for _, _, code in reports(result.stdout)] == expected, result.stdout + result.stderr


# --- noqa and configuration --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "silenced"),
    [("# noqa: PMA101", True), ("# noqa: PMA1", True), ("# noqa", True), ("# noqa: PMA2", False),
     ("# noqa: E501", False)],
)
def test_noqa_by_code_prefix(tmp_path: Path, comment: str, silenced: bool) -> None:
    write(tmp_path, "app.py", f"from motor.motor_asyncio import AsyncIOMotorClient  {comment}\n"
                              "import motor\n")
    result = flake8("--isolated", "--select=PMA", "app.py", cwd=tmp_path)
    found = {(line, code) for _, line, code in reports(result.stdout)}
    assert (2, "PMA101") in found, result.stdout  # the line without a comment is still reported
    assert ((1, "PMA101") not in found) is silenced, result.stdout


def test_extend_ignore_in_setup_cfg(tmp_path: Path) -> None:
    write(tmp_path, "app.py", """\
        from motor.motor_asyncio import AsyncIOMotorClient

        client = AsyncIOMotorClient("mongodb://localhost:27017", io_loop=None)
    """)
    isolated = flake8("--isolated", "--select=PMA", "app.py", cwd=tmp_path)
    assert {code for _, _, code in reports(isolated.stdout)} == {"PMA101", "PMA102"}, isolated.stdout

    write(tmp_path, "setup.cfg", "[flake8]\nextend-ignore = PMA101\n")
    configured = flake8("--select=PMA", "app.py", cwd=tmp_path)
    found = [(line, code) for _, line, code in reports(configured.stdout)]
    assert found == [(3, "PMA102")], configured.stdout


# --- one bad file does not hide the others -------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_syntax_error_beside_a_finding(tmp_path: Path, jobs: str) -> None:
    write(tmp_path, "bad.py", "def broken(:\n    pass\n")
    write(tmp_path, "good.py", MOTOR_IMPORT)
    result = flake8("--isolated", "--select=PMA,E9", f"--jobs={jobs}", "bad.py", "good.py", cwd=tmp_path)
    found = reports(result.stdout)
    assert ("good.py", 1, "PMA101") in found, result.stdout + result.stderr
    assert any(path == "bad.py" and code == "E999" for path, _, code in found), result.stdout
    assert "Traceback" not in result.stdout + result.stderr


# --- crashes become flake8's PluginExecutionFailed ------------------------------------------------


@pytest.mark.parametrize("error", [ValueError("boom"), RecursionError("maximum recursion depth exceeded")])
def test_internal_error_becomes_plugin_execution_failed(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def crash(*args: object, **kwargs: object) -> list:
        raise error

    monkeypatch.setattr(checker, "check", crash)
    tree = ast.parse(MOTOR_IMPORT)
    runner = Plugin(tree, [MOTOR_IMPORT], "pkg/boom.py").run()
    with pytest.raises(PluginExecutionFailed) as caught:
        list(runner)
    assert caught.value.filename == "pkg/boom.py"
    assert caught.value.plugin_name == "flake8-pymongo-async[PMA]"
    assert caught.value.original_exception is error
    assert str(caught.value).startswith('pkg/boom.py: "flake8-pymongo-async[PMA]" failed during execution')


def test_internal_error_through_flake8(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    """In-process flake8 (one job) loads the plugin module this test patched: a clean report, exit 1."""
    def crash(*args: object, **kwargs: object) -> list:
        raise ValueError("boom")

    monkeypatch.setattr(checker, "check", crash)
    path = write(tmp_path, "boom.py", MOTOR_IMPORT)
    status = flake8_alone.main(["--isolated", "--select=PMA", "--jobs=1", str(path)])
    out, err = capsys.readouterr()
    assert status == 1
    assert f'{path}: "flake8-pymongo-async[PMA]" failed during execution due to ValueError(\'boom\')' in out
    assert "Traceback" not in out + err


# --- deep nesting ------------------------------------------------------------------------------------


def _deep_attribute_chain(depth: int) -> ast.Module:
    """``x = a.b.b.b...`` ``depth`` levels deep, built directly (the parser would refuse it).

    Locations are set node by node: ``ast.fix_missing_locations`` itself recurses too deep here.
    """
    def at(node: ast.AST, line: int) -> ast.AST:
        node.lineno, node.col_offset, node.end_lineno, node.end_col_offset = line, 0, line, 1
        return node

    value = at(ast.Name(id="a", ctx=ast.Load()), 2)
    for _ in range(depth):
        value = at(ast.Attribute(value=value, attr="b", ctx=ast.Load()), 2)
    alias = at(ast.alias(name="AsyncIOMotorClient"), 1)
    imported = ast.ImportFrom(module="motor.motor_asyncio", names=[alias], level=0)
    assign = ast.Assign(targets=[at(ast.Name(id="x", ctx=ast.Store()), 2)], value=value)
    return ast.Module(body=[at(imported, 1), at(assign, 2)], type_ignores=[])


@pytest.mark.parametrize(
    "make_tree",
    [
        pytest.param(lambda: _deep_attribute_chain(3000), id="built-3000"),
        pytest.param(lambda: ast.parse(MOTOR_IMPORT + "x = 1" + " + 1" * 1500 + "\n"), id="parsed-1500"),
    ],
)
def test_deep_nesting_never_escapes_as_recursion_error(make_tree) -> None:
    tree = make_tree()
    lines = [MOTOR_IMPORT, "x = ...\n"]
    try:
        results = list(Plugin(tree, lines, "deep.py").run())
    except PluginExecutionFailed as failed:  # acceptable: flake8 reports it cleanly
        assert failed.filename == "deep.py"
    else:
        assert all(isinstance(r[2], str) and r[2].startswith("PMA") for r in results)


def test_deep_nesting_through_flake8(tmp_path: Path) -> None:
    # As deep as flake8's own plugins (pyflakes) survive: ours must report normally there too.
    write(tmp_path, "deep.py", MOTOR_IMPORT + "x = a" + ".b" * 450 + "\n")
    result = flake8("--isolated", "--select=PMA", "deep.py", cwd=tmp_path)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "failed during execution" not in output, output
    assert ("deep.py", 1, "PMA101") in reports(result.stdout), output


# --- --pma-extra-factories -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["bogus", "table:app.db.get_users", "collection:", "collection:app..get",
                                   "client:app.class.make"])
def test_bad_extra_factories_on_the_command_line(tmp_path: Path, value: str) -> None:
    write(tmp_path, "app.py", "import os\n")
    result = flake8("--isolated", "--select=PMA", f"--pma-extra-factories={value}", "app.py", cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    ours = [line for line in output.splitlines() if "--pma-extra-factories" in line]
    assert len(ours) == 1 and repr(value) in ours[0] and "KIND:NAME" in ours[0], output


def test_bad_extra_factories_in_config(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "import os\n")
    write(tmp_path, "setup.cfg",
          "[flake8]\npma-extra-factories =\n    collection:app.db.get_users,\n    table:x\n")
    result = flake8("--select=PMA", "app.py", cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    assert [line for line in output.splitlines() if "--pma-extra-factories" in line] == [
        "--pma-extra-factories: bad entry 'table:x': expected KIND:NAME where KIND is one of "
        "client, database, collection and NAME is a function or class name, bare or dotted "
        "(e.g. collection:app.db.get_users)"
    ], output


def test_extra_factories_reach_the_checker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: List[Settings] = []

    def spy(tree: ast.AST, lines: object, settings: Settings, project: object = None) -> list:
        seen.append(settings)
        return []

    monkeypatch.setattr(checker, "check", spy)
    monkeypatch.setattr(Plugin, "_settings", Plugin._settings)  # restore the class state afterwards
    path = write(tmp_path, "app.py", "import os\n")
    status = flake8_alone.main([
        "--isolated", "--select=PMA", "--jobs=1", str(path),
        "--pma-extra-factories=collection:app.db.get_users, client:make_client,database:app.db.Db",
    ])
    assert status == 0
    assert seen == [Settings(extra_factories=frozenset(
        {"collection:app.db.get_users", "client:make_client", "database:app.db.Db"}
    ))]


def test_parse_extra_factories_is_deterministic() -> None:
    entries = ["client:b.make", "collection:a.get", "client:b.make", " database:Db "]
    first = plugin.parse_extra_factories(entries)
    assert first == plugin.parse_extra_factories(list(reversed(entries)))
    assert first == frozenset({"client:b.make", "collection:a.get", "database:Db"})
    assert plugin.parse_extra_factories([]) == plugin.parse_extra_factories(None) == frozenset()


# --- the README's Quick start --------------------------------------------------------------------


def _quick_start_commands() -> List[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^#+\s*quick\s*-?\s*start.*?$(.*?)^```[a-z]*\n(.*?)^```", text, re.I | re.M | re.S)
    assert match, "README.md has no fenced block under a Quick start heading"
    return [
        line.strip() for line in match.group(2).replace("\\\n", " ").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


# What the example app is written to show: (file, a snippet of the line, code). For every code that
# is implemented, flake8 must report exactly these lines, no fewer and no more.
EXAMPLE_FINDINGS: List[Tuple[str, str, str]] = [
    ("db.py", "from motor.motor_asyncio import", "PMA101"),
    ("db.py", "io_loop=loop", "PMA102"),
    ("db.py", "from pymongo.collection import AsyncCollection", "PMA110"),
    ("db.py", "async for index in db.users.list_indexes()", "PMA202"),
    ("db.py", "client.close()", "PMA206"),
    ("users.py", "from motor.motor_asyncio import", "PMA101"),
    ("users.py", 'collection="avatars"', "PMA111"),
    ("users.py", 'self.db.events.insert_one({"type": "signup"', "PMA201"),
    ("users.py", 'self.users.update_one({"_id": user_id}, {"$set": {"seen"', "PMA201"),
    ("users.py", "await cursor.to_list(0)", "PMA106"),
    ("users.py", "while await cursor.fetch_next:", "PMA108"),
    ("users.py", "doc = cursor.next_object()", "PMA108"),
    ("users.py", "async for row in self.users.aggregate(pipeline)", "PMA202"),
    ("users.py", "async with await self.client.start_session()", "PMA203"),
    ("users.py", "async with session.start_transaction():", "PMA204"),
    ("users.py", ".each(on_document)", "PMA104"),
    ("users.py", "to_list(length=0)", "PMA106"),
    ("users.py", "await grid_out.stream_to_handler(handler)", "PMA105"),
    ("app.py", "from motor.motor_asyncio import", "PMA101"),
    ("app.py", "client.get_io_loop()", "PMA103"),
]


def _expected_example_findings() -> Set[Tuple[str, int, str]]:
    expected = set()
    for name, snippet, code in EXAMPLE_FINDINGS:
        lines = (ROOT / "examples" / "motor_app" / name).read_text(encoding="utf-8").splitlines()
        numbers = [n for n, line in enumerate(lines, 1) if snippet in line]
        assert len(numbers) == 1, f"{name}: {snippet!r} must occur on exactly one line, found {numbers}"
        expected.add((name, numbers[0], code))
    return expected


def test_readme_quick_start_lints_the_examples() -> None:
    """The first Quick start command (minus its install step) must print the example's findings."""
    first = _quick_start_commands()[0]
    flake8_part = first.split("&&")[-1].split()
    assert flake8_part[0] == "flake8", first
    result = flake8(*flake8_part[1:], cwd=ROOT)  # from the checkout: the repo's setup.cfg applies
    found = {(Path(path).name, line, code) for path, line, code in reports(result.stdout)}
    assert found, f"`{first}` reported nothing:\n{result.stdout}{result.stderr}"
    # The command must succeed on a fresh machine: findings are printed, the exit status is 0.
    assert result.returncode == 0 and "Traceback" not in result.stderr
    implemented = set(RULES)
    assert {code for _, _, code in found} <= implemented, "reported a code that is not registered"
    expected = {f for f in _expected_example_findings() if f[2] in implemented}
    assert sorted(expected - found) == [], "missed"
    assert sorted(found - expected) == [], "unexpected (false positives on the example's correct lines?)"


def test_the_tests_run_flake8_with_this_plugin_alone(tmp_path: Path) -> None:
    """Another installed plugin (its crash, its codes) cannot reach the tests that run flake8."""
    result = flake8("--version", cwd=tmp_path)
    plugins = re.findall(r"([\w.-]+): [\w.]+", result.stdout.split(")")[0])
    assert result.returncode == 0 and "flake8-pymongo-async" in plugins, result.stdout + result.stderr
    assert set(plugins) <= ALLOWED_DISTRIBUTIONS, result.stdout
