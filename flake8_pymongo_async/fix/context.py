"""Everything a fix needs to know about the current text: ``ast`` tree, ast-grep tree, positions."""
from __future__ import annotations

import ast
from typing import Dict, List, Optional, Tuple, Type, TypeVar, Union

from ..diagnostics import Diagnostic
from .edits import SgIndex
from .scopes import ScopeModel, parent_map
from ..diagnostics import Located
from .source import Positions

Key = Tuple[int, int, int, int]
N = TypeVar("N", bound=ast.AST)


class FixContext:
    def __init__(self, text: str, tree: ast.AST, diagnostics: List[Diagnostic]) -> None:
        self.text = text
        self.tree = tree
        self.pos = Positions(text)
        self.diagnostics = diagnostics  # every diagnostic of this pass (selected or not)
        self._sg: Optional[SgIndex] = None
        self._parents: Optional[Dict[ast.AST, ast.AST]] = None
        self._by_range: Optional[Dict[Key, List[ast.AST]]] = None
        self._scopes: Optional[ScopeModel] = None

    @property
    def sg(self) -> SgIndex:
        if self._sg is None:
            self._sg = SgIndex(self.text, self.pos)
        return self._sg

    @property
    def parents(self) -> Dict[ast.AST, ast.AST]:
        if self._parents is None:
            self._parents = parent_map(self.tree)
        return self._parents

    @property
    def scopes(self) -> ScopeModel:
        if self._scopes is None:
            self._scopes = ScopeModel(self.tree)
        return self._scopes

    def nodes_at(self, d: Diagnostic) -> List[ast.AST]:
        if self._by_range is None:
            table: Dict[Key, List[ast.AST]] = {}
            for node in ast.walk(self.tree):
                line = getattr(node, "lineno", None)
                if line is None:
                    continue
                col: int = getattr(node, "col_offset")  # every node with a line has a column
                key = (line, col, getattr(node, "end_lineno", None) or line,
                       getattr(node, "end_col_offset", None) or col)
                table.setdefault(key, []).append(node)
            self._by_range = table
        return self._by_range.get((d.line, d.col, d.end_line, d.end_col), [])

    def node_of(self, d: Diagnostic, types: Union[Type[N], Tuple[Type[N], ...]]) -> Optional[N]:
        """The node of one of ``types`` at exactly the diagnostic's range."""
        for node in self.nodes_at(d):
            if isinstance(node, types):
                return node
        return None

    def span(self, node: Located) -> Tuple[int, int]:
        return self.pos.node_span(node)

    def parent(self, node: ast.AST) -> Optional[ast.AST]:
        return self.parents.get(node)

    def enclosing_async(self, node: ast.AST) -> bool:
        """Whether an ``await`` / ``async for`` at ``node`` runs directly in an ``async def``.

        List, set and dict comprehensions in between are fine (PEP 530); a generator expression,
        a lambda, a class body or a plain ``def`` in between is not (the ``await`` would change
        what that scope is, or not compile).
        """
        current = self.parent(node)
        child = node
        while current is not None:
            if isinstance(current, ast.AsyncFunctionDef):
                return child not in current.decorator_list and child is not current.returns \
                    and not _in_arguments(current, child)
            if isinstance(current, (ast.FunctionDef, ast.Lambda, ast.ClassDef, ast.GeneratorExp, ast.Module)):
                return False
            child, current = current, self.parent(current)
        return False


def _in_arguments(func: ast.AsyncFunctionDef, child: ast.AST) -> bool:
    return child is func.args
