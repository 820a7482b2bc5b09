"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::warning file=PATH,line=L,col=C,endLine=L,endColumn=C,title=PMA101 motor-import::message``
Columns are 1-based characters. Values are escaped as the Actions toolkit escapes them.
"""
from __future__ import annotations

from typing import Sequence

from ..plumbing import FileResult
from ..files import display
from . import Context


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: Sequence[FileResult], context: Context) -> str:
    out = []
    for result in results:
        for f in result.findings:
            d = f.diagnostic
            rule = context.rules.get(d.code)
            title = f"{d.code} {rule.name}" if rule else d.code
            props = ",".join([
                f"file={escape_property(display(f.path))}",
                f"line={d.line}",
                f"col={f.char_col + 1}",
                f"endLine={d.end_line}",
                f"endColumn={f.char_end_col + 1}",
                f"title={escape_property(title)}",
            ])
            out.append(f"::warning {props}::{escape_data(d.message)}\n")
    return "".join(out)
