"""The fixer on real Motor code: the "motor" set of ``tests/data/realworld/manifest.json``.

Each package is unpacked from its sdist (kept in the repository, no network) into a temporary
directory and fixed there, through the command, twice.
"""
from __future__ import annotations

import ast
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from flake8_pymongo_async import cli
from flake8_pymongo_async.fix.engine import fix_text
from flake8_pymongo_async.plumbing import discover
from realworld import packages, unpacked


def _fix(paths, unsafe):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["fix", "-q", *(["--unsafe-fixes"] if unsafe else []), *map(str, paths)])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("entry", packages("motor"), ids=lambda e: e["package"])
def test_realworld_package(entry, unsafe, tmp_path):
    top = unpacked(entry, tmp_path / "sdist")
    paths = [top / p for p in entry["paths"]]
    missing = [p for p in paths if not p.exists()]
    assert not missing, f"{entry['package']}'s sdist lacks the paths {missing} that the manifest names"
    code, out, err = _fix(paths, unsafe)
    assert code in (0, 1), err
    assert "error:" not in err and "Traceback" not in err
    files = discover([str(p) for p in paths]).files
    snapshot = {f: Path(f).read_bytes() for f in files}
    for f in files:
        ast.parse(snapshot[f])
    # A second run changes nothing.
    _fix(paths, unsafe)
    assert {f: Path(f).read_bytes() for f in files} == snapshot
    # No Motor import is left except those without a PyMongo Async counterpart.
    for f in files:
        result = fix_text(snapshot[f].decode("utf-8"), unsafe=unsafe)
        for d in result.remaining:
            if d.code == "PMA101":
                assert d.fix is None and "no PyMongo Async counterpart" in d.message, (f, d)
