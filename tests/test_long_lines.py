"""Work per position stays constant on a long line (issue 10: `fix` was quadratic in one line's length).

No timing: the tests count the work that used to grow with the line (encodings of the line, noqa
searches of it, ast-grep's column scans) and check it does not grow with the number of positions.
"""
from __future__ import annotations

import random
import re

import pytest
from ast_grep_py import SgRoot

from flake8_pymongo_async import noqa
from flake8_pymongo_async.columns import ByteColumns
from flake8_pymongo_async.commands.engine import Options, check_lines
from flake8_pymongo_async.fix.engine import fix_text
from flake8_pymongo_async.fix.source import Positions

HEAD = "from pymongo import AsyncMongoClient\n\ncoll = AsyncMongoClient().db.coll\n\n\nasync def f():\n"


def one_line_list(items: int) -> str:
    """``items`` fixable PMA106 findings on one physical line (with wide characters in between)."""
    return HEAD + "    return [" + ", ".join(['coll.find({"é😀": 1}).to_list(0)'] * items) + "]\n"


def test_byte_columns_agree_with_decoding_the_prefix():
    rng = random.Random(10)
    alphabet = "ab \t\r\néü€😀\u2028"
    for _ in range(500):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 25)))
        columns = ByteColumns([line])
        raw = line.encode("utf-8")
        for byte_col in range(len(raw) + 3):  # past the end and inside multi-byte characters too
            assert columns.char_col(0, byte_col) == len(raw[:byte_col].decode("utf-8", errors="ignore"))


def test_a_line_is_scanned_once_however_many_columns_are_asked():
    line = "x = [" + ", ".join(["'é😀'"] * 2000) + "]\n"
    columns = ByteColumns([line])
    raw = line.encode("utf-8")
    starts = [m.start() for m in re.finditer(b"'", raw)]
    assert [columns.char_col(0, b) for b in starts] == [m.start() for m in re.finditer("'", line)]
    assert columns.tables_built == 1


class _NoRange:
    """An ast-grep node whose ``range()`` fails: it scans back to the line start (quadratic on one line)."""

    def __init__(self, node) -> None:
        self._node = node

    def range(self):
        raise AssertionError("range() costs the length of the line per node")

    def replace(self, text: str):
        return self._node.replace(text)


def test_ast_grep_spans_are_character_offsets_without_range():
    text = "é = [f(a), '😀ü', g(b)]\r\nh(c)  # 😀\n\n  k(d)\n"
    pos = Positions(text)
    root = SgRoot(text, "python").root()
    calls = root.find_all(kind="call")
    assert len(calls) == 4
    for node in calls:
        expected = (pos.sg_offset(node.range().start), pos.sg_offset(node.range().end))
        assert pos.sg_span(_NoRange(node)) == expected
        assert text[expected[0]:expected[1]] == node.text()


class _CountingPattern:
    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern
        self.searches = 0

    def search(self, text: str):
        self.searches += 1
        return self.pattern.search(text)


@pytest.mark.parametrize("items", [50, 100])
def test_noqa_searches_each_line_once(monkeypatch, items):
    counting = _CountingPattern(noqa.NOQA_INLINE)
    monkeypatch.setattr(noqa, "NOQA_INLINE", counting)
    lines = one_line_list(items).splitlines(keepends=True)
    result = check_lines("x.py", lines, Options())
    assert len(result.findings) == items
    assert counting.searches == 1  # one line holds every finding

    counting.searches = 0
    fixed = fix_text(one_line_list(items))
    assert fixed.applied["PMA106"] == items
    assert counting.searches <= 3  # once per check of the text: before, after the pass, and the final one


def test_fix_work_does_not_grow_with_the_findings_on_one_line(monkeypatch):
    scans = []
    original = ByteColumns._table

    def counting(self, line):
        scans.append(len(line))
        return original(self, line)

    monkeypatch.setattr(ByteColumns, "_table", counting)
    counts = []
    for items in (40, 80):
        scans.clear()
        result = fix_text(one_line_list(items))
        assert result.applied["PMA106"] == items and "to_list(None)" in result.text
        counts.append(len(scans))
    assert counts[0] == counts[1]
    # The long line, once per check of the text (at least once: the positions go through it).
    assert 1 <= counts[0] <= 3 and max(scans) > 40 * 30
