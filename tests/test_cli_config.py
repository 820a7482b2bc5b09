"""`[tool.flake8-pymongo-async]` in pyproject.toml: parity with flake8's setup.cfg, discovery, errors."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Set, Tuple

import pytest

from flake8_pymongo_async import cli, config

from flake8_alone import FLAKE8

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "motor_app"
REPORT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) ")
MOTOR_IMPORT = "from motor.motor_asyncio import AsyncIOMotorClient\n"


def keys(output: str, only_pma: bool = False) -> Set[Tuple[str, int, int, str]]:
    found = set()
    for line in output.splitlines():
        m = REPORT.match(line)
        assert m, line
        if only_pma and not m["code"].startswith("PMA"):
            continue
        found.add((Path(m["path"]).as_posix().lstrip("./"), int(m["line"]), int(m["col"]), m["code"]))
    return found


def write(directory: Path, name: str, source: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def run_check(capsys, *args: str) -> Tuple[int, str, str]:
    status = cli.main(["check", "-j", "1", *args])
    out, err = capsys.readouterr()
    return status, out, err


def project(tmp_path: Path) -> Path:
    """The example app three times: at the top, in sub/ and in sub/deep/."""
    for target in (tmp_path, tmp_path / "sub", tmp_path / "sub" / "deep"):
        target.mkdir(parents=True, exist_ok=True)
        for source in EXAMPLE.glob("*.py"):
            shutil.copy(source, target / source.name)
    return tmp_path


# (pyproject table body, the same configuration for flake8's setup.cfg)
SCENARIOS = {
    "select": ('select = ["PMA1"]\n', "select = PMA1\n"),
    "select-string": ('select = "PMA101, PMA2"\n', "select = PMA101,PMA2\n"),
    "ignore": ('ignore = ["PMA101", "PMA2"]\n', "ignore = PMA101,PMA2\n"),
    "longest-prefix-wins": ('select = ["PMA101", "PMA2"]\nignore = ["PMA1"]\n',
                            "select = PMA101,PMA2\nignore = PMA1\n"),
    "tie-is-ignored": ('select = ["PMA10"]\nignore = ["PMA10"]\n', "select = PMA10\nignore = PMA10\n"),
    "per-file-ignores": (
        'per-file-ignores = { "sub/*" = ["PMA101"], "sub/deep/*.py" = ["PMA102"], "app.py" = "PMA1,PMA2" }\n',
        "per-file-ignores =\n    sub/*:PMA101\n    sub/deep/*.py:PMA102\n    app.py:PMA1,PMA2\n",
    ),
    "per-file-ignores-with-select": (
        'select = ["PMA101", "PMA2"]\nper-file-ignores = { "users.py" = ["PMA1", "PMA20"] }\n',
        "select = PMA101,PMA2\nper-file-ignores =\n    users.py:PMA1,PMA20\n",
    ),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_pyproject_matches_flake8_setup_cfg(capsys, monkeypatch, tmp_path: Path, scenario: str) -> None:
    table, cfg = SCENARIOS[scenario]
    root = project(tmp_path)
    write(root, "pyproject.toml", f"[project]\nname = 'x'\n\n[tool.flake8-pymongo-async]\n{table}")
    write(root, "setup.cfg", f"[flake8]\n{cfg}")
    expected = subprocess.run([*FLAKE8, "."], cwd=root, capture_output=True, text=True,
                              timeout=300)
    assert "Traceback" not in expected.stderr, expected.stderr
    expected_keys = keys(expected.stdout, only_pma=True)
    unconfigured = subprocess.run([*FLAKE8, "--isolated", "--select=PMA", "."],
                                  cwd=root,
                                  capture_output=True, text=True, timeout=300)
    assert expected_keys != keys(unconfigured.stdout), "the scenario changes nothing: it tests nothing"
    monkeypatch.chdir(root)
    status, out, err = run_check(capsys, ".")
    assert err == ""
    assert keys(out) == expected_keys
    assert status == (1 if expected_keys else 0)


def test_cli_options_override_the_file(capsys, monkeypatch, tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.flake8-pymongo-async]\nselect = ["PMA2"]\n')
    write(tmp_path, "app.py", MOTOR_IMPORT)
    monkeypatch.chdir(tmp_path)
    assert run_check(capsys, "app.py")[:2] == (0, "")
    status, out, _ = run_check(capsys, "--select=PMA1", "app.py")
    assert status == 1 and {k[3] for k in keys(out)} == {"PMA101"}
    assert run_check(capsys, "--isolated", "app.py")[0] == 1


def test_extra_factories_match_flake8_option(capsys, monkeypatch, tmp_path: Path) -> None:
    source = """\
        from app.db import get_users

        async def handler():
            for doc in get_users().find():
                print(doc)
    """
    write(tmp_path, "handler.py", source)
    write(tmp_path, "pyproject.toml",
          '[tool.flake8-pymongo-async]\nextra-factories = ["collection:app.db.get_users"]\n')
    expected = subprocess.run(
        [*FLAKE8, "--isolated", "--select=PMA",
         "--pma-extra-factories=collection:app.db.get_users", "handler.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert keys(expected.stdout), expected.stdout + expected.stderr
    monkeypatch.chdir(tmp_path)
    status, out, _ = run_check(capsys, "handler.py")
    assert keys(out) == keys(expected.stdout) and status == 1
    assert run_check(capsys, "--isolated", "handler.py")[:2] == (0, "")


def test_per_file_ignores_apply_to_the_stdin_display_name(capsys, monkeypatch, tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml",
          '[tool.flake8-pymongo-async]\nper-file-ignores = { "legacy/*" = "PMA1" }\n')
    monkeypatch.chdir(tmp_path)
    for name, expected in (("legacy/db.py", 0), ("app/db.py", 1)):
        monkeypatch.setattr(sys, "stdin", _stdin(MOTOR_IMPORT))
        assert run_check(capsys, "-", f"--stdin-display-name={name}")[0] == expected, name


def _stdin(text: str):
    import io

    return io.TextIOWrapper(io.BytesIO(text.encode()))


# --- discovery -------------------------------------------------------------------------------------


def test_nearest_pyproject_with_the_table_is_used(capsys, monkeypatch, tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.flake8-pymongo-async]\nignore = ["PMA101"]\n')
    # A nearer pyproject.toml without our table (a sub-package) does not hide the project's one.
    write(tmp_path, "pkg/pyproject.toml",
          '[project]\nname = "pkg"\ndependencies = ["flake8-pymongo-async"]\n')
    write(tmp_path, "pkg/src/app.py", MOTOR_IMPORT)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # found from the checked paths, not from the working directory
    assert run_check(capsys, str(tmp_path / "pkg" / "src" / "app.py"))[:2] == (0, "")
    assert run_check(capsys, str(tmp_path / "pkg"))[:2] == (0, "")
    status, out, _ = run_check(capsys, "--isolated", str(tmp_path / "pkg"))
    assert status == 1 and out


def test_explicit_config_file(capsys, tmp_path: Path) -> None:
    cfg = write(tmp_path, "conf/custom.toml", '[tool.flake8-pymongo-async]\nignore = ["PMA1"]\n')
    app = write(tmp_path, "app.py", MOTOR_IMPORT)
    assert run_check(capsys, f"--config={cfg}", str(app))[:2] == (0, "")
    status, out, err = run_check(capsys, f"--config={tmp_path / 'missing.toml'}", str(app))
    assert status == 2 and out == "" and err.count("\n") == 1 and "missing.toml" in err


def test_extend_exclude(capsys, monkeypatch, tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml",
          '[tool.flake8-pymongo-async]\nextend-exclude = ["generated", "legacy/*.py"]\n')
    write(tmp_path, "generated/models.py", MOTOR_IMPORT)
    write(tmp_path, "legacy/old.py", MOTOR_IMPORT)
    write(tmp_path, "app/new.py", MOTOR_IMPORT)
    monkeypatch.chdir(tmp_path)
    status, out, _ = run_check(capsys, ".")
    assert {k[0] for k in keys(out)} == {"app/new.py"}


# --- bad configuration: one line, exit 2 -------------------------------------------------------------

BAD = {
    "unknown-key": ('selct = ["PMA1"]\n', "unknown key 'selct'"),
    "select-type": ("select = 5\n", "select: expected a list of codes"),
    "bad-code": ('ignore = ["pma101"]\n', "ignore: 'pma101' is not a code or code prefix"),
    "bad-code-in-list": ('select = ["PMA1", 2]\n', "select: expected codes as strings"),
    "per-file-string": ('per-file-ignores = "tests/*:PMA201"\n',
                        "per-file-ignores: expected a table of glob = codes"),
    "per-file-bad-code": ('per-file-ignores = { "tests/*" = ["PMA 201"] }\n', "'PMA 201' is not a code"),
    "extend-exclude-type": ("extend-exclude = 3\n", "extend-exclude: expected a list of glob patterns"),
    "factories": ('extra-factories = ["table:app.db.get"]\n',
                  "extra-factories: bad entry 'table:app.db.get': expected KIND:NAME"),
    "factories-type": ("extra-factories = 1\n", "extra-factories: expected a list of KIND:NAME strings"),
    "invalid-toml": ('select = ["PMA1"\n', "invalid TOML"),
    "not-a-table": (None, "[tool.flake8-pymongo-async] must be a table"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_configuration_is_one_clear_line(capsys, monkeypatch, tmp_path: Path, case: str) -> None:
    body, message = BAD[case]
    text = ('[tool]\n"flake8-pymongo-async" = 3\n' if body is None
            else f"[tool.flake8-pymongo-async]\n{body}")
    pyproject = write(tmp_path, "pyproject.toml", text)
    write(tmp_path, "app.py", MOTOR_IMPORT)
    monkeypatch.chdir(tmp_path)
    status, out, err = run_check(capsys, "app.py")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"flake8-pymongo-async: error: {pyproject}: ")
    assert message in err, err


def test_python_without_tomllib_or_tomli(monkeypatch, tmp_path: Path) -> None:
    """On Python 3.9/3.10 without tomli: a clear line, and only for a file that has our table."""
    monkeypatch.setattr(sys, "version_info", (3, 10, 0))
    monkeypatch.setitem(sys.modules, "tomli", None)  # `import tomli` raises ImportError
    ours = write(tmp_path, "a/pyproject.toml", '[tool.flake8-pymongo-async]\nselect = ["PMA1"]\n')
    other = write(tmp_path, "b/pyproject.toml", '[project]\nname = "b"\n[tool.black]\nline-length = 100\n')
    with pytest.raises(config.ConfigError) as caught:
        config.load(ours)
    assert str(caught.value) == (f"{ours}: reading [tool.flake8-pymongo-async] needs Python 3.11+ or the "
                                 "'tomli' package (pip install tomli)")
    assert config.load(other) == config.Config(path=other)
    assert config.find_pyproject(other.parent) is None


@pytest.mark.parametrize("text", [
    '[tool.flake8-pymongo-async]\nselect = ["PMA1"]\n',
    '[tool."flake8-pymongo-async"]\nselect = ["PMA1"]\n',
    '[tool.flake8-pymongo-async.extra]\n',
    '[tool]\nflake8-pymongo-async.select = ["PMA1"]\n',
    'tool.flake8-pymongo-async.select = ["PMA1"]\n',
])
def test_the_table_is_recognised_in_every_toml_spelling(text: str) -> None:
    assert config.mentions_table(text)


@pytest.mark.parametrize("text", [
    '[project]\ndependencies = ["flake8-pymongo-async>=0.1"]\n',
    '[project]\ndependencies = [\n    "flake8-pymongo-async==0.1",\n    \'flake8-pymongo-async\',\n]\n',
    '[tool.flake8]\nselect = "PMA"\n',
    "# [tool.flake8-pymongo-async]\n",
])
def test_other_mentions_are_not_the_table(text: str) -> None:
    assert not config.mentions_table(text)


def test_selection_decisions() -> None:
    s = config.Selection
    assert s().is_selected("PMA101")
    assert not s(ignore=("PMA1",)).is_selected("PMA101")
    assert s(select=("PMA101",), ignore=("PMA1",)).is_selected("PMA101")
    assert not s(select=("PMA1",), ignore=("PMA101",)).is_selected("PMA101")
    assert not s(select=("PMA10",), ignore=("PMA10",)).is_selected("PMA101")
    assert not s(select=()).is_selected("PMA101")
    assert not s(select=("PMA2",)).is_selected("PMA101")
    assert s(select=("PMA",)).is_selected("PMA101")
    assert not s().is_selected("PMA101", extra_ignore=("PMA",))
