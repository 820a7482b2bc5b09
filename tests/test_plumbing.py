"""What check, fix and report share (``plumbing``, ``processes.map_in_pool``), defined once."""
from __future__ import annotations

import argparse
import ast
import email.message
from pathlib import Path
from typing import List, Optional

import pytest

from flake8_pymongo_async import plumbing, processes
from flake8_pymongo_async.commands import check, fix, report
from flake8_pymongo_async.output import formatters
from flake8_pymongo_async.output import links
from flake8_pymongo_async.report.render import RENDERERS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "flake8_pymongo_async"


@pytest.mark.parametrize(("value", "expected"), [("auto", None), ("1", 1), ("12", 12)])
def test_parse_jobs(value: str, expected: Optional[int]) -> None:
    assert plumbing.parse_jobs(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("many", "expected a number of processes or 'auto', got 'many'"),
    ("0", "expected at least 1 process, got 0"),
])
def test_parse_jobs_refuses(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plumbing.parse_jobs(value)


def test_resolve_jobs() -> None:
    assert plumbing.resolve_jobs(4, 2) == 2 and plumbing.resolve_jobs(4, 0) == 1
    assert plumbing.resolve_jobs(None, 10_000) >= 1


def test_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert plumbing.usage_error("bad", command="fix") == 2
    assert plumbing.usage_error("worse") == 2
    assert capsys.readouterr().err == "flake8-pymongo-async fix: error: bad\nflake8-pymongo-async: error: worse\n"


def test_format_names_are_the_formats() -> None:
    assert set(formatters()) == set(plumbing.CHECK_FORMATS)
    assert set(RENDERERS) == set(plumbing.REPORT_FORMATS)


def test_the_parsers_offer_the_format_names() -> None:
    for module, formats in ((check, plumbing.CHECK_FORMATS), (report, plumbing.REPORT_FORMATS)):
        parser = argparse.ArgumentParser()
        module.configure(parser)
        (action,) = [a for a in parser._actions if a.dest == "format"]
        assert tuple(action.choices or ()) == formats


def test_fix_and_report_set_up_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import motor\n", encoding="utf-8")
    setups = []
    for module in (fix, report):
        parser = argparse.ArgumentParser()
        module.configure(parser)
        setups.append(plumbing.setup(parser.parse_args(["--isolated", "-j", "2", str(tmp_path)])))
    assert setups[0] == setups[1] and setups[0].jobs == 2 and setups[0].files == [str(tmp_path / "a.py")]


def test_map_in_pool_keeps_the_order() -> None:
    assert processes.map_in_pool(abs, [-3, 1, -2, 5], 2, 1) == [3, 1, 2, 5]


def test_map_in_pool_without_a_pool_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_semaphores(*args: object, **kwargs: object) -> None:
        raise OSError("no semaphores here")

    monkeypatch.setattr(processes, "process_pool", no_semaphores)
    assert processes.map_in_pool(abs, [-1, -2], 2, 1) is None


def _defined_names(path: Path) -> List[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


@pytest.mark.parametrize("name", ["Finding", "FileResult", "parse_jobs", "load_config", "discover",
                                  "setup", "add_common_arguments", "CHECK_FORMATS", "REPORT_FORMATS"])
def test_defined_once(name: str) -> None:
    """The shared names exist in plumbing.py and nowhere else in the package."""
    where = [path.relative_to(ROOT).as_posix() for path in sorted(PACKAGE.rglob("*.py"))
             if name in _defined_names(path)]
    assert where == ["flake8_pymongo_async/plumbing.py"]


@pytest.mark.parametrize("name", ["PROG", "default_cache_dir", "DEFAULT_EXCLUDE", "matches_filename"])
def test_shared_with_the_plugin_defined_once(name: str) -> None:
    """What the flake8 plugin shares with the commands exists in defaults.py and nowhere else."""
    where = [path.relative_to(ROOT).as_posix() for path in sorted(PACKAGE.rglob("*.py"))
             if name in _defined_names(path)]
    assert where == ["flake8_pymongo_async/defaults.py"]


def test_program_name_is_written_once() -> None:
    """Every module names the program through PROG (the pyproject table and flake8's plugin name aside)."""
    quoted = '"flake8-pymongo-async"'
    allowed = {"defaults.py", "config.py", "plugin.py", "__init__.py"}
    where = [path.relative_to(ROOT).as_posix() for path in sorted(PACKAGE.rglob("*.py"))
             if quoted in path.read_text(encoding="utf-8") and not (path.parent == PACKAGE and path.name in allowed)]
    assert where == []


def test_repository_url_from_the_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    meta = email.message.Message()
    meta["Home-page"] = "https://example.org/"
    meta["Project-URL"] = "Repository, https://github.com/owner/repo/"
    monkeypatch.setattr(links.metadata, "metadata", lambda name: meta)
    links.repository_url.cache_clear()
    try:
        assert links.repository_url() == "https://github.com/owner/repo"
    finally:
        links.repository_url.cache_clear()
