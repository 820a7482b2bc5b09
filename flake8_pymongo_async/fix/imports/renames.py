"""Choosing the new names: for each group of Motor imports that bind one name in one scope,
whether the name can change (or the import keeps it as an alias), and the edits that rewrite its
references (``AsyncIOMotorClient`` -> ``AsyncMongoClient``, ``motor.motor_asyncio.X`` -> ``pymongo.Y``)."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import List, Optional, Set, Tuple

from ...api import tables
from ..context import FixContext
from ..edits import Edit
from ..scopes import LexicalScope, ScopeModel
from .entries import Entry
from .needs import Need
from .references import Ref, Refused, binds_package, truth_test


@dataclass(frozen=True)
class RenameContext:
    """What every group's decision reads: the module and the Motor imports being fixed together."""

    ctx: FixContext
    model: ScopeModel
    exported: Set[str]  # the module's `__all__`
    fixing: Set[int]  # ids of the statements being fixed


@dataclass(frozen=True)
class Group:
    """The Motor imports that bind one name in one scope, and what else there is of that name."""

    entries: List[Entry]
    refs: List[Ref]  # the reads that resolve to this binding
    others: List[ast.AST]  # bindings of the name in the scope that are not being fixed

    @property
    def scope(self) -> LexicalScope:
        return self.entries[0].scope

    @property
    def bound(self) -> str:
        return self.entries[0].bound


def rename_group(rc: RenameContext, group: Group) -> List[Edit]:
    """The edits to the references of ``group``; fills each entry's ``needs``. Raises Refused."""
    kind = group.entries[0].kind
    if any(e.kind != kind for e in group.entries):
        raise Refused(f"`{group.bound}` is bound to different kinds of Motor objects")
    if kind == "name":
        return _rename_names(rc, group)
    return _rewrite_chains(rc, group)


def _rename_names(rc: RenameContext, group: Group) -> List[Edit]:
    edits: List[Edit] = []
    for entry in group.entries:
        module, name = _target(entry)
        if entry.explicit_alias:
            entry.needs.append(Need("from", module, name, entry.bound))
            continue
        if _can_rename(rc, entry, group):
            entry.needs.append(Need("from", module, name))
        else:
            entry.needs.append(Need("from", module, name, entry.bound))
    if all(e.needs[0].asname is None for e in group.entries if not e.explicit_alias) and not any(
            e.explicit_alias for e in group.entries):
        new = _target(group.entries[0])[1]
        for ref in group.refs:
            edits.append(ref.edit(rc.ctx, ref.node, new))
    return edits


def _target(entry: Entry) -> Tuple[str, str]:
    if entry.target is None:  # name entries always have one
        raise Refused(f"`{entry.path}` has no PyMongo Async counterpart")
    return entry.target


def _rewrite_chains(rc: RenameContext, group: Group) -> List[Edit]:
    """Module and package entries: rewrite the attribute chains that start at the bound name."""
    ctx = rc.ctx
    kind, bound, others = group.entries[0].kind, group.bound, group.others
    paths = [e.path for e in group.entries]
    # `try: import motor except ImportError: motor = None` ... `if not motor:`: an availability
    # check. The name stays bound (to the PyMongo module) so the check keeps working.
    bare = [r for r in group.refs if not r.chain()]
    keep_name = bool(bare) and all(truth_test(r) for r in bare)
    keep_other = kind == "package" and bool(others) and all(binds_package(b, bound) for b in others)
    if kind == "package" and not keep_name:
        # Other `import motor...` statements not being fixed keep `motor` bound: chains they
        # cover stay as they are. Any other binding of the name makes the chains ambiguous.
        if any(not binds_package(b, bound) for b in others):
            raise Refused(f"`{bound}` is also bound by something other than a Motor import")
    elif kind == "module" and not group.entries[0].explicit_alias and others and not keep_name:
        raise Refused(f"`{bound}` is also bound by something other than this import")
    edits: List[Edit] = []
    for ref in group.refs:
        chain = ref.chain()
        if not chain and keep_name:
            continue
        target: Optional[Tuple[str, str]] = None
        depth = 0
        if kind == "package":
            for depth in range(len(chain), 0, -1):
                dotted = bound + "." + ".".join(a.attr for a in chain[:depth])
                if dotted in tables.MOTOR_RENAMES:
                    target = tables.MOTOR_RENAMES[dotted]
                    break
                depth = 0
        elif chain:
            depth = 1
            found = {tables.MOTOR_RENAMES.get(f"{p}.{chain[0].attr}") for p in paths}
            found.discard(None)
            if len(found) == 1:
                target = found.pop()
            elif len(found) > 1:
                raise Refused(f"`{bound}.{chain[0].attr}` could mean different PyMongo Async names")
        if target is None:
            if keep_other:
                continue
            if not chain:
                raise Refused(f"the module `{bound}` is used itself (line {ref.line(ctx)}), not one of "
                              f"its names; there is no single PyMongo Async module to put in its place")
            shown = bound + "".join("." + a.attr for a in chain[:2])
            raise Refused(f"`{shown}` (line {ref.line(ctx)}) has no PyMongo Async counterpart")
        module, name = target
        owner = _owner(group.entries, chain[:depth], bound)
        top = module.partition(".")[0]
        if kind == "module" and owner.explicit_alias and module == owner.home:
            attr = chain[0]
            whole = ref.edit(ctx, attr, "")  # checks the text
            edits.append(Edit(whole.end - len(attr.attr), whole.end, name))
            continue
        _check_free(rc, top, ref, group.scope, allow_module_imports=True)
        edits.append(ref.edit(ctx, chain[depth - 1], f"{module}.{name}"))
        need = Need("import", module)
        if need not in owner.needs:
            owner.needs.append(need)
    for entry in group.entries:
        if (entry.kind == "module" and entry.explicit_alias) or keep_name:
            entry.needs.insert(0, Need("import", entry.home, asname=entry.bound))
        elif not entry.needs:
            entry.needs.append(Need("import", entry.home))
    return edits


def _owner(entries: List[Entry], chain: List[ast.Attribute], bound: str) -> Entry:
    """The entry a chain belongs to: the longest Motor module path that prefixes it."""
    dotted = bound + "".join("." + a.attr for a in chain)
    best: Optional[Entry] = None
    for entry in entries:
        if (dotted == entry.path or dotted.startswith(entry.path + ".")) and (
                best is None or len(entry.path) > len(best.path)):
            best = entry
    return best or entries[0]


def _check_free(rc: RenameContext, name: str, ref: Ref, scope: LexicalScope, allow_module_imports: bool) -> None:
    """``name`` may be introduced in ``scope`` and read at ``ref`` without meaning something else."""
    for inner in rc.model.chain(ref.scope, scope):
        if name in inner.bindings or name in inner.globals or name in inner.nonlocals:
            raise Refused(f"`{name}` is already a different name where it would be used")
    for binding in scope.bindings.get(name, []):
        if allow_module_imports and binds_package(binding, name):
            continue
        raise Refused(f"`{name}` is already bound to something else in this module")


def _can_rename(rc: RenameContext, entry: Entry, group: Group) -> bool:
    module, new = _target(entry)
    scope = entry.scope
    if group.others:
        return False  # `try: from motor... except ImportError: X = None`
    if any(e.target != entry.target or e.explicit_alias for e in group.entries):
        return False
    if scope is rc.model.module and entry.bound in rc.exported:
        return False  # a public name of this module: keep it
    if new == entry.bound:
        return True
    for binding in scope.bindings.get(new, []):
        if id(binding) in rc.fixing:
            continue  # another Motor import renamed to the same name
        same_object = isinstance(binding, ast.ImportFrom) and not binding.level and (
            binding.module in tables.ASYNC_NAME_IMPORTABLE.get(new, ()) or binding.module == module)
        if same_object and isinstance(binding, ast.ImportFrom) and any(
                a.name == new and a.asname is None for a in binding.names):
            continue  # `from pymongo import AsyncMongoClient` already: same object
        return False
    for ref in group.refs:
        for inner in rc.model.chain(ref.scope, scope):
            if new in inner.bindings or new in inner.globals or new in inner.nonlocals:
                return False
    return True
