"""Analysing the Motor import statements: what each alias binds, and what PyMongo Async has for it."""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import List, Literal, Optional, Tuple

from ...api import tables
from ..scopes import LexicalScope
from .needs import Need
from .references import Refused

# name: a class (`from motor.motor_asyncio import AsyncIOMotorClient`); module: a module object bound
# to a name (`import motor.motor_asyncio as ma`, `from motor import motor_asyncio`); package: `import motor.x`.
EntryKind = Literal["name", "module", "package"]


@dataclass(eq=False)
class Entry:
    stmt: ast.stmt
    alias: ast.alias
    kind: EntryKind
    bound: str
    path: str  # the Motor dotted name or module
    scope: LexicalScope
    explicit_alias: bool
    target: Optional[Tuple[str, str]] = None  # name entries: (module, name)
    needs: List[Need] = field(default_factory=list)

    @property
    def home(self) -> str:
        """Module and package entries: the PyMongo module that replaces the Motor one."""
        home = tables.MOTOR_MODULES.get(self.path)
        if home is None:  # entries are made only for Motor modules that have one
            raise Refused(f"`{self.path}` has no PyMongo Async counterpart")
        return home


def is_motor(module: Optional[str]) -> bool:
    return module is not None and (module == "motor" or module.startswith("motor."))


def motor_entries(stmt: ast.stmt, scope: LexicalScope) -> List[Entry]:
    """One entry per Motor alias of ``stmt``; Refused when one has no PyMongo Async counterpart."""
    out = []
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            if not is_motor(alias.name):
                continue
            if tables.MOTOR_MODULES.get(alias.name) is None:
                raise Refused(f"`{alias.name}` has no PyMongo Async counterpart")
            if alias.asname:
                out.append(Entry(stmt, alias, "module", alias.asname, alias.name, scope, True))
            else:
                top = alias.name.partition(".")[0]
                out.append(Entry(stmt, alias, "package", top, alias.name, scope, False))
    elif isinstance(stmt, ast.ImportFrom) and is_motor(stmt.module) and not stmt.level:
        for alias in stmt.names:
            dotted = f"{stmt.module}.{alias.name}"
            bound = alias.asname or alias.name
            target = tables.MOTOR_RENAMES.get(dotted)
            if target is not None:
                out.append(Entry(stmt, alias, "name", bound, dotted, scope, alias.asname is not None,
                                 target=target))
            elif tables.MOTOR_MODULES.get(dotted) is not None:
                out.append(Entry(stmt, alias, "module", bound, dotted, scope, alias.asname is not None))
            else:
                raise Refused(f"`{dotted}` has no PyMongo Async counterpart")
    return out
