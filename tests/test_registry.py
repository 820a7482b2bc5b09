"""The registry: rules and families are discovered from the rules package, docs parsed from Markdown."""
from __future__ import annotations

import sys
import types
from typing import List

import pytest

from flake8_pymongo_async import checker, docs_render
from flake8_pymongo_async.rules import registry
from flake8_pymongo_async.rules.registry import RULES, Family, FixAvailability, Rule, parse_docs

MARKDOWN = """
## What it does

Checks for
a thing.

## Why is this bad?

It fails.

```text
Error: boom
```

## Example

```python
bad()


bad()
```

Use instead:

```python
good()
```

## Fix safety

Safe.

## References

- [Short](https://example.org/a)
- [Long title](
  https://example.org/b)
"""


def test_parse_docs_reads_every_section():
    docs = parse_docs(MARKDOWN)
    assert docs == registry.Docs(
        what="Checks for a thing.", why="It fails.", runtime_error="Error: boom", example="bad()\n\n\nbad()\n",
        use_instead="good()\n", fix_safety="Safe.", options="",
        references=(("Short", "https://example.org/a"), ("Long title", "https://example.org/b")),
    )


@pytest.mark.parametrize(("markdown", "error"), [
    ("## What it does\n\nx\n\n## Rationale\n\ny\n", "unknown section"),
    ("## What it does\n\nx\n\n## What it does\n\ny\n", "appears twice"),
    ("## Why is this bad?\n\nx\n\n## What it does\n\ny\n", "out of order"),
    ("intro\n\n## What it does\n\nx\n", "before the first section"),
    ("## Example\n\n```python\nx\n", "unclosed"),
    ("## Example\n\n```python\nx\n```\n", "Use instead"),
    ("## What it does\n\n```python\nx\n```\n", "only text"),
    ("## References\n\n- https://example.org\n", "title"),
])
def test_parse_docs_rejects_malformed_markdown(markdown, error):
    with pytest.raises(ValueError, match=error):
        parse_docs(markdown)


def test_a_rule_with_malformed_docs_names_its_code():
    with pytest.raises(ValueError, match="PMA999: unknown section"):
        Rule(code="PMA999", name="x", message="x", fix_availability=FixAvailability.NONE, markdown="## Nope\n")


@pytest.mark.parametrize("code", sorted(RULES))
def test_page_body_parses_back_to_the_same_docs(code):
    """The rendered page (after its title and fix line) is itself valid rule Markdown."""
    rule = RULES[code]
    body = docs_render.render_text(rule).split("\n", 4)[4]
    assert parse_docs(body) == rule.docs


def _all_subclasses(cls: type) -> List[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub] + _all_subclasses(sub)
    return found


def test_every_family_in_the_package_is_discovered_once():
    families = registry.family_classes()
    assert len(set(families)) == len(families)
    in_package = {f for f in _all_subclasses(Family) if f.__module__.startswith("flake8_pymongo_async.rules.")}
    assert set(families) == in_package


def test_families_run_in_the_order_of_their_rule_codes():
    def first_code(family: type) -> str:
        module = sys.modules[family.__module__]
        return min(v.code for v in vars(module).values() if isinstance(v, Rule))

    codes = [first_code(f) for f in registry.family_classes()]
    assert codes == sorted(codes)
    # Definition order within a module: LifetimeFamily before RequestFamily.
    names = [f.__name__ for f in registry.family_classes()]
    assert names.index("LifetimeFamily") == names.index("RequestFamily") - 1


def test_the_checker_runs_one_fresh_instance_of_every_family():
    first, second = checker._families(), checker._families()
    assert [type(f) for f in first] == list(registry.family_classes())
    assert all(a is not b for a, b in zip(first, second))


def test_every_module_with_rules_has_a_family_and_every_family_module_has_rules():
    modules = {f.__module__ for f in registry.family_classes()}
    rule_modules = set()
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("flake8_pymongo_async.rules.") and module is not None:
            if any(isinstance(v, Rule) for v in vars(module).values()):
                rule_modules.add(module_name)
    assert rule_modules == modules


def test_rules_are_sorted_by_code():
    assert list(RULES) == sorted(RULES)
    assert all(RULES[code].code == code for code in RULES)


def test_duplicate_codes_are_refused(monkeypatch):
    def rule() -> Rule:
        return Rule(code="PMA998", name="x", message="x", fix_availability=FixAvailability.NONE)

    one, two = types.ModuleType("pkg.one"), types.ModuleType("pkg.two")
    one.PMA998, two.PMA998 = rule(), rule()  # type: ignore[attr-defined]
    monkeypatch.setattr(registry, "_rule_modules", lambda: iter([one, two]))
    monkeypatch.setattr(registry, "_found", None)
    with pytest.raises(ValueError, match="duplicate rule code PMA998"):
        registry.family_classes()
