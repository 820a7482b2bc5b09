"""Options that change what the checker considers evidence. Shared by flake8 and the CLI."""
from __future__ import annotations

import keyword
import os
from dataclasses import dataclass, field
from typing import FrozenSet, Iterable, Optional, Tuple

FACTORY_KINDS = ("client", "database", "collection")
# The flake8 option; the CLI's pyproject key names itself in its own messages.
FACTORIES_OPTION = "--pma-extra-factories"
SOURCE_ROOTS_OPTION = "--pma-source-roots"


@dataclass(frozen=True)
class Settings:
    # Dotted or bare names of user functions/classes whose call returns an async client,
    # database or collection ("kind:name" pairs, e.g. "collection:app.db.get_users").
    extra_factories: FrozenSet[str] = field(default_factory=frozenset)
    # Absolute directories where first-party modules are also looked for (`--pma-source-roots`),
    # besides the package root found from each file's own path.
    source_roots: Tuple[str, ...] = ()


DEFAULT_SETTINGS = Settings()

# Every rule needs evidence that names the driver (an import of pymongo, gridfs or motor, or a
# configured factory). A module whose text never mentions one cannot produce a finding by itself.
EVIDENCE_WORDS = ("mongo", "motor", "gridfs")


def mentions_driver(text: str, settings: Settings) -> bool:
    """Whether ``text`` (a module's source) names the driver or a configured factory anywhere."""
    words = EVIDENCE_WORDS + tuple(f.rpartition(":")[2].rpartition(".")[2].lower()
                                   for f in settings.extra_factories)
    lowered = text.lower()
    return any(word in lowered for word in words)


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


def parse_source_roots(entries: Optional[Iterable[str]], base: str,
                       option: str = SOURCE_ROOTS_OPTION) -> Tuple[str, ...]:
    """Directories (absolute, or relative to ``base``) into ``Settings.source_roots``, in order.

    Raises ``ValueError`` with a one-line message, starting with ``option``, naming the first entry
    that is not an existing directory. Shared by the flake8 adapter and the CLI (``source-roots``).
    """
    roots = []
    for raw in entries or ():
        entry = raw.strip()
        if not entry:
            continue
        path = os.path.abspath(os.path.join(base, os.path.expanduser(entry)))
        if not os.path.isdir(path):
            raise ValueError(f"{option}: bad entry {entry!r}: not a directory ({path})")
        roots.append(path)
    return tuple(dict.fromkeys(roots))
