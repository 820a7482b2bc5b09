"""The import graph of the package respects its layers: nothing imports a layer above its own.

Every module is parsed (never imported) and every import in it counts, function-level ones too.
A module is mapped to its layer by the longest prefix in LAYERS, so a new module inside a package
falls into that package's layer; a new top-level module must be added to the table.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

PACKAGE = "flake8_pymongo_async"
PACKAGE_DIR = Path(__file__).resolve().parent.parent / PACKAGE

# Bottom to top. Names are module or package paths relative to the package ("" is the package's
# own __init__); a package path covers every module inside it.
LAYERS: Sequence[Tuple[str, Sequence[str]]] = (
    ("foundation", ("", "diagnostics", "settings", "exit_codes", "files", "columns", "noqa", "filesize", "writes",
                    "processes", "defaults", "config", "plumbing")),
    ("api", ("api",)),
    ("semantic", ("semantic",)),
    ("project", ("project",)),
    ("rules", ("rules",)),
    ("checker", ("checker", "reporter")),
    ("presentation", ("fix", "output", "report", "docs_render")),
    ("commands", ("commands",)),
    ("entry points", ("cli", "plugin", "__main__")),
)


def layer_of(module: str) -> Optional[int]:
    """The index in LAYERS of a dotted module name inside the package, or None."""
    relative = module[len(PACKAGE) + 1:] if module.startswith(PACKAGE + ".") else "" if module == PACKAGE else None
    if relative is None:
        return None
    best: Optional[Tuple[int, int]] = None  # (length of the matching name, layer)
    for index, (_, names) in enumerate(LAYERS):
        for name in names:
            matches = relative == name if name == "" else relative == name or relative.startswith(name + ".")
            if matches and (best is None or len(name) > best[0]):
                best = (len(name), index)
    return None if best is None else best[1]


def modules(root: Path, package: str) -> Dict[str, Path]:
    """Dotted module name -> file, for every .py file under `root` (a package directory)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join([package, *parts])] = path
    return found


def imported(module: str, path: Path, known: Dict[str, Path]) -> List[Tuple[int, str]]:
    """(line, dotted name) of every module of the package that `module` imports, anywhere in it."""
    is_package = path.name == "__init__.py"
    result = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            result.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = module.split(".")
                drop = node.level - 1 if is_package else node.level
                base = ".".join(base_parts[:len(base_parts) - drop])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                result.append((node.lineno, submodule if submodule in known else target))
    inside = [(line, name) for line, name in result if name == PACKAGE or name.startswith(PACKAGE + ".")]
    return list(dict.fromkeys(inside))  # `from m import a, b` is one import of m


def violations(root: Path, package: str = PACKAGE) -> Tuple[List[str], List[str]]:
    """(modules mapped to no layer, imports that go up a layer), as readable lines."""
    known = modules(root, package)
    unmapped = [name for name in known if layer_of(name) is None]
    upward = []
    for name, path in known.items():
        own = layer_of(name)
        if own is None:
            continue
        for line, target in imported(name, path, known):
            other = layer_of(target)
            if other is not None and other > own:
                upward.append(f"{path.relative_to(root.parent)}:{line}: {LAYERS[own][0]} {name} imports "
                              f"{LAYERS[other][0]} {target}")
    return unmapped, upward


def test_every_module_of_the_package_has_a_layer() -> None:
    unmapped, _ = violations(PACKAGE_DIR)
    assert unmapped == [], "add these modules to LAYERS in tests/test_layers.py"


def test_no_module_imports_a_higher_layer() -> None:
    _, upward = violations(PACKAGE_DIR)
    assert upward == []


def test_the_layer_check_finds_upward_imports_and_unmapped_modules(tmp_path: Path) -> None:
    root = tmp_path / PACKAGE
    for folder in ("semantic", "rules"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("", encoding="utf-8")
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "semantic" / "model.py").write_text(
        "from ..rules import registry\n"
        "from . import values\n"
        "def late():\n"
        "    from flake8_pymongo_async.checker import check\n",
        encoding="utf-8",
    )
    (root / "semantic" / "values.py").write_text("from ..diagnostics import Fix\n", encoding="utf-8")
    (root / "rules" / "registry.py").write_text("from ..semantic import values\n", encoding="utf-8")
    (root / "rules" / "__init__.py").write_text("from .. import cli\n", encoding="utf-8")
    (root / "diagnostics.py").write_text("", encoding="utf-8")
    (root / "checker.py").write_text("", encoding="utf-8")
    (root / "cli.py").write_text("", encoding="utf-8")
    (root / "newthing.py").write_text("", encoding="utf-8")
    unmapped, upward = violations(root)
    assert unmapped == [f"{PACKAGE}.newthing"]
    assert upward == [
        f"{PACKAGE}/rules/__init__.py:1: rules {PACKAGE}.rules imports entry points {PACKAGE}.cli",
        f"{PACKAGE}/semantic/model.py:1: semantic {PACKAGE}.semantic.model imports rules {PACKAGE}.rules.registry",
        f"{PACKAGE}/semantic/model.py:4: semantic {PACKAGE}.semantic.model imports checker {PACKAGE}.checker",
    ]


def test_modules_fall_into_their_package_layer_by_prefix() -> None:
    names = [name for name, _ in LAYERS]
    assert names[layer_of(f"{PACKAGE}.semantic.some_new_module") or 0] == "semantic"
    assert names[layer_of(f"{PACKAGE}.rules.motor.imports") or 0] == "rules"
    assert names[layer_of(PACKAGE) or 0] == "foundation"
    assert layer_of(f"{PACKAGE}.semanticx") is None  # a prefix is a whole dotted part
    assert layer_of("flake8_pymongo_asyncx.cli") is None


def test_the_plugin_imports_none_of_the_commands_machinery() -> None:
    # flake8 imports the plugin in every process it starts: what only the commands use (their
    # options, configuration files, output formats, the fixer) must not come along with it.
    known = modules(PACKAGE_DIR, PACKAGE)
    reached: Set[str] = set()
    todo = [f"{PACKAGE}.plugin"]
    while todo:
        module = todo.pop()
        if module in reached or module not in known:
            continue
        reached.add(module)
        todo.extend(name for _, name in imported(module, known[module], known))
    commands_only = {f"{PACKAGE}.{name}" for name in ("plumbing", "config", "cli", "processes", "writes")}
    assert f"{PACKAGE}.checker" in reached  # the walk did follow the imports
    assert sorted(m for m in reached if m in commands_only or m.split(".")[1:2] in (
        ["commands"], ["fix"], ["output"], ["report"])) == []
