"""check(tree, lines, settings) -> diagnostics: one walk, pure, no flake8 import.

Used by the flake8 adapter, the CLI and the fixer alike.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from typing import List, Sequence

from .diagnostics import Diagnostic
from .reporter import Reporter
from .rules import registry
from .semantic.model import MAX_DEPTH, SemanticModel
from .settings import DEFAULT_SETTINGS, Settings

# Every rule needs evidence that names the driver (an import of pymongo, gridfs or motor, or a
# configured factory). A module whose text never mentions one cannot produce a finding, so it is
# not walked: most files of a project are like that, and this keeps flake8 fast on them.
_EVIDENCE_WORDS = ("mongo", "motor", "gridfs")

# The walk recurses once per nesting level; the model stops descending at MAX_DEPTH, and this
# makes sure the interpreter allows that much, whatever limit the host process set.
_RECURSION_HEADROOM = 4000


def _may_have_evidence(lines: Sequence[str], settings: Settings) -> bool:
    words = _EVIDENCE_WORDS + tuple(f.rpartition(":")[2].rpartition(".")[2].lower()
                                    for f in settings.extra_factories)
    text = "".join(lines).lower()
    return any(word in text for word in words)


# What the standalone commands print (on stderr, once per file) when `depth_limit_reached`.
DEPTH_LIMIT_WARNING = f"nested deeper than {MAX_DEPTH} levels; code past that depth was not checked"


@dataclass(frozen=True)
class Analysis:
    """What one check of a module found, and what it could not look at."""

    diagnostics: List[Diagnostic]
    depth_limit_reached: bool = False  # code nested past the model's MAX_DEPTH was not analysed


def check(tree: ast.AST, lines: Sequence[str], settings: Settings = DEFAULT_SETTINGS) -> List[Diagnostic]:
    return analyse(tree, lines, settings).diagnostics


def analyse(tree: ast.AST, lines: Sequence[str], settings: Settings = DEFAULT_SETTINGS) -> Analysis:
    """``check``, and whether the walk stopped at the nesting limit somewhere."""
    if not _may_have_evidence(lines, settings):
        return Analysis([])
    limit = sys.getrecursionlimit()
    if limit < _RECURSION_HEADROOM:
        sys.setrecursionlimit(_RECURSION_HEADROOM)
    try:
        return run_model(tree, lines, settings)
    finally:
        if limit < _RECURSION_HEADROOM:
            sys.setrecursionlimit(limit)


def run_model(tree: ast.AST, lines: Sequence[str], settings: Settings = DEFAULT_SETTINGS) -> Analysis:
    """One walk of the semantic model with every rule family subscribed, whatever the text says
    (no evidence prefilter, no recursion headroom: ``analyse`` adds those)."""
    reporter = Reporter()
    model = SemanticModel(tree, lines, settings, subscribers=_families(), sink=reporter)
    model.run()
    return Analysis(reporter.diagnostics(), model.depth_limit_reached)


def _families() -> List[registry.Family]:
    # A family may keep per-file state (open `try` blocks), so each check gets fresh instances.
    return [family() for family in registry.family_classes()]
