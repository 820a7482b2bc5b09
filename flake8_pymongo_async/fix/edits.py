"""Text edits located with ast-grep-py, and applying them without ever losing one silently.

Every fix is a handful of minimal edits (an inserted ``await ``, a removed keyword argument with
its comma, a renamed callee), each a character span of the current text and its replacement.
ast-grep-py finds the tokens (commas, the ``for`` of a comprehension, parentheses) whose positions
``ast`` does not give. The edits are applied here rather than with ``SgNode.commit_edits``, whose
result depends on the order of the list and which drops overlapping edits silently: two fixes
that touch the same text are detected as a conflict, and the later one waits for the next pass.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ast_grep_py import SgNode, SgRoot

from ..diagnostics import Diagnostic
from .source import Positions


@dataclass(frozen=True)
class Edit:
    start: int  # character offsets into the current text
    end: int
    text: str

    @property
    def is_insertion(self) -> bool:
        return self.start == self.end


@dataclass
class Plan:
    """The edits that fix some diagnostics, all or nothing."""

    diagnostics: List[Diagnostic]
    edits: List[Edit]
    # What the summary says about it (the motor-import fix names the modules it rewrote).
    note: str = ""


@dataclass
class Refusal:
    """A fixable diagnostic the fixer declines to touch, and why (shown in the summary/report)."""

    diagnostic: Diagnostic
    reason: str


@dataclass
class PlanSet:
    plans: List[Plan] = field(default_factory=list)
    refusals: List[Refusal] = field(default_factory=list)


def conflicts(a: Sequence[Edit], b: Sequence[Edit]) -> bool:
    for x in a:
        for y in b:
            if x.start < y.end and y.start < x.end:
                return True
            if x.is_insertion and y.is_insertion and x.start == y.start:
                return True  # two insertions at one point: their order would be a guess
    return False


class EditSet:
    """Edits accepted so far, kept sorted so a new plan's conflicts are found by bisection."""

    def __init__(self) -> None:
        self._keys: List[Tuple[int, int]] = []  # (start, end), sorted
        self._edits: List[Edit] = []

    def conflicts(self, edits: Sequence[Edit]) -> bool:
        for edit in edits:
            # Only accepted edits that start at or before this one's end can touch it. Accepted
            # edits do not overlap, so scanning left from there can stop at the first one that
            # ends before this one starts: everything further left ends even earlier.
            j = bisect_right(self._keys, (edit.end, float("inf"))) - 1
            while j >= 0:
                other = self._edits[j]
                if conflicts([edit], [other]):
                    return True
                if other.end < edit.start:
                    break
                j -= 1
        return False

    def add(self, edits: Sequence[Edit]) -> None:
        for edit in edits:
            i = bisect_right(self._keys, (edit.start, edit.end))
            self._keys.insert(i, (edit.start, edit.end))
            self._edits.insert(i, edit)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits. At one offset, insertions come first, in the order given."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, not item[1].is_insertion, item[0]))
    out: List[str] = []
    cursor = 0
    for _, edit in ordered:
        if edit.start < cursor:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        out.append(text[cursor:edit.start])
        out.append(edit.text)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


class SgIndex:
    """The ast-grep tree of the current text, with nodes of the kinds a fix needs indexed by span.

    One ``find_all(kind=...)`` per kind (cheap, inside Rust) instead of one ``find`` per
    diagnostic (a full-tree scan each).
    """

    def __init__(self, text: str, positions: Positions) -> None:
        self.root = SgRoot(text, "python").root()
        self.pos = positions
        self._by_kind: Dict[str, Dict[Tuple[int, int], List[SgNode]]] = {}

    def span(self, node: SgNode) -> Tuple[int, int]:
        return self.pos.sg_span(node)

    def node(self, kind: str, span: Tuple[int, int]) -> Optional[SgNode]:
        table = self._by_kind.get(kind)
        if table is None:
            table = {}
            for found in self.root.find_all(kind=kind):
                table.setdefault(self.span(found), []).append(found)
            self._by_kind[kind] = table
        nodes = table.get(span)
        return nodes[0] if nodes else None

    def node_any(self, kinds: Iterable[str], span: Tuple[int, int]) -> Optional[SgNode]:
        for kind in kinds:
            found = self.node(kind, span)
            if found is not None:
                return found
        return None


def is_parenthesized(node: SgNode) -> bool:
    parent = node.parent()
    return parent is not None and parent.kind() == "parenthesized_expression"


def first_token(node: SgNode, kind: str) -> Optional[SgNode]:
    for child in node.children():
        if child.kind() == kind:
            return child
    return None


def list_item_removal(pos: Positions, container: SgNode, item: SgNode,
                      closers: Tuple[str, ...] = (")",)) -> List[Tuple[int, int]]:
    """The spans to delete to remove ``item`` (an argument, an imported name) with its comma.

    ``f(a, x=1, b)`` -> ``f(a, b)``; ``f(a, x=1)`` -> ``f(a)``; an item alone on its line(s)
    takes its whole line(s) with it, so a magic trailing comma layout stays intact. A comment
    is never deleted: when one sits in the way, only the item and its comma go.
    """
    start, end = _list_item_span(pos, container, item, closers)
    comments = [pos.sg_span(c) for c in container.children() if c.kind() == "comment"]
    if not any(start < c_end and c_start < end for c_start, c_end in comments):
        return [(start, end)]
    children = [c for c in container.children() if c.kind() != "comment"]
    spans = [pos.sg_span(c) for c in children]
    index = spans.index(pos.sg_span(item))
    out = [spans[index]]
    if index + 1 < len(children) and children[index + 1].kind() == ",":
        out.append(spans[index + 1])
    elif index > 0 and children[index - 1].kind() == ",":
        out.insert(0, spans[index - 1])
    return out


def _list_item_span(pos: Positions, container: SgNode, item: SgNode,
                    closers: Tuple[str, ...]) -> Tuple[int, int]:
    children = [c for c in container.children() if c.kind() != "comment"]
    spans = [pos.sg_span(c) for c in children]
    target = pos.sg_span(item)
    index = spans.index(target)
    text = pos.text
    after = children[index + 1] if index + 1 < len(children) else None
    before = children[index - 1] if index > 0 else None
    start, end = target
    if after is not None and after.kind() == ",":
        comma_end = spans[index + 1][1]
        nxt = children[index + 2] if index + 2 < len(children) else None
        if nxt is not None and nxt.kind() not in closers and nxt.kind() != ",":
            end = comma_end
            # `a, x=1, b`: take the spaces after the comma too when the next item is on this line
            while end < len(text) and text[end] in " \t":
                end += 1
            if text[end:end + 1] in ("\n", "\r", "#", "\\"):
                end = comma_end
        else:  # trailing comma: `f(a, x=1,)`
            if before is not None and before.kind() == "," and not pos.starts_line(start):
                start = spans[index - 1][0]
            else:
                end = comma_end
    elif before is not None and before.kind() == ",":
        start = spans[index - 1][0]
    # Alone on its line(s): delete the whole line(s).
    if pos.starts_line(start) and pos.ends_line(end) and not text[end:pos.line_end(end)].strip():
        start = pos.line_start(start)
        end = pos.next_line_start(end)
    return start, end
