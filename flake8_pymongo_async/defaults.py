"""What the flake8 plugin and the commands both need, without the commands' machinery: the
program's name, where module summaries are cached by default, the directories never walked, and
flake8's way of matching a path against patterns.

Apart from ``plumbing`` (the commands' options, configuration and output types) because flake8
imports the plugin in every process it starts, and the plugin needs only these.
"""
from __future__ import annotations

import fnmatch
import os
from typing import Sequence

PROG = "flake8-pymongo-async"


def default_cache_dir() -> str:
    """Where module summaries are cached unless told otherwise: ``$XDG_CACHE_HOME/flake8-pymongo-async``,
    else ``~/.cache/flake8-pymongo-async`` (never inside the project being checked)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, PROG)


# flake8's default exclude, plus the virtualenv, cache and build directories a project rarely wants
# linted (ruff skips them too). Patterns match a directory's basename or its absolute path.
FLAKE8_EXCLUDE = (".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs", "*.egg")
DEFAULT_EXCLUDE = FLAKE8_EXCLUDE + (
    ".venv", "venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", "node_modules", "site-packages",
    "build", "dist", "*.egg-info",
)


def matches_filename(path: str, patterns: Sequence[str]) -> bool:
    """flake8's ``matches_filename``: the basename or the absolute path matches a pattern."""
    if not patterns:
        return False
    basename = os.path.basename(path)
    if basename not in {".", ".."} and any(fnmatch.fnmatch(basename, p) for p in patterns):
        return True
    absolute = os.path.abspath(path)
    return any(fnmatch.fnmatch(absolute, p) for p in patterns)
