"""``# noqa`` exactly as flake8 applies it, for the standalone ``check`` command.

flake8 (7.x) decides per reported line:

- the comment is found with ``NOQA_INLINE`` anywhere in the line's text (a ``# noqa`` inside a string
  literal counts too, as in flake8); the word ``noqa`` is case-insensitive;
- a bare ``# noqa`` (no ``:`` and codes) silences every code on the line;
- ``# noqa: PMA1,E501`` silences the codes that *start with* one of the listed codes. The comparison
  of codes is case-sensitive (``# noqa: pma101`` silences nothing), as in flake8;
- "the line" is the physical line, except that the physical lines of one token spanning several
  lines (a triple-quoted string, a backslash continuation) are searched together, so a ``# noqa``
  after a multi-line string covers a finding on any of its lines;
- a line that starts (after indentation) with ``# flake8: noqa`` skips the whole file; after code on
  the same line (``x = 1  # flake8: noqa``) it does nothing.

``tests/test_cli_noqa.py`` compares this module with flake8 itself on the same sources.
"""
from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, Iterable, List, Optional, Protocol, Sequence, Tuple, TypeVar

# Copied from flake8.defaults (same semantics; kept here so that the CLI does not depend on
# flake8's internals, which are not a public API).
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)
_CODE_SEPARATOR = re.compile(r"[,\s]")


class Located(Protocol):
    """What a ``# noqa`` comment is matched against: a finding's code and 1-based line."""

    @property
    def code(self) -> str: ...

    @property
    def line(self) -> int: ...


T = TypeVar("T", bound=Located)


def file_is_ignored(lines: Sequence[str]) -> bool:
    """True when a line is (only) ``# flake8: noqa``: flake8 then reports nothing for the file."""
    return any(NOQA_FILE.match(line) for line in lines)


def noqa_line_mapping(lines: Sequence[str]) -> Dict[int, str]:
    """1-based line number -> the text flake8 searches for ``# noqa`` when a finding is on that line.

    Mirrors ``flake8.processor.FileProcessor._noqa_line_mapping``: lines are grouped from one
    NL/NEWLINE token to the next, so only tokens that span lines join them. Empty when the source
    cannot be tokenized (then each physical line stands for itself, see ``noqa_text_for``).
    """
    # Tokens are consumed as they come: a list of every token of a large file would cost more
    # memory than its ast. An error part way through still means no mapping at all, as in flake8.
    mapping: Dict[int, str] = {}
    unset_min = len(lines) + 2
    min_line, max_line = unset_min, -1
    try:
        for tok in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
            if tok.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            min_line = min(min_line, tok.start[0])
            max_line = max(max_line, tok.end[0])
            if tok.type in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(lines[min_line - 1:max_line])
                for number in range(min_line, max_line + 1):
                    mapping[number] = joined
                min_line, max_line = unset_min, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return mapping


def noqa_text_for(line: int, mapping: Dict[int, str], lines: Sequence[str]) -> str:
    text = mapping.get(line)
    if text is None:  # flake8 falls back to the physical line (via linecache)
        text = lines[line - 1] if 1 <= line <= len(lines) else ""
    return text


def is_silenced(code: str, text: str) -> bool:
    """Whether a ``# noqa`` comment in ``text`` silences ``code`` (flake8's ``is_inline_ignored``)."""
    return _silences(noqa_codes(text), code)


def noqa_codes(text: str) -> Optional[Tuple[str, ...]]:
    """The codes the ``# noqa`` in ``text`` lists: ``None`` without one, ``()`` for a bare ``# noqa``."""
    match = NOQA_INLINE.search(text)
    if match is None:
        return None
    codes_text = match.group("codes")
    if codes_text is None:
        return ()
    return tuple(c.strip() for c in _CODE_SEPARATOR.split(codes_text) if c.strip())


def _silences(codes: Optional[Tuple[str, ...]], code: str) -> bool:
    if codes is None:
        return False
    return not codes or code.startswith(codes)


class NoqaLookup:
    """``is_silenced`` for the findings of one file, searching each line's text once.

    Searching per finding made a long line holding many findings quadratic (the regular
    expression scans the whole line every time). The line mapping is tokenized on first use only.
    """

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines
        self._mapping: Optional[Dict[int, str]] = None
        # Keyed by the text's id: the lines of one multi-line token share one joined text, which
        # stays alive in the mapping (or in ``lines``) as long as this lookup.
        self._codes: Dict[int, Optional[Tuple[str, ...]]] = {}
        self.searches = 0  # how many texts were searched (the regression test counts them)

    def is_silenced(self, code: str, line: int) -> bool:
        if self._mapping is None:
            self._mapping = noqa_line_mapping(self._lines)
        text = noqa_text_for(line, self._mapping, self._lines)
        key = id(text)
        if key not in self._codes:
            self.searches += 1
            self._codes[key] = noqa_codes(text)
        return _silences(self._codes[key], code)


def filter_silenced(findings: Iterable[T], lines: Sequence[str]) -> List[T]:
    """The findings that no ``# noqa`` silences."""
    lookup = NoqaLookup(lines)  # tokenizes only for files that have findings
    return [finding for finding in findings if not lookup.is_silenced(finding.code, finding.line)]
