"""Rule docs: registry completeness, generated files, and examples that really trigger their rule."""
from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from flake8_pymongo_async import docs_render
from flake8_pymongo_async.rules.registry import GUIDE, RULES, FixAvailability

ROOT = Path(__file__).resolve().parent.parent
ALL_CODES = sorted(RULES)


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_docs", ROOT / "scripts" / "generate_docs.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


generate_docs = _load_generator()


def _checker():
    # Imported here, not at module level, so that the docs tests above do not depend on the
    # checker importing cleanly; an import error fails the trigger tests only.
    from flake8_pymongo_async import checker

    return checker


def _codes(src: str):
    return {d.code for d in _checker().check(ast.parse(src), src.splitlines(True))}


# -- generated files --------------------------------------------------------------------------------


def test_generated_docs_are_up_to_date():
    diff = generate_docs.check(ROOT)
    assert diff == "", "docs are out of date; run `python scripts/generate_docs.py`:\n" + diff


def test_readme_block_is_generated_when_markers_exist():
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("README.md does not exist yet")
    text = readme.read_text(encoding="utf-8")
    if "<!-- rules-table:start -->" not in text:
        pytest.skip("README.md has no <!-- rules-table:start --> / <!-- rules-table:end --> markers")
    expected = generate_docs.expected_outputs(ROOT)
    assert readme in expected
    assert text == expected[readme]


def test_every_rule_has_a_page_and_a_table_row():
    index = (ROOT / "docs" / "rules" / "README.md").read_text(encoding="utf-8")
    for code in ALL_CODES:
        assert (ROOT / "docs" / "rules" / f"{code}.md").is_file(), code
        assert f"[{code}]({code}.md)" in index, code


# -- every rule's docs -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
def test_docs_are_complete(code):
    rule = RULES[code]
    d = rule.docs
    for field in ("what", "why", "example", "use_instead", "fix_safety"):
        assert getattr(d, field).strip(), f"{code}: empty {field}"
    assert rule.fix_availability in docs_render.FIX_LINES
    assert any(url.startswith(GUIDE) for _title, url in d.references), (
        f"{code}: no reference to the migration guide"
    )
    for title, url in d.references:
        assert title.strip() and url.startswith("https://"), (code, title, url)
    if not d.runtime_error:
        assert "silent" in d.why.lower() or "nothing fails" in d.why.lower(), (
            f"{code}: no runtime error, so `why` must say the failure is silent"
        )
    assert "\n" not in d.runtime_error


@pytest.mark.parametrize("code", ALL_CODES)
def test_examples_parse(code):
    d = RULES[code].docs
    ast.parse(d.example)
    ast.parse(d.use_instead)
    assert d.example != d.use_instead


@pytest.mark.parametrize("code", ALL_CODES)
def test_example_triggers_and_use_instead_does_not(code):
    d = RULES[code].docs
    assert code in _codes(d.example), f"{code}: the example does not trigger the rule"
    found = _codes(d.use_instead)
    assert code not in found, f"{code}: `use_instead` triggers the rule"
    assert not found, f"{code}: `use_instead` triggers {sorted(found)}"


# -- rendering -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
def test_render_text_layout(code):
    rule = RULES[code]
    text = docs_render.render_text(rule)
    lines = text.splitlines()
    assert lines[0] == f"# {code} ({rule.name})"
    assert lines[2] == docs_render.FIX_LINES[rule.fix_availability]
    order = ["## What it does", "## Why is this bad?", "## Example", "Use instead:", "## Fix safety"]
    if rule.docs.options:
        order.append("## Options")
    order.append("## References")
    positions = [lines.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert ("## Options" in lines) == bool(rule.docs.options)
    if rule.docs.runtime_error:
        assert f"```text\n{rule.docs.runtime_error}\n```" in text
    assert docs_render.render_markdown(rule).endswith(text)


def test_fix_lines():
    assert docs_render.FIX_LINES == {
        FixAvailability.ALWAYS: "Fix is always available.",
        FixAvailability.SOMETIMES: "Fix is sometimes available.",
        FixAvailability.NONE: "Fix is not available.",
    }


@pytest.mark.parametrize("code", ALL_CODES)
def test_render_json(code):
    rule = RULES[code]
    data = docs_render.render_json(rule)
    assert data["code"] == code and data["name"] == rule.name and data["fix"] == rule.fix_availability.value
    assert data["url"] == f"docs/rules/{code}.md"
    assert rule.docs.what.startswith(data["summary"])
    assert data["summary"].endswith(".")
    assert data["references"] and all(set(r) == {"title", "url"} for r in data["references"])


def test_first_sentence_skips_code_spans_and_abbreviations():
    assert docs_render.first_sentence("Checks `a.b()` and `c. d`, e.g. this. Then more.") == (
        "Checks `a.b()` and `c. d`, e.g. this."
    )
    assert docs_render.first_sentence("No full stop") == "No full stop"


def test_rules_table():
    table = docs_render.rules_table_markdown(RULES.values())
    lines = table.splitlines()
    assert lines[0] == "| code | name | fix | summary |"
    assert len(lines) == 2 + len(ALL_CODES)
    assert lines[2].startswith("| [PMA101](PMA101.md) | motor-import | ")
    plain = docs_render.rules_table_markdown(RULES.values(), link_prefix=None)
    assert "| PMA101 | motor-import |" in plain


def test_replace_rules_table():
    text = "intro\n<!-- rules-table:start -->\nold\n<!-- rules-table:end -->\noutro\n"
    new = docs_render.replace_rules_table(text, "| t |\n")
    assert new == "intro\n<!-- rules-table:start -->\n| t |\n<!-- rules-table:end -->\noutro\n"
    assert docs_render.replace_rules_table("no markers\n", "| t |\n") is None


def test_nearest_code():
    assert docs_render.nearest_code("PMA10", ALL_CODES) == "PMA101"
    assert docs_render.nearest_code("pma201", ALL_CODES) == "PMA201"
    assert docs_render.nearest_code(" PMA2O1 ", ALL_CODES) == "PMA201"
    assert docs_render.nearest_code("202", ALL_CODES) == "PMA202"
    assert docs_render.nearest_code("PMA5021", ALL_CODES) == "PMA502"
    assert docs_render.nearest_code("PMA30", ALL_CODES) == "PMA301"
    assert docs_render.nearest_code("xyz", ALL_CODES) == ""
    assert docs_render.nearest_code("PMA101", []) == ""
