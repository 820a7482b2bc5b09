"""What a rule reports, shared by the flake8 adapter, the CLI and the fixer."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Optional, Protocol, Tuple, Union


class Located(Protocol):
    """Anything with an ``ast``-style position: a node (expression, statement, keyword, alias...)
    or a stand-in where Python gives none (an import alias on Python 3.9)."""

    @property
    def lineno(self) -> int: ...

    @property
    def col_offset(self) -> int: ...

    @property
    def end_lineno(self) -> Optional[int]: ...

    @property
    def end_col_offset(self) -> Optional[int]: ...


# ---------------------------------------------------------------------- fix actions
@dataclass(frozen=True)
class _Action:
    """A kind of edit a rule can ask the fixer for; a subclass per kind, its fields what it needs.

    ``name`` is what ``--format json`` shows as the fix's ``action``. The fixer dispatches on the
    class (``fix/actions.py`` has one planner per kind, and a test checks none is missing).
    """

    name: ClassVar[str] = ""

    def __init_subclass__(cls, name: str = "") -> None:
        super().__init_subclass__()
        cls.name = name


@dataclass(frozen=True)
class RemoveKeyword(_Action, name="remove-keyword"):
    """Delete the keyword argument ``keyword=`` (with its comma)."""

    keyword: str


@dataclass(frozen=True)
class RenameKeyword(_Action, name="rename-keyword"):
    """Rename the keyword argument ``old=`` to ``new=``."""

    old: str
    new: str


class ToListNone(_Action, name="to-list-none"):
    """Replace the length argument of ``to_list(...)`` with ``None``."""


class InsertAwait(_Action, name="insert-await"):
    """Put ``await`` before the expression."""


class ParenthesizeAwait(_Action, name="parenthesize-await"):
    """``await x.y`` -> ``(await x).y``: the ``await`` applies to the coroutine, not its attribute.
    Where the coroutine is bound to a name first, the parentheses go where the name is awaited."""


class RemoveAwait(_Action, name="remove-await"):
    """Delete the ``await`` (and parentheses it made necessary)."""


class AsyncFor(_Action, name="async-for"):
    """``for`` -> ``async for`` (loops and comprehensions)."""


@dataclass(frozen=True)
class ListToList(_Action, name="list-to-list"):
    """``list(cursor)`` -> ``await cursor.to_list(None)``."""

    # A change stream is never exhausted and has no ``to_list()``: the fixer declines and says why.
    change_stream: bool = False


class AsyncWith(_Action, name="async-with"):
    """``with`` -> ``async with``, for every diagnostic of one statement at once (each of its items
    must be async); a ``start_transaction()`` item also gets its ``await``."""


class NextToAnext(_Action, name="anext"):
    """``next(cursor)`` -> ``await anext(cursor)``."""


class StopIterationToAsync(_Action, name="stop-async-iteration"):
    """``except StopIteration`` -> ``except StopAsyncIteration``, where the ``try`` awaits a cursor's
    ``next()``."""


class MotorImport(_Action, name="motor-import"):
    """Rewrite a Motor import, and every reference to what it bound, to PyMongo Async. All the
    Motor imports of a module are planned together: they may bind the same names."""


@dataclass(frozen=True)
class ImportFrom(_Action, name="import-from"):
    """Import ``imported`` from ``module`` (its real home) instead of the module it names now."""

    imported: str
    module: str


FixAction = Union[RemoveKeyword, RenameKeyword, ToListNone, InsertAwait, ParenthesizeAwait, RemoveAwait,
                  AsyncFor, ListToList, AsyncWith, NextToAnext, StopIterationToAsync, MotorImport, ImportFrom]


class Applicability(enum.Enum):
    """Whether a fix applies by default (SAFE) or only with ``--unsafe-fixes`` (UNSAFE), as in ruff."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Fix:
    """A fix the fixer can apply for one diagnostic: what to edit, and whether that is safe."""

    action: FixAction
    applicability: Applicability

    @classmethod
    def safe_edit(cls, action: FixAction) -> Fix:
        return cls(action, Applicability.SAFE)

    @classmethod
    def unsafe_edit(cls, action: FixAction) -> Fix:
        return cls(action, Applicability.UNSAFE)

    @property
    def safe(self) -> bool:
        return self.applicability is Applicability.SAFE


@dataclass(frozen=True)
class NoCounterpart:
    """Why a Motor import has no fix: PyMongo Async has nothing for ``module``, or for ``names``
    (names imported from ``module``; empty: the module itself)."""

    module: str
    names: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Diagnostic:
    code: str
    line: int  # 1-based
    col: int  # 0-based, UTF-8 bytes, as ast gives it
    end_line: int
    end_col: int
    message: str  # without the code
    fix: Optional[Fix] = None
    unfixable: Optional[NoCounterpart] = None  # why there is no fix, when the summary says so

    def flake8_text(self) -> str:
        return f"{self.code} {self.message}"
