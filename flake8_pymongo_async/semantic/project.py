"""What the rest of the project tells the model about the module being walked.

The model walks one module; the evidence for what an imported name, a pytest fixture or a
framework's state holds often lives in other modules of the same project. A ``ProjectView``
answers with ``ModuleSummary`` values that were made by *parsing* those modules and walking them
with the same model (never by importing or running them). It is implemented above this layer (the
``project`` package indexes files, caches summaries, finds ``conftest.py`` files); the semantic
layer only reads it. ``NO_PROJECT`` knows nothing: the model then sees one module, as before.

Unknown is always the answer when in doubt: a module that is missing, not first-party, part of an
import cycle being summarised, or that does not parse, is ``None``.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping, Optional, Protocol

from .summary import ModuleSummary, ValueSummary

EMPTY: Mapping[str, ValueSummary] = MappingProxyType({})


class ProjectView(Protocol):
    @property
    def package(self) -> Optional[str]:
        """The dotted package of the module being walked (``app.routers`` for ``app/routers/users.py``;
        the module itself for an ``__init__.py``; ``""`` at the top of a source root), so that
        relative imports resolve. ``None`` when the module's place in the project is not known."""

    def module(self, name: str) -> Optional[ModuleSummary]:
        """The summary of the first-party module ``name`` (absolute, dotted), or None (see above)."""

    def fixtures(self) -> Mapping[str, ValueSummary]:
        """The pytest fixtures the module being walked can request from ``conftest.py`` files up its
        directory tree (the nearest definition of a name wins), by fixture name."""

    def app_state(self) -> Mapping[str, ValueSummary]:
        """Framework state stored anywhere in the project (``ModuleSummary.state`` of every module,
        merged; a key stored with different kinds is left out), by the keys ``ModuleSummary.state`` uses."""


class _NoProject:
    @property
    def package(self) -> Optional[str]:
        return None

    def module(self, name: str) -> Optional[ModuleSummary]:
        return None

    def fixtures(self) -> Mapping[str, ValueSummary]:
        return EMPTY

    def app_state(self) -> Mapping[str, ValueSummary]:
        return EMPTY


NO_PROJECT: ProjectView = _NoProject()
