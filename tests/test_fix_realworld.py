"""The fixer on real Motor code: the packages of ../shared/tools/realworld's "motor" set.

Needs the sdists that ``../shared/tools/realworld motor`` caches under
``~/.cache/pma-realworld/extracted`` (skipped without them). The cache is never modified: each
package is copied to a temporary directory and fixed there, through the command, twice.
"""
from __future__ import annotations

import ast
import io
import json
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from flake8_pymongo_async import cli
from flake8_pymongo_async.fix.engine import fix_text
from flake8_pymongo_async.plumbing import discover

MANIFEST = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "public.json"
CACHE = Path(os.environ.get("PMA_REALWORLD_CACHE", Path.home() / ".cache" / "pma-realworld")) / "extracted"


def _packages():
    if not MANIFEST.exists():
        return []
    return json.loads(MANIFEST.read_text())["motor"]


def _extracted(entry) -> Path:
    want = f"{entry['package']}-{entry['version']}".lower().replace("-", "_")
    if CACHE.is_dir():
        for path in CACHE.iterdir():
            if path.name.lower().replace("-", "_") == want:
                return path
    pytest.skip(f"{entry['package']} is not cached: run ../shared/tools/realworld motor")


def _fix(paths, unsafe):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["fix", "-q", *(["--unsafe-fixes"] if unsafe else []), *map(str, paths)])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("entry", _packages(), ids=lambda e: e["package"])
def test_realworld_package(entry, unsafe, tmp_path):
    source = _extracted(entry)
    copy = tmp_path / source.name
    shutil.copytree(source, copy)
    paths = [copy / p for p in entry["paths"] if (copy / p).exists()]
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
    # The cache itself is untouched.
    for f in files:
        original = source / Path(f).relative_to(copy)
        assert original.exists()
