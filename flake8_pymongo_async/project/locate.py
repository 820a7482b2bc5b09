"""Where a module lives: its package root, its dotted name, and the file a dotted name refers to.

A file's place comes from its path alone: the directories above it that hold an ``__init__.py``
are its packages, and the first one that does not is its *package root* (``src/`` in a src
layout). A module imports from its own package root, from the configured source roots, and from
the project's root and its ``src/`` folder (the nearest directory above holding ``pyproject.toml``,
``setup.py``, ``setup.cfg`` or ``.git``), in that order: the first root holding the module wins.
Only ``.py`` files are found (no extension modules, no stubs); a directory without ``__init__.py``
is not a package here (namespace packages stay unknown).
"""
from __future__ import annotations

import functools
import keyword
import os
from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

INIT = "__init__.py"
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
# A package deeper than this is not believed (a loop of bind mounts, a pathological tree): the
# upward walk stops there and the file's place is unknown.
MAX_PACKAGE_DEPTH = 64


class Probe:
    """Whether paths are files or directories, each asked of the file system once when ``memo``.
    The index asks the same few for every module it looks at (the ``__init__.py`` of each package
    above it, the candidates of each import): the files of the project do not move during a run."""

    __slots__ = ("_memo", "_packages")

    def __init__(self, memo: bool = True) -> None:
        self._memo: Optional[Dict[Tuple[str, bool], bool]] = {} if memo else None
        self._packages: Optional[Dict[str, bool]] = {} if memo else None

    def is_package(self, directory: str) -> bool:
        """Whether ``directory`` holds an ``__init__.py`` (asked for every package above every
        module and import: memoised by the directory alone)."""
        if self._packages is None:
            return os.path.isfile(os.path.join(directory, INIT))
        found = self._packages.get(directory)
        if found is None:
            found = self._packages[directory] = self.is_file(os.path.join(directory, INIT))
        return found

    def is_file(self, path: str) -> bool:
        return self._ask(path, False)

    def is_dir(self, path: str) -> bool:
        return self._ask(path, True)

    def _ask(self, path: str, directory: bool) -> bool:
        if self._memo is None:
            return os.path.isdir(path) if directory else os.path.isfile(path)
        key = (path, directory)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = os.path.isdir(path) if directory else os.path.isfile(path)
        return found


FRESH = Probe(memo=False)  # for a caller that asks once


@dataclass(frozen=True)
class Place:
    root: str  # the package root: the directory the dotted name is relative to
    name: str  # the dotted module name ("app.db"; "app" for app/__init__.py; "" if not a module name)
    is_package: bool  # an __init__.py: relative imports are relative to the module itself

    @property
    def package(self) -> str:
        """What relative imports are relative to (``semantic.project.ProjectView.package``)."""
        if self.is_package:
            return self.name
        return self.name.rpartition(".")[0]


def place_of(path: str, probe: Probe = FRESH) -> Optional[Place]:
    """The package root and dotted name of the module in file ``path`` (None when its name or a
    package directory's name is not an identifier, or the tree is deeper than believable)."""
    path = os.path.abspath(path)
    directory, filename = os.path.split(path)
    stem = filename[:-3] if filename.endswith(".py") else None
    is_package = filename == INIT
    parts = [] if is_package else [stem]
    for _ in range(MAX_PACKAGE_DEPTH):
        if not probe.is_package(directory):
            break
        parts.insert(0, os.path.basename(directory))
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    else:
        return None
    if any(part is None or not _is_identifier(part) for part in parts):
        return None
    return Place(root=directory, name=".".join(p for p in parts if p), is_package=is_package)


def project_root(start: str) -> Optional[str]:
    """The nearest directory at or above ``start`` holding a project marker, or None."""
    directory = os.path.abspath(start)
    while True:
        if any(os.path.exists(os.path.join(directory, marker)) for marker in PROJECT_MARKERS):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def roots_for(place: Optional[Place], configured: Sequence[str], probe: Probe = FRESH) -> Tuple[str, ...]:
    """The directories a module at ``place`` imports first-party modules from, in order."""
    found = []
    if place is not None:
        found.append(place.root)
    found.extend(configured)
    if place is not None:
        top = _project_root_cached(place.root)
        if top is not None:
            found.extend((top, os.path.join(top, "src")))
    return tuple(dict.fromkeys(root for root in found if probe.is_dir(root)))


@functools.lru_cache(maxsize=1024)
def _project_root_cached(start: str) -> Optional[str]:
    return project_root(start)


def resolve(name: str, roots: Sequence[str], probe: Probe = FRESH) -> Optional[str]:
    """The file of the module ``name`` (``pkg/mod.py`` or ``pkg/mod/__init__.py``) under the
    first root that has it, every package on the way having an ``__init__.py``; else None."""
    parts = name.split(".")
    if not name or not all(_is_identifier(p) for p in parts):
        return None
    for root in roots:
        directory = root
        for package in parts[:-1]:
            directory = os.path.join(directory, package)
            if not probe.is_package(directory):
                break
        else:
            last = os.path.join(directory, parts[-1])
            for candidate in (os.path.join(last, INIT), last + ".py"):
                if probe.is_file(candidate):
                    return candidate
    return None


def _is_identifier(part: str) -> bool:
    return part.isidentifier() and not keyword.iskeyword(part)
