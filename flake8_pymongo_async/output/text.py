"""flake8's default format: ``path:row:col: CODE message`` (col is flake8's: byte offset + 1)."""
from __future__ import annotations

from typing import Sequence

from ..plumbing import FileResult
from ..files import display
from . import Context


def render(results: Sequence[FileResult], context: Context) -> str:
    lines = [
        f"{display(f.path)}:{f.diagnostic.line}:{f.diagnostic.col + 1}: {f.code} {f.diagnostic.message}"
        for result in results
        for f in result.findings
    ]
    return "".join(line + "\n" for line in lines)
