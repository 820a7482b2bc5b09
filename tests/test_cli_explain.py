"""`explain CODE` and `rules`: every catalog code, rendered from its registry entry."""
from __future__ import annotations

import json
from typing import Tuple

import pytest

from flake8_pymongo_async import cli, docs_render
from flake8_pymongo_async.rules.registry import GUIDE, RULES

ALL_CODES = sorted(RULES)
GUIDE_SECTIONS = ("#migrate-from-motor", "#method-signature-changes", "#migrate-from-pymongo",
                  "#asynchronous-methods")


def run(capsys, *args: str) -> Tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("code", ALL_CODES)
def test_explain_every_code(capsys, code: str) -> None:
    rule = RULES[code]
    status, out, err = run(capsys, "explain", code)
    assert status == 0
    assert out == docs_render.render_text(rule)
    assert out.startswith(f"# {code} ({rule.name})\n")
    guide_links = [url for _, url in rule.docs.references if url.startswith(GUIDE)]
    assert guide_links, f"{code}: no migration-guide reference"
    assert any(url.endswith(GUIDE_SECTIONS) for url in guide_links), guide_links
    assert all(f"({url})" in out for url in guide_links)
    if rule.docs.runtime_error:
        assert rule.docs.runtime_error in out  # verbatim: what the user searches for
    assert err == ""


@pytest.mark.parametrize("code", ALL_CODES)
def test_explain_json(capsys, code: str) -> None:
    status, out, _ = run(capsys, "explain", code, "--format", "json")
    data = json.loads(out)
    assert status == 0
    assert data == {**docs_render.render_json(RULES[code]), "implemented": True}
    assert data["runtime_error"] == RULES[code].docs.runtime_error
    assert any(ref["url"].startswith(GUIDE) for ref in data["references"])


@pytest.mark.parametrize("spelling", ["pma101", " PMA101 ", "101"])
def test_explain_accepts_case_and_bare_digits(capsys, spelling: str) -> None:
    status, out, _ = run(capsys, "explain", spelling)
    assert status == 0 and out.startswith("# PMA101 (motor-import)")


@pytest.mark.parametrize(
    ("typed", "line"),
    [
        ("PMA10", "flake8-pymongo-async: unknown rule 'PMA10'; did you mean PMA101?"),
        ("PMA1011", "flake8-pymongo-async: unknown rule 'PMA1011'; did you mean PMA101?"),
        ("PMA999", "flake8-pymongo-async: unknown rule 'PMA999'; did you mean PMA"),
        ("E501", "flake8-pymongo-async: unknown rule 'E501'; "),
        ("motor-import", "flake8-pymongo-async: unknown rule 'motor-import'; "),
    ],
)
def test_explain_unknown_code_is_one_line_with_a_hint(capsys, typed: str, line: str) -> None:
    status, out, err = run(capsys, "explain", typed)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(line), err
    assert "did you mean" in err or "`flake8-pymongo-async rules` lists every code" in err


def test_explain_without_a_code_is_a_usage_error(capsys) -> None:
    status, out, err = run(capsys, "explain")
    assert status == 2 and out == "" and "CODE" in err and "Traceback" not in err


# --- rules -------------------------------------------------------------------------------------------


def test_rules_text_lists_the_whole_catalog(capsys) -> None:
    status, out, _ = run(capsys, "rules")
    lines = out.splitlines()
    assert status == 0 and [line.split()[0] for line in lines] == ALL_CODES
    for line in lines:
        code, name = line.split()[:2]
        assert name == RULES[code].name
        assert line.endswith(f"fix: {RULES[code].fix_availability.value}")


def test_rules_json(capsys) -> None:
    status, out, _ = run(capsys, "rules", "--format", "json")
    data = json.loads(out)
    assert status == 0 and [r["code"] for r in data] == ALL_CODES
    for row in data:
        rule = RULES[row["code"]]
        assert row == {"code": rule.code, "name": rule.name, "fix": rule.fix_availability.value,
                       "implemented": True,
                       "summary": docs_render.first_sentence(rule.docs.what)}


def test_rules_markdown(capsys) -> None:
    status, out, _ = run(capsys, "rules", "--format", "markdown")
    lines = out.splitlines()
    assert lines[:2] == ["| code | name | fix | implemented | summary |", "|---|---|---|---|---|"]
    assert [line.split("|")[1].strip() for line in lines[2:]] == ALL_CODES
    assert all(line.count("|") - line.count("\\|") == 6 for line in lines)


def test_rules_all_is_still_accepted(capsys) -> None:
    assert run(capsys, "rules", "--all")[1] == run(capsys, "rules")[1]


def test_help_lists_the_commands(capsys) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    for name in ("check", "explain", "rules"):
        assert name in out


def test_sarif_rule_metadata_is_rendered_from_the_registry(capsys, tmp_path) -> None:
    source = tmp_path / "app.py"
    source.write_text("from motor.motor_asyncio import AsyncIOMotorClient\n", encoding="utf-8")
    _status, out, _ = run(capsys, "check", "--isolated", "-j", "1", "--format", "sarif", str(source))
    descriptors = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert [d["id"] for d in descriptors] == ALL_CODES
    for descriptor in descriptors:
        rule = RULES[descriptor["id"]]
        page = docs_render.render_text(rule)
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"] == {"text": docs_render.first_sentence(rule.docs.what)}
        assert descriptor["fullDescription"] == descriptor["help"] == {"text": page, "markdown": page}
        assert descriptor["properties"]["fix"] == rule.fix_availability.value
