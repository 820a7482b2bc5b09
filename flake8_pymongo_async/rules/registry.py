"""The rule registry: one entry per code owns its name, message, fix applicability and docs.

Everything user-facing about a rule (flake8 message, `explain`, `rules`, docs/rules/*.md, the
README table, SARIF metadata) is rendered from these entries, so they never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Tuple

GUIDE = "https://www.mongodb.com/docs/languages/python/pymongo-driver/current/reference/migration/"
# Sections of the official migration guide, as anchors rule docs link to.
GUIDE_MOTOR = GUIDE + "#migrate-from-motor"
GUIDE_SIGNATURES = GUIDE + "#method-signature-changes"
GUIDE_PYMONGO = GUIDE + "#migrate-from-pymongo"
GUIDE_ASYNC_METHODS = GUIDE + "#asynchronous-methods"


@dataclass(frozen=True)
class Docs:
    """ruff's sections. Example must trigger the rule; use_instead must not."""

    what: str = ""
    why: str = ""
    runtime_error: str = ""  # verbatim text a user may search for ("" when the failure is silent)
    example: str = ""
    use_instead: str = ""
    fix_safety: str = ""
    options: str = ""
    references: Tuple[Tuple[str, str], ...] = ()  # (title, url)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # kebab-case, names the bad pattern
    message: str  # str.format template; fields are supplied by the rule's check
    fix: str  # "safe", "unsafe", "sometimes" (safe in some contexts, unsafe in others) or "none"
    docs: Docs = field(default_factory=Docs)

    def format(self, **fields: object) -> str:
        return self.message.format(**fields)


RULES: Dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.code in RULES:
        raise ValueError(f"duplicate rule code {rule.code}")
    RULES[rule.code] = rule
    return rule
