"""Every rule in the registry has a changelog line (flake8-async's test_messages_documented idea)."""
import re
from pathlib import Path

from flake8_pymongo_async.rules.registry import RULES

CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"


def test_every_rule_has_a_changelog_line_with_its_name():
    text = CHANGELOG.read_text(encoding="utf-8")
    missing = [code for code, rule in RULES.items()
               if not re.search(rf"^- {code} `{re.escape(rule.name)}`: ", text, re.M)]
    assert not missing, f"CHANGELOG.md lacks a line for: {', '.join(missing)}"
