"""Multi-file fixtures: every directory under tests/fixtures/packages/ is a small project.

Each ``.py`` file of a package is checked by the real checker with the project view
(``ProjectIndex.view``), exactly as the commands check it; the findings are compared, as
(file, line, code), with the ``# expect:`` comments of the package's files, both ways. An
expectation names codes (``# expect: PMA201`` or ``# expect: PMA201, PMA301``), a column being
optional (``PMA201@5`` is also compared by line and code only); ``# expect-next-line:`` works as in
the single-file fixtures (fixture_harness.py). Every other line must stay silent. A file that does
not parse is part of the project (whoever imports it learns nothing) and must hold no expectation.

A package may configure the checker with a ``pyproject.toml`` holding ``[tool.flake8-pymongo-async]``
(``source-roots``, ``extra-factories``...), read as the standalone command reads it.
"""
from __future__ import annotations

import ast
import io
import re
import subprocess
import tokenize
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

import fixture_harness as fh
from flake8_alone import FLAKE8

Key = Tuple[str, int, str]  # (file relative to the package, line, code)

_MARKER = re.compile(r"#\s*expect(?P<next>-next-line)?\s*:(?P<body>.*)$")
_ENTRY = re.compile(r"^(?P<code>PMA\d{3})(?:@[1-9]\d*)?$")
_REPORT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) ")


def packages() -> List[Path]:
    if not fh.PACKAGES_DIR.is_dir():
        return []
    return sorted(p for p in fh.PACKAGES_DIR.iterdir() if p.is_dir() and any(p.rglob("*.py")))


def package_files(package: Path) -> List[Path]:
    return sorted(p for p in package.rglob("*.py") if p.is_file() and "__pycache__" not in p.parts)


def parse_expectations(source: str, name: str) -> Counter:
    """Counter of (line, code): as fixture_harness.parse_expectations, the column optional."""
    expected: Counter = Counter()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        if "expect" in source and _MARKER.search(source):
            raise fh.FixtureError(f"{name}: does not tokenize, yet holds an expectation") from None
        return expected
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        match = _MARKER.search(tok.string)
        if match is None:
            if re.search(r"#\s*expect(?:-next-line)?\b", tok.string, re.IGNORECASE):
                raise fh.FixtureError(f"{name}:{tok.start[0]}: malformed expectation {tok.string!r}")
            continue
        line = tok.start[0] + (1 if match.group("next") else 0)
        entries = match.group("body").replace(",", " ").split()
        if not entries:
            raise fh.FixtureError(f"{name}:{tok.start[0]}: expectation lists no code")
        for entry in entries:
            if not _ENTRY.match(entry):
                raise fh.FixtureError(f"{name}:{tok.start[0]}: bad expectation entry {entry!r} (want PMA201)")
            expected[(line, entry.split("@")[0])] += 1
    return expected


def expectations(package: Path) -> Counter:
    found: Counter = Counter()
    for path in package_files(package):
        rel = path.relative_to(package).as_posix()
        for (line, code), n in parse_expectations(fh.read_source(path), f"{package.name}/{rel}").items():
            found[(rel, line, code)] += n
    return found


def package_settings(package: Path):
    from flake8_pymongo_async.config import load
    from flake8_pymongo_async.settings import DEFAULT_SETTINGS

    pyproject = package / "pyproject.toml"
    return load(pyproject).settings() if pyproject.is_file() else DEFAULT_SETTINGS


def check_package(package: Path, cache_dir: Optional[str] = None) -> Tuple[Counter, Dict[Key, str], List[str]]:
    """(found (file, line, code) -> count, a message per key, files that do not parse)."""
    from flake8_pymongo_async import checker
    from flake8_pymongo_async.commands.engine import read_file_lines
    from flake8_pymongo_async.project.index import ProjectIndex

    settings = package_settings(package)
    index = ProjectIndex(settings, cache_dir)
    found: Counter = Counter()
    messages: Dict[Key, str] = {}
    unparsed: List[str] = []
    for path in package_files(package):
        rel = path.relative_to(package).as_posix()
        lines = read_file_lines(str(path))
        try:
            tree = ast.parse("".join(lines))
        except SyntaxError:
            unparsed.append(rel)
            continue
        for d in checker.check(tree, lines, settings, index.view(str(path))):
            key = (rel, d.line, d.code)
            found[key] += 1
            messages.setdefault(key, d.message)
    return found, messages, unparsed


def difference(package: Path, expected: Counter, found: Counter, messages: Dict[Key, str]) -> str:
    """A readable diff, in file and line order; "" when they agree."""
    def source_line(rel: str, line: int) -> str:
        lines = (package / rel).read_text(encoding="utf-8", errors="replace").splitlines()
        return lines[line - 1].strip() if 1 <= line <= len(lines) else "<no such line>"

    rows = [(key, f"missing:    {package.name}/{key[0]}:{key[1]} {key[2]}  ({source_line(key[0], key[1])})")
            for key in (expected - found).elements()]
    rows += [(key, f"unexpected: {package.name}/{key[0]}:{key[1]} {key[2]} {messages.get(key, '')}  "
                   f"({source_line(key[0], key[1])})") for key in (found - expected).elements()]
    return "\n".join(text for _, text in sorted(rows))


PACKAGES = packages()


def test_there_are_fixture_packages() -> None:
    assert any(p.name == "layouts" for p in PACKAGES), f"no packages under {fh.PACKAGES_DIR}"


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_fixture_package(package: Path) -> None:
    expected = expectations(package)
    found, messages, unparsed = check_package(package)
    held = sorted(rel for rel, _, _ in expected if rel in unparsed)
    assert not held, f"files that do not parse hold expectations: {held}"
    diff = difference(package, expected, found, messages)
    if diff:
        pytest.fail(f"findings differ from the # expect: comments of {package.name}/\n{diff}", pytrace=False)


def test_layouts_through_flake8(tmp_path: Path) -> None:
    """The same package through flake8 itself (one process, the disk cache in a temporary folder)."""
    package = fh.PACKAGES_DIR / "layouts"
    result = subprocess.run([*FLAKE8, "--isolated", "--select=PMA", f"--pma-cache-dir={tmp_path / 'cache'}", "."],
                            cwd=package, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    found: Counter = Counter()
    for line in result.stdout.splitlines():
        m = _REPORT.match(line)
        assert m, f"not a report line: {line!r}"
        found[(m["path"][2:] if m["path"].startswith("./") else m["path"], int(m["line"]), m["code"])] += 1
    expected = expectations(package)
    assert expected, "the layouts package must have lines that fire"
    diff = difference(package, expected, found, {})
    assert not diff, diff


# --- the harness can fail ----------------------------------------------------------------------------


def test_the_harness_reports_missing_and_unexpected_findings(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "app").mkdir(parents=True)
    (package / "app" / "__init__.py").write_text("", encoding="utf-8")
    (package / "app" / "db.py").write_text(
        "from pymongo import AsyncMongoClient\n"
        "client = AsyncMongoClient()\n"
        "async def stop():\n"
        "    client.close()\n"  # fires, but is not labelled
        "x = 1  # expect: PMA206\n",  # labelled, silent
        encoding="utf-8")
    expected = expectations(package)
    found, messages, _ = check_package(package)
    diff = difference(package, expected, found, messages).splitlines()
    assert diff == [  # in file and line order
        f"unexpected: pkg/app/db.py:4 PMA206 {messages[('app/db.py', 4, 'PMA206')]}  (client.close())",
        "missing:    pkg/app/db.py:5 PMA206  (x = 1  # expect: PMA206)",
    ]


def test_expectations_take_several_codes_and_the_next_line() -> None:
    source = ("a = 1  # expect: PMA201, PMA301\n"
              "# expect-next-line: PMA206@5\n"
              "b = 2\n")
    assert parse_expectations(source, "x.py") == Counter({(1, "PMA201"): 1, (1, "PMA301"): 1, (3, "PMA206"): 1})
    with pytest.raises(fh.FixtureError):
        parse_expectations("a = 1  # expect PMA201\n", "x.py")
    with pytest.raises(fh.FixtureError):
        parse_expectations("a = 1  # expect: PMA2\n", "x.py")
