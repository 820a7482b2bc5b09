"""Expectation-comment fixtures: parse, run the checker, compare.

A fixture is a real Python file under ``tests/fixtures/``. A line that must produce diagnostics
carries a trailing comment::

    docs = await coll.find().to_list(0)  # expect: PMA106@14
    import motor  # expect: PMA101@1 PMA110@1

``CODE@COL`` uses flake8's column: the checker's 0-based ``col`` (a UTF-8 byte offset, as ``ast``
gives it) plus one. Where a trailing comment is impossible (the line ends inside a multi-line
string) the preceding line says ``# expect-next-line: CODE@COL``. Every line without an expectation
must stay silent. The comparison is exact: missing, unexpected and duplicated diagnostics all fail.

Expectations are read from COMMENT tokens only (``tokenize``), so a string containing
``"# expect: ..."`` is not an expectation. A comment that looks like an expectation but does not
parse (``# expect PMA106@3``, ``# expect: PMA106``) is an error, never silently "expect nothing".
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
FIXTURES_DIR = TESTS_DIR / "fixtures"

# (line 1-based, code, column 1-based as flake8 prints it)
Key = Tuple[int, str, int]

_MARKER = re.compile(r"#\s*expect(?P<next>-next-line)?\s*:(?P<body>.*)$")
_LOOSE_MARKER = re.compile(r"#\s*expect(?:-next-line)?\b", re.IGNORECASE)
_ENTRY = re.compile(r"^(?P<code>PMA\d{3})@(?P<col>[1-9]\d*)$")
_CODE_IN_NAME = re.compile(r"^(PMA\d{3})(?:_|$)")


class FixtureError(Exception):
    """The fixture itself is malformed (bad expectation syntax, does not compile...)."""


@dataclass(frozen=True)
class Comparison:
    missing: Tuple[Key, ...]
    unexpected: Tuple[Tuple[Key, str], ...]  # (key, message)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unexpected


def parse_expectations(source: str, name: str = "<fixture>") -> Counter:
    """Return a Counter of (line, code, col) expected in ``source``."""
    expected: Counter = Counter()
    n_lines = len(source.splitlines())
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise FixtureError(f"{name}: cannot tokenize: {exc}") from exc
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        line = tok.start[0]
        match = _MARKER.search(tok.string)
        if match is None:
            if _LOOSE_MARKER.search(tok.string):
                raise FixtureError(
                    f"{name}:{line}: malformed expectation comment {tok.string!r} "
                    "(use '# expect: PMA106@5' or '# expect-next-line: PMA106@5')"
                )
            continue
        target = line + 1 if match.group("next") else line
        if target > n_lines:
            raise FixtureError(f"{name}:{line}: expect-next-line on the last line")
        entries = match.group("body").replace(",", " ").split()
        if not entries:
            raise FixtureError(f"{name}:{line}: expectation comment lists no CODE@COL")
        for entry in entries:
            m = _ENTRY.match(entry)
            if m is None:
                raise FixtureError(
                    f"{name}:{line}: bad expectation entry {entry!r} in {tok.string!r} "
                    "(want CODE@COL, e.g. PMA106@5, column 1-based)"
                )
            expected[(target, m.group("code"), int(m.group("col")))] += 1
    return expected


def diagnostics_to_counter(diagnostics: Iterable) -> Tuple[Counter, dict]:
    """Counter of (line, code, col+1) and a key -> message map for the report."""
    found: Counter = Counter()
    messages: dict = {}
    for diag in diagnostics:
        key = (diag.line, diag.code, diag.col + 1)
        found[key] += 1
        messages.setdefault(key, diag.message)
    return found, messages


def compare(expected: Counter, diagnostics: Iterable) -> Comparison:
    found, messages = diagnostics_to_counter(diagnostics)
    missing: List[Key] = []
    for key, n in (expected - found).items():
        missing.extend([key] * n)
    unexpected: List[Tuple[Key, str]] = []
    for key, n in (found - expected).items():
        msg = messages.get(key, "")
        if expected.get(key):
            msg = f"[duplicate] {msg}"
        unexpected.extend([(key, msg)] * n)
    return Comparison(missing=tuple(sorted(missing)), unexpected=tuple(sorted(unexpected)))


def format_comparison(path: str, source_lines: Sequence[str], comparison: Comparison) -> str:
    """Readable diff, one entry per line, in source order."""

    def src(line: int) -> str:
        if 1 <= line <= len(source_lines):
            return source_lines[line - 1].strip()
        return "<no such line>"

    rows = []
    for line, code, col in comparison.missing:
        rows.append((line, col, 0, f"missing: {path}:{line}:{col} {code} ({src(line)})"))
    for (line, code, col), message in comparison.unexpected:
        rows.append((line, col, 1, f"unexpected: {path}:{line}:{col} {code} {message} ({src(line)})"))
    return "\n".join(text for *_, text in sorted(rows))


def _default_check() -> Callable:
    from flake8_pymongo_async.checker import check

    return check


def run_source(source: str, name: str = "<fixture>", check: Optional[Callable] = None) -> List:
    """Run the checker the way the flake8 adapter does: check(tree, lines)."""
    try:
        tree = ast.parse(source, filename=name)
        # Fixtures are realistic code: they must also compile (e.g. no `await` outside async def).
        compile(source, name, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise FixtureError(f"{name}: does not compile: {exc}") from exc
    check = check or _default_check()
    return list(check(tree, source.splitlines(True)))


def read_source(path: Path) -> str:
    with tokenize.open(str(path)) as handle:  # honours a PEP 263 coding cookie, default utf-8
        return handle.read()


def display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def check_fixture(path: Path, check: Optional[Callable] = None) -> str:
    """Return "" when the fixture's diagnostics are exactly its expectations, else the diff."""
    source = read_source(path)
    name = display_path(path)
    expected = parse_expectations(source, name)
    diagnostics = run_source(source, name, check)
    comparison = compare(expected, diagnostics)
    if comparison.ok:
        return ""
    return format_comparison(name, source.splitlines(), comparison)


# Multi-file fixtures (a small project per pattern, `# expect: CODE` without columns): checked with
# the rest of their project, by their own test, not one file at a time here.
PACKAGES_DIR = FIXTURES_DIR / "packages"


def fixture_paths() -> List[Path]:
    return sorted(p for p in FIXTURES_DIR.rglob("*.py") if p.is_file() and PACKAGES_DIR not in p.parents)


def codes_named_by(path: Path) -> List[str]:
    """Codes a fixture file is named for: ``PMA106_to_list.py`` or ``PMA106/anything.py``."""
    codes = []
    rel = path.relative_to(FIXTURES_DIR) if path.is_absolute() else path
    for part in list(rel.parts[:-1]) + [rel.stem]:
        m = _CODE_IN_NAME.match(part)
        if m:
            codes.append(m.group(1))
    return codes
