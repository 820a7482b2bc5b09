"""Options that change what the checker considers evidence. Shared by flake8 and the CLI."""
from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from typing import FrozenSet, Iterable, Optional

FACTORY_KINDS = ("client", "database", "collection")
# The flake8 option; the CLI's pyproject key names itself in its own messages.
FACTORIES_OPTION = "--pma-extra-factories"


@dataclass(frozen=True)
class Settings:
    # Dotted or bare names of user functions/classes whose call returns an async client,
    # database or collection ("kind:name" pairs, e.g. "collection:app.db.get_users").
    extra_factories: FrozenSet[str] = field(default_factory=frozenset)


DEFAULT_SETTINGS = Settings()


def parse_extra_factories(entries: Optional[Iterable[str]], option: str = FACTORIES_OPTION) -> FrozenSet[str]:
    """Validate ``KIND:NAME`` entries (``collection:app.db.get_users``) into ``Settings.extra_factories``.

    Raises ``ValueError`` with a one-line message, starting with ``option``, naming the first bad
    entry. Pure and deterministic: flake8 may call ``parse_options`` again in every worker process.
    Shared by the flake8 adapter (``--pma-extra-factories``) and the CLI (``extra-factories`` in
    ``pyproject.toml``).
    """
    valid = []
    for raw in entries or ():
        entry = raw.strip()
        if not entry:
            continue
        kind, sep, name = entry.partition(":")
        if not sep or kind not in FACTORY_KINDS or not _is_dotted_name(name):
            raise ValueError(
                f"{option}: bad entry {entry!r}: expected KIND:NAME where KIND is one of "
                f"{', '.join(FACTORY_KINDS)} and NAME is a function or class name, bare or dotted "
                f"(e.g. collection:app.db.get_users)"
            )
        valid.append(f"{kind}:{name}")
    return frozenset(valid)


def _is_dotted_name(name: str) -> bool:
    parts = name.split(".")
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in parts)
