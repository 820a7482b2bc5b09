"""Run the checker over every tests/fixtures/**/*.py and compare with its `# expect:` comments.

See fixture_harness.py for the comment syntax. The harness self-tests at the bottom make sure the
comparison can fail: a harness that always passes would make every fixture meaningless.
"""
from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass

import pytest

import fixture_harness as fh

# The package is imported inside the tests that need it, so the harness self-tests below still run
# (and still guard the harness) while the checker is being rewritten and may not import.
FIXTURES = fh.fixture_paths()


def _catalog_codes():
    from flake8_pymongo_async.rules.registry import RULES

    return RULES


def _id(path):
    return str(path.relative_to(fh.FIXTURES_DIR))


def test_fixture_directory_is_not_empty():
    assert FIXTURES, f"no fixtures found under {fh.FIXTURES_DIR}"


@pytest.mark.parametrize("path", FIXTURES, ids=[_id(p) for p in FIXTURES])
def test_fixture(path):
    diff = fh.check_fixture(path)
    if diff:
        pytest.fail(f"diagnostics differ from the # expect: comments\n{diff}", pytrace=False)


def _all_expectations():
    """{path: Counter((line, code, col))} for every fixture."""
    return {p: fh.parse_expectations(fh.read_source(p), fh.display_path(p)) for p in FIXTURES}


def test_expectations_name_catalog_codes():
    RULES = _catalog_codes()
    unknown = sorted(
        f"{fh.display_path(p)}:{line}: {code}"
        for p, expected in _all_expectations().items()
        for (line, code, _col) in expected
        if code not in RULES
    )
    assert not unknown, "expectations for codes that are not in the catalog:\n" + "\n".join(unknown)


def test_fixture_file_names_name_catalog_codes():
    RULES = _catalog_codes()
    bad = sorted(
        f"{fh.display_path(p)}: {code}" for p in FIXTURES for code in fh.codes_named_by(p) if code not in RULES
    )
    assert not bad, "fixture files named for codes that are not in the catalog:\n" + "\n".join(bad)


def test_every_registered_code_has_fixtures():
    expectations = _all_expectations()
    fired = Counter(code for expected in expectations.values() for (_line, code, _col) in expected)
    named = {code for p in FIXTURES for code in fh.codes_named_by(p)}
    RULES = _catalog_codes()
    problems = []
    for code in sorted(RULES):
        if not fired[code]:
            problems.append(f"{code}: no fixture line expects it to fire")
        if code not in named:
            problems.append(f"{code}: no fixture file named for it (tests/fixtures/{code}_*.py)")
    assert not problems, "\n".join(problems)


def test_every_code_named_by_a_fixture_file_fires_there():
    """A file named PMA106_*.py must contain at least one PMA106 expectation."""
    problems = []
    for path, expected in _all_expectations().items():
        codes_here = {code for (_line, code, _col) in expected}
        for code in fh.codes_named_by(path):
            if code not in codes_here:
                problems.append(f"{fh.display_path(path)}: named for {code} but never expects it")
    assert not problems, "\n".join(problems)


def test_fixtures_are_not_importable_test_modules():
    """pytest must never collect (import) fixtures: they reference undefined names on purpose."""
    bad = [fh.display_path(p) for p in FIXTURES if p.name.startswith("test_") or p.name.endswith("_test.py")]
    assert not bad, bad


# --------------------------------------------------------------------------------------------
# Harness self-tests: the comparison must be able to fail.

_SELF_SOURCE = '''\
import motor  # expect: PMA101@1
text = """
# expect: PMA999@1  <- inside a string: not an expectation
"""


async def f(coll):
    # expect-next-line: PMA106@18
    docs = await coll.find({"$where": """
        this.a > 1"""}).to_list(0)
    return docs  # expect: PMA201@12, PMA208@12
'''


@dataclass(frozen=True)
class FakeDiagnostic:
    """Duck-types flake8_pymongo_async.diagnostics.Diagnostic (the harness reads only these)."""

    code: str
    line: int
    col: int
    message: str


def _diag(line, col0, code, message="msg"):
    return FakeDiagnostic(code=code, line=line, col=col0, message=message)


def test_harness_parses_expectations():
    expected = fh.parse_expectations(_SELF_SOURCE)
    assert expected == Counter(
        {(1, "PMA101", 1): 1, (9, "PMA106", 18): 1, (11, "PMA201", 12): 1, (11, "PMA208", 12): 1}
    )


def test_harness_accepts_an_exact_match():
    expected = fh.parse_expectations(_SELF_SOURCE)
    diags = [_diag(1, 0, "PMA101"), _diag(9, 17, "PMA106"), _diag(11, 11, "PMA201"), _diag(11, 11, "PMA208")]
    assert fh.compare(expected, diags).ok


def test_harness_reports_missing_and_unexpected():
    expected = fh.parse_expectations(_SELF_SOURCE)
    # PMA106 reported one column off (0-based 16 instead of 17, i.e. @17 instead of @18),
    # PMA208 not reported at all, and an extra diagnostic on a silent line.
    diags = [
        _diag(1, 0, "PMA101"),
        _diag(9, 16, "PMA106", "to_list(0) raises"),
        _diag(11, 11, "PMA201"),
        _diag(7, 0, "PMA103", "io_loop is gone"),
    ]
    comparison = fh.compare(expected, diags)
    assert not comparison.ok
    assert comparison.missing == ((9, "PMA106", 18), (11, "PMA208", 12))
    assert comparison.unexpected == (((7, "PMA103", 1), "io_loop is gone"), ((9, "PMA106", 17), "to_list(0) raises"))
    report = fh.format_comparison("fx.py", _SELF_SOURCE.splitlines(), comparison)
    assert report.splitlines() == [
        "unexpected: fx.py:7:1 PMA103 io_loop is gone (async def f(coll):)",
        'unexpected: fx.py:9:17 PMA106 to_list(0) raises (docs = await coll.find({"$where": """)',
        'missing: fx.py:9:18 PMA106 (docs = await coll.find({"$where": """)',
        "missing: fx.py:11:12 PMA208 (return docs  # expect: PMA201@12, PMA208@12)",
    ]


def test_harness_reports_duplicates():
    expected = fh.parse_expectations("import motor  # expect: PMA101@1\n")
    comparison = fh.compare(expected, [_diag(1, 0, "PMA101"), _diag(1, 0, "PMA101", "again")])
    assert not comparison.ok
    assert comparison.missing == ()
    assert len(comparison.unexpected) == 1 and comparison.unexpected[0][0] == (1, "PMA101", 1)
    assert comparison.unexpected[0][1].startswith("[duplicate]")


def test_harness_reports_silent_fixture_with_diagnostics():
    comparison = fh.compare(fh.parse_expectations("x = 1\n"), [_diag(1, 4, "PMA106")])
    assert comparison.unexpected == (((1, "PMA106", 5), "msg"),)


def test_harness_reports_fixture_expecting_but_checker_silent():
    comparison = fh.compare(fh.parse_expectations("import motor  # expect: PMA101@1\n"), [])
    assert comparison.missing == ((1, "PMA101", 1),)


@pytest.mark.parametrize(
    "comment",
    [
        "# expect PMA101@1",  # no colon
        "# expect: PMA101",  # no column
        "# expect: PMA101@0",  # columns are 1-based
        "# expect: pma101@1",
        "# expect:",
        "# expect: PMA101@1 because motor",  # trailing prose
        "# Expect-Next-Line PMA101@1",
    ],
)
def test_harness_rejects_malformed_expectations(comment):
    with pytest.raises(fh.FixtureError):
        fh.parse_expectations(f"import motor  {comment}\nx = 1\n")


def test_harness_rejects_fixture_that_does_not_compile():
    with pytest.raises(fh.FixtureError):
        fh.run_source("await coll.find().to_list(0)\n", check=lambda tree, lines: [])


def test_harness_end_to_end_with_a_fake_checker(tmp_path):
    """check_fixture wires parse -> check(tree, lines) -> compare -> report."""
    path = tmp_path / "PMA101_fake.py"
    path.write_text("import motor  # expect: PMA101@1\nimport os\n", encoding="utf-8")
    seen = {}

    def fake_check(tree, lines):
        seen["tree"], seen["lines"] = tree, lines
        return [_diag(2, 0, "PMA101", "not motor")]

    report = fh.check_fixture(path, check=fake_check)
    assert isinstance(seen["tree"], ast.Module)
    assert seen["lines"] == ["import motor  # expect: PMA101@1\n", "import os\n"]
    assert "missing: " in report and ":1:1 PMA101 (import motor  # expect: PMA101@1)" in report
    assert "unexpected: " in report and ":2:1 PMA101 not motor (import os)" in report
    assert fh.check_fixture(path, check=lambda tree, lines: [_diag(1, 0, "PMA101")]) == ""


def test_harness_names_codes_from_file_names():
    assert fh.codes_named_by(fh.FIXTURES_DIR / "PMA106_to_list.py") == ["PMA106"]
    assert fh.codes_named_by(fh.FIXTURES_DIR / "PMA106" / "aggregate.py") == ["PMA106"]
    assert fh.codes_named_by(fh.FIXTURES_DIR / "silent_lookalikes.py") == []
