"""The import fixes: Motor imports to PyMongo Async (PMA101) and names imported from the wrong
PyMongo module (PMA110).

A Motor import is rewritten together with every reference to what it bound, so the module keeps
working: ``AsyncIOMotorClient`` becomes ``AsyncMongoClient`` everywhere it refers to that import
(calls, annotations, string annotations, ``isinstance``), ``motor.motor_asyncio.X`` chains become
``pymongo.Y``, aliases the user chose are kept. Where a rename could change what another name
means (the new name is taken, the old one has other bindings, or it is exported in ``__all__``),
the import keeps the old name as an alias instead: ``from pymongo import AsyncMongoClient as
AsyncIOMotorClient``. New imports merge into an existing ``from pymongo import ...`` of the same
block without duplicates; everything else is written where the Motor import was, so ``from
__future__`` imports and the docstring stay first.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple

from ..api import tables
from ..diagnostics import Diagnostic
from .context import FixContext
from .edits import Edit, Plan, PlanSet, Refusal, list_item_removal
from .scopes import LexicalScope, ScopeModel


# ---------------------------------------------------------------------- what an import needs
@dataclass(frozen=True)
class Need:
    """One binding an import statement must provide."""

    kind: str  # "from" or "import"
    module: str
    name: str = ""  # for "from"
    asname: Optional[str] = None

    def alias_text(self) -> str:
        base = self.name if self.kind == "from" else self.module
        return f"{base} as {self.asname}" if self.asname and self.asname != base else base

    def statement(self) -> str:
        if self.kind == "from":
            return f"from {self.module} import {self.alias_text()}"
        return f"import {self.alias_text()}"


def render_statements(needs: Sequence[Need], separator: str) -> str:
    """``from M import a, b`` per module (first-seen order) and ``import X`` lines."""
    groups: Dict[str, List[Need]] = {}
    order: List[Tuple[str, str]] = []
    for need in needs:
        if need.kind == "from":
            if need.module not in groups:
                groups[need.module] = []
                order.append(("from", need.module))
            if need not in groups[need.module]:
                groups[need.module].append(need)
        elif ("import", need.statement()) not in order:
            order.append(("import", need.statement()))
    # `import pymongo` is implied by `import pymongo.asynchronous.database` in the same place.
    plain = [key for kind, key in order if kind == "import" and " as " not in key]
    order = [(kind, key) for kind, key in order
             if not (kind == "import" and " as " not in key and any(p.startswith(key + ".") for p in plain))]
    lines = []
    for kind, key in order:
        if kind == "from":
            lines.append(f"from {key} import " + ", ".join(n.alias_text() for n in groups[key]))
        else:
            lines.append(key)
    return separator.join(lines)


# ---------------------------------------------------------------------- existing imports
class ImportWriter:
    """Finds imports that already provide a binding, and merges new names into them."""

    def __init__(self, ctx: FixContext, skip: Set[ast.stmt]) -> None:
        self.ctx = ctx
        self.skip = skip  # statements being rewritten: never a merge target
        self.merges: Dict[ast.ImportFrom, List[Need]] = {}

    def _candidates(self, stmt: ast.stmt) -> List[ast.stmt]:
        """Imports of the same block that bind their names before anything can use ``stmt``'s:
        every earlier one, and the later ones up to the first statement that is not an import."""
        _, block = self.ctx.scopes.statement_block(stmt)
        found = []
        seen = False
        for other in block:
            if other is stmt:
                seen = True
                continue
            if not isinstance(other, (ast.Import, ast.ImportFrom)):
                if seen:
                    break
                continue
            future = isinstance(other, ast.ImportFrom) and other.module == "__future__"
            if other not in self.skip and not future:
                found.append(other)
        return found

    def provided(self, stmt: ast.stmt, need: Need) -> bool:
        """An earlier import of the same block already binds what ``need`` binds, to the same object."""
        for other in self._candidates(stmt):
            if need.kind == "import" and isinstance(other, ast.Import):
                for alias in other.names:
                    if need.asname:
                        if alias.name == need.module and alias.asname == need.asname:
                            return True
                    elif alias.asname is None and (alias.name == need.module or (
                            "." not in need.module and alias.name.startswith(need.module + "."))):
                        return True
            elif need.kind == "from" and isinstance(other, ast.ImportFrom) and not other.level:
                homes = tables.ASYNC_NAME_IMPORTABLE.get(need.name, ()) + (need.module,)
                if other.module in homes:
                    for alias in other.names:
                        same_binding = (alias.asname or alias.name) == (need.asname or need.name)
                        if alias.name == need.name and same_binding:
                            return True
        return False

    def merge_target(self, stmt: ast.stmt, need: Need) -> Optional[ast.ImportFrom]:
        if need.kind != "from":
            return None
        for other in self._candidates(stmt):
            if (isinstance(other, ast.ImportFrom) and not other.level and other.module == need.module
                    and not any(a.name == "*" for a in other.names)):
                return other
        return None

    def add_merge(self, target: ast.ImportFrom, need: Need) -> None:
        needs = self.merges.setdefault(target, [])
        if need not in needs:
            needs.append(need)

    def merge_edits(self) -> List[Edit]:
        edits = []
        for target, needs in self.merges.items():
            edit = append_to_from_import(self.ctx, target, needs)
            if edit is None:
                return []
            edits.append(edit)
        return edits


def append_to_from_import(ctx: FixContext, stmt: ast.ImportFrom, needs: Sequence[Need]) -> Optional[Edit]:
    node = ctx.sg.node_any(("import_from_statement",), ctx.span(stmt))
    if node is None:
        return None
    children = [c for c in node.children() if c.kind() != "comment"]
    names = [c for c in children if c.kind() in ("dotted_name", "aliased_import")][1:]  # [0] is the module
    if not names:
        return None
    last = names[-1]
    index = next(i for i, c in enumerate(children) if ctx.sg.span(c) == ctx.sg.span(last))
    texts = [n.alias_text() for n in needs]
    after = children[index + 1] if index + 1 < len(children) else None
    pos = ctx.pos
    if after is not None and after.kind() == ",":  # trailing comma inside parentheses
        at = ctx.sg.span(after)[1]
        last_start = ctx.sg.span(last)[0]
        if pos.starts_line(last_start):
            sep = pos.newline() + pos.indent_of(last_start)
            return Edit(at, at, "".join(sep + t + "," for t in texts))
        return Edit(at, at, "".join(" " + t + "," for t in texts))
    at = ctx.sg.span(last)[1]
    return Edit(at, at, "".join(", " + t for t in texts))


def statement_deletion(ctx: FixContext, stmt: ast.stmt) -> Optional[Tuple[int, int]]:
    """The whole lines of ``stmt`` when it stands alone on them, else None."""
    start, end = ctx.span(stmt)
    pos = ctx.pos
    if not pos.starts_line(start) or not pos.ends_line(end):
        return None  # `x = 1; import motor`: not alone on its lines
    return pos.line_start(start), pos.next_line_start(end)


def statement_separator(ctx: FixContext, stmt: ast.stmt) -> str:
    start, _ = ctx.span(stmt)
    if ctx.pos.starts_line(start):
        return ctx.pos.newline() + ctx.pos.indent_of(start)
    return "; "


# ---------------------------------------------------------------------- references
@dataclass(eq=False)
class Ref:
    """A read of a name: in the module's tree, or inside a string annotation."""

    node: ast.Name
    scope: LexicalScope
    parents: Dict[ast.AST, ast.AST]
    base: Optional[int] = None  # string annotations: offset of the string's first character
    value: str = ""  # string annotations: the string's contents

    def span(self, ctx: FixContext, node: ast.AST) -> Tuple[int, int]:
        if self.base is None:
            return ctx.span(node)
        raw = self.value.encode("utf-8")
        start = self.base + len(raw[:node.col_offset].decode("utf-8", errors="ignore"))
        end = self.base + len(raw[:node.end_col_offset].decode("utf-8", errors="ignore"))
        return start, end

    def line(self, ctx: FixContext) -> int:
        return ctx.pos.line_of(self.span(ctx, self.node)[0]) + 1

    def edit(self, ctx: FixContext, node: ast.AST, new: str) -> Edit:
        """Replace ``node`` (this name, or an attribute chain above it) with ``new``, after checking
        that the text there is what the tree says (positions inside f-strings were not always
        right before Python 3.12)."""
        start, end = self.span(ctx, node)
        text = ctx.text[start:end]
        last = node.attr if isinstance(node, ast.Attribute) else self.node.id
        if not (text.startswith(self.node.id) and text.endswith(last)):
            raise Refused(f"the reference at line {self.line(ctx)} could not be located exactly")
        return Edit(start, end, new)

    def chain(self) -> List[ast.Attribute]:
        """``motor.motor_asyncio.X``: the attribute nodes above the name, innermost first."""
        out = []
        current: ast.AST = self.node
        while True:
            parent = self.parents.get(current)
            if isinstance(parent, ast.Attribute) and parent.value is current:
                out.append(parent)
                current = parent
            else:
                return out


def collect_refs(ctx: FixContext, model: ScopeModel, names: Set[str]) -> Dict[str, List[Ref]]:
    refs: Dict[str, List[Ref]] = {}
    for node, scope in model.loads:
        if node.id in names:
            refs.setdefault(node.id, []).append(Ref(node, scope, model.parents))
    for string in model.strings:
        literal_start, literal_end = ctx.span(string.node)
        literal = ctx.text[literal_start:literal_end]
        quote = literal[:1]
        if quote not in ("'", '"') or literal != quote + string.value + quote:
            continue  # prefixes, escapes, implicit concatenation: positions would be guesses
        local_parents = {}
        for parent in ast.walk(string.expr):
            for child in ast.iter_child_nodes(parent):
                local_parents[child] = parent
        for sub in ast.walk(string.expr):
            if isinstance(sub, ast.Name) and sub.id in names:
                refs.setdefault(sub.id, []).append(
                    Ref(sub, string.scope, local_parents, base=literal_start + 1, value=string.value))
    return refs


def module_all(tree: ast.AST) -> Set[str]:
    names: Set[str] = set()
    for stmt in getattr(tree, "body", []):
        targets: List[ast.expr] = []
        value = None
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            targets, value = [stmt.target], stmt.value
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and isinstance(
                value, (ast.List, ast.Tuple, ast.Set)):
            names.update(e.value for e in value.elts
                         if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return names


# ---------------------------------------------------------------------- Motor imports (PMA101)
@dataclass(eq=False)
class Entry:
    stmt: ast.stmt
    alias: ast.alias
    kind: str  # name (a class), module (a module object bound to a name), package (`import motor.x`)
    bound: str
    path: str  # the Motor dotted name or module
    scope: LexicalScope
    explicit_alias: bool
    target: Optional[Tuple[str, str]] = None  # name entries: (module, name)
    needs: List[Need] = field(default_factory=list)


class Refused(Exception):
    pass


def _truth_test(ref: "Ref") -> bool:
    """``if not motor:``, ``motor is None``, ``assert motor``: only whether the module imported."""
    parent = ref.parents.get(ref.node)
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and parent.test is ref.node:
        return True
    if isinstance(parent, ast.BoolOp):
        return True
    if (isinstance(parent, ast.Compare) and len(parent.ops) == 1
            and isinstance(parent.ops[0], (ast.Is, ast.IsNot))):
        other = parent.comparators[0] if parent.left is ref.node else parent.left
        return isinstance(other, ast.Constant) and other.value is None
    return False


def _binds_package(binding: ast.AST, name: str) -> bool:
    """``import name`` / ``import name.sub``: binds ``name`` to the package itself."""
    return isinstance(binding, ast.Import) and any(
        a.asname is None and a.name.partition(".")[0] == name for a in binding.names)


def _is_motor(module: Optional[str]) -> bool:
    return bool(module) and (module == "motor" or module.startswith("motor."))  # type: ignore[union-attr]


class MotorImports:
    def __init__(self, ctx: FixContext, diagnostics: List[Diagnostic]) -> None:
        self.ctx = ctx
        self.model = ctx.scopes
        self.diagnostics = diagnostics
        self.edits: List[Edit] = []

    def plan(self) -> PlanSet:
        result = PlanSet()
        statements: Dict[ast.stmt, Diagnostic] = {}
        for d in self.diagnostics:
            stmt = self.ctx.node_of(d, (ast.Import, ast.ImportFrom))
            if stmt is None:
                result.refusals.append(Refusal(d, "the import statement could not be located"))
            else:
                statements[stmt] = d
        refused: Dict[ast.stmt, str] = {}
        # Refusing one statement can make another unsafe (they share a name): iterate.
        for _ in range(len(statements) + 1):
            active = {s: d for s, d in statements.items() if s not in refused}
            if not active:
                break
            try:
                edits, notes = self._plan(active)
            except _RefuseStatements as exc:
                refused.update(exc.reasons)
                continue
            if edits:
                result.plans.append(Plan(diagnostics=list(active.values()), edits=edits, note=notes))
            break
        for stmt, reason in refused.items():
            result.refusals.append(Refusal(statements[stmt], reason))
        return result

    # ------------------------------------------------------------------ planning
    def _plan(self, statements: Dict[ast.stmt, Diagnostic]) -> Tuple[List[Edit], str]:
        ctx, model = self.ctx, self.model
        entries: List[Entry] = []
        problems: Dict[ast.stmt, str] = {}
        for stmt in statements:
            scope = model.scope_of_stmt.get(stmt, model.module)
            try:
                entries.extend(self._entries(stmt, scope))
            except Refused as exc:
                problems[stmt] = str(exc)
        if problems:
            raise _RefuseStatements(problems)
        fixing = {id(e.stmt) for e in entries}
        names = {e.bound for e in entries} | {e.target[1] for e in entries if e.target}
        refs = collect_refs(ctx, model, names)
        exported = module_all(ctx.tree)
        edits: List[Edit] = []
        groups: Dict[Tuple[int, str], List[Entry]] = {}
        for entry in entries:
            groups.setdefault((id(entry.scope), entry.bound), []).append(entry)
        for (_, bound), group in groups.items():
            scope = group[0].scope
            group_refs = [r for r in refs.get(bound, []) if model.resolve(bound, r.scope) is scope]
            try:
                edits.extend(self._group(group, group_refs, refs, exported, fixing))
            except Refused as exc:
                raise _RefuseStatements({e.stmt: str(exc) for e in group})
        statement_edits = self._statements(entries)
        edits.extend(statement_edits)
        modules = sorted({n.module for e in entries for n in e.needs})
        return edits, ", ".join(modules)

    def _entries(self, stmt: ast.stmt, scope: LexicalScope) -> List[Entry]:
        out = []
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if not _is_motor(alias.name):
                    continue
                if tables.MOTOR_MODULES.get(alias.name) is None:
                    raise Refused(f"`{alias.name}` has no PyMongo Async counterpart")
                if alias.asname:
                    out.append(Entry(stmt, alias, "module", alias.asname, alias.name, scope, True))
                else:
                    top = alias.name.partition(".")[0]
                    out.append(Entry(stmt, alias, "package", top, alias.name, scope, False))
        elif isinstance(stmt, ast.ImportFrom) and _is_motor(stmt.module) and not stmt.level:
            for alias in stmt.names:
                dotted = f"{stmt.module}.{alias.name}"
                bound = alias.asname or alias.name
                if tables.MOTOR_RENAMES.get(dotted) is not None:
                    out.append(Entry(stmt, alias, "name", bound, dotted, scope, alias.asname is not None,
                                     target=tables.MOTOR_RENAMES[dotted]))
                elif tables.MOTOR_MODULES.get(dotted) is not None:
                    out.append(Entry(stmt, alias, "module", bound, dotted, scope, alias.asname is not None))
                else:
                    raise Refused(f"`{dotted}` has no PyMongo Async counterpart")
        return out

    def _group(self, group: List[Entry], group_refs: List[Ref], refs: Dict[str, List[Ref]],
               exported: Set[str], fixing: Set[int]) -> List[Edit]:
        ctx = self.ctx
        scope = group[0].scope
        bound = group[0].bound
        bindings = scope.bindings.get(bound, [])
        others = [b for b in bindings if id(b) not in fixing]
        kind = group[0].kind
        if any(e.kind != kind for e in group):
            raise Refused(f"`{bound}` is bound to different kinds of Motor objects")
        edits: List[Edit] = []
        if kind == "name":
            for entry in group:
                module, name = entry.target  # type: ignore[misc]
                if entry.explicit_alias:
                    entry.needs.append(Need("from", module, name, entry.bound))
                    continue
                if self._can_rename(entry, group, group_refs, refs, exported, others, fixing):
                    entry.needs.append(Need("from", module, name))
                else:
                    entry.needs.append(Need("from", module, name, entry.bound))
            if all(e.needs[0].asname is None for e in group if not e.explicit_alias) and not any(
                    e.explicit_alias for e in group):
                new = group[0].target[1]  # type: ignore[index]
                for ref in group_refs:
                    edits.append(ref.edit(ctx, ref.node, new))
            return edits
        # module and package entries: rewrite the attribute chains that start at the bound name
        paths = [e.path for e in group]
        # `try: import motor except ImportError: motor = None` ... `if not motor:`: an availability
        # check. The name stays bound (to the PyMongo module) so the check keeps working.
        bare = [r for r in group_refs if not r.chain()]
        keep_name = bool(bare) and all(_truth_test(r) for r in bare)
        keep_other = kind == "package" and bool(others) and all(_binds_package(b, bound) for b in others)
        if kind == "package" and not keep_name:
            # Other `import motor...` statements not being fixed keep `motor` bound: chains they
            # cover stay as they are. Any other binding of the name makes the chains ambiguous.
            if any(not _binds_package(b, bound) for b in others):
                raise Refused(f"`{bound}` is also bound by something other than a Motor import")
        elif kind == "module" and not group[0].explicit_alias and others and not keep_name:
            raise Refused(f"`{bound}` is also bound by something other than this import")
        for ref in group_refs:
            chain = ref.chain()
            if not chain and keep_name:
                continue
            target = None
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
            owner = self._owner(group, chain[:depth], bound)
            top = module.partition(".")[0]
            home = tables.MOTOR_MODULES.get(owner.path)
            if kind == "module" and owner.explicit_alias and module == home:
                attr = chain[0]
                whole = ref.edit(ctx, attr, "")  # checks the text
                edits.append(Edit(whole.end - len(attr.attr), whole.end, name))
                continue
            self._check_free(top, ref, scope, allow_module_imports=True)
            edits.append(ref.edit(ctx, chain[depth - 1], f"{module}.{name}"))
            need = Need("import", module)
            if need not in owner.needs:
                owner.needs.append(need)
        for entry in group:
            if (entry.kind == "module" and entry.explicit_alias) or keep_name:
                home = tables.MOTOR_MODULES[entry.path]
                entry.needs.insert(0, Need("import", home, asname=entry.bound))  # type: ignore[arg-type]
            elif not entry.needs:
                entry.needs.append(Need("import", tables.MOTOR_MODULES[entry.path]))  # type: ignore[arg-type]
        return edits

    def _owner(self, group: List[Entry], chain: List[ast.Attribute], bound: str) -> Entry:
        """The entry a chain belongs to: the longest Motor module path that prefixes it."""
        dotted = bound + "".join("." + a.attr for a in chain)
        best: Optional[Entry] = None
        for entry in group:
            if (dotted == entry.path or dotted.startswith(entry.path + ".")) and (
                    best is None or len(entry.path) > len(best.path)):
                best = entry
        return best or group[0]

    def _check_free(self, name: str, ref: Ref, scope: LexicalScope, allow_module_imports: bool) -> None:
        """``name`` may be introduced in ``scope`` and read at ``ref`` without meaning something else."""
        for inner in self.model.chain(ref.scope, scope):
            if name in inner.bindings or name in inner.globals or name in inner.nonlocals:
                raise Refused(f"`{name}` is already a different name where it would be used")
        for binding in scope.bindings.get(name, []):
            if allow_module_imports and _binds_package(binding, name):
                continue
            raise Refused(f"`{name}` is already bound to something else in this module")

    def _can_rename(self, entry: Entry, group: List[Entry], group_refs: List[Ref], refs: Dict[str, List[Ref]],
                    exported: Set[str], others: List[ast.AST], fixing: Set[int]) -> bool:
        module, new = entry.target  # type: ignore[misc]
        scope = entry.scope
        if others:
            return False  # `try: from motor... except ImportError: X = None`
        if any(e.target != entry.target or e.explicit_alias for e in group):
            return False
        if scope is self.model.module and entry.bound in exported:
            return False  # a public name of this module: keep it
        if new == entry.bound:
            return True
        for binding in scope.bindings.get(new, []):
            if id(binding) in fixing:
                continue  # another Motor import renamed to the same name
            same_object = isinstance(binding, ast.ImportFrom) and not binding.level and (
                binding.module in tables.ASYNC_NAME_IMPORTABLE.get(new, ()) or binding.module == module)
            if same_object and any(a.name == new and a.asname is None for a in binding.names):  # type: ignore
                continue  # `from pymongo import AsyncMongoClient` already: same object
            return False
        for ref in group_refs:
            for inner in self.model.chain(ref.scope, scope):
                if new in inner.bindings or new in inner.globals or new in inner.nonlocals:
                    return False
        return True

    # ------------------------------------------------------------------ statements
    def _statements(self, entries: List[Entry]) -> List[Edit]:
        ctx = self.ctx
        by_stmt: Dict[ast.stmt, List[Entry]] = {}
        for entry in entries:
            by_stmt.setdefault(entry.stmt, []).append(entry)
        writer = ImportWriter(ctx, set(by_stmt))
        edits: List[Edit] = []
        emitted: Dict[int, List[Need]] = {}  # per block: needs written by earlier statements
        deleted: Dict[int, int] = {}
        for stmt in sorted(by_stmt, key=lambda s: (s.lineno, s.col_offset)):
            stmt_entries = by_stmt[stmt]
            block_node, block = self.model.statement_block(stmt)
            done = emitted.setdefault(id(block_node), [])
            kept: List[Need] = []
            merged: List[Tuple[ast.ImportFrom, Need]] = []
            for entry in stmt_entries:
                for need in entry.needs:
                    if need in done or need in kept or writer.provided(stmt, need) or (
                            need.kind == "import" and not need.asname and any(
                                n.kind == "import" and not n.asname and n.module.startswith(need.module + ".")
                                for n in done)):
                        continue
                    target = writer.merge_target(stmt, need)
                    if target is not None:
                        merged.append((target, need))
                        continue
                    kept.append(need)
            # `import pymongo` is implied by `import pymongo.asynchronous.database` beside it.
            plain = [n.module for n in kept if n.kind == "import" and not n.asname]
            kept = [n for n in kept if not (
                n.kind == "import" and not n.asname and any(m.startswith(n.module + ".") for m in plain))]
            if isinstance(stmt, ast.Import):
                edit_list = self._rewrite_import(stmt, stmt_entries, kept, writer, done, deleted, block)
            else:
                edit_list = self._rewrite_from(stmt, stmt_entries, kept, merged, writer, done, deleted, block)
            edits.extend(edit_list)
            done.extend(kept)
        edits.extend(writer.merge_edits())
        return edits

    def _deletable(self, stmt: ast.stmt, deleted: Dict[int, int], block: List[ast.stmt]) -> bool:
        return deleted.get(id(block), 0) + 1 < len(block)

    def _rewrite_import(self, stmt: ast.Import, stmt_entries: List[Entry], kept: List[Need],
                        writer: ImportWriter, done: List[Need], deleted: Dict[int, int],
                        block: List[ast.stmt]) -> List[Edit]:
        ctx = self.ctx
        node = ctx.sg.node_any(("import_statement",), ctx.span(stmt))
        if node is None:
            raise _RefuseStatements({stmt: "the import statement could not be located"})
        items = [c for c in node.children() if c.kind() in ("dotted_name", "aliased_import")]
        if len(items) != len(stmt.names):
            raise _RefuseStatements({stmt: "the import statement could not be located"})
        kept_left = list(kept)
        texts: List[Optional[str]] = []
        for alias, item in zip(stmt.names, items):
            if not _is_motor(alias.name):
                texts.append(None)
                continue
            entry = next(e for e in stmt_entries if e.alias is alias)
            mine = [n for n in entry.needs if n in kept_left]
            for n in mine:
                kept_left.remove(n)
            texts.append(", ".join(n.alias_text() for n in mine))
        if all(t == "" for t in texts):
            deletion = statement_deletion(ctx, stmt)
            if deletion is not None and self._deletable(stmt, deleted, block):
                deleted[id(block)] = deleted.get(id(block), 0) + 1
                return [Edit(*deletion, "")]
            # cannot delete: write the imports anyway (a harmless duplicate)
            first = stmt_entries[0]
            texts = [", ".join(n.alias_text() for n in first.needs) if t == "" and i == 0 else t
                     for i, t in enumerate(texts)]
            if texts[0] == "":
                texts[0] = tables.MOTOR_MODULES[first.path] or "pymongo"
        if len(texts) == 1 and texts[0] and ", " in texts[0]:
            # `import motor.motor_asyncio as ma` that now needs two modules: one statement each
            lines = ["import " + part for part in texts[0].split(", ")]
            return [Edit(*ctx.span(stmt), statement_separator(ctx, stmt).join(lines))]
        edits: List[Edit] = []
        for item, text in zip(items, texts):
            if text is None:
                continue
            if text == "":
                edits.extend(Edit(s, e, "") for s, e in list_item_removal(ctx.pos, node, item, closers=()))
            else:
                edits.append(Edit(*ctx.sg.span(item), text))
        return edits

    def _rewrite_from(self, stmt: ast.ImportFrom, stmt_entries: List[Entry], kept: List[Need],
                      merged: List[Tuple[ast.ImportFrom, Need]], writer: ImportWriter, done: List[Need],
                      deleted: Dict[int, int], block: List[ast.stmt]) -> List[Edit]:
        ctx = self.ctx
        node = ctx.sg.node_any(("import_from_statement",), ctx.span(stmt))
        if node is None:
            raise _RefuseStatements({stmt: "the import statement could not be located"})
        if not kept:
            deletion = statement_deletion(ctx, stmt)
            if deletion is not None and self._deletable(stmt, deleted, block):
                for target, need in merged:
                    writer.add_merge(target, need)
                deleted[id(block)] = deleted.get(id(block), 0) + 1
                return [Edit(*deletion, "")]
            kept = [n for e in stmt_entries for n in e.needs]
            merged = []
        for target, need in merged:
            writer.add_merge(target, need)
        # Minimal edits when every name keeps its place: the module, then each changed name.
        modules = {n.module for n in kept}
        simple = (not merged and len(kept) == len(stmt.names) and len(modules) == 1
                  and all(n.kind == "from" for n in kept))
        if simple:
            kinds = ("dotted_name", "aliased_import", "relative_import")
            children = [c for c in node.children() if c.kind() in kinds]
            module_node, items = children[0], children[1:]
            if len(items) == len(stmt.names):
                edits = [Edit(*ctx.sg.span(module_node), kept[0].module)]
                for alias, item in zip(stmt.names, items):
                    entry = next(e for e in stmt_entries if e.alias is alias)
                    need = entry.needs[0]
                    keeps_alias = need.asname == alias.asname and need.name != need.asname
                    if item.kind() == "aliased_import" and keeps_alias:
                        name_node = item.field("name")
                        edits.append(Edit(*ctx.sg.span(name_node), need.name))
                    elif need.alias_text() != ctx.text[slice(*ctx.sg.span(item))]:
                        edits.append(Edit(*ctx.sg.span(item), need.alias_text()))
                return edits
        text = render_statements(kept, statement_separator(ctx, stmt))
        return [Edit(*ctx.span(stmt), text)]


class _RefuseStatements(Exception):
    def __init__(self, reasons: Dict[ast.stmt, str]) -> None:
        super().__init__("refused")
        self.reasons = reasons


# ---------------------------------------------------------------------- PMA110
def plan_import_from(ctx: FixContext, diagnostics: List[Diagnostic]) -> PlanSet:
    """``from pymongo.collection import AsyncCollection`` -> ``from pymongo.asynchronous.collection ...``."""
    result = PlanSet()
    by_stmt: Dict[ast.ImportFrom, List[Diagnostic]] = {}
    for d in diagnostics:
        stmt = _enclosing_import_from(ctx, d)
        if stmt is None or not d.fix or len(d.fix.data) != 2:
            result.refusals.append(Refusal(d, "the import statement could not be located"))
            continue
        by_stmt.setdefault(stmt, []).append(d)
    for stmt, diags in by_stmt.items():
        node = ctx.sg.node_any(("import_from_statement",), ctx.span(stmt))
        if node is None:
            result.refusals.extend(Refusal(d, "the import statement could not be located") for d in diags)
            continue
        moves = {d.fix.data[0]: d.fix.data[1] for d in diags}  # type: ignore[union-attr]
        children = [c for c in node.children() if c.kind() in ("dotted_name", "aliased_import")]
        module_node, items = children[0], children[1:]
        if len(items) != len(stmt.names):
            result.refusals.extend(Refusal(d, "the import statement could not be located") for d in diags)
            continue
        homes = {moves.get(a.name) for a in stmt.names}
        if None not in homes and len(homes) == 1:
            home = str(homes.pop())
            result.plans.append(Plan(diags, [Edit(*ctx.sg.span(module_node), home)]))
            continue
        writer = ImportWriter(ctx, {stmt})
        needs = [Need("from", moves[a.name], a.name, a.asname) for a in stmt.names if a.name in moves]
        edits: List[Edit] = []
        if None not in homes:  # every name moves, to several modules
            edits.append(Edit(*ctx.span(stmt), render_statements(needs, statement_separator(ctx, stmt))))
        else:
            for alias, item in zip(stmt.names, items):
                if alias.name in moves:
                    edits.extend(Edit(s, e, "") for s, e in list_item_removal(ctx.pos, node, item))
            new: List[Need] = []
            for need in needs:
                if writer.provided(stmt, need):
                    continue
                target = writer.merge_target(stmt, need)
                if target is not None:
                    writer.add_merge(target, need)
                else:
                    new.append(need)
            edits.extend(writer.merge_edits())
            if new:
                start, end = ctx.span(stmt)
                if ctx.pos.starts_line(start) and ctx.pos.ends_line(end):
                    at = ctx.pos.line_end(end)
                    sep = ctx.pos.newline() + ctx.pos.indent_of(start)
                    edits.append(Edit(at, at, sep + render_statements(new, sep)))
                else:
                    edits.append(Edit(end, end, "; " + render_statements(new, "; ")))
        result.plans.append(Plan(diags, edits))
    return result


def _enclosing_import_from(ctx: FixContext, d: Diagnostic) -> Optional[ast.ImportFrom]:
    for stmt in ast.walk(ctx.tree):
        if isinstance(stmt, ast.ImportFrom) and stmt.lineno <= d.line <= (stmt.end_lineno or stmt.lineno):
            if d.fix and any(a.name == d.fix.data[0] for a in stmt.names):
                return stmt
    return None
