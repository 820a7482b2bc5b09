"""Source files as the fixer sees them: decoded text plus everything needed to write it back unchanged.

A file is read as bytes, decoded with its declared encoding (PEP 263 cookie, UTF-8 BOM), and kept
with its original line endings: the fixer edits the text in place, so CRLF stays CRLF, a missing
final newline stays missing, and a file that is not changed is never rewritten. What is written
back, and when a write is refused, is ``writes.replace_source``'s business: only over the file as it
was read, keeping owner, mode, links and symlinks.
"""
from __future__ import annotations

import codecs
import io
import tokenize
from bisect import bisect_right
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from ast_grep_py import Pos, SgNode

from ..diagnostics import Located
from ..writes import Snapshot, read_with_snapshot, replace_source

from ..columns import ByteColumns


class SourceError(Exception):
    """The file cannot be read or decoded (reported, never a traceback)."""


@dataclass(frozen=True)
class SourceFile:
    path: str
    text: str
    encoding: str  # the codec used to decode (and to encode back)
    bom: bool
    snapshot: Optional[Snapshot] = None  # the file as read: it is written back only if still so

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def read_source(path: str, max_size: int = 0) -> SourceFile:
    """``files.TooLarge`` (not a ``SourceError``) when the file is over ``max_size`` bytes."""
    try:
        data, snapshot = read_with_snapshot(path, max_size)
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from exc
    return decode_source(path, data, snapshot)


def decode_source(path: str, data: bytes, snapshot: Optional[Snapshot] = None) -> SourceFile:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # a bad or unknown coding cookie
        raise SourceError(f"cannot decode: {exc}") from exc
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8):]
        encoding = "utf-8"
    elif encoding == "utf-8-sig":
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(f"cannot decode as {encoding}: {exc}") from exc
    return SourceFile(path=path, text=text, encoding=encoding, bom=bom, snapshot=snapshot)


def write_source(source: SourceFile, text: str, roots: Sequence[str] = ()) -> None:
    """Write ``text`` back over ``source.path`` if the file is still as it was read.

    Raises ``writes.WriteRefused`` (changed, not writable, symlink outside ``roots``...),
    ``OSError`` or ``UnicodeEncodeError``.
    """
    if source.snapshot is None:
        raise ValueError("write_source needs a SourceFile from read_source (with its snapshot)")
    replace_source(source.path, source.encode(text), source.snapshot, roots)


def split_lines(text: str) -> List[str]:
    """Physical lines with their endings, split only where Python's tokenizer splits (``\\n``, ``\\r\\n``).

    ``str.splitlines`` would also split on form feeds and ``\\u2028``, which are not line breaks
    for Python, and would shift every later line number.
    """
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def has_lone_cr(text: str) -> bool:
    return "\r" in text.replace("\r\n", "")


class Positions:
    """Maps between the positions of ``ast`` (1-based lines, UTF-8 byte columns), of ast-grep
    (0-based lines, character columns) and offsets into the text (characters)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = split_lines(text)
        self.starts: List[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line)
        if not self.starts:
            self.starts.append(0)
        self.length = len(text)
        self.columns = ByteColumns(self.lines)

    def offset(self, line: int, byte_col: int) -> int:
        """Character offset of an ``ast`` position (1-based line, byte column)."""
        index = line - 1
        if index >= len(self.lines):
            return self.length
        return self.starts[index] + self.columns.char_col(index, byte_col)

    def node_span(self, node: Located) -> Tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)
        # Parsed nodes always have an end (it is Optional only for nodes built by hand).
        end = self.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
        return start, end

    def sg_offset(self, pos: Pos) -> int:
        """Character offset of an ast-grep ``Pos`` (0-based line, character column)."""
        if pos.line >= len(self.starts):
            return self.length
        return self.starts[pos.line] + pos.column

    def sg_span(self, node: SgNode) -> Tuple[int, int]:
        """Character offsets of an ast-grep node.

        Read from the ``Edit`` that ``replace`` describes (nothing is changed): ``range()`` also
        computes columns by scanning back to the start of the line, which made the spans of the
        nodes of one long line quadratic.
        """
        edit = node.replace("")
        return edit.start_pos, edit.end_pos

    def line_of(self, offset: int) -> int:
        """0-based line containing ``offset``."""
        return max(bisect_right(self.starts, offset) - 1, 0)

    def line_start(self, offset: int) -> int:
        return self.starts[self.line_of(offset)]

    def line_end(self, offset: int) -> int:
        """Offset of the line break (or end of text) of the line containing ``offset``."""
        index = self.line_of(offset)
        if index >= len(self.lines):
            return self.length
        line = self.lines[index]
        stripped = line.rstrip("\r\n")
        return self.starts[index] + len(stripped)

    def next_line_start(self, offset: int) -> int:
        index = self.line_of(offset) + 1
        return self.starts[index] if index < len(self.starts) else self.length

    def indent_of(self, offset: int) -> str:
        start = self.line_start(offset)
        line = self.text[start:self.line_end(offset)]
        return line[: len(line) - len(line.lstrip(" \t\f"))]

    def starts_line(self, offset: int) -> bool:
        return not self.text[self.line_start(offset):offset].strip(" \t\f")

    def ends_line(self, offset: int) -> bool:
        """Only whitespace or a comment follows ``offset`` on its line."""
        rest = self.text[offset:self.line_end(offset)].strip(" \t\f")
        return not rest or rest.startswith("#")

    def newline(self) -> str:
        first = self.text.find("\n")
        return "\r\n" if first > 0 and self.text[first - 1] == "\r" else "\n"
