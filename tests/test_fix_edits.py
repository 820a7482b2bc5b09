"""Edits: conflict detection (never a silently dropped edit), application order, list-item removal."""
from __future__ import annotations

import random

import pytest
from ast_grep_py import SgRoot

from flake8_pymongo_async.fix.edits import Edit, EditSet, apply_edits, conflicts, list_item_removal
from flake8_pymongo_async.fix.source import Positions, decode_source, split_lines


def test_edit_set_agrees_with_pairwise_conflicts():
    rng = random.Random(7)
    for _ in range(300):
        accepted, taken = [], EditSet()
        for _ in range(40):
            start = rng.randrange(0, 200)
            edit = Edit(start, start + rng.choice([0, 0, 1, 3, 8]), "x")
            expected = any(conflicts([edit], [other]) for other in accepted)
            assert taken.conflicts([edit]) == expected
            if not expected:
                taken.add([edit])
                accepted.append(edit)


def test_apply_orders_insertions_before_replacements_at_one_offset():
    assert apply_edits("abcdef", [Edit(2, 4, "R"), Edit(2, 2, "<i>")]) == "ab<i>Ref"
    assert apply_edits("abcdef", [Edit(4, 4, "<i>"), Edit(2, 4, "R")]) == "abR<i>ef"
    with pytest.raises(ValueError):
        apply_edits("abcdef", [Edit(1, 3, ""), Edit(2, 4, "")])


def test_two_insertions_at_one_point_conflict():
    assert conflicts([Edit(3, 3, "a")], [Edit(3, 3, "b")])
    assert not conflicts([Edit(3, 3, "a")], [Edit(3, 5, "b")])
    assert not conflicts([Edit(1, 3, "a")], [Edit(3, 5, "b")])
    assert conflicts([Edit(1, 4, "a")], [Edit(3, 5, "b")])


@pytest.mark.parametrize("source, expected", [
    ("f(a, x=1, b)\n", "f(a, b)\n"),
    ("f(x=1, b)\n", "f(b)\n"),
    ("f(a, x=1)\n", "f(a)\n"),
    ("f(x=1)\n", "f()\n"),
    ("f(a, x=1,)\n", "f(a,)\n"),
    ("f(\n    a,\n    x=1,\n    b=2,\n)\n", "f(\n    a,\n    b=2,\n)\n"),
    ("f(\n    a,\n    x=1,\n)\n", "f(\n    a,\n)\n"),
    ("f(\n    a,\n    x=1\n)\n", "f(\n    a\n)\n"),
    ("f(a,  # keep\n  x=1)\n", "f(a  # keep\n  )\n"),
    ("f(\n    x=1,  # the loop\n    b,\n)\n", "f(\n      # the loop\n    b,\n)\n"),
])
def test_list_item_removal(source, expected):
    pos = Positions(source)
    root = SgRoot(source, "python").root()
    item = next(n for n in root.find_all(kind="keyword_argument") if n.text() == "x=1")
    spans = list_item_removal(pos, item.parent(), item)
    assert apply_edits(source, [Edit(start, end, "") for start, end in spans]) == expected


def test_positions_map_byte_columns_to_characters():
    text = "é = 'ü'; x = 1\r\ny = 2"
    pos = Positions(text)
    assert pos.offset(1, len("é = 'ü'; ".encode())) == text.index("x")
    assert pos.offset(2, 0) == text.index("y")
    assert split_lines("a\r\nb\x0cc\u2028d\n") == ["a\r\n", "b\x0cc\u2028d\n"]


def test_decode_source_handles_bom_and_cookies():
    source = decode_source("x.py", b"\xef\xbb\xbfx = 1\n")
    assert source.bom and source.text == "x = 1\n" and source.encode(source.text) == b"\xef\xbb\xbfx = 1\n"
    source = decode_source("x.py", "# coding: latin-1\nx = 'é'\n".encode("latin-1"))
    assert source.encoding in ("iso-8859-1", "latin-1") and "é" in source.text
    with pytest.raises(Exception):
        decode_source("x.py", b"# coding: nope\n")
