"""Which modules a module may ask the project about, read from its import statements.

The list over-approximates what the model asks (``from a import b`` may mean module ``a`` or
module ``a.b``; ``import a.b.c`` binds ``a`` and makes ``a.b`` and ``a.b.c`` reachable): it decides
which modules are summarised before a module, and which modules form an import cycle.
"""
from __future__ import annotations

import ast
import re
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


# An import statement in a module's text, without parsing it: at a line's start or after `;` or
# `:` (`try: import x`), with a parenthesised or backslash-continued name list.
_IMPORT = re.compile(
    r"(?:^|[;:])[ \t]*(?:from[ \t]+(?P<dots>\.*)[ \t]*(?P<module>(?!import\b)[\w.]+)?(?:[ \t]|\\\n)*import\b"
    r"(?:[ \t]|\\\n)*(?P<names>\([^)]*\)|(?:[^\n;#\\]|\\\n?)*)"
    r"|import\b(?:[ \t]|\\\n)*(?P<modules>(?:[^\n;#\\]|\\\n?)*))",
    re.MULTILINE)
_COMMENT = re.compile(r"#[^\n]*")
_NAME = re.compile(r"[^\W\d]\w*(?:[ \t]*\.[ \t]*[^\W\d]\w*)*")


def scan_import_specs(text: str) -> Tuple[ImportSpec, ...]:
    """The import statements of a module read from its text (no ``ast.parse``), as
    ``import_specs`` gives them, or more: lines inside strings that read like imports count too.
    For a module that names no driver, only its imports matter (do they give driver values?), and
    parsing it just to find them was most of the cost of checking a large project cold."""
    found: List[ImportSpec] = []
    for match in _IMPORT.finditer(text):
        if match.group("modules") is not None:
            for part in match.group("modules").replace("\\\n", " ").split(","):
                name = _NAME.match(part.strip())
                if name is not None:
                    found.append((0, re.sub(r"\s", "", name.group()), ()))
            continue
        names = []
        listed = _COMMENT.sub("", match.group("names")).strip("() \t").replace("\\\n", " ")
        for part in listed.split(","):
            name = _NAME.match(part.strip())
            if name is not None and "." not in name.group():
                names.append(name.group())
        module = match.group("module") or ""
        if module.strip(".") != module or ".." in module:
            continue  # `from .a. import b`: not a statement Python accepts
        found.append((len(match.group("dots")), module, tuple(names)))
    return tuple(found)


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
