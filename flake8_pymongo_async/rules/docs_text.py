"""Long-form docs of every rule (ruff's sections). Filled in per rule; see registry.Docs."""
from __future__ import annotations

from typing import Dict

from .registry import Docs

DOCS: Dict[str, Docs] = {}
