"""Output formats of ``flake8-pymongo-async check``: text (flake8's), json, sarif and github.

Each format is a function ``(results, context) -> str`` over the engine's ``FileResult`` list, in
the order the engine sorted them. Text is flake8's ``path:row:col: CODE message`` with flake8's
column (the UTF-8 byte offset + 1); the machine formats give 1-based columns in characters, which
is what editors, GitHub annotations and SARIF viewers count (SARIF says so with ``columnKind``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Mapping, Optional, Sequence

from ..plumbing import CheckFormat, FileResult
from ..rules.registry import Rule


@dataclass(frozen=True)
class Context:
    rules: Mapping[str, Rule]  # every registered rule by code
    cwd: str = "."
    exit_code: Optional[int] = None


Formatter = Callable[[Sequence[FileResult], Context], str]


def formatters() -> Dict[CheckFormat, Formatter]:
    from . import github, json_format, sarif, text

    return {"text": text.render, "json": json_format.render, "sarif": sarif.render, "github": github.render}
