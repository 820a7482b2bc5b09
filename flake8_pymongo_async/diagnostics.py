"""What a rule reports, shared by the flake8 adapter, the CLI and the fixer."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Fix:
    """A fix the fixer can apply for one diagnostic.

    ``action`` names the edit (see ``flake8_pymongo_async/fix``); ``safe`` says whether it applies
    without ``--unsafe-fixes``; ``data`` carries what the edit needs (a new name, a keyword...).
    """

    action: str
    safe: bool
    data: tuple = ()


@dataclass(frozen=True)
class Diagnostic:
    code: str
    line: int  # 1-based
    col: int  # 0-based, UTF-8 bytes, as ast gives it
    end_line: int
    end_col: int
    message: str  # without the code
    fix: Optional[Fix] = None

    def flake8_text(self) -> str:
        return f"{self.code} {self.message}"
