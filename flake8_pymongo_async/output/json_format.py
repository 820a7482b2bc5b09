"""``--format json``: a list of findings, ruff's shape.

``location`` / ``end_location`` are 1-based rows and 1-based columns in characters (the end is
exclusive: the column after the last character), ``fix`` is null or ``{applicability, action}``.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Sequence

from ..plumbing import FileResult, Finding
from ..files import display
from . import Context
from .links import rule_url


def finding_to_dict(finding: Finding, context: Context) -> Dict[str, Any]:
    d = finding.diagnostic
    rule = context.rules.get(d.code)
    return {
        "code": d.code,
        "name": rule.name if rule else None,
        "message": d.message,
        "filename": display(finding.path),
        "location": {"row": d.line, "column": finding.char_col + 1},
        "end_location": {"row": d.end_line, "column": finding.char_end_col + 1},
        "fix": None if d.fix is None else {
            "applicability": "safe" if d.fix.safe else "unsafe",
            "action": d.fix.action.name,
        },
        "url": rule_url(rule) if rule else None,
    }


def render(results: Sequence[FileResult], context: Context) -> str:
    items: List[Dict[str, Any]] = [finding_to_dict(f, context) for r in results for f in r.findings]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
