"""check(tree, lines, settings) -> diagnostics: one walk, pure, no flake8 import.

Used by the flake8 adapter, the CLI and the fixer alike.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import List, Optional, Sequence

from .diagnostics import Diagnostic
from .reporter import Reporter
from .rules import registry
from .project.index import ModuleView, recursion_headroom
from .semantic.model import MAX_DEPTH, SemanticModel
from .semantic.project import NO_PROJECT
from .settings import DEFAULT_SETTINGS, Settings, mentions_driver


# Every rule needs evidence that names the driver: in the module's own text (an import of pymongo,
# gridfs or motor, or a configured factory), or in what the project tells it (a first-party import,
# a conftest fixture or framework state with driver values: ``ModuleView.may_have_evidence``). A
# module without any cannot produce a finding, so it is not walked: most files of a project are
# like that, and this keeps flake8 fast on them.
def _may_have_evidence(lines: Sequence[str], settings: Settings) -> bool:
    return mentions_driver("".join(lines), settings)


# What the standalone commands print (on stderr, once per file) when `depth_limit_reached`.
DEPTH_LIMIT_WARNING = f"nested deeper than {MAX_DEPTH} levels; code past that depth was not checked"


@dataclass(frozen=True)
class Analysis:
    """What one check of a module found, and what it could not look at."""

    diagnostics: List[Diagnostic]
    depth_limit_reached: bool = False  # code nested past the model's MAX_DEPTH was not analysed


def check(tree: ast.AST, lines: Sequence[str], settings: Settings = DEFAULT_SETTINGS,
          project: Optional[ModuleView] = None) -> List[Diagnostic]:
    return analyse(tree, lines, settings, project).diagnostics


def analyse(tree: ast.AST, lines: Sequence[str], settings: Settings = DEFAULT_SETTINGS,
            project: Optional[ModuleView] = None) -> Analysis:
    """``check``, and whether the walk stopped at the nesting limit somewhere. ``project``: what
    the rest of the project tells this module (``ProjectIndex.view``); None: the module alone."""
    with recursion_headroom():
        if not _may_have_evidence(lines, settings) and (
                project is None or not project.may_have_evidence(tree, "".join(lines))):
            return Analysis([])
        return run_model(tree, lines, settings, project)


def run_model(tree: ast.AST, lines: Sequence[str], settings: Settings = DEFAULT_SETTINGS,
              project: Optional[ModuleView] = None) -> Analysis:
    """One walk of the semantic model with every rule family subscribed, whatever the text says
    (no evidence prefilter, no recursion headroom: ``analyse`` adds those)."""
    reporter = Reporter()
    model = SemanticModel(tree, lines, settings, subscribers=_families(), sink=reporter,
                          project=project if project is not None else NO_PROJECT)
    model.run()
    return Analysis(reporter.diagnostics(), model.depth_limit_reached)


def _families() -> List[registry.Family]:
    # A family may keep per-file state (open `try` blocks), so each check gets fresh instances.
    return [family() for family in registry.family_classes()]
