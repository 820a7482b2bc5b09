"""`# noqa` in `check` behaves exactly as in flake8: every case is run through both and compared."""
from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

from flake8_pymongo_async import cli, noqa

from flake8_alone import FLAKE8

REPORT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) ")

# name -> (source, whether the target finding is silenced). The target is PMA101 on line 1 unless
# TARGETS says otherwise; the expectation documents flake8's behaviour and keeps the comparison
# from passing vacuously.
IMPORT = "from motor.motor_asyncio import AsyncIOMotorClient"
CLIENT = f"{IMPORT}\nclient = AsyncIOMotorClient()\n\n\nasync def f():\n"
CASES: Dict[str, Tuple[str, bool]] = {
    "bare": (f"{IMPORT}  # noqa\n", True),
    "upper": (f"{IMPORT}  # NOQA\n", True),
    "mixed-case": (f"{IMPORT}  # NoQa: PMA101\n", True),
    "code": (f"{IMPORT}  # noqa: PMA101\n", True),
    "no-space": (f"{IMPORT}  # noqa:PMA101\n", True),
    "prefix": (f"{IMPORT}  # noqa: PMA1\n", True),
    "family-prefix": (f"{IMPORT}  # noqa: PMA\n", True),
    "other-family": (f"{IMPORT}  # noqa: PMA2\n", False),
    "other-code": (f"{IMPORT}  # noqa: E501\n", False),
    "list": (f"{IMPORT}  # noqa: E501,PMA101\n", True),
    "list-spaces": (f"{IMPORT}  # noqa: E501 PMA1\n", True),
    "list-commas": (f"{IMPORT}  # noqa:E501,,PMA1,\n", True),
    "lowercase-code": (f"{IMPORT}  # noqa: pma101\n", False),  # codes compare case-sensitively
    "space-before-colon": (f"{IMPORT}  # noqa : PMA2\n", True),  # a bare noqa followed by text
    "no-space-after-hash": (f"{IMPORT}  #noqa\n", False),
    "two-spaces-after-colon": (f"{IMPORT}  # noqa:  PMA2\n", True),  # codes not parsed: bare
    "trailing-text": (f"{IMPORT}  # noqa: PMA101 motor is fine here\n", True),
    "in-a-string": (f"{IMPORT}; x = '# noqa'\n", True),  # flake8 searches the whole line
    "previous-line": (f"# noqa\n{IMPORT}\n", False),
    "backslash-continuation": ("from motor.motor_asyncio import \\\n    AsyncIOMotorClient  # noqa: PMA101\n",
                               True),
    "multi-line-string": (
        f"{CLIENT}    client.db.coll.insert_one({{'a': '''x\n    y'''}})  # noqa: PMA201\n",
        True,  # the lines of one token are searched together
    ),
    "multi-line-call": (
        f"{CLIENT}    client.db.coll.insert_one(\n        {{'a': 1}},\n    )  # noqa: PMA201\n",
        False,  # a call's lines are separate physical lines: the noqa must be on the reported line
    ),
    "file-level": (f"# flake8: noqa\n{IMPORT}\n", True),
    "file-level-indented": (f"  # flake8: NOQA\n{IMPORT}\n", True),
    "file-level-equals": (f"# flake8=noqa\n{IMPORT}\n", True),
    "file-level-after-code": (f"{IMPORT}  # flake8: noqa\n", False),
}
TARGETS: Dict[str, Tuple[int, str]] = {
    "previous-line": (2, "PMA101"),
    "backslash-continuation": (1, "PMA101"),
    "multi-line-string": (6, "PMA201"),
    "multi-line-call": (6, "PMA201"),
    "file-level": (2, "PMA101"),
    "file-level-indented": (2, "PMA101"),
    "file-level-equals": (2, "PMA101"),
}


def _keys(output: str) -> Set[Tuple[str, int, int, str]]:
    found = set()
    for line in output.splitlines():
        m = REPORT.match(line)
        assert m, line
        found.add((Path(m["path"]).name, int(m["line"]), int(m["col"]), m["code"]))
    return found


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("noqa")
    for name, (source, _) in CASES.items():
        # A prefix: a file named like a stdlib module (code.py) would shadow it for `python -m flake8`.
        (root / f"case_{name}.py").write_text(source, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def flake8_keys(tree: Path) -> Set[Tuple[str, int, int, str]]:
    result = subprocess.run([*FLAKE8, "--isolated", "--select=PMA", "."], cwd=tree,
                            capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return _keys(result.stdout)


def test_check_matches_flake8_on_every_noqa_case(capsys, monkeypatch, tree: Path, flake8_keys) -> None:
    monkeypatch.chdir(tree)
    cli.main(["check", "--isolated", "-j", "1", "."])
    out, err = capsys.readouterr()
    assert err == ""
    ours = _keys(out)
    assert sorted(ours - flake8_keys) == [], "reported by check, silenced by flake8"
    assert sorted(flake8_keys - ours) == [], "reported by flake8, silenced by check"


def _reported_without_noqa(source: str) -> List[Tuple[int, str]]:
    """The findings of ``source`` with noqa disabled: what a noqa comment could silence."""
    import ast

    from flake8_pymongo_async import checker

    lines = source.splitlines(True)
    return [(d.line, d.code) for d in checker.check(ast.parse(source), lines)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_expectation(name: str, flake8_keys) -> None:
    """Each case does what its comment says, in flake8 (so the parity test above is not vacuous)."""
    source, silenced = CASES[name]
    target = TARGETS.get(name, (1, "PMA101"))
    assert target in _reported_without_noqa(source), f"{name}: the case has no finding to silence"
    reported = {(line, code) for file, line, _col, code in flake8_keys if file == f"case_{name}.py"}
    assert (target not in reported) is silenced, (name, reported)


def test_disable_noqa_reports_everything(capsys, monkeypatch, tree: Path, flake8_keys) -> None:
    monkeypatch.chdir(tree)
    cli.main(["check", "--isolated", "--disable-noqa", "-j", "1", "."])
    out, _ = capsys.readouterr()
    expected = subprocess.run([*FLAKE8, "--isolated", "--select=PMA", "--disable-noqa",
                               "."],
                              cwd=tree, capture_output=True, text=True, timeout=300)
    assert _keys(out) == _keys(expected.stdout)
    assert len(_keys(out)) > len(flake8_keys)


def test_noqa_module_directly() -> None:
    assert noqa.is_silenced("PMA101", "x  # noqa")
    assert noqa.is_silenced("PMA101", "x  # NOQA:PMA1,E501")
    assert not noqa.is_silenced("PMA101", "x  # noqa: PMA2")
    assert not noqa.is_silenced("PMA101", "x  # noqa: pma101")
    assert not noqa.is_silenced("PMA101", "x")
    lines = textwrap.dedent('''\
        x = """a
        b"""  # noqa
        y = 1
    ''').splitlines(True)
    mapping = noqa.noqa_line_mapping(lines)
    assert mapping[1] == mapping[2] == lines[0] + lines[1]
    assert mapping[3] == lines[2]
