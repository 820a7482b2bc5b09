"""UTF-8 byte columns (what ``ast`` and flake8 give) to character columns, in linear time.

Encoding a line and decoding its prefix for every position costs the length of the line each
time: a long line holding many findings (a one-line list of 100k driver calls) made that
quadratic. Here each line is scanned once, for its non-ASCII characters only, and every column
after that is a bisection.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Dict, List, Optional, Sequence, Tuple

_NON_ASCII = re.compile(r"[^\x00-\x7f]")

# For one line: the byte offset where each non-ASCII character starts, where it ends, and how many
# bytes more than characters the line has up to the end of that character.
_Table = Tuple[List[int], List[int], List[int]]


class ByteColumns:
    """Character columns of byte columns for the lines of one text (``lines`` with their endings)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines
        self.line_count = len(lines)
        self._tables: Dict[int, Optional[_Table]] = {}
        self.tables_built = 0  # how many lines were scanned (the regression test counts them)

    def char_col(self, index: int, byte_col: int) -> int:
        """Characters of line ``index`` (0-based) whose UTF-8 encoding ends by ``byte_col``.

        Exactly ``len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))``: a
        column inside a multi-byte character counts only the characters before it.
        """
        if index not in self._tables:
            self._tables[index] = self._table(self._lines[index])
        table = self._tables[index]
        line_chars = len(self._lines[index])
        if table is None:  # ASCII: bytes are characters
            return max(0, min(byte_col, line_chars))
        starts, ends, extra = table
        byte_col = max(0, min(byte_col, line_chars + extra[-1]))
        done = bisect_right(ends, byte_col)  # wide characters complete by byte_col
        chars = byte_col - (extra[done - 1] if done else 0)
        if done < len(starts) and starts[done] < byte_col:  # inside the next wide character
            chars -= byte_col - starts[done]
        return chars

    def _table(self, line: str) -> Optional[_Table]:
        self.tables_built += 1
        if line.isascii():
            return None
        starts: List[int] = []
        ends: List[int] = []
        extra: List[int] = []
        surplus = 0
        for match in _NON_ASCII.finditer(line):
            start = match.start() + surplus
            surplus += len(match.group().encode("utf-8", "surrogatepass")) - 1
            starts.append(start)
            ends.append(match.end() + surplus)
            extra.append(surplus)
        return starts, ends, extra
