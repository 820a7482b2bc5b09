"""check(tree, lines, settings) -> diagnostics: one walk, pure, no flake8 import.

(Interface stub while the semantic model lands; see semantic/ and rules/.)
"""
from __future__ import annotations

import ast
from typing import List, Sequence

from .diagnostics import Diagnostic
from .settings import DEFAULT_SETTINGS, Settings

# Codes whose logic exists; the CLI, docs and tests treat the others as not yet available.
IMPLEMENTED_CODES: frozenset = frozenset()


def check(tree: ast.AST, lines: Sequence[str], settings: Settings = DEFAULT_SETTINGS) -> List[Diagnostic]:
    return []
