"""One planner per kind of fix action (``Fix.action``'s class): diagnostic -> minimal edits.

Each planner finds the ``ast`` node the diagnostic points at (its exact range), the ast-grep node
with the same span (which proves the position is right, even inside f-strings), and returns the
edits, or a refusal that says why a person has to do it.
"""
from __future__ import annotations

import ast
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Type, TypeVar, Union

from ast_grep_py import SgNode

from ..diagnostics import (AsyncFor, AsyncWith, Diagnostic, FixAction, ImportFrom, InsertAwait, ListToList,
                           MotorImport, NextToAnext, ParenthesizeAwait, RemoveAwait, RemoveKeyword, RenameKeyword,
                           StopIterationToAsync, ToListNone)
from .context import FixContext
from .edits import Edit, Plan, PlanSet, Refusal, first_token, is_parenthesized, list_item_removal
from .imports import plan_import_from, plan_motor_imports

Outcome = Union[Plan, Refusal]


def _refuse(d: Diagnostic, reason: str) -> Refusal:
    return Refusal(d, reason)


def _needs_parentheses(ctx: FixContext, node: ast.AST) -> bool:
    """Whether ``await <node>`` must be parenthesized: it is followed by ``.attr``, ``[...]`` or ``(...)``."""
    parent = ctx.parent(node)
    if isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is node:
        return True
    if isinstance(parent, ast.Call) and parent.func is node:
        return True
    return False


def _insert_await(ctx: FixContext, node: ast.expr, sg_node: SgNode) -> List[Edit]:
    start, end = ctx.span(node)
    if _needs_parentheses(ctx, node) and not is_parenthesized(sg_node):
        return [Edit(start, start, "(await "), Edit(end, end, ")")]
    return [Edit(start, start, "await ")]


# ---------------------------------------------------------------------- keyword arguments
def remove_keyword(ctx: FixContext, d: Diagnostic, action: RemoveKeyword) -> Outcome:
    node = ctx.node_of(d, ast.keyword)
    if not isinstance(node, ast.keyword) or node.arg != action.keyword:
        return _refuse(d, "the keyword argument could not be located")
    sg_node = ctx.sg.node("keyword_argument", ctx.span(node))
    parent = sg_node.parent() if sg_node is not None else None
    if sg_node is None or parent is None or parent.kind() != "argument_list":
        return _refuse(d, "the keyword argument could not be located")
    return Plan([d], [Edit(start, end, "") for start, end in list_item_removal(ctx.pos, parent, sg_node)])


def rename_keyword(ctx: FixContext, d: Diagnostic, action: RenameKeyword) -> Outcome:
    node = ctx.node_of(d, ast.keyword)
    new = action.new
    if not isinstance(node, ast.keyword) or node.arg != action.old:
        return _refuse(d, "the keyword argument could not be located")
    call = ctx.parent(node)
    if isinstance(call, ast.Call) and any(k.arg == new for k in call.keywords):
        return _refuse(d, f"the call already passes `{new}=`")
    sg_node = ctx.sg.node("keyword_argument", ctx.span(node))
    name_node = sg_node.field("name") if sg_node is not None else None
    if name_node is None:
        return _refuse(d, "the keyword argument could not be located")
    return Plan([d], [Edit(*ctx.sg.span(name_node), new)])


def to_list_none(ctx: FixContext, d: Diagnostic, action: ToListNone) -> Outcome:
    node = ctx.node_of(d, ast.Call)
    if not isinstance(node, ast.Call):
        return _refuse(d, "the call could not be located")
    target: Optional[ast.expr] = None
    for keyword in node.keywords:
        if keyword.arg == "length":
            target = keyword.value
    if target is None and node.args and not isinstance(node.args[0], ast.Starred):
        target = node.args[0]
    if target is None:
        return _refuse(d, "the length argument could not be located")
    span = ctx.span(target)
    if ctx.sg.node_any(("integer", "unary_operator"), span) is None:
        return _refuse(d, "the length argument could not be located")
    return Plan([d], [Edit(*span, "None")])


# ---------------------------------------------------------------------- awaits
def insert_await(ctx: FixContext, d: Diagnostic, action: InsertAwait) -> Outcome:
    node = ctx.node_of(d, (ast.Call, ast.Attribute))
    if node is None:
        return _refuse(d, "the expression could not be located")
    if not ctx.enclosing_async(node):
        return _refuse(d, "`await` is only possible directly inside `async def`")
    parent = ctx.parent(node)
    if isinstance(parent, ast.Await):
        return _refuse(d, "the expression is already awaited")
    sg_node = ctx.sg.node_any(("call", "attribute"), ctx.span(node))
    if sg_node is None:
        return _refuse(d, "the expression could not be located")
    return Plan([d], _insert_await(ctx, node, sg_node))


def parenthesize_await(ctx: FixContext, d: Diagnostic, action: ParenthesizeAwait) -> Outcome:
    node = ctx.node_of(d, (ast.Call, ast.Attribute))
    if node is None:
        return _refuse(d, "the expression could not be located")
    if ctx.sg.node_any(("call", "attribute"), ctx.span(node)) is None:
        return _refuse(d, "the expression could not be located")
    assign = ctx.parent(node)
    if isinstance(assign, (ast.Assign, ast.AnnAssign)) and assign.value is node:
        # `pending = coll.insert_one(d)` ... `await pending.inserted_id`: fix the `await`.
        awaited = _awaited_later(ctx, assign)
        if awaited is None:
            return _refuse(d, "the coroutine is bound to a name; put the parentheses where it is awaited")
        node = awaited
    current: ast.AST = node
    while True:
        parent = ctx.parent(current)
        if isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is current:
            current = parent
        elif isinstance(parent, ast.Call) and parent.func is current:
            current = parent
        else:
            break
    await_node = ctx.parent(current)
    if not isinstance(await_node, ast.Await) or current is node:
        return _refuse(d, "the `await` could not be located")
    sg_await = ctx.sg.node("await", ctx.span(await_node))
    if sg_await is None:
        return _refuse(d, "the expression could not be located")
    keyword = first_token(sg_await, "await")
    operand = [c for c in sg_await.children() if c.kind() != "await"]
    if keyword is None or not operand:
        return _refuse(d, "the `await` could not be located")
    start, end = ctx.span(node)
    return Plan([d], [Edit(ctx.sg.span(keyword)[0], ctx.sg.span(operand[0])[0], ""),
                      Edit(start, start, "(await "), Edit(end, end, ")")])


def _awaited_later(ctx: FixContext, assign: Union[ast.Assign, ast.AnnAssign]) -> Optional[ast.Name]:
    """The one ``await name.attr`` / ``await name[...]`` that reads the coroutine bound by ``assign``."""
    targets: Sequence[ast.expr] = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name):
        return None
    name = targets[0].id
    function = ctx.parent(assign)
    scopes = (ast.AsyncFunctionDef, ast.FunctionDef, ast.Module)
    while function is not None and not isinstance(function, scopes):
        function = ctx.parent(function)
    if function is None:
        return None
    found: List[ast.Name] = []
    for sub in ast.walk(function):
        if isinstance(sub, ast.Await):
            base: ast.expr = sub.value
            while isinstance(base, (ast.Attribute, ast.Subscript, ast.Call)):
                base = base.func if isinstance(base, ast.Call) else base.value
            if isinstance(base, ast.Name) and base.id == name and base is not sub.value:
                found.append(base)
    return found[0] if len(found) == 1 else None


def remove_await(ctx: FixContext, d: Diagnostic, action: RemoveAwait) -> Outcome:
    node = ctx.node_of(d, ast.Await)
    if not isinstance(node, ast.Await):
        return _refuse(d, "the `await` could not be located")
    sg_await = ctx.sg.node("await", ctx.span(node))
    if sg_await is None:
        return _refuse(d, "the `await` could not be located")
    keyword = first_token(sg_await, "await")
    operand = [c for c in sg_await.children() if c.kind() != "await"]
    if keyword is None or not operand:
        return _refuse(d, "the `await` could not be located")
    edits = [Edit(ctx.sg.span(keyword)[0], ctx.sg.span(operand[0])[0], "")]
    # `(await coll.find(q)).sort(...)`: the parentheses are redundant once `await` is gone.
    wrapper = sg_await.parent()
    if (wrapper is not None and wrapper.kind() == "parenthesized_expression"
            and isinstance(node.value, ast.Call)):
        open_start, close_end = ctx.sg.span(wrapper)
        text = ctx.text
        inner_start, inner_end = ctx.sg.span(sg_await)
        single_line = "\n" not in text[open_start:close_end]
        tight = text[open_start + 1:inner_start].strip() == "" and text[inner_end:close_end - 1].strip() == ""
        before = text[open_start - 1:open_start] if open_start else ""
        after = text[close_end:close_end + 1]
        if single_line and tight and not _word_char(before) and not _word_char(after):
            edits = [Edit(open_start, ctx.sg.span(operand[0])[0], ""), Edit(inner_end, close_end, "")]
    return Plan([d], edits)


def _word_char(ch: str) -> bool:
    return bool(ch) and (ch.isalnum() or ch == "_" or ord(ch) > 127)


# ---------------------------------------------------------------------- protocols
def async_for(ctx: FixContext, d: Diagnostic, action: AsyncFor) -> Outcome:
    node = ctx.node_of(d, ast.expr)
    if node is None:
        return _refuse(d, "the iterable could not be located")
    parent = ctx.parent(node)
    if isinstance(parent, ast.For) and parent.iter is node:
        if not ctx.enclosing_async(parent):
            return _refuse(d, "`async for` is only possible directly inside `async def`")
        stmt = ctx.sg.node("for_statement", ctx.span(parent))
        keyword = first_token(stmt, "for") if stmt is not None else None
        if keyword is None:
            return _refuse(d, "the `for` statement could not be located")
        at = ctx.sg.span(keyword)[0]
        return Plan([d], [Edit(at, at, "async ")])
    if isinstance(parent, ast.comprehension) and parent.iter is node and not parent.is_async:
        comp = ctx.parent(parent)
        if isinstance(comp, ast.GeneratorExp):
            return _refuse(d, "`async for` in a generator expression makes it an async generator; "
                              "rewrite the consumer by hand")
        if not isinstance(comp, ast.expr) or not ctx.enclosing_async(comp):
            return _refuse(d, "`async for` is only possible directly inside `async def`")
        sg_comp = ctx.sg.node_any(("list_comprehension", "set_comprehension", "dictionary_comprehension"),
                                  ctx.span(comp))
        span = ctx.span(node)
        clause = None
        for child in sg_comp.children() if sg_comp is not None else ():
            right = child.field("right") if child.kind() == "for_in_clause" else None
            if right is not None and ctx.sg.span(right) == span:
                clause = child
        keyword = first_token(clause, "for") if clause is not None else None
        if clause is None or keyword is None or first_token(clause, "async") is not None:
            return _refuse(d, "the comprehension could not be located")
        at = ctx.sg.span(keyword)[0]
        return Plan([d], [Edit(at, at, "async ")])
    return _refuse(d, "the loop could not be located")


_PRIMARY = (ast.Name, ast.Attribute, ast.Call, ast.Subscript)


def list_to_list(ctx: FixContext, d: Diagnostic, action: ListToList) -> Outcome:
    node = ctx.node_of(d, ast.expr)
    call = ctx.parent(node) if node is not None else None
    is_list_call = (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "list"
                    and len(call.args) == 1 and call.args[0] is node and not call.keywords)
    if node is None or not isinstance(call, ast.Call) or not is_list_call:
        return _refuse(d, "the `list(...)` call could not be located")
    if action.change_stream:
        return _refuse(d, "a change stream has no `to_list()`; iterate it with `async for`")
    if not ctx.enclosing_async(call):
        return _refuse(d, "`await` is only possible directly inside `async def`")
    sg_call = ctx.sg.node("call", ctx.span(call))
    if sg_call is None:
        return _refuse(d, "the `list(...)` call could not be located")
    call_start, call_end = ctx.span(call)
    arg_start, arg_end = ctx.span(node)
    wrap = not isinstance(node, _PRIMARY)
    outer = _needs_parentheses(ctx, call) and not is_parenthesized(sg_call)
    head = ("(" if outer else "") + "await " + ("(" if wrap else "")
    tail = (")" if wrap else "") + ".to_list(None)" + (")" if outer else "")
    return Plan([d], [Edit(call_start, arg_start, head), Edit(arg_end, call_end, tail)])


def async_with(ctx: FixContext, diagnostics: List[Diagnostic]) -> PlanSet:
    """All PMA302 diagnostics of one ``with`` statement become one ``async with``."""
    result = PlanSet()
    by_with: Dict[ast.With, List[Tuple[Diagnostic, ast.withitem]]] = {}
    for d in diagnostics:
        node = ctx.node_of(d, ast.expr)
        item = ctx.parent(node) if node is not None else None
        stmt = ctx.parent(item) if isinstance(item, ast.withitem) else None
        if not isinstance(stmt, ast.With) or not isinstance(item, ast.withitem) or item.context_expr is not node:
            result.refusals.append(_refuse(d, "the `with` statement could not be located"))
            continue
        by_with.setdefault(stmt, []).append((d, item))
    for stmt, found in by_with.items():
        diags = [d for d, _ in found]
        reported = {(x.line, x.col) for x in ctx.diagnostics if x.code == "PMA302"}
        if any((i.context_expr.lineno, i.context_expr.col_offset) not in reported for i in stmt.items):
            result.refusals.extend(_refuse(d, "the `with` mixes async and sync context managers; split it "
                                              "into an `async with` and a `with`") for d in diags)
            continue
        if not ctx.enclosing_async(stmt):
            result.refusals.extend(_refuse(d, "`async with` is only possible directly inside `async def`")
                                   for d in diags)
            continue
        sg_stmt = ctx.sg.node("with_statement", ctx.span(stmt))
        keyword = first_token(sg_stmt, "with") if sg_stmt is not None else None
        if keyword is None:
            result.refusals.extend(_refuse(d, "the `with` statement could not be located") for d in diags)
            continue
        at = ctx.sg.span(keyword)[0]
        edits = [Edit(at, at, "async ")]
        for item in stmt.items:
            expr = item.context_expr
            if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
                    and expr.func.attr == "start_transaction"):
                start, _ = ctx.span(expr)
                edits.append(Edit(start, start, "await "))
        result.plans.append(Plan(diags, edits))
    return result


def anext_call(ctx: FixContext, d: Diagnostic, action: NextToAnext) -> Outcome:
    node = ctx.node_of(d, ast.Call)
    if not isinstance(node, ast.Call) or not (isinstance(node.func, ast.Name) and node.func.id == "next"):
        return _refuse(d, "the `next(...)` call could not be located")
    if not ctx.enclosing_async(node):
        return _refuse(d, "`await` is only possible directly inside `async def`")
    sg_call = ctx.sg.node("call", ctx.span(node))
    if sg_call is None:
        return _refuse(d, "the `next(...)` call could not be located")
    edits = _insert_await(ctx, node, sg_call)
    edits.append(Edit(*ctx.span(node.func), "anext"))
    return Plan([d], edits)


def stop_async_iteration(ctx: FixContext, d: Diagnostic, action: StopIterationToAsync) -> Outcome:
    node = ctx.node_of(d, ast.Name)
    if not isinstance(node, ast.Name) or node.id != "StopIteration":
        return _refuse(d, "the exception name could not be located")
    if ctx.sg.node("identifier", ctx.span(node)) is None:
        return _refuse(d, "the exception name could not be located")
    return Plan([d], [Edit(*ctx.span(node), "StopAsyncIteration")])


# ---------------------------------------------------------------------- dispatch
A = TypeVar("A", bound=FixAction)
SinglePlanner = Callable[[FixContext, Diagnostic], Outcome]
GroupPlanner = Callable[[FixContext, List[Diagnostic]], PlanSet]


def _single(kind: Type[A], planner: Callable[[FixContext, Diagnostic, A], Outcome]) -> Tuple[type, SinglePlanner]:
    """``kind``'s table entry: the planner, handed the diagnostic's action as a ``kind``."""
    def plan(ctx: FixContext, d: Diagnostic) -> Outcome:
        action = d.fix.action if d.fix is not None else None
        if not isinstance(action, kind):
            raise TypeError(f"{planner.__name__} planned a {type(action).__name__}")
        return planner(ctx, d, action)
    return kind, plan


# Every kind of ``FixAction`` has exactly one planner, single or grouped (a test checks it).
SINGLE: Dict[type, SinglePlanner] = dict([
    _single(RemoveKeyword, remove_keyword),
    _single(RenameKeyword, rename_keyword),
    _single(ToListNone, to_list_none),
    _single(InsertAwait, insert_await),
    _single(ParenthesizeAwait, parenthesize_await),
    _single(RemoveAwait, remove_await),
    _single(AsyncFor, async_for),
    _single(ListToList, list_to_list),
    _single(NextToAnext, anext_call),
    _single(StopIterationToAsync, stop_async_iteration),
])

# Grouped actions rewrite more than one place; they go first (in this order) so a conflict defers
# the small fix.
GROUPED: Dict[type, GroupPlanner] = {
    MotorImport: plan_motor_imports,
    ImportFrom: plan_import_from,
    AsyncWith: async_with,
}

ACTIONS = frozenset(SINGLE) | frozenset(GROUPED)


def plan_all(ctx: FixContext, diagnostics: List[Diagnostic]) -> PlanSet:
    result = PlanSet()
    grouped: Dict[type, List[Diagnostic]] = {}
    singles: List[Tuple[Diagnostic, SinglePlanner]] = []
    for d in diagnostics:
        if d.fix is None:
            continue
        kind = type(d.fix.action)
        if kind in GROUPED:
            grouped.setdefault(kind, []).append(d)
        else:
            singles.append((d, SINGLE[kind]))  # a kind in neither table is a bug: KeyError
    for kind, planner in GROUPED.items():
        if kind in grouped:
            sub = planner(ctx, grouped[kind])
            result.plans.extend(sub.plans)
            result.refusals.extend(sub.refusals)
    for d, single in singles:
        outcome = single(ctx, d)
        if isinstance(outcome, Plan):
            result.plans.append(outcome)
        else:
            result.refusals.append(outcome)
    return result
