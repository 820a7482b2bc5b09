"""Which modules a module may ask the project about, read from its import statements.

The list over-approximates what the model asks (``from a import b`` may mean module ``a`` or
module ``a.b``; ``import a.b.c`` binds ``a`` and makes ``a.b`` and ``a.b.c`` reachable): it decides
which modules are summarised before a module, and which modules form an import cycle.
"""
from __future__ import annotations

import ast
from typing import Iterable, Iterator, List, Optional, Tuple, Union

from .cache import ImportSpec
from ..semantic.external import absolute_name


def import_specs(tree: ast.AST) -> Tuple[ImportSpec, ...]:
    """Every import statement of the tree, function-level ones too, as (level, module, names), in
    source order. Only statements are visited (an import is one): most of a tree is expressions."""
    found: List[ast.stmt] = []
    pending: List[ast.AST] = [tree]
    while pending:  # each node once: bounded by the tree's size
        node = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            elif isinstance(child, (ast.stmt, ast.excepthandler)) or type(child).__name__ == "match_case":
                pending.append(child)
    found.sort(key=lambda node: (node.lineno, node.col_offset))
    return tuple(_specs(found))


def top_level_specs(tree: ast.AST) -> Tuple[ImportSpec, ...]:
    """The imports of the module's top-level statements (and of its top-level ``if``/``try``
    blocks): cheap, for the evidence pre-filter, which must stay cheap on every file."""
    found: List[Union[ast.Import, ast.ImportFrom]] = []
    pending = list(getattr(tree, "body", ()))
    while pending:  # only the statement lists of `if` and `try`: bounded by the tree's size
        stmt = pending.pop()
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            found.append(stmt)
        elif isinstance(stmt, ast.If):
            pending.extend(stmt.body + stmt.orelse)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            for block in ("body", "orelse", "finalbody"):
                pending.extend(getattr(stmt, block, ()))
            for handler in getattr(stmt, "handlers", ()):
                pending.extend(handler.body)
    found.sort(key=lambda node: (node.lineno, node.col_offset))  # in source order
    return tuple(_specs(found))


def _specs(nodes: Iterable[ast.AST]) -> Iterator[ImportSpec]:
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield (0, alias.name, ())
        elif isinstance(node, ast.ImportFrom):
            yield (node.level or 0, node.module or "", tuple(a.name for a in node.names if a.name != "*"))


def candidate_names(specs: Iterable[ImportSpec], package: Optional[str]) -> List[str]:
    """The absolute dotted names of every module the imports may refer to, each once, in order."""
    names: List[str] = []
    for level, module, imported in specs:
        base = absolute_name(level, module or None, package)
        if base is None:
            continue
        if level == 0 and not imported:  # import a.b.c
            parts = base.split(".") if base else []
            names.extend(".".join(parts[:i]) for i in range(1, len(parts) + 1))
            continue
        if base:
            names.append(base)
        for name in imported:
            names.append(f"{base}.{name}" if base else name)
    return list(dict.fromkeys(n for n in names if n))
