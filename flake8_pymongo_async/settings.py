"""Options that change what the checker considers evidence. Shared by flake8 and the CLI."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import FrozenSet


@dataclass(frozen=True)
class Settings:
    # Dotted or bare names of user functions/classes whose call returns an async client,
    # database or collection ("kind:name" pairs, e.g. "collection:app.db.get_users").
    extra_factories: FrozenSet[str] = field(default_factory=frozenset)


DEFAULT_SETTINGS = Settings()
