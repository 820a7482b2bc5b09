"""The wheel: what it ships (the package, its data, ``py.typed``) and what it must not (the
generators, the tests). Built from a copy of the checkout, without network (no build isolation)."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import List, Set

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "flake8_pymongo_async"


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> List[str]:
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "setup.cfg", "README.md", "CHANGELOG.md", "LICENSE"):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, source / name)
    for folder in (PACKAGE, "scripts"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--disable-pip-version-check", "--wheel-dir", str(out), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_wheel_metadata_carries_the_package_version(wheel_names: List[str]) -> None:
    # pyproject.toml reads the version from flake8_pymongo_async/__init__.py: one place to bump.
    from flake8_pymongo_async import __version__

    assert f"{PACKAGE}-{__version__}.dist-info/METADATA" in wheel_names


def test_wheel_ships_py_typed(wheel_names: List[str]) -> None:
    assert f"{PACKAGE}/py.typed" in wheel_names


def test_wheel_ships_the_package_and_its_tables(wheel_names: List[str]) -> None:
    modules = {path for path in (ROOT / PACKAGE).rglob("*.py") if "__pycache__" not in path.parts}
    assert {path.relative_to(ROOT).as_posix() for path in modules} <= set(wheel_names)
    assert f"{PACKAGE}/api/tables.py" in wheel_names


def test_wheel_ships_no_generator(wheel_names: List[str]) -> None:
    top_level = {name.split("/")[0] for name in wheel_names}
    assert top_level == {PACKAGE, *(n for n in top_level if n.endswith(".dist-info"))}, top_level
    assert not [name for name in wheel_names if "generate" in Path(name).name], wheel_names


def _imported_modules(path: Path) -> Set[str]:
    names: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names.update(f"{base}.{alias.name}".lstrip(".") for alias in node.names)
            names.add(base)
    return names


def test_package_does_not_import_the_generators() -> None:
    generators = {path.stem for path in (ROOT / "scripts").glob("*.py")}
    offenders = [
        f"{path.relative_to(ROOT).as_posix()}: {name}"
        for path in sorted((ROOT / PACKAGE).rglob("*.py"))
        for name in sorted(_imported_modules(path))
        if name.split(".")[0] == "scripts" or name.split(".")[-1] in generators
    ]
    assert not offenders
