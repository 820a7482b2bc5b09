"""The rule registry: every rule and every rule family, discovered from the ``rules`` package.

A rule is defined once, in the module whose family reports it: a module-level ``Rule`` (code,
name, message template, fix availability, and its documentation as Markdown in ruff's sections).
A family is a ``Family`` subclass in such a module; the model calls its ``on_<event>`` methods.
Nothing lists the rules or the families: importing every module of the package finds them.

Everything user-facing about a rule (flake8 message, `explain`, `rules`, docs/rules/*.md, the
README table, SARIF metadata) is rendered from these entries, so they never disagree.
"""
from __future__ import annotations

import enum
import importlib
import pkgutil
from dataclasses import dataclass, field
from types import ModuleType
from typing import Dict, Iterator, List, Mapping, Optional, Tuple, Type

GUIDE = "https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/"


@dataclass(frozen=True)
class Docs:
    """ruff's sections, as parsed from a rule's Markdown. Example must trigger the rule; use_instead must not."""

    what: str = ""
    why: str = ""
    runtime_error: str = ""  # verbatim text a user may search for ("" when the failure is silent)
    example: str = ""
    use_instead: str = ""
    fix_safety: str = ""
    options: str = ""
    references: Tuple[Tuple[str, str], ...] = ()  # (title, url)


class FixAvailability(enum.Enum):
    """Whether the rule's findings come with a fix (ruff's FixAvailability).

    Whether a fix applies by default (safe) or only with ``--unsafe-fixes`` is not the rule's: each
    emitted fix says it (``Fix.safe``), as the same rule may be safe in one context and not another.
    """

    ALWAYS = "always"  # every finding has a fix
    SOMETIMES = "sometimes"  # some findings have one (inside `async def`, for one form of the pattern...)
    NONE = "none"  # no finding has one


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # kebab-case, names the bad pattern
    message: str  # str.format template; fields are supplied by the rule's check
    fix_availability: FixAvailability
    markdown: str = ""  # the documentation: ruff's sections, see ``parse_docs``
    docs: Docs = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            docs = parse_docs(self.markdown)
        except ValueError as exc:
            raise ValueError(f"{self.code}: {exc}") from None
        object.__setattr__(self, "docs", docs)

    def format(self, **fields: object) -> str:
        return self.message.format(**fields)


class Family:
    """Base of the rule families: the model calls their ``on_<event>`` methods.

    Each checked module gets fresh instances (a family may keep per-module state). Families run
    in the order of the lowest rule code defined in their module, then in definition order.
    """


# ---------------------------------------------------------------------------------- the Markdown
# Sections in the order they must appear. Prose sections are paragraphs whose lines are joined
# with spaces (the source wraps them; the rendered page has one line per paragraph).
WHAT, WHY, EXAMPLE, FIX_SAFETY, OPTIONS, REFERENCES = (
    "What it does", "Why is this bad?", "Example", "Fix safety", "Options", "References")
SECTIONS = (WHAT, WHY, EXAMPLE, FIX_SAFETY, OPTIONS, REFERENCES)
USE_INSTEAD = "Use instead:"


def _split_sections(markdown: str) -> Dict[str, List[str]]:
    sections: Dict[str, List[str]] = {}
    current: Optional[List[str]] = None
    for line in markdown.strip("\n").splitlines():
        if line.startswith("## "):
            title = line[3:]
            if title not in SECTIONS:
                raise ValueError(f"unknown section {line!r}")
            if title in sections:
                raise ValueError(f"section {line!r} appears twice")
            if list(sections) and SECTIONS.index(title) < SECTIONS.index(list(sections)[-1]):
                raise ValueError(f"section {line!r} is out of order")
            current = sections[title] = []
        elif current is not None:
            current.append(line)
        elif line.strip():
            raise ValueError(f"text before the first section: {line!r}")
    return sections


def _blocks(lines: List[str]) -> List[Tuple[str, str]]:
    """The section as (kind, text) blocks: ("prose", paragraph) or ("```lang", code)."""
    blocks: List[Tuple[str, str]] = []
    paragraph: List[str] = []
    fence: Optional[str] = None
    code: List[str] = []
    for line in lines:
        if fence is not None:
            if line == "```":
                blocks.append((fence, "\n".join(code)))
                fence, code = None, []
            else:
                code.append(line)
        elif line.startswith("```"):
            if paragraph:
                blocks.append(("prose", " ".join(paragraph)))
                paragraph = []
            fence = line
        elif line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            blocks.append(("prose", " ".join(paragraph)))
            paragraph = []
    if fence is not None:
        raise ValueError(f"unclosed {fence} block")
    if paragraph:
        blocks.append(("prose", " ".join(paragraph)))
    return blocks


def _prose(blocks: List[Tuple[str, str]], section: str) -> str:
    if any(kind != "prose" for kind, _text in blocks):
        raise ValueError(f"## {section}: only text is allowed here")
    return "\n\n".join(text for _kind, text in blocks)


def _list_items(lines: List[str]) -> List[str]:
    """The ``- `` items of a list; an indented line continues the item above (a long URL on its own line)."""
    items: List[str] = []
    for line in lines:
        if line[:1].isspace() and line.strip() and items:
            items[-1] += line.strip()
        elif line.strip():
            items.append(line)
    return items


def parse_docs(markdown: str) -> Docs:
    """The fields of a rule's Markdown documentation.

    ``## What it does`` and ``## Why is this bad?`` are text; the latter may end with a ```text block
    holding the runtime error. ``## Example`` is a ```python block, a ``Use instead:`` line and a
    second ```python block. ``## Fix safety`` and ``## Options`` are text; ``## References`` is a
    list of ``- [title](url)`` items (the url may sit alone on the next, indented, line).
    """
    sections = _split_sections(markdown)
    why = _blocks(sections.get(WHY, []))
    runtime_error = ""
    if why and why[-1][0] == "```text":
        runtime_error = why.pop()[1]
    example, use_instead = "", ""
    if EXAMPLE in sections:
        blocks = _blocks(sections[EXAMPLE])
        if [kind for kind, _text in blocks] != ["```python", "prose", "```python"] or blocks[1][1] != USE_INSTEAD:
            raise ValueError(f"## {EXAMPLE}: expected a ```python block, {USE_INSTEAD!r} and a ```python block")
        example, use_instead = blocks[0][1] + "\n", blocks[2][1] + "\n"
    references: List[Tuple[str, str]] = []
    for line in _list_items(sections.get(REFERENCES, [])):
        title, sep, rest = line.partition("](")
        if not (title.startswith("- [") and sep and rest.endswith(")")):
            raise ValueError(f"## {REFERENCES}: expected `- [title](url)`, got {line!r}")
        references.append((title[3:], rest[:-1]))
    return Docs(
        what=_prose(_blocks(sections.get(WHAT, [])), WHAT),
        why=_prose(why, WHY),
        runtime_error=runtime_error,
        example=example,
        use_instead=use_instead,
        fix_safety=_prose(_blocks(sections.get(FIX_SAFETY, [])), FIX_SAFETY),
        options=_prose(_blocks(sections.get(OPTIONS, [])), OPTIONS),
        references=tuple(references),
    )


# ---------------------------------------------------------------------------------- discovery
def _rule_modules() -> Iterator[ModuleType]:
    package = importlib.import_module(__package__ or "flake8_pymongo_async.rules")
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        yield importlib.import_module(info.name)


@dataclass(frozen=True)
class _Found:
    rules: Dict[str, Rule]
    families: Tuple[Type[Family], ...]


_found: Optional[_Found] = None


def _discover() -> _Found:
    global _found
    if _found is not None:
        return _found
    rules: Dict[str, Rule] = {}
    ranked: List[Tuple[str, Type[Family]]] = []
    for module in _rule_modules():
        own = [value for value in vars(module).values() if isinstance(value, Rule)]
        for rule in own:
            if rules.setdefault(rule.code, rule) is not rule:
                raise ValueError(f"duplicate rule code {rule.code} (in {module.__name__})")
        first_code = min((rule.code for rule in own), default="")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Family) and value is not Family
                    and value.__module__ == module.__name__):
                ranked.append((first_code, value))
    ranked.sort(key=lambda pair: pair[0])  # stable: modules in package order, classes in definition order
    _found = _Found(rules={code: rules[code] for code in sorted(rules)},
                    families=tuple(family for _code, family in ranked))
    return _found


def family_classes() -> Tuple[Type[Family], ...]:
    """Every rule family, in the order the model runs them."""
    return _discover().families


class _Rules(Mapping[str, Rule]):
    """Every registered rule by code, sorted; the package is searched on first use."""

    def __getitem__(self, code: str) -> Rule:
        return _discover().rules[code]

    def __iter__(self) -> Iterator[str]:
        return iter(_discover().rules)

    def __len__(self) -> int:
        return len(_discover().rules)


RULES: Mapping[str, Rule] = _Rules()
