"""The semantic model: one walk over the tree that knows which expressions are driver objects.

``SemanticModel.run()`` visits every node once. Expressions are evaluated bottom-up
(``expressions.py``: ``expr`` returns the value of a node); statements update the current scope's
environment, so a name's value is that of its latest binding on the path (``statements.py``);
function bodies are deferred to the end of the module and walked at most once
(``definitions.py``). Subscribers (the rules) receive ``events.Event``s with a read-only
``view.ModelView`` of the model; what they report goes to the ``DiagnosticSink`` the model was
given. Nothing is ever written to the AST.
"""
from __future__ import annotations

import ast

from .definitions import Definitions
from .expressions import MAX_DEPTH, Expressions
from .statements import Statements
from .values import Value


class SemanticModel(Statements, Definitions, Expressions):
    """Construct with the tree, its lines, the settings, the subscribers and a sink, then ``run()``."""

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        body = getattr(self.tree, "body", None)
        if isinstance(body, list):
            self.block(body)
        else:  # ast.Expression, ast.Interactive...
            for child in ast.iter_child_nodes(self.tree):
                self.visit(child)
        # Function bodies, in source order, unless something needed them earlier. The list grows
        # while this runs, but only by the `def`s inside a body being walked, and each function
        # is walked once (`walked`): it ends after one round per `def` in the tree.
        i = 0
        while i < len(self.deferred):
            self.walk_function(self.deferred[i])
            i += 1
        for on_module_end in self.handlers.module_end:
            on_module_end(self)

    def visit(self, node: ast.AST) -> Value:
        if isinstance(node, ast.stmt):
            self.stmt(node)
            return None
        if isinstance(node, ast.expr):
            return self.expr(node)
        for child in ast.iter_child_nodes(node):
            self.visit(child)
        return None


__all__ = ["SemanticModel", "MAX_DEPTH"]
